"""Property-based tests of every public function of kernels that takes user values.

(kernels.filters and kernels.bench have fuzz tests of their own.)  Each
function has two properties:

- over *valid* inputs, drawn from its documented range: the call returns,
  and its result is checked in every example against an independent oracle
  (a closed form, NumPy, ``quad`` of a pure-Python integrand, or hand-computed
  values), evaluating the C callback itself through ctypes and integrating
  with SciPy;
- over *hostile* inputs (NaN, infinities, subnormals, integers far beyond a
  double's range, strings, bytes, None, bools, complex numbers, Decimals,
  fractions, NumPy scalars and arrays of any dtype, shape and contiguity,
  capsules and callables of other factories): each input carries a label,
  written by hand per kind of input (``tests/labelled.py``), of the value it
  must become or the exception it must raise.  A refusal must be of exactly
  that type and its message must name the parameter; where several
  parameters are wrong at once, it may name any one of them, with that one's
  type.  An accepted input is checked as in the valid property.

Hypothesis ``event()`` records, per property, how often the result was
checked and which refusals occurred: ``pytest --hypothesis-show-statistics``.

Every call into compiled code runs in a forked child (tests/forked.py), so a
segfault fails one example, with the input printed, instead of the run.

The example budget is a Hypothesis settings profile (tests/conftest.py):
``default`` for ``make test``, ``long`` with KERNELS_FUZZ_PROFILE=long.
Excluded here: ``LowLevelCallable.from_cython(module, name, any_user_data)``,
the raw route, fuzzed with the NULL checks of the callbacks.
"""

import ctypes
import faulthandler
import math
import sys

import numpy as np
import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import integrate

from forked import run_forked
from kernels import (
    capsules,
    floor,
    gaussian,
    leaky,
    lorentz,
    multidim,
    normal,
    seed,
    signatures,
    sweep,
)
from kernels.pycapsule import capsule_name, capsule_pointer
from labelled import (
    integer_inputs,
    is_error,
    names,
    non_reals,
    not_real_arrays,
    poisoned_lists,
    ragged,
    real_arrays,
    real_inputs,
    real_numbers,
    refused_dtype_arrays,
)

# The documented ranges, from their definitions (not from kernels).
DBL_MAX = sys.float_info.max
DBL_MIN = sys.float_info.min  # the smallest normal double
WIDTH_LOW, WIDTH_HIGH = math.sqrt(DBL_MIN), math.sqrt(DBL_MAX)
DOCUMENTED = (TypeError, ValueError, IndexError)

# --- outcomes ------------------------------------------------------------------


def need(label, name, ok=None):
    """What a parameter labelled ``label`` gives: ({(error, name)}, None) or
    (set(), value), where ``ok(value)`` False means a ValueError."""
    if is_error(label):
        return {(label, name)}, None
    if ok is not None and not ok(label):
        return {(ValueError, name)}, None
    return set(), label


def combine(*needs):
    """Every parameter's errors (any may be named), or the values."""
    errors = set().union(*(e for e, _ in needs))
    return errors, (None if errors else tuple(v for _, v in needs))


def finite(v):
    return math.isfinite(v)


def positive(v):
    return math.isfinite(v) and v > 0


def in_sweep_range(v):
    return 1e-6 <= v <= 1e6


def check_outcome(errors, call, *args):
    """Run ``call(*args)`` forked.

    ``errors`` empty: it must return, and the result is returned.  Otherwise
    it must raise one of the (type, name) pairs: exactly that type, with a
    message that names that parameter (name None: a capsule argument, whose
    message names what it expected instead).
    """
    if not errors:
        return run_forked(call, *args)
    with pytest.raises(DOCUMENTED) as info:
        run_forked(call, *args)
    raised, message = type(info.value), str(info.value)
    assert any(
        raised is error and (name is None or names(message, name))
        for error, name in errors
    ), f"raised {raised.__name__}({message!r}), expected one of {errors}"
    event(f"refused: {raised.__name__}")
    return None


def checked():
    event("result checked")


def same(a, b):
    """Bitwise-equal floats, NaN equal to NaN."""
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)


def log_uniform(low, high):
    """Floats spread evenly over the decades from ``low`` to ``high``."""
    return st.floats(math.log10(low), math.log10(high)).map(lambda e: 10.0**e)


# --- evaluating a callback directly, through its function pointer ------------

SCALAR = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_void_p)
ND = ctypes.CFUNCTYPE(
    ctypes.c_double, ctypes.c_int, ctypes.POINTER(ctypes.c_double), ctypes.c_void_p
)


def evaluate(llc, points):
    """The callback of ``llc`` at each point, called as quad calls it."""
    function = capsule_pointer(llc.function)
    user_data = capsule_pointer(llc.user_data)
    if llc.signature == "double (double, void *)":
        f = SCALAR(function)
        return np.array([f(float(x), user_data) for x in points])
    f = ND(function)
    out = []
    for point in points:
        xx = (ctypes.c_double * len(point))(*point)
        out.append(f(len(point), xx, user_data))
    return np.array(out)


X = np.array([0.0, -0.0, 0.5, -1.25, 3.0, 1e-200, 1e200, np.inf, -np.inf, np.nan])

# Capsules and callables of every kind the package hands out, and a few
# foreign ones: made fresh for each example, in the parent.  For each buffer
# of doubles, what read_doubles must give.
CAPSULE_MAKERS = {
    "double_capsule": lambda: capsules.double_capsule(1.5),
    "array_capsule": lambda: capsules.array_capsule([1.0, 2.0, 3.0]),
    "gaussian.user_data": lambda: gaussian.gaussian_callable(2.0).user_data,
    "seed.user_data": lambda: seed.capsule_callable(2.0).user_data,
    "constant.user_data": lambda: floor.constant_callable(0.5).user_data,
    "lorentz.user_data": lambda: lorentz.lorentz_callable(0.5, 0.1).user_data,
    "correlated.user_data": lambda: (
        multidim.correlated_gaussian_callable([[2.0, 1.0], [1.0, 1.0]]).user_data
    ),
    "recorder.user_data": lambda: multidim.recording_callable(2).user_data,
    "normal.params": lambda: normal.normal_params_capsule(0.0, 1.0),
    "leaky": lambda: leaky.leaky_double_capsule(1.0),
    "gauss function capsule": lambda: gaussian.__pyx_capi__["gauss"],
    "alloc_doubles capsule": lambda: capsules.__pyx_capi__["alloc_doubles"],
    "a LowLevelCallable": lambda: gaussian.gaussian_callable(1.0),
    "a float": lambda: 1.0,
    "None": lambda: None,
}
# The inverse of [[2, 1], [1, 1]] is [[1, -1], [-1, 2]]: [P00, P01, P11].
DOUBLES = {
    "double_capsule": [1.5],
    "array_capsule": [1.0, 2.0, 3.0],
    "gaussian.user_data": [2.0],
    "seed.user_data": [2.0],
    "constant.user_data": [0.5],
    "lorentz.user_data": [0.5, 0.1],
    "correlated.user_data": [1.0, -1.0, 2.0],
}
capsule_kinds = st.sampled_from(sorted(CAPSULE_MAKERS))

