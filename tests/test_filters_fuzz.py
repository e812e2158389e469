"""Property-based tests of kernels.filters: whatever a user passes, a
documented exception or the right answer (issue 14).

Every public function of ``kernels.filters`` that takes user values is fed
arbitrary ones: floats (huge, NaN, inf), ints (huge too), strings, None, bools,
NumPy scalars and arrays of any dtype, shape and contiguity, and the capsules
of other factories. The property: either TypeError or ValueError (the errors
the docstrings name), or a result equal to a NumPy or Python reference.

The factories validate in Python before any C runs, so they are fuzzed in
this process. What reaches C (callables run by ndimage on arbitrary images,
with the user_data of other factories, after an attempt to change a block in
place) runs in a child interpreter, which prints each input before trying it:
a crash fails one test and shows the input that caused it.

The budget is fixed and the examples derandomised, so that ``make test`` stays
short and repeatable: ``KERNELS_FUZZ_PROFILE=long`` tries many more.
"""

import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import LowLevelCallable, ndimage

from kernels import capsules, filters, gaussian
from kernels.pycapsule import capsule_name

# The example budget is the suite's (tests/conftest.py): KERNELS_FUZZ_PROFILE.

# The exceptions the factories document.
DOCUMENTED = (TypeError, ValueError)


def other_capsules():
    # user_data of every other kind, and other capsules the package makes.
    return [
        capsules.double_capsule(0.5),
        capsules.array_capsule([9.0, 1.0, 0.0]),
        gaussian.gaussian_callable(1.0).user_data,
        filters.trimmed_mean_callable(9, 1).user_data,
        filters.ema_callable(0.5).user_data,
        filters.polar_callable((1, 1), 1, 1).user_data,
    ]


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**5000), max_value=10**5000),
    st.floats(),  # NaN, inf and subnormals included
    st.complex_numbers(),
    st.text(max_size=4),
    st.binary(max_size=4),
    hnp.from_dtype(np.dtype("float64")),
    hnp.from_dtype(np.dtype("int64")),
    hnp.from_dtype(np.dtype("uint8")),
    hnp.from_dtype(np.dtype("float32")),
    hnp.from_dtype(np.dtype("bool")),
    st.sampled_from(range(len(other_capsules()))).map(lambda i: other_capsules()[i]),
)
arrays = hnp.arrays(
    dtype=st.one_of(hnp.scalar_dtypes(), hnp.byte_string_dtypes(max_len=2)),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3),
)
values = st.one_of(
    scalars,
    arrays,
    st.lists(scalars, max_size=3),
    st.tuples(scalars, scalars),
)
# Small integers and reals hit the accepted range often enough to check the
# results, not only the refusals.
sizes = st.one_of(values, st.integers(-2, 40))
reals = st.one_of(values, st.floats(-2, 2), st.floats(0, 1))


def refused_or(function, *args):
    """``function(*args)``, or None if it raised a documented exception."""
    try:
        return function(*args)
    except DOCUMENTED:
        return None


LINE = np.random.default_rng(5).normal(size=50)
IMAGE = np.random.default_rng(6).normal(size=(12, 15))


@given(filter_size=sizes, trim=sizes)
def test_trimmed_mean_callable_refuses_or_is_right(filter_size, trim):
    llc = refused_or(filters.trimmed_mean_callable, filter_size, trim)
    if llc is None:
        return
    # Accepted: two true integers with 0 <= trim < filter_size / 2 <= 512.
    for value in (filter_size, trim):
        assert not isinstance(value, bool) and int(value) == value
    size, cut = int(filter_size), int(trim)
    assert 1 <= size <= 1024 and 0 <= 2 * cut < size
    compiled = ndimage.generic_filter(LINE, llc, size=size)
    # The Python version, through the same padding as the callback (np.pad's
    # "symmetric" differs from SciPy's "reflect" once the pad is longer than
    # the line).
    expected = ndimage.generic_filter(
        LINE, lambda values: np.sort(values)[cut : size - cut].mean(), size=size
    )
    np.testing.assert_allclose(compiled, expected, rtol=1e-12, atol=1e-15)


@given(alpha=reals)
def test_ema_callable_refuses_or_is_right(alpha):
    llc = refused_or(filters.ema_callable, alpha)
    if llc is None:
        return
    a = float(alpha)
    assert 0 < a <= 1 and not isinstance(alpha, bool)
    compiled = ndimage.generic_filter1d(IMAGE, llc, 1)
    expected = np.empty_like(IMAGE)
    average = IMAGE[:, 0].copy()
    for i in range(IMAGE.shape[1]):
        average = a * IMAGE[:, i] + (1 - a) * average
        expected[:, i] = average
    np.testing.assert_array_equal(compiled, expected)


