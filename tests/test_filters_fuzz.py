"""Property-based tests of kernels.filters: whatever a user passes, the
documented exception or the right answer (issue 14).

Every public function of ``kernels.filters`` that takes user values has two
properties. Over valid inputs it must return, and its result is checked in
every example against a NumPy or Python reference (``event()`` counts them:
``pytest --hypothesis-show-statistics``). Over hostile inputs (floats huge,
NaN or inf, ints huge too, strings, None, bools, NumPy scalars and arrays of
any dtype, the capsules of other factories) each input carries a label,
written by hand per kind (``tests/labelled.py``), of what it must become or
the exception it must raise: a refusal must be of exactly that type and name
the parameter, and an accepted input must be accepted and give the right
answer. A factory that refuses everything fails both (tested below).

The factories validate in Python before any C runs, so they are fuzzed in
this process. What reaches C (callables run by ndimage on arbitrary images,
with the user_data of other factories, after an attempt to change a block in
place) runs in a child interpreter, which loads the suite's Hypothesis
profile and prints each input before trying it: a crash fails one test and
shows the input that caused it.

The budget is the suite's (tests/conftest.py): fixed and derandomised, so
that ``make test`` stays short and repeatable; ``KERNELS_FUZZ_PROFILE=long``
tries many more.
"""

import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import LowLevelCallable, ndimage

from kernels import capsules, filters, gaussian
from labelled import integer_inputs, is_error, names, real_inputs, real_numbers

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


def need(label, name, ok=None):
    """({(error, name)}, None) for a refused input, or (set(), value)."""
    if is_error(label):
        return {(label, name)}, None
    if ok is not None and not ok(label):
        return {(ValueError, name)}, None
    return set(), label


def outcome(errors, function, *args):
    """``function(*args)``: it must return if ``errors`` is empty, and else
    raise exactly one of the (type, name) pairs, its message naming the
    parameter."""
    if not errors:
        return function(*args)
    with pytest.raises(DOCUMENTED) as info:
        function(*args)
    raised, message = type(info.value), str(info.value)
    assert any(raised is e and names(message, n) for e, n in errors), (
        f"raised {raised.__name__}({message!r}), expected one of {errors}"
    )
    event(f"refused: {raised.__name__}")
    return None


LINE = np.random.default_rng(5).normal(size=50)
IMAGE = np.random.default_rng(6).normal(size=(12, 15))

# --- trimmed_mean_callable ------------------------------------------------------


def check_trimmed_mean(llc, size, cut):
    assert filters.parameters(llc.user_data) == {"filter_size": size, "trim": cut}
    compiled = ndimage.generic_filter(LINE, llc, size=size)
    # The Python version, through the same padding as the callback (np.pad's
    # "symmetric" differs from SciPy's "reflect" once the pad is longer than
    # the line).
    expected = ndimage.generic_filter(
        LINE, lambda values: np.sort(values)[cut : size - cut].mean(), size=size
    )
    np.testing.assert_allclose(compiled, expected, rtol=1e-12, atol=1e-15)
    event("result checked")