# --- gaussian, seed ----------------------------------------------------------


def gauss_values_and_integral(factory, a):
    llc = factory(a)
    values = evaluate(llc, X)
    integral = None
    if 1e-3 <= float(a) <= 1e3:
        integral = integrate.quad(llc, -np.inf, np.inf)[0]
    return values, integral


def check_gauss(a, values, integral):
    with np.errstate(over="ignore", invalid="ignore"):
        reference = np.exp(-a * X * X)
    np.testing.assert_allclose(values, reference, rtol=1e-14, atol=0, equal_nan=True)
    if integral is not None:
        assert integral == pytest.approx(math.sqrt(math.pi / a), rel=1e-8)
        event("integral checked")
    checked()


GAUSS_FACTORIES = pytest.mark.parametrize(
    "factory",
    [gaussian.gaussian_callable, seed.capsule_callable],
    ids=["gaussian_callable", "seed.capsule_callable"],
)


@GAUSS_FACTORIES
@given(a=st.one_of(log_uniform(1e-3, 1e3), st.floats(5e-324, DBL_MAX)))
def test_gaussian_factories_valid(factory, a):
    values, integral = run_forked(gauss_values_and_integral, factory, a)
    check_gauss(a, values, integral)


@GAUSS_FACTORIES
@given(labelled=real_inputs)
def test_gaussian_factories_hostile(factory, labelled):
    a, label = labelled
    errors, expected = need(label, "a", positive)
    result = check_outcome(errors, gauss_values_and_integral, factory, a)
    if result is not None:
        check_gauss(expected, *result)


def gauss_nd_values(a, points):
    return evaluate(gaussian.gaussian_nd_callable(a), points)


def check_gauss_nd(a, points, values):
    for point, value in zip(points, values, strict=True):
        r2 = math.fsum(x * x for x in point)  # inf, or NaN, where they are
        expected = math.exp(-a * r2) if not math.isnan(r2) else math.nan
        assert same(value, expected) or value == pytest.approx(expected, rel=1e-12)
    checked()


points_nd = st.lists(
    st.lists(st.floats(-30, 30), min_size=1, max_size=4), min_size=1, max_size=4
)


@given(a=log_uniform(1e-3, 1e3), points=points_nd)
def test_gaussian_nd_callable_valid(a, points):
    check_gauss_nd(a, points, run_forked(gauss_nd_values, a, points))


@given(
    labelled=st.one_of(log_uniform(1e-3, 1e3).map(lambda a: (a, a)), real_inputs),
    points=st.lists(st.lists(st.floats(), min_size=1, max_size=4), max_size=4),
)
def test_gaussian_nd_callable_hostile(labelled, points):
    a, label = labelled
    errors, expected = need(label, "a", positive)
    values = check_outcome(errors, gauss_nd_values, a, points)
    if values is not None:
        check_gauss_nd(expected, points, values)


@given(a=st.floats(5e-324, DBL_MAX))
def test_check_gaussian_parameter_valid(a):
    assert same(run_forked(gaussian.check_gaussian_parameter, a), a)
    checked()


@given(labelled=real_inputs)
def test_check_gaussian_parameter_hostile(labelled):
    a, label = labelled
    errors, expected = need(label, "a", positive)
    result = check_outcome(errors, gaussian.check_gaussian_parameter, a)
    if result is not None:
        assert type(result) is float and same(result, expected)
        checked()


def test_gaussian_parameter_boundaries_by_hand():
    check = gaussian.check_gaussian_parameter
    assert check(5e-324) == 5e-324 and check(DBL_MAX) == DBL_MAX
    assert check(2**1024 - 2**971) == DBL_MAX  # rounds down to DBL_MAX
    for bad, error in [
        (0.0, ValueError),
        (-0.0, ValueError),
        (-5e-324, ValueError),
        (math.inf, ValueError),
        (math.nan, ValueError),
        (2**1024 - 2**970, ValueError),  # rounds up to 2**1024: too large
        (True, TypeError),
        (np.float64(-1.0), ValueError),
    ]:
        with pytest.raises(error) as info:
            check(bad)
        assert names(str(info.value), "a"), info.value


def just_below(x):
    return math.nextafter(x, -math.inf)


def just_above(x):
    return math.nextafter(x, math.inf)


@pytest.mark.parametrize(
    ("call", "name", "inside", "outside"),
    [
        # (a call of one value, the parameter, accepted ends, refused neighbours)
        (
            lambda w: lorentz.lorentz_callable(0.0, w),
            "width",
            [WIDTH_LOW, WIDTH_HIGH],
            [just_below(WIDTH_LOW), just_above(WIDTH_HIGH)],
        ),
        (
            lambda w: capsules.set_double(
                lorentz.lorentz_callable(0.0, 1.0).user_data, 1, w
            ),
            "width",
            [WIDTH_LOW, WIDTH_HIGH],
            [just_below(WIDTH_LOW), just_above(WIDTH_HIGH)],
        ),
        (
            lambda c: capsules.set_double(
                lorentz.lorentz_callable(0.0, 1.0).user_data, 0, c
            ),
            "c",
            [-DBL_MAX, DBL_MAX],
            [-math.inf, math.inf],
        ),
        (
            lambda s: normal.normal_callable(0.0, s),
            "sigma",
            [DBL_MIN, DBL_MAX],
            [just_below(DBL_MIN), math.inf],
        ),
        (
            lambda s: normal.set_normal_params(
                normal.normal_params_capsule(0.0, 1.0), 0.0, s
            ),
            "sigma",
            [DBL_MIN, DBL_MAX],
            [just_below(DBL_MIN), math.inf],
        ),
        (
            lambda w: floor.sum_lorentz([0.0], [[0.0, w]]),
            "parameters",
            [WIDTH_LOW, WIDTH_HIGH],
            [just_below(WIDTH_LOW), just_above(WIDTH_HIGH)],
        ),
        (
            lambda a: floor.sum_gauss([1.0], [a]),
            "a",
            [5e-324, DBL_MAX],
            [0.0, math.inf],
        ),
        (
            lambda n: multidim.recording_callable(n),
            "slots",
            [1, 64],
            [0, 65],
        ),
    ],
    ids=[
        "lorentz_callable",
        "set_double width",
        "set_double c",
        "normal_callable",
        "set_normal_params",
        "sum_lorentz",
        "sum_gauss",
        "recording_callable",
    ],
)
def test_range_ends_by_hand(call, name, inside, outside):
    # Each documented range holds its ends and nothing beyond them.
    for value in inside:
        call(value)
    for value in outside:
        with pytest.raises(ValueError) as info:
            call(value)
        assert names(str(info.value), name), info.value


