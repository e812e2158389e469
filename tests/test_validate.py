"""kernels._validate: the one home of the input checks every factory uses."""

import fractions
import math

import numpy as np
import pytest

from kernels import filters, gaussian, multidim, normal
from kernels._validate import finite_real, integer_in_range, real_array, short_repr


@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3)])
def test_integer_in_range_returns_a_python_int(value):
    result = integer_in_range("n", value, 1, 5)
    assert result == 3 and type(result) is int


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "bool True"),
        (3.0, "float 3.0"),
        ("3", "str '3'"),
        (None, "NoneType None"),
    ],
)
def test_integer_in_range_refuses_what_is_not_an_integer(value, shown):
    with pytest.raises(TypeError, match=f"^n must be an integer, got {shown}$"):
        integer_in_range("n", value, 1, 5)


@pytest.mark.parametrize(
    ("value", "high", "message"),
    [
        (0, 5, "n must be >= 1 and <= 5, got 0"),
        (6, 5, "n must be >= 1 and <= 5, got 6"),
        (-(10**5000), None, "n must be >= 1, got -an integer of 16610 bits"),
    ],
    ids=["low", "high", "-1e5000"],
)
def test_integer_in_range_refuses_a_value_out_of_range(value, high, message):
    with pytest.raises(ValueError) as caught:
        integer_in_range("n", value, 1, high)
    assert str(caught.value) == message


def test_every_count_is_checked_by_the_same_function():
    for make, name, high in [
        (lambda n: filters.trimmed_mean_callable(n, 0), "filter_size", 1024),
        (lambda n: multidim.recording_callable(n), "slots", 64),
    ]:
        with pytest.raises(ValueError, match=f"^{name} must be >= 1 and <= {high}, "):
            make(high + 1)
        with pytest.raises(TypeError, match=f"^{name} must be an integer, got float"):
            make(2.0)


def test_every_finite_parameter_is_checked_by_the_same_function():
    for make, name in [
        (gaussian.gaussian_callable, "a"),
        (lambda v: normal.normal_callable(v, 1.0), "mu"),
        (lambda v: normal.normal_callable(0.0, v), "sigma"),
        (filters.ema_callable, "alpha"),
    ]:
        with pytest.raises(ValueError) as caught:
            make(math.inf)
        with pytest.raises(ValueError) as expected:
            finite_real(name, math.inf)
        assert (
            str(caught.value)
            == str(expected.value)
            == f"{name} must be finite, got inf"
        )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (2**64 - 1, str(2**64 - 1)),
        (2**64, "an integer of 65 bits"),
        (-(10**5000), "-an integer of 16610 bits"),  # str() would refuse it
        (fractions.Fraction(10**5000, 3), "a Fraction too long to print"),
        ("x" * 100, repr("x" * 100)[:57] + "..."),
        (1.5, "1.5"),
    ],
    ids=["64 bits", "65 bits", "-1e5000", "huge fraction", "long str", "float"],
)
def test_short_repr_never_fails_and_stays_short(value, shown):
    assert short_repr(value) == shown
    assert len(short_repr(value)) <= 60


@pytest.mark.parametrize(
    ("values", "where"),
    [
        ([True, 0.5], r"x\[0\]"),
        ([0.5, np.True_], r"x\[1\]"),
        ([[1.0, 2.0], [3.0, False]], r"x\[1, 1\]"),
    ],
)
def test_real_array_refuses_a_bool_that_numpy_would_make_a_number(values, where):
    # np.asarray([True, 0.5]) is [1.0, 0.5]: the bool must not pass as 1.0.
    with pytest.raises(TypeError, match=where + " must be a real number, got a bool"):
        real_array("x", values, ndim=None)


def test_set_double_names_an_index_that_is_not_an_integer():
    from kernels import capsules

    block = capsules.array_capsule([1.0, 2.0])
    for index in (1.0, None, "0", np.True_):
        with pytest.raises(TypeError, match="index must be an integer"):
            capsules.set_double(block, index, 3.0)