@given(data=st.data())
def test_trimmed_mean_callable_valid(data):
    size = data.draw(st.one_of(st.integers(1, 60), st.integers(1, 1024)), "size")
    cut = data.draw(st.integers(0, (size - 1) // 2), "trim")
    kind = data.draw(st.sampled_from([int, np.int64, np.uint16]), "integer type")
    llc = filters.trimmed_mean_callable(kind(size), kind(cut))
    check_trimmed_mean(llc, size, cut)


sizes = st.one_of(st.integers(1, 40).map(lambda i: (i, i)), integer_inputs)


@given(filter_size=sizes, trim=sizes)
def test_trimmed_mean_callable_hostile(filter_size, trim):
    (filter_size, size_label), (trim, trim_label) = filter_size, trim
    size_errors, size = need(size_label, "filter_size", lambda n: 1 <= n <= 1024)
    trim_errors, cut = need(trim_label, "trim", lambda n: n >= 0)
    errors = size_errors | trim_errors
    if not is_error(size_label) and not is_error(trim_label) and trim_label >= 0:
        if 2 * trim_label >= size_label:
            errors |= {(ValueError, "trim")}
    llc = outcome(errors, filters.trimmed_mean_callable, filter_size, trim)
    if llc is not None:
        check_trimmed_mean(llc, size, cut)


# --- ema_callable ---------------------------------------------------------------


def check_ema(llc, a):
    assert filters.parameters(llc.user_data) == {"alpha": a}
    compiled = ndimage.generic_filter1d(IMAGE, llc, 1)
    expected = np.empty_like(IMAGE)
    average = IMAGE[:, 0].copy()
    for i in range(IMAGE.shape[1]):
        average = a * IMAGE[:, i] + (1 - a) * average
        expected[:, i] = average
    np.testing.assert_array_equal(compiled, expected)
    event("result checked")


@given(alpha=st.one_of(st.floats(0, 1, exclude_min=True), st.just(1)))
def test_ema_callable_valid(alpha):
    check_ema(filters.ema_callable(alpha), float(alpha))


@given(labelled=st.one_of(st.floats(0, 1).map(lambda a: (a, a)), real_inputs))
def test_ema_callable_hostile(labelled):
    alpha, label = labelled
    errors, a = need(label, "alpha", lambda v: 0 < v <= 1)
    llc = outcome(errors, filters.ema_callable, alpha)
    if llc is not None:
        check_ema(llc, a)


# --- polar_callable ---------------------------------------------------------------


def check_polar(llc, row, col, r, a):
    assert filters.parameters(llc.user_data) == {
        "centre": (row, col),
        "radius_step": r,
        "angle_step": a,
    }
    compiled = ndimage.geometric_transform(IMAGE, llc, output_shape=(6, 8), order=1)
    i, j = np.mgrid[0:6, 0:8].astype(float)
    coordinates = [row + i * r * np.sin(j * a), col + i * r * np.cos(j * a)]
    expected = ndimage.map_coordinates(IMAGE, coordinates, order=1)
    np.testing.assert_allclose(compiled, expected, rtol=1e-12, atol=1e-12)
    event("result checked")


positions = st.floats(-5, 20)
steps = st.floats(0, 3, exclude_min=True)
pairs = st.sampled_from([tuple, list, np.array])


@given(row=positions, col=positions, make=pairs, radius=steps, angle=st.floats(1e-3, 1))
def test_polar_callable_valid(row, col, make, radius, angle):
    llc = filters.polar_callable(make([row, col]), radius, angle)
    check_polar(llc, row, col, radius, angle)


def labelled_centre(row, col, make):
    """A pair of labelled elements: the pair of floats, or the errors that
    name an element (the message may say "centre row" or "centre")."""
    (row, row_label), (col, col_label) = row, col
    errors = set()
    for label, element in ((row_label, "centre row"), (col_label, "centre column")):
        element_errors, _ = need(label, element, math.isfinite)
        errors |= {(e, n) for e, _ in element_errors for n in (element, "centre")}
    return make([row, col]), (errors or (float(row_label), float(col_label)))


centres = st.one_of(
    st.builds(
        labelled_centre,
        st.one_of(positions.map(lambda v: (v, v)), real_inputs),
        st.one_of(positions.map(lambda v: (v, v)), real_inputs),
        st.sampled_from([tuple, list]),
    ),
    # Not a pair: a number, None, a string, one or three numbers.
    real_numbers.map(lambda pair: (pair[0], {(TypeError, "centre")})),
    st.sampled_from([None, "", (1.0,), (1.0, 2.0, 3.0), [1.0]]).map(
        lambda value: (value, {(TypeError, "centre")})
    ),
)


@given(
    centre=centres,
    radius=st.one_of(steps.map(lambda v: (v, v)), real_inputs),
    angle=st.one_of(steps.map(lambda v: (v, v)), real_inputs),
)
def test_polar_callable_hostile(centre, radius, angle):
    (centre, centre_label), (radius, r_label), (angle, a_label) = (
        centre,
        radius,
        angle,
    )
    errors = set(centre_label) if isinstance(centre_label, set) else set()
    r_errors, r = need(r_label, "radius_step", lambda v: math.isfinite(v) and v > 0)
    a_errors, a = need(a_label, "angle_step", lambda v: math.isfinite(v) and v > 0)
    errors |= r_errors | a_errors
    llc = outcome(errors, filters.polar_callable, centre, radius, angle)
    if llc is not None:
        check_polar(llc, *centre_label, r, a)


def test_range_ends_by_hand():
    # Each documented range holds its ends and nothing beyond them.
    accepted = [
        lambda: filters.trimmed_mean_callable(1, 0),
        lambda: filters.trimmed_mean_callable(1024, 511),
        lambda: filters.trimmed_mean_callable(9, 4),
        lambda: filters.ema_callable(1),
        lambda: filters.ema_callable(5e-324),
        lambda: filters.polar_callable((0, 0), 5e-324, 5e-324),
    ]
    refused = [
        ("filter_size", lambda: filters.trimmed_mean_callable(0, 0)),
        ("filter_size", lambda: filters.trimmed_mean_callable(1025, 0)),
        ("trim", lambda: filters.trimmed_mean_callable(10, 5)),
        ("trim", lambda: filters.trimmed_mean_callable(9, -1)),
        ("alpha", lambda: filters.ema_callable(0.0)),
        ("alpha", lambda: filters.ema_callable(math.nextafter(1.0, 2.0))),
        ("radius_step", lambda: filters.polar_callable((0, 0), 0.0, 1.0)),
        ("angle_step", lambda: filters.polar_callable((0, 0), 1.0, -0.0)),
    ]
    for make in accepted:
        assert filters.parameters(make().user_data)
    for name, make in refused:
        with pytest.raises(ValueError) as info:
            make()
        assert names(str(info.value), name), info.value


# --- parameters ---------------------------------------------------------------


@given(which=st.integers(0, len(other_capsules()) - 1))
def test_parameters_of_every_capsule(which):
    user_data = other_capsules()[which]
    expected = {
        3: {"filter_size": 9, "trim": 1},
        4: {"alpha": 0.5},
        5: {"centre": (1.0, 1.0), "radius_step": 1.0, "angle_step": 1.0},
    }.get(which)
    if expected is None:
        with pytest.raises(TypeError, match="kernels.filters"):
            filters.parameters(user_data)
        event("refused: TypeError")
    else:
        assert filters.parameters(user_data) == expected
        event("result checked")


@given(labelled=st.one_of(real_inputs, integer_inputs))
def test_parameters_refuses_anything_but_a_filter_block(labelled):
    with pytest.raises(TypeError, match="kernels.filters"):
        filters.parameters(labelled[0])
    event("refused: TypeError")


# --- the properties fail on a factory that refuses everything --------------------

VALID_AND_HOSTILE = {
    "trimmed_mean_callable": [
        test_trimmed_mean_callable_valid,
        test_trimmed_mean_callable_hostile,
    ],
    "ema_callable": [test_ema_callable_valid, test_ema_callable_hostile],
    "polar_callable": [test_polar_callable_valid, test_polar_callable_hostile],
}


@pytest.mark.parametrize("kind", ["valid", "hostile"])
@pytest.mark.parametrize("factory", sorted(VALID_AND_HOSTILE))
def test_a_factory_that_refuses_everything_fails_its_properties(
    monkeypatch, without_shrinking, factory, kind
):
    def refuse(*args):
        raise TypeError(f"{factory} refuses everything, {args!r} too")

    monkeypatch.setattr(filters, factory, refuse)
    valid, hostile = VALID_AND_HOSTILE[factory]
    with pytest.raises(Exception) as info:
        without_shrinking(valid if kind == "valid" else hostile)
    # Hypothesis raises the failure, or a group of the distinct ones.
    failures = [info.value]
    while isinstance(failures[-1], BaseExceptionGroup):
        failures[-1:] = failures[-1].exceptions
    assert any("refuses everything" in str(f) for f in failures), failures


# What reaches C runs in a child interpreter.

CHILD = """
import sys
sys.path.insert(0, {tests!r})
import conftest  # the suite's Hypothesis profile, as in the parent
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


def child_prints_its_profile():
    current = settings()
    print("try", current.max_examples, current.deadline, current.derandomize)


def test_children_run_with_the_suites_profile():
    current = settings()
    tried = run_in_child("child_prints_its_profile")
    assert tried == [
        f"try {current.max_examples} {current.deadline} {current.derandomize}"
    ]


def test_filters_on_arbitrary_images_in_a_child():
    assert run_in_child("child_filters_on_arbitrary_images")


def test_user_data_of_other_kinds_in_a_child():
    assert run_in_child("child_user_data_of_other_kinds")