# --- sweep ---------------------------------------------------------------------

CHUNK_FUNCTIONS = pytest.mark.parametrize(
    "integrate_chunk",
    [sweep.integrate_chunk, sweep.integrate_chunk_new_callable],
    ids=["integrate_chunk", "integrate_chunk_new_callable"],
)


@CHUNK_FUNCTIONS
@given(a_values=st.lists(log_uniform(1e-3, 1e3), max_size=6))
def test_integrate_chunk_valid(integrate_chunk, a_values):
    result = run_forked(integrate_chunk, a_values)
    expected = [math.sqrt(math.pi / a) for a in a_values]
    assert result.shape == (len(a_values),)
    assert result == pytest.approx(expected, rel=1e-8)
    checked()


@CHUNK_FUNCTIONS
@given(
    # Elements of a list: a real number or something that is none; not a
    # container (a 0-d array inside a list is its number, to NumPy too).
    labelled=st.lists(
        st.one_of(
            log_uniform(1e-3, 1e3).map(lambda a: (a, a)), real_numbers, non_reals
        ),
        max_size=4,
    ),
    as_array=st.booleans(),
)
def test_integrate_chunk_hostile(integrate_chunk, labelled, as_array):
    a_values = [value for value, _ in labelled]
    # sweep takes a in [1e-6, 1e6], where quad over the real line is right.
    errors, expected = combine(
        *(need(label, "a_values", in_sweep_range) for _, label in labelled)
    )
    if as_array and not errors:
        a_values = np.array(a_values, dtype=np.float64)
    result = check_outcome(errors, integrate_chunk, a_values)
    if result is not None and all(1e-3 <= a <= 1e3 for a in expected):
        assert result == pytest.approx(
            [math.sqrt(math.pi / a) for a in expected], rel=1e-8
        )
        checked()


# --- lorentz -----------------------------------------------------------------


def lorentz_values_and_integral(c, width):
    llc = lorentz.lorentz_callable(c, width)
    c, width = float(c), float(width)
    points = np.array([c, c + width, c - 3 * width, np.inf, np.nan, *X])
    values = evaluate(llc, points)
    integral = None
    if 1e-3 <= width <= 1e3 and abs(c) <= 1e3:
        lo, hi = c - 10 * width, c + 10 * width
        integral = integrate.quad(llc, lo, hi, points=[c])[0]
    return points, values, integral


def check_lorentz(c, width, points, values, integral):
    assert values[0] == pytest.approx(1 / width, rel=1e-15)  # the peak
    with np.errstate(over="ignore", invalid="ignore"):
        d = points - c
        reference = width / (d * d + width * width)
    np.testing.assert_allclose(values, reference, rtol=1e-15, atol=0, equal_nan=True)
    assert np.all(np.isfinite(values) | np.isnan(points))
    if integral is not None:
        assert integral == pytest.approx(2 * math.atan(10.0), rel=1e-8)
        event("integral checked")
    checked()


@given(
    c=st.one_of(st.floats(-1e3, 1e3), st.floats(-DBL_MAX, DBL_MAX)),
    width=st.one_of(log_uniform(1e-3, 1e3), st.floats(WIDTH_LOW, WIDTH_HIGH)),
)
def test_lorentz_callable_valid(c, width):
    check_lorentz(c, width, *run_forked(lorentz_values_and_integral, c, width))


@given(
    c=real_inputs,
    width=st.one_of(
        real_inputs,
        st.floats(1e-170, 1e-150).map(lambda w: (w, w)),
        st.floats(1e150, 1e160).map(lambda w: (w, w)),
    ),
)
def test_lorentz_callable_hostile(c, width):
    (c, c_label), (width, w_label) = c, width
    errors, expected = combine(
        need(c_label, "c", finite),
        need(w_label, "width", lambda w: WIDTH_LOW <= w <= WIDTH_HIGH),
    )
    result = check_outcome(errors, lorentz_values_and_integral, c, width)
    if result is not None:
        check_lorentz(*expected, *result)


def lorentz_by_quad(c, width, lower, upper):
    """The integral by quad, of a pure-Python integrand: the oracle."""

    def peak(x):
        return width / ((x - c) ** 2 + width**2)

    inside = [c] if min(lower, upper) < c < max(lower, upper) else None
    return integrate.quad(
        peak, lower, upper, points=inside, epsabs=0, epsrel=1e-11, limit=500
    )[0]


# Parameters where quad of the Python integrand is accurate: a width that is
# not negligible against the interval, bounds within a few thousand widths.
moderate = st.floats(-1e3, 1e3)
moderate_widths = log_uniform(1e-2, 1e2)


@given(c=moderate, width=moderate_widths, lower=moderate, upper=moderate)
def test_lorentz_integral_valid(c, width, lower, upper):
    result = run_forked(lorentz.lorentz_integral, c, width, lower, upper)
    assert type(result) is float
    expected = lorentz_by_quad(c, width, lower, upper)
    assert result == pytest.approx(expected, rel=1e-7, abs=1e-13)
    checked()


@given(
    c=hnp.arrays(np.float64, st.integers(1, 3), elements=moderate),
    width=moderate_widths,
    lower=st.one_of(moderate, st.lists(moderate, min_size=1, max_size=1)),
    upper=hnp.arrays(np.float64, (2, 1), elements=moderate),
)
def test_lorentz_integral_broadcasts_valid(c, width, lower, upper):
    result = run_forked(lorentz.lorentz_integral, c, width, lower, upper)
    shape = np.broadcast_shapes(c.shape, np.shape(lower), upper.shape)
    assert isinstance(result, np.ndarray) and result.shape == shape
    low = np.broadcast_to(np.asarray(lower, dtype=float), shape)
    for index in np.ndindex(shape):
        cc = np.broadcast_to(c, shape)[index]
        up = np.broadcast_to(upper, shape)[index]
        expected = lorentz_by_quad(cc, width, low[index], up)
        assert result[index] == pytest.approx(expected, rel=1e-7, abs=1e-13)
    checked()


