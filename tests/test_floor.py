"""Claims the book makes about kernels.floor, the measure of quad's floor."""

import math

import numpy as np
import pytest
from scipy import integrate

from kernels import capsules, floor, gaussian, lorentz
from kernels.pycapsule import capsule_name


def test_constant_capsule_is_named_by_its_c_signature():
    assert capsule_name(floor.__pyx_capi__["constant"]) == "double (double, void *)"


@pytest.mark.parametrize("value", [0.0, 1.0, -2.5])
def test_constant_integrates_to_value_times_length(value):
    result, _ = integrate.quad(floor.constant_callable(value), 0.0, 3.0)
    assert result == pytest.approx(3.0 * value, abs=1e-14)


def test_zero_stops_after_one_rule_on_both_kinds_of_range():
    # The floor measures one quad call: with the integrand 0 it must stop at
    # once, 30 evaluations on (-inf, inf) (15 points, on each half) and 21 on
    # a finite range (one 21-point Gauss-Kronrod rule).
    zero = floor.constant_callable()
    infinite = integrate.quad(zero, -np.inf, np.inf, full_output=1)
    finite = integrate.quad(zero, 0.0, 1.0, full_output=1)
    assert infinite[0] == 0.0 and infinite[2]["neval"] == 30
    assert finite[0] == 0.0 and finite[2]["neval"] == 21


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_non_finite_constant_raises_value_error(value):
    with pytest.raises(ValueError, match="finite"):
        floor.constant_callable(value)


@pytest.mark.parametrize("value", ["0", None, True, [0.0]])
def test_non_real_constant_raises_type_error(value):
    with pytest.raises(TypeError, match="real number"):
        floor.constant_callable(value)


def test_sum_gauss_adds_the_same_values_as_numpy():
    rng = np.random.default_rng(1)
    x = rng.normal(size=1000)
    a = rng.uniform(0.1, 10, size=1000)
    assert floor.sum_gauss(x, a) == pytest.approx(np.exp(-a * x * x).sum(), rel=1e-13)


def test_sum_gauss_calls_the_same_function_quad_calls():
    # One term of the loop is gauss(x, &a): the integrand of gaussian_callable.
    llc = gaussian.gaussian_callable(2.0)
    assert capsules.read_doubles(llc.user_data).tolist() == [2.0]
    assert floor.sum_gauss([0.5], [2.0]) == math.exp(-2.0 * 0.25)


def test_sum_lorentz_adds_the_same_values_as_numpy():
    rng = np.random.default_rng(2)
    x = rng.uniform(size=500)
    c = rng.uniform(0.1, 0.9, size=500)
    width = np.full(500, 1e-3)
    expected = (width / ((x - c) ** 2 + width**2)).sum()
    total = floor.sum_lorentz(x, np.column_stack([c, width]))
    assert total == pytest.approx(expected, rel=1e-13)
    assert lorentz.lorentz_integral(0.5, 1e-3, 0.0, 1.0) > 0


def test_loops_accept_strided_and_empty_input():
    x = np.arange(10.0)[::2]
    assert floor.sum_gauss(x, np.ones(5)) == pytest.approx(np.exp(-(x**2)).sum())
    assert floor.sum_gauss([], []) == 0.0


def test_loops_reject_mismatched_lengths():
    with pytest.raises(ValueError, match="x has 3 values but the parameters have 2"):
        floor.sum_gauss([1.0, 2.0, 3.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="x has 1 values but the parameters have 2"):
        floor.sum_lorentz([1.0], [[0.5, 1e-3], [0.5, 1e-3]])


def test_loops_reject_bad_shapes_and_types():
    with pytest.raises(ValueError, match="1-D"):
        floor.sum_gauss(np.ones((2, 2)), np.ones(4))
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        floor.sum_lorentz([0.5], [[0.5, 1e-3, 7.0]])
    with pytest.raises(TypeError, match="real numbers"):
        floor.sum_gauss(["a"], [1.0])
    with pytest.raises(TypeError, match="real numbers"):
        floor.sum_lorentz([0.5], [["c", "w"]])