@given(centre=st.one_of(values, st.tuples(reals, reals)), radius=reals, angle=reals)
def test_polar_callable_refuses_or_is_right(centre, radius, angle):
    llc = refused_or(filters.polar_callable, centre, radius, angle)
    if llc is None:
        return
    row, col = (float(c) for c in centre)
    r, a = float(radius), float(angle)
    assert all(map(math.isfinite, (row, col, r, a))) and r > 0 and a > 0
    compiled = ndimage.geometric_transform(IMAGE, llc, output_shape=(6, 8), order=1)
    i, j = np.mgrid[0:6, 0:8].astype(float)
    coordinates = [row + i * r * np.sin(j * a), col + i * r * np.cos(j * a)]
    expected = ndimage.map_coordinates(IMAGE, coordinates, order=1)
    np.testing.assert_allclose(compiled, expected, rtol=1e-12, atol=1e-12)


@given(user_data=values)
def test_parameters_refuses_anything_but_a_filter_block(user_data):
    result = refused_or(filters.parameters, user_data)
    if result is not None:
        assert capsule_name(user_data) in filters.BLOCK_NAMES.values()


# What reaches C runs in a child interpreter.

CHILD = """
import sys
sys.path.insert(0, {tests!r})
import test_filters_fuzz as fuzz
fuzz.{name}()
"""


def run_in_child(name):
    code = CHILD.format(tests=os.path.dirname(__file__), name=name)
    env = dict(os.environ, PYTHONFAULTHANDLER="1")
    result = subprocess.run(
        [sys.executable, "-P", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    tried = [line for line in result.stdout.splitlines() if line.startswith("try ")]
    last = tried[-1] if tried else "(no input yet)"
    assert result.returncode == 0, (
        f"child exited with {result.returncode} at {last}\n{result.stderr[-3000:]}"
    )
    return tried


def announce(*args):
    print("try", *map(repr_short, args), flush=True)


def repr_short(value):
    if isinstance(value, np.ndarray):
        return (
            f"array(dtype={value.dtype}, shape={value.shape}, strides={value.strides})"
        )
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**50 else "huge"
    return text[:200]


images = st.one_of(
    hnp.arrays(
        dtype=st.one_of(
            hnp.floating_dtypes(), hnp.integer_dtypes(), hnp.boolean_dtypes()
        ),
        shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6),
    ),
    # Non-contiguous views too.
    hnp.arrays(np.float64, (8, 9)).map(lambda a: a[::2, ::-3]),
    hnp.arrays(np.float64, (7, 6)).map(np.transpose),
)


def same_outcome(compiled, python):
    """Both raise the same exception type, or give the same array."""
    try:
        expected = python()
    except Exception as error:  # noqa: BLE001 - compared with the other route
        with pytest.raises(type(error)):
            compiled()
        return
    np.testing.assert_allclose(compiled(), expected, rtol=1e-12, equal_nan=True)


def child_filters_on_arbitrary_images():
    @given(image=images, size=st.integers(1, 4), trim=st.integers(0, 7))
    def trimmed(image, size, trim):
        announce("trimmed_mean", image, size, trim)
        n = size**image.ndim
        trim = min(trim, (n - 1) // 2)
        llc = filters.trimmed_mean_callable(n, trim)

        def python(values):
            return np.sort(values)[trim : n - trim].mean()

        same_outcome(
            lambda: ndimage.generic_filter(image, llc, size=size),
            lambda: ndimage.generic_filter(image, python, size=size),
        )

    @given(
        image=images, alpha=st.floats(0, 1, exclude_min=True), axis=st.integers(-1, 2)
    )
    def ema(image, alpha, axis):
        announce("ema", image, alpha, axis)
        llc = filters.ema_callable(alpha)

        def python(line, out):
            average = line[0]
            for i in range(len(out)):
                average = alpha * line[i] + (1 - alpha) * average
                out[i] = average

        same_outcome(
            lambda: ndimage.generic_filter1d(image, llc, 1, axis=axis),
            lambda: ndimage.generic_filter1d(image, python, 1, axis=axis),
        )

    trimmed()
    ema()


def child_user_data_of_other_kinds():
    callbacks = {
        "trimmed_mean": lambda llc: ndimage.generic_filter(IMAGE, llc, size=3),
        "ema": lambda llc: ndimage.generic_filter1d(IMAGE, llc, 1),
        "polar_unwrap": lambda llc: ndimage.geometric_transform(IMAGE, llc),
    }
    owners = {3: "trimmed_mean", 4: "ema", 5: "polar_unwrap"}

    @given(
        name=st.sampled_from(sorted(callbacks)),
        which=st.one_of(st.none(), st.integers(0, 5)),
        index=st.integers(-3, 8),
        value=st.floats(),
    )
    def wrong_user_data(name, which, index, value):
        announce(name, which, index, value)
        user_data = None if which is None else other_capsules()[which]
        # No API writes into a filter block: set_double refuses it.
        if which is not None and which >= 3:
            with pytest.raises(TypeError):
                capsules.set_double(user_data, index, value)
        llc = LowLevelCallable.from_cython(filters, name, user_data)
        if which is not None and owners.get(which) == name:
            callbacks[name](llc)  # its own block: runs
        else:
            with pytest.raises(TypeError, match=f"{name} needs the user_data"):
                callbacks[name](llc)

    wrong_user_data()


def test_filters_on_arbitrary_images_in_a_child():
    assert run_in_child("child_filters_on_arbitrary_images")


def test_user_data_of_other_kinds_in_a_child():
    assert run_in_child("child_user_data_of_other_kinds")