def test_lorentz_integral_by_hand():
    assert lorentz.lorentz_integral(0, 1, -1, 1) == pytest.approx(math.pi / 2)
    assert lorentz.lorentz_integral(0, 1, 0, 1) == pytest.approx(math.pi / 4)
    assert lorentz.lorentz_integral(2, 1, 3, 2) == pytest.approx(-math.pi / 4)
    assert lorentz.lorentz_integral(5, 0.5, 5, 5) == 0.0
    # Far out on one side: ~ width (1/lower - 1/upper) (the tail of 1/x**2).
    assert lorentz.lorentz_integral(0, 1, 1e3, 2e3) == pytest.approx(5e-4, rel=1e-6)


NOT_FINITE = [
    (name, bad)
    for name in ("c", "lower", "upper", "width")
    for bad in (math.inf, -math.inf, math.nan)
    # An infinite bound is a tail of the peak, not an error (below).
    if not (name in ("lower", "upper") and math.isinf(bad))
]


@pytest.mark.parametrize(("name", "bad"), NOT_FINITE)
def test_lorentz_integral_refuses_what_is_not_finite_by_hand(name, bad):
    args = {"c": 0.0, "width": 1.0, "lower": -1.0, "upper": 1.0}
    for value in (bad, [0.5, bad]):  # alone, or one of an array's values
        with pytest.raises(ValueError) as info:
            lorentz.lorentz_integral(**(args | {name: value}))
        assert names(str(info.value), name), info.value


def test_lorentz_integral_takes_infinite_bounds_by_hand():
    # width / ((x - c)**2 + width**2) from -1 to inf, and from -inf to 1, is
    # pi/4 + pi/2 for c = 0, width = 1; over the whole line, pi.
    three_quarters = 3 * math.pi / 4
    assert lorentz.lorentz_integral(0.0, 1.0, -1.0, math.inf) == pytest.approx(
        three_quarters, rel=1e-15
    )
    assert lorentz.lorentz_integral(0.0, 1.0, -math.inf, 1.0) == pytest.approx(
        three_quarters, rel=1e-15
    )
    assert lorentz.lorentz_integral(0.0, 1.0, -math.inf, math.inf) == pytest.approx(
        math.pi, rel=1e-15
    )


@pytest.mark.parametrize("width", [0.0, -0.0, -1.0, -5e-324])
def test_lorentz_integral_refuses_a_width_that_is_not_positive_by_hand(width):
    with pytest.raises(ValueError) as info:
        lorentz.lorentz_integral(0.0, width, -1.0, 1.0)
    assert names(str(info.value), "width"), info.value


array_parameters = st.one_of(
    st.floats(-1e3, 1e3).map(lambda v: (v, v)),
    real_numbers,
    non_reals,
    real_arrays(1, max_side=3, min_side=1),
    real_arrays(2, max_side=2, min_side=1),
    refused_dtype_arrays(1),
    poisoned_lists,
    ragged,
)


def array_need(labelled, name, ok):
    """(errors, array): the type error, or the range error, of one parameter."""
    value, label = labelled
    if is_error(label):
        return {(label, name)}, None
    array = np.asarray(label, dtype=np.float64)
    if not all(ok(v) for v in array.reshape(-1).tolist()):
        return {(ValueError, name)}, array
    return set(), array


@given(
    c=array_parameters,
    width=array_parameters,
    lower=array_parameters,
    upper=array_parameters,
)
def test_lorentz_integral_hostile(c, width, lower, upper):
    needs = [
        array_need(c, "c", finite),
        array_need(width, "width", positive),
        array_need(lower, "lower", finite),
        array_need(upper, "upper", finite),
    ]
    errors = set().union(*(e for e, _ in needs))
    arrays = [a for _, a in needs]
    if all(a is not None for a in arrays):
        try:
            np.broadcast_shapes(*(a.shape for a in arrays))
        except ValueError:
            errors |= {(ValueError, n) for n in ("c", "width", "lower", "upper")}
    args = (c[0], width[0], lower[0], upper[0])
    result = check_outcome(errors, lorentz.lorentz_integral, *args)
    if result is None:
        return
    cc, ww, lo, up = np.broadcast_arrays(*arrays)
    assert np.shape(result) == cc.shape
    result = np.broadcast_to(result, cc.shape)
    for index in np.ndindex(cc.shape):
        value, c_i, w_i, lo_i, up_i = (
            float(v[index]) for v in (result, cc, ww, lo, up)
        )
        # Every accepted input: the integral of a positive density of total
        # mass pi, with the sign of upper - lower ...
        assert abs(value) <= math.pi * (1 + 1e-15)
        assert value == 0 or np.sign(value) == np.sign(up_i - lo_i)
        # ... and quad's value where quad itself is accurate.
        if 1e-2 <= w_i <= 1e2 and max(abs(c_i), abs(lo_i), abs(up_i)) <= 1e3:
            expected = lorentz_by_quad(c_i, w_i, lo_i, up_i)
            assert value == pytest.approx(expected, rel=1e-7, abs=1e-13)
            event("compared with quad")
    checked()


# --- floor -------------------------------------------------------------------


def constant_value_and_integral(value):
    llc = floor.constant_callable(value)
    values = evaluate(llc, X)
    integral = None
    if abs(float(value)) <= 1e300:
        integral = integrate.quad(llc, 0.0, 2.0)[0]
    return values, integral


def check_constant(value, values, integral):
    assert np.all(values == value) and np.all(np.signbit(values) == np.signbit(value))
    if integral is not None:
        assert integral == pytest.approx(2 * value, rel=1e-14, abs=1e-300)
        event("integral checked")
    checked()


@given(value=st.floats(-1e300, 1e300))
def test_constant_callable_valid(value):
    check_constant(value, *run_forked(constant_value_and_integral, value))


@given(labelled=real_inputs)
def test_constant_callable_hostile(labelled):
    value, label = labelled
    errors, expected = need(label, "value", finite)
    result = check_outcome(errors, constant_value_and_integral, value)
    if result is not None:
        check_constant(expected, *result)


def gauss_terms(x, a):
    """exp(-a x**2) term by term, in Python floats."""
    return [
        math.exp(-ai * xi * xi) if not math.isnan(xi) else math.nan
        for xi, ai in zip(
            np.asarray(x, float).tolist(), np.asarray(a, float).tolist(), strict=True
        )
    ]


def check_sum(total, terms):
    finite_terms = all(map(math.isfinite, terms))
    reference = math.fsum(terms) if finite_terms else float(np.sum(terms))
    assert same(total, reference) or total == pytest.approx(
        reference, rel=1e-12, abs=1e-300
    )
    checked()


@given(data=st.data())
def test_sum_gauss_valid(data):
    n = data.draw(st.integers(0, 8), "n")
    x = data.draw(hnp.arrays(np.float64, n), "x")  # any double
    a = data.draw(hnp.arrays(np.float64, n, elements=st.floats(5e-324, DBL_MAX)), "a")
    check_sum(run_forked(floor.sum_gauss, x, a), gauss_terms(x, a))


vectors = st.one_of(real_arrays(1, max_side=5), not_real_arrays(1))


def vector_errors(x_label, x_name, other_label, other_name, ok):
    """Every error that may be named: types, lengths, the other's range."""
    errors = need(x_label, x_name)[0] | need(other_label, other_name)[0]
    if not errors and len(x_label) != len(other_label):
        errors = {(ValueError, x_name), (ValueError, other_name)}
    if not is_error(other_label) and not ok(other_label):
        errors |= {(ValueError, other_name)}
    return errors


@given(data=st.data())
def test_sum_gauss_hostile(data):
    x, x_label = data.draw(vectors, "x")
    n = len(x_label) if not is_error(x_label) else 3
    a, a_label = data.draw(
        st.one_of(
            hnp.arrays(np.float64, n, elements=st.floats(1e-300, 1e300)).map(
                lambda v: (v, v)
            ),
            vectors,
        ),
        "a",
    )
    errors = vector_errors(x_label, "x", a_label, "a", lambda v: all(map(positive, v)))
    total = check_outcome(errors, floor.sum_gauss, x, a)
    if total is not None:
        check_sum(total, gauss_terms(x_label, a_label))


def lorentz_terms(x, rows):
    """width / ((x - c)**2 + width**2) term by term, in Python floats."""
    out = []
    x, rows = np.asarray(x, float).tolist(), np.asarray(rows, float).tolist()
    for xi, (c, width) in zip(x, rows, strict=True):
        try:
            out.append(width / ((xi - c) ** 2 + width**2))
        except OverflowError:  # (x - c)**2 beyond a double: the limit, 0
            out.append(0.0)
    return out


def in_width_range(w):
    return WIDTH_LOW <= w <= WIDTH_HIGH


@given(data=st.data())
def test_sum_lorentz_valid(data):
    n = data.draw(st.integers(0, 8), "n")
    x = data.draw(hnp.arrays(np.float64, n, elements=st.floats(-1e6, 1e6)), "x")
    c = data.draw(hnp.arrays(np.float64, n, elements=st.floats(-1e6, 1e6)), "c")
    width = data.draw(
        hnp.arrays(np.float64, n, elements=log_uniform(1e-100, 1e100)), "width"
    )
    rows = np.stack([c, width], axis=1) if n else np.empty((0, 2))
    check_sum(run_forked(floor.sum_lorentz, x, rows), lorentz_terms(x, rows))


def good_rows(p):
    return p.shape[1] == 2 and all(
        math.isfinite(c) and in_width_range(w) for c, w in p.tolist()
    )


@given(data=st.data())
def test_sum_lorentz_hostile(data):
    x, x_label = data.draw(vectors, "x")
    n = len(x_label) if not is_error(x_label) else 2
    rows, rows_label = data.draw(
        st.one_of(
            hnp.arrays(np.float64, (n, 2), elements=st.floats(1e-160, 1e160)).map(
                lambda v: (v, v)
            ),
            real_arrays(2, max_side=3),
            not_real_arrays(2),
        ),
        "parameters",
    )
    errors = vector_errors(x_label, "x", rows_label, "parameters", good_rows)
    total = check_outcome(errors, floor.sum_lorentz, x, rows)
    if total is not None:
        check_sum(total, lorentz_terms(x_label, rows_label))


# --- capsules ----------------------------------------------------------------


def made_double(make, value):
    capsule = make(value)
    pointer = capsule_pointer(capsule)
    return capsule_name(capsule), ctypes.c_double.from_address(pointer).value


DOUBLE_MAKERS = pytest.mark.parametrize(
    ("make", "name"),
    [
        (capsules.double_capsule, "kernels.capsules.doubles"),
        (leaky.leaky_double_capsule, "kernels.leaky.double"),
    ],
    ids=["double_capsule", "leaky_double_capsule"],
)


@DOUBLE_MAKERS
@given(value=st.floats())  # every double, NaN and the infinities included
def test_double_capsules_valid(make, name, value):
    made_name, stored = run_forked(made_double, make, value)
    assert made_name == name and same(stored, value)
    checked()


@DOUBLE_MAKERS
@given(labelled=real_inputs)
def test_double_capsules_hostile(make, name, labelled):
    value, label = labelled
    errors, expected = need(label, "value")
    result = check_outcome(errors, made_double, make, value)
    if result is not None:
        assert result[0] == name and same(result[1], expected)
        checked()


def array_capsule_contents(values):
    return capsules.read_doubles(capsules.array_capsule(values))


@given(labelled=real_arrays(1, min_side=1))
def test_array_capsule_valid(labelled):
    values, expected = labelled
    assert same(run_forked(array_capsule_contents, values), expected)
    checked()


@given(labelled=st.one_of(real_arrays(1), not_real_arrays(1), non_reals))
def test_array_capsule_hostile(labelled):
    values, label = labelled
    errors, expected = need(label, "values", lambda v: len(v) > 0)
    result = check_outcome(errors, array_capsule_contents, values)
    if result is not None:
        assert result.dtype == np.float64 and same(result, expected)
        checked()


def made_and_read(values):
    return capsules.read_doubles(capsules.array_capsule(values))


@given(values=hnp.arrays(np.float64, st.integers(1, 8)))
def test_read_doubles_valid(values):
    # Whatever doubles a buffer holds (NaN, -0.0 and subnormals too), read
    # back bit for bit.
    assert same(run_forked(made_and_read, values), values)
    checked()


@pytest.mark.parametrize("kind", sorted(DOUBLES))
def test_read_doubles_of_every_factory(kind):
    result = run_forked(capsules.read_doubles, CAPSULE_MAKERS[kind]())
    np.testing.assert_allclose(result, DOUBLES[kind], rtol=1e-15, atol=1e-15)


@given(kind=capsule_kinds)
def test_read_doubles(kind):
    capsule = CAPSULE_MAKERS[kind]()
    errors = set() if kind in DOUBLES else {(TypeError, None)}
    result = check_outcome(errors, capsules.read_doubles, capsule)
    if result is not None:
        np.testing.assert_allclose(result, DOUBLES[kind], rtol=1e-15, atol=1e-15)
        checked()


# What each slot of each buffer accepts, from the factories' documentation:
# a plain buffer takes any double, a parameter the values its factory takes.
SLOTS = {
    "double_capsule": [("value", None)],
    "array_capsule": [("value", None)] * 3,
    "gaussian.user_data": [("a", positive)],
    "seed.user_data": [("a", positive)],
    "constant.user_data": [("value", finite)],
    "lorentz.user_data": [("c", finite), ("width", in_width_range)],
}


def set_and_check(kind, index, value):
    """set_double, then what the buffer holds and what its callable integrates."""
    holders = {
        "gaussian.user_data": lambda: gaussian.gaussian_callable(2.0),
        "seed.user_data": lambda: seed.capsule_callable(2.0),
        "constant.user_data": lambda: floor.constant_callable(0.5),
        "lorentz.user_data": lambda: lorentz.lorentz_callable(0.5, 0.1),
    }
    llc = holders[kind]() if kind in holders else None
    capsule = llc.user_data if llc is not None else CAPSULE_MAKERS[kind]()
    capsules.set_double(capsule, index, value)
    after = capsules.read_doubles(capsule)
    integral = None
    if kind in ("gaussian.user_data", "seed.user_data") and 1e-3 <= after[0] <= 1e3:
        integral = integrate.quad(llc, -np.inf, np.inf)[0]
    elif kind == "constant.user_data" and abs(after[0]) <= 1e300:
        integral = integrate.quad(llc, 0.0, 2.0)[0]
    elif kind == "lorentz.user_data":
        c, width = after
        if 1e-3 <= width <= 1e3 and abs(c) <= 1e3:
            integral = integrate.quad(llc, c - 10 * width, c + 10 * width, points=[c])
            integral = integral[0]
    return after, integral


def check_set(kind, index, value, after, integral):
    before = list(DOUBLES[kind])
    before[index] = value
    assert same(after, before)
    if integral is not None:
        if kind == "constant.user_data":
            expected = 2 * after[0]
        elif kind == "lorentz.user_data":
            expected = 2 * math.atan(10.0)
        else:
            expected = math.sqrt(math.pi / after[0])
        assert integral == pytest.approx(expected, rel=1e-8, abs=1e-300)
        event("integral checked")
    checked()


def valid_slot_values(kind, index):
    if kind in ("gaussian.user_data", "seed.user_data"):
        return log_uniform(1e-3, 1e3)
    if kind == "lorentz.user_data" and index == 1:
        return log_uniform(1e-3, 1e3)
    if kind in ("constant.user_data", "lorentz.user_data"):
        return st.floats(-1e3, 1e3)
    return st.floats()  # a plain buffer: any double


@given(data=st.data())
def test_set_double_valid(data):
    kind = data.draw(st.sampled_from(sorted(SLOTS)), "kind")
    index = data.draw(st.integers(0, len(SLOTS[kind]) - 1), "index")
    index = data.draw(st.sampled_from([index, np.int64(index), np.uint8(index)]))
    value = data.draw(valid_slot_values(kind, int(index)), "value")
    after, integral = run_forked(set_and_check, kind, index, value)
    check_set(kind, int(index), value, after, integral)


indices = st.one_of(
    st.integers(-1, 3).map(lambda i: (i, i)),  # the ends of every buffer
    integer_inputs,
    st.one_of(st.floats(), hnp.from_dtype(np.dtype("float64"))).map(
        lambda v: (v, TypeError)  # 1.0 is no index
    ),
)
# The slots of gaussian_callable and constant_callable are about to get the
# ranges of their factories: until then, a value outside them is left out of
# this property (the valid one tests what must be accepted).
CHANGING = {"gaussian.user_data", "seed.user_data", "constant.user_data"}


@given(kind=capsule_kinds, index=indices, value=real_inputs)
def test_set_double_hostile(kind, index, value):
    (index, index_label), (value, value_label) = index, value
    if kind not in DOUBLES:
        errors = {(TypeError, None)}
    elif kind == "correlated.user_data":
        errors = {(TypeError, None)}  # read-only, whatever else is wrong
    else:
        slots = SLOTS[kind]
        if is_error(index_label):
            # A bool is refused by name; for a float, None or a string the
            # message is operator.index's, which does not name index (to be
            # fixed in kernels.capsules._slot): only the type is checked.
            named = "index" if isinstance(index, bool) else None
            errors = {(index_label, named)}
        elif not 0 <= index_label < len(slots):
            errors = {(IndexError, "index")}
        else:
            errors = set()
        name, ok = slots[index_label] if not errors else ("value", None)
        if (
            kind in CHANGING
            and not errors
            and not is_error(value_label)
            and not ok(value_label)
        ):
            value, value_label = 1.0, 1.0
        errors |= need(value_label, name, ok)[0]
    result = check_outcome(errors, set_and_check, kind, index, value)
    if result is not None:
        check_set(kind, index_label, value_label, *result)


@pytest.mark.parametrize("kind", sorted(SLOTS))
def test_set_double_indices_by_hand(kind):
    # The last slot is written; one past it, -1, a bool and a float are not,
    # and the refusal names the index.
    n = len(DOUBLES[kind])
    value = DOUBLES[kind][n - 1]
    after, _ = run_forked(set_and_check, kind, n - 1, value)
    assert same(after, DOUBLES[kind])
    for index, error in [(n, IndexError), (-1, IndexError), (True, TypeError)]:
        with pytest.raises(error) as info:
            run_forked(set_and_check, kind, index, value)
        assert names(str(info.value), "index"), info.value
    # Refused, but in operator.index's words, which do not name the index
    # (to be fixed in kernels.capsules._slot).
    for index in (np.True_, float(n - 1), None, str(n - 1)):
        with pytest.raises(TypeError):
            run_forked(set_and_check, kind, index, value)


# --- normal ------------------------------------------------------------------


def normal_values_and_integral(mu, sigma, update):
    if update:
        llc = normal.normal_callable(0.0, 1.0)
        try:
            normal.set_normal_params(llc.user_data, mu, sigma)
        except Exception:
            # A refused update leaves the struct as it was.
            assert normal.read_normal_params(llc.user_data) == (0.0, 1.0)
            raise
    else:
        llc = normal.normal_callable(mu, sigma)
    stored = normal.read_normal_params(llc.user_data)
    mu, sigma = stored
    points = np.array([mu, mu + sigma, *X])
    values = evaluate(llc, points)
    integral = None
    if 1e-3 <= sigma <= 1e3 and abs(mu) <= 1e3:
        integral = integrate.quad(llc, mu - 40 * sigma, mu + 40 * sigma, points=[mu])[0]
    return stored, points, values, integral


def check_normal(mu, sigma, stored, points, values, integral):
    assert stored == (mu, sigma)
    peak = 1 / math.sqrt(2 * math.pi) / sigma
    assert values[0] == pytest.approx(peak, rel=1e-15)
    with np.errstate(over="ignore", invalid="ignore"):
        z = (points - mu) / sigma
        reference = 1 / math.sqrt(2 * math.pi) / sigma * np.exp(-0.5 * z * z)
    np.testing.assert_allclose(values, reference, rtol=1e-14, atol=0, equal_nan=True)
    assert not np.any(np.isinf(values))
    if integral is not None:
        assert integral == pytest.approx(1.0, rel=1e-8)
        event("integral checked")
    checked()


NORMAL_ROUTES = pytest.mark.parametrize(
    "update", [False, True], ids=["normal_callable", "set_normal_params"]
)


@NORMAL_ROUTES
@given(
    mu=st.one_of(st.floats(-1e3, 1e3), st.floats(-DBL_MAX, DBL_MAX)),
    sigma=st.one_of(log_uniform(1e-3, 1e3), st.floats(DBL_MIN, DBL_MAX)),
)
def test_normal_valid(update, mu, sigma):
    check_normal(mu, sigma, *run_forked(normal_values_and_integral, mu, sigma, update))


@NORMAL_ROUTES
@given(
    mu=real_inputs,
    sigma=st.one_of(st.floats(1e-310, 1e-300).map(lambda s: (s, s)), real_inputs),
)
def test_normal_hostile(update, mu, sigma):
    (mu, mu_label), (sigma, sigma_label) = mu, sigma
    errors, expected = combine(
        need(mu_label, "mu", finite),
        need(sigma_label, "sigma", lambda s: math.isfinite(s) and s >= DBL_MIN),
    )
    result = check_outcome(errors, normal_values_and_integral, mu, sigma, update)
    if result is not None:
        check_normal(*expected, *result)


def read_set_read(capsule):
    first = normal.read_normal_params(capsule)
    normal.set_normal_params(capsule, 1.0, 2.0)
    return first, normal.read_normal_params(capsule)


def normal_round_trip(mu, sigma, new_mu, new_sigma):
    capsule = normal.normal_params_capsule(mu, sigma)
    first = normal.read_normal_params(capsule)
    normal.set_normal_params(capsule, new_mu, new_sigma)
    return first, normal.read_normal_params(capsule)


@given(
    mu=st.floats(-DBL_MAX, DBL_MAX),
    sigma=st.floats(DBL_MIN, DBL_MAX),
    new_mu=st.floats(-DBL_MAX, DBL_MAX),
    new_sigma=st.floats(DBL_MIN, DBL_MAX),
)
def test_normal_readers_valid(mu, sigma, new_mu, new_sigma):
    result = run_forked(normal_round_trip, mu, sigma, new_mu, new_sigma)
    assert result == ((mu, sigma), (new_mu, new_sigma))
    checked()


@given(kind=capsule_kinds)
def test_normal_capsule_readers_refuse_other_capsules(kind):
    capsule = CAPSULE_MAKERS[kind]()
    errors = set() if kind == "normal.params" else {(TypeError, None)}
    check_outcome(errors, normal.read_normal_params, capsule)
    check_outcome(errors, normal.set_normal_params, capsule, 1.0, 2.0)
    result = check_outcome(errors, read_set_read, capsule)
    if result is not None:
        assert result == ((0.0, 1.0), (1.0, 2.0))
        checked()


# --- multidim ----------------------------------------------------------------


def precision(cov):
    """The inverse of a 2x2 covariance, by hand: [P00, P01, P11]."""
    (a, b), (_, d) = cov
    det = a * d - b * b
    return [d / det, -b / det, a / det], det


def correlated_values_and_integral(cov, integrate_it):
    llc = multidim.correlated_gaussian_callable(cov)
    points = [(0.0, 0.0), (1.0, -0.5), (3.0, 2.0), (1e200, 1e200), (0.5,)]
    values = evaluate(llc, points)
    integral = None
    if integrate_it:
        inf = np.inf
        integral = integrate.dblquad(llc, -inf, inf, -inf, inf)[0]
    return values, integral, capsules.read_doubles(llc.user_data)


def check_correlated(cov, values, integral, stored):
    p, det = precision(cov)
    # The precision by hand against NumPy's inverse: cond(cov) * eps apart.
    assert stored == pytest.approx(p, rel=1e-9, abs=1e-12 * max(map(abs, p)))
    points = [(0.0, 0.0), (1.0, -0.5), (3.0, 2.0)]
    for (u, v), value in zip(points, values, strict=False):
        q = p[0] * u * u + 2 * p[1] * u * v + p[2] * v * v
        assert value == pytest.approx(math.exp(-0.5 * q), rel=1e-9, abs=1e-300)
    assert math.isnan(values[-1])  # one variable: NaN, documented
    if integral is not None:
        assert integral == pytest.approx(2 * math.pi * math.sqrt(det), rel=1e-7)
        event("integral checked")
    checked()


def covariance(s1, s2, rho):
    return [[s1 * s1, rho * s1 * s2], [rho * s1 * s2, s2 * s2]]


well_conditioned = st.builds(
    covariance, st.floats(0.5, 2), st.floats(0.5, 2), st.floats(-0.8, 0.8)
)
covariances = st.builds(
    covariance, st.floats(0.05, 20), st.floats(0.05, 20), st.floats(-0.95, 0.95)
)


@given(cov=well_conditioned, as_array=st.booleans())
def test_correlated_gaussian_callable_valid(cov, as_array):
    given_cov = np.array(cov) if as_array else cov
    result = run_forked(correlated_values_and_integral, given_cov, True)
    check_correlated(cov, *result)


def labelled_covariance(entries, kind):
    """A 2x2 of four finite floats made bad in one way, labelled by hand."""
    a, b, c, d = entries
    if kind == "not symmetric":
        return [[a, b], [b + 1.0 + abs(b), d]], ValueError
    if kind == "not positive definite":  # a variance <= 0 on the diagonal
        return [[-abs(a), b], [b, d]], ValueError
    if kind == "singular":
        return [[1.0, 1.0], [1.0, 1.0]], ValueError
    if kind == "not finite":
        return [[a, b], [b, math.nan if c > 0 else math.inf]], ValueError
    if kind == "3x3":
        return np.eye(3), ValueError
    if kind == "vector":
        return [a, b, c, d], ValueError
    if kind == "ragged":
        return [[a, b], [c]], ValueError
    if kind == "strings":
        return [["1", "0"], ["0", "1"]], TypeError
    if kind == "complex":
        return np.eye(2) * (1 + 1j), TypeError
    if kind == "bool":
        return np.eye(2, dtype=bool), TypeError
    if kind == "None":
        return [[a, None], [None, d]], TypeError
    return None, TypeError


bad_covariances = st.builds(
    labelled_covariance,
    st.tuples(*[st.floats(0.1, 10)] * 4),
    st.sampled_from(
        [
            "not symmetric",
            "not positive definite",
            "singular",
            "not finite",
            "3x3",
            "vector",
            "ragged",
            "strings",
            "complex",
            "bool",
            "None",
            "nothing",
        ]
    ),
)
hostile_covariances = st.one_of(
    covariances.map(lambda c: (c, c)),
    covariances.map(lambda c: (np.array(c, dtype=np.float32), c)),
    bad_covariances,
)


@given(labelled=hostile_covariances)
def test_correlated_gaussian_callable_hostile(labelled):
    cov, label = labelled
    errors, expected = need(label, "cov")
    result = check_outcome(errors, correlated_values_and_integral, cov, False)
    if result is not None:
        f32 = isinstance(cov, np.ndarray)
        check_correlated(
            np.asarray(cov, np.float64).tolist() if f32 else expected, *result
        )


@given(cov=covariances)
def test_check_covariance_valid(cov):
    result = run_forked(multidim.check_covariance, cov)
    assert result.dtype == np.float64 and same(result, np.array(cov))
    checked()


@given(labelled=hostile_covariances)
def test_check_covariance_hostile(labelled):
    cov, label = labelled
    errors, _ = need(label, "cov")
    result = check_outcome(errors, multidim.check_covariance, cov)
    if result is not None:
        assert result.dtype == np.float64
        assert same(result, np.asarray(cov, dtype=np.float64))
        checked()


def record_a_dblquad(slots):
    rec = multidim.recording_callable(slots)
    fresh = tuple(multidim.read_record(rec))
    area = integrate.dblquad(rec, 0, 1, -1, 0)[0]
    return fresh, area, tuple(multidim.read_record(rec))


def check_record(slots, fresh, area, record):
    assert fresh == (0, 0, (), ())
    calls, n, low, high = record
    assert area == pytest.approx(1.0, rel=1e-12)
    assert calls > 0 and n == 2
    assert len(low) == len(high) == min(2, slots)
    assert low[0] == pytest.approx(-1, abs=0.05) and high[0] == pytest.approx(
        0, abs=0.05
    )
    assert -1 <= low[0] < high[0] <= 0  # the inner variable, y, first
    if slots >= 2:
        assert 0 <= low[1] < high[1] <= 1
    checked()


@given(slots=st.integers(1, 64))
def test_recording_callable_valid(slots):
    check_record(slots, *run_forked(record_a_dblquad, slots))


@given(labelled=integer_inputs)
def test_recording_callable_hostile(labelled):
    slots, label = labelled
    errors, expected = need(label, "slots", lambda s: 1 <= s <= 64)
    result = check_outcome(errors, record_a_dblquad, slots)
    if result is not None:
        check_record(expected, *result)


@given(kind=capsule_kinds)
def test_read_record_refuses_everything_but_a_recorder(kind):
    thing = CAPSULE_MAKERS[kind]()
    # read_record takes the callable; give it the capsule and a callable
    # holding the capsule, made with the raw route, which is never called.
    for candidate in (thing, getattr(thing, "user_data", thing)):
        check_outcome({(TypeError, None)}, multidim.read_record, candidate)
    rec = multidim.recording_callable(1)
    assert check_outcome(set(), multidim.read_record, rec) == (0, 0, (), ())
    checked()


# --- signatures ----------------------------------------------------------------


def args_integral(a):
    return integrate.quad(
        signatures.gaussian_args_callable(), -np.inf, np.inf, args=(a,)
    )[0]


@given(a=log_uniform(1e-3, 1e3))
def test_gaussian_args_callable_reads_a_from_args(a):
    assert run_forked(args_integral, a) == pytest.approx(
        math.sqrt(math.pi / a), rel=1e-8
    )
    checked()


# --- the fuzzer itself works -----------------------------------------------------


def test_a_crash_in_the_child_fails_the_example_with_its_input():
    from forked import ChildCrashed

    def crash(value):
        faulthandler.disable()  # no traceback on stderr for this one
        ctypes.string_at(0)  # a read at address 0: SIGSEGV

    with pytest.raises(ChildCrashed, match=r"crash\(1\.5\).*signal 11"):
        run_forked(crash, 1.5)


def _warm_up():
    # Run each helper once here, on good input: what SciPy and ctypes set up
    # lazily at a first call is then inherited by every forked child instead
    # of being redone in each (a fork costs ~10 ms, a cold child ~100 ms).
    gauss_values_and_integral(gaussian.gaussian_callable, 1.0)
    gauss_nd_values(1.0, [[0.5, 1.0]])
    lorentz_values_and_integral(0.5, 0.1)
    constant_value_and_integral(1.0)
    normal_values_and_integral(0.0, 1.0, True)
    correlated_values_and_integral(np.eye(2), True)
    lorentz_by_quad(0.0, 1.0, -1.0, 1.0)
    record_a_dblquad(2)
    args_integral(1.0)
    floor.sum_gauss([1.0], [1.0])
    floor.sum_lorentz([1.0], [[0.5, 0.1]])


_warm_up()
