"""Property-based tests of every public function of kernels that takes user values.

(kernels.filters and kernels.bench have fuzz tests of their own.)  Hypothesis
feeds each function arbitrary floats (NaN, infinities, subnormals, -0.0),
integers (far beyond a double's range too), strings, bytes, None, bools,
complex numbers, fractions, NumPy scalars and arrays of any dtype, shape and
contiguity, and capsules and callables from other factories.  The property is
always the same: the call raises one of the documented exceptions for that
input (an independent oracle here says which), or it returns, and then the
result is right: checked against a closed form or NumPy, evaluating the C
callback itself through ctypes and integrating with SciPy.

Every call into compiled code runs in a forked child (tests/forked.py), so a
segfault fails one example, with the input printed, instead of the run.

The example budget is a Hypothesis settings profile (tests/conftest.py):
``default`` for ``make test``, ``long`` with KERNELS_FUZZ_PROFILE=long.
Excluded by design: ``LowLevelCallable(function_capsule, any_user_data)``, the
raw SciPy route, which trusts its caller (SciPy's documentation says so).
"""

import ctypes
import faulthandler
import fractions
import math
import numbers
import operator

import numpy as np
import pytest
from hypothesis import given
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
)
from kernels.pycapsule import capsule_name, capsule_pointer

DBL_MAX = np.finfo(np.float64).max
DBL_MIN = np.finfo(np.float64).tiny  # the smallest normal double
WIDTH_RANGE = (math.sqrt(DBL_MIN), math.sqrt(DBL_MAX))
DOCUMENTED = (TypeError, ValueError, IndexError)

# --- strategies --------------------------------------------------------------

floats = st.floats(allow_nan=True, allow_infinity=True)
huge_ints = st.integers(min_value=-(10**400), max_value=10**400)
ints = st.one_of(st.integers(-(2**70), 2**70), huge_ints)
numpy_scalars = st.one_of(
    *(
        hnp.from_dtype(np.dtype(d))
        for d in ["float64", "float32", "float16", "int8", "int64", "uint64"]
    ),
    hnp.from_dtype(np.dtype("bool")),
    hnp.from_dtype(np.dtype("complex128")),
)
oddities = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=4),
    st.binary(max_size=4),
    st.complex_numbers(max_magnitude=1e6),
    st.fractions(max_denominator=10**6),
    st.decimals(allow_nan=False, places=3),
    st.just(fractions.Fraction(10**400, 3)),
    st.just(object()),
)
scalars = st.one_of(floats, ints, numpy_scalars, oddities)
# Most examples should be plausible numbers, so that the success path with
# its result check runs often, not only the error paths.
parameters = st.one_of(st.floats(1e-3, 1e3), st.floats(-1e3, 1e3), floats, scalars)

DTYPES = [
    "float64",
    "float32",
    "float16",
    "int8",
    "int32",
    "int64",
    "uint8",
    "uint64",
    "bool",
    "complex64",
    "complex128",
    "U3",
    "S3",
    "m8[s]",
]


def transformed(array, how):
    if how == "reversed" and array.ndim:
        return array[::-1]
    if how == "strided" and array.ndim:
        return array[::2]
    if how == "fortran":
        return np.asfortranarray(array)
    if how == "list":
        return array.tolist()
    return array


numeric_arrays = st.builds(
    transformed,
    hnp.arrays(
        dtype=st.sampled_from(DTYPES).map(np.dtype),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5),
    ),
    st.sampled_from(["as is", "reversed", "strided", "fortran", "list"]),
)
object_arrays = hnp.arrays(
    dtype=np.dtype(object),
    shape=hnp.array_shapes(min_dims=1, max_dims=2, max_side=4),
    elements=st.one_of(floats, ints, st.none(), st.text(max_size=2)),
)
float_vectors = hnp.arrays(
    np.float64, st.integers(0, 6), elements=st.floats(-1e3, 1e3)
).map(lambda a: transformed(a, "as is"))
arrays = st.one_of(float_vectors, numeric_arrays, object_arrays, st.lists(scalars))


def _capsule_makers():
    # Every kind of capsule or callable the package hands out, and a few
    # foreign ones: made fresh for each example, in the parent.
    return {
        "double_capsule": lambda: capsules.double_capsule(1.5),
        "array_capsule": lambda: capsules.array_capsule([1.0, 2.0, 3.0]),
        "gaussian.user_data": lambda: gaussian.gaussian_callable(2.0).user_data,
        "seed.user_data": lambda: seed.capsule_callable(2.0).user_data,
        "constant.user_data": lambda: floor.constant_callable(0.5).user_data,
        "lorentz.user_data": lambda: lorentz.lorentz_callable(0.5, 0.1).user_data,
        "correlated.user_data": lambda: (
            multidim.correlated_gaussian_callable(np.eye(2)).user_data
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


CAPSULE_MAKERS = _capsule_makers()
capsule_kinds = st.sampled_from(sorted(CAPSULE_MAKERS))

# --- the oracle ----------------------------------------------------------------


def as_real(value):
    """The float a documented real-number parameter makes of ``value``.

    Raises the documented exception otherwise: TypeError for what is not a
    real number (bool, str, None, complex, Decimal, 0-d arrays...),
    ValueError for a real number too large for a float.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError
    try:
        return float(value)
    except OverflowError:
        raise ValueError from None


def as_real_array(values, ndim):
    """The float64 array a documented array parameter makes of ``values``."""
    if values is None or isinstance(values, str | bytes):
        raise TypeError
    if isinstance(values, np.ndarray) and values.dtype.kind == "O":
        raise TypeError
    try:
        array = np.asarray(values)
    except ValueError:
        raise ValueError from None
    if array.dtype.kind == "O":
        if array.ndim == 0 and ndim != 0:
            raise TypeError
        array = np.array([as_real(v) for v in array.reshape(-1)]).reshape(array.shape)
    elif array.dtype.kind not in "iuf":
        raise TypeError
    if array.ndim != ndim:
        raise ValueError
    return array.astype(np.float64)


class Refused(Exception):
    """Several parameters are wrong: the call may name any one of them."""

    def __init__(self, types):
        super().__init__(types)
        self.types = tuple(types)


def each(*checks):
    """Run every check; the values, or Refused with every error type seen."""
    values, errors = [], set()
    for check in checks:
        try:
            values.append(check())
        except DOCUMENTED as exc:
            errors.add(type(exc))
    if errors:
        raise Refused(errors)
    return values


def expect(oracle, *args):
    """The exception type(s) ``oracle(*args)`` raises, or None and its value."""
    try:
        return None, oracle(*args)
    except Refused as exc:
        return exc.types, None
    except DOCUMENTED as exc:
        return type(exc), None


def check_outcome(expected_error, call, *args):
    """Run ``call(*args)`` forked; it must raise ``expected_error`` or return."""
    if expected_error is None:
        return run_forked(call, *args)
    with pytest.raises(expected_error):
        run_forked(call, *args)
    return None


def same(a, b):
    """Bitwise-equal floats, NaN equal to NaN."""
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)


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

# --- gaussian, seed ----------------------------------------------------------


def gaussian_oracle(a):
    a = as_real(a)
    if not (math.isfinite(a) and a > 0):
        raise ValueError
    return a


def gauss_values_and_integral(factory, a):
    llc = factory(a)
    values = evaluate(llc, X)
    integral = None
    if 1e-3 <= float(a) <= 1e3:
        integral = integrate.quad(llc, -np.inf, np.inf)[0]
    return values, integral


@pytest.mark.parametrize(
    "factory",
    [gaussian.gaussian_callable, seed.capsule_callable],
    ids=["gaussian_callable", "seed.capsule_callable"],
)
@given(a=parameters)
def test_gaussian_factories(factory, a):
    error, expected_a = expect(gaussian_oracle, a)
    result = check_outcome(error, gauss_values_and_integral, factory, a)
    if result is None:
        return
    values, integral = result
    np.testing.assert_allclose(
        values, np.exp(-expected_a * X * X), rtol=1e-14, atol=0, equal_nan=True
    )
    if integral is not None:
        assert integral == pytest.approx(math.sqrt(math.pi / expected_a), rel=1e-8)


def gauss_nd_values(a, points):
    return evaluate(gaussian.gaussian_nd_callable(a), points)


@given(
    a=parameters, points=st.lists(st.lists(floats, min_size=1, max_size=4), max_size=4)
)
def test_gaussian_nd_callable(a, points):
    error, expected_a = expect(gaussian_oracle, a)
    values = check_outcome(error, gauss_nd_values, a, points)
    if values is None:
        return
    for point, value in zip(points, values, strict=True):
        p = np.array(point)
        r2 = 0.0
        for x in p:  # the same order of additions as gauss_nd
            r2 += x * x
        assert same(value, np.exp(-expected_a * r2)) or value == pytest.approx(
            np.exp(-expected_a * r2), rel=1e-14
        )


@given(a=scalars)
def test_check_gaussian_parameter(a):
    error, expected_a = expect(gaussian_oracle, a)
    result = check_outcome(error, gaussian.check_gaussian_parameter, a)
    if result is not None:
        assert result == expected_a


# --- lorentz -----------------------------------------------------------------


def finite(value):
    value = as_real(value)
    if not math.isfinite(value):
        raise ValueError
    return value


def in_range(value, low, high):
    value = as_real(value)
    if not low <= value <= high:
        raise ValueError
    return value


def lorentz_oracle(c, width):
    return tuple(each(lambda: finite(c), lambda: in_range(width, *WIDTH_RANGE)))


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


@given(c=parameters, width=st.one_of(st.floats(1e-170, 1e-150), parameters))
def test_lorentz_callable(c, width):
    error, expected = expect(lorentz_oracle, c, width)
    result = check_outcome(error, lorentz_values_and_integral, c, width)
    if result is None:
        return
    c, width = expected
    points, values, integral = result
    assert values[0] == pytest.approx(1 / width, rel=1e-15)  # the peak
    d = points - c
    reference = width / (d * d + width * width)
    np.testing.assert_allclose(values, reference, rtol=1e-15, atol=0, equal_nan=True)
    assert np.all(np.isfinite(values) | np.isnan(points))
    if integral is not None:
        assert integral == pytest.approx(2 * math.atan(10.0), rel=1e-8)


def lorentz_integral_oracle(c, width, lower, upper):
    c, width, lower, upper = (as_real_array_any(v) for v in (c, width, lower, upper))
    try:
        c, width, lower, upper = np.broadcast_arrays(c, width, lower, upper)
    except ValueError:
        raise ValueError from None
    if not (
        np.isfinite(c).all() and np.isfinite(lower).all() and np.isfinite(upper).all()
    ):
        raise ValueError
    if not (np.isfinite(width) & (width > 0)).all():
        raise ValueError
    return np.arctan((upper - c) / width) - np.arctan((lower - c) / width)


def as_real_array_any(values):
    if values is None or isinstance(values, str | bytes):
        raise TypeError
    if isinstance(values, np.ndarray) and values.dtype.kind == "O":
        raise TypeError
    array = np.asarray(values)
    if array.dtype.kind == "O":
        return np.array([as_real(v) for v in array.reshape(-1)]).reshape(array.shape)
    if array.dtype.kind not in "iuf":
        raise TypeError
    return array.astype(np.float64)


small_arrays = st.one_of(parameters, float_vectors, numeric_arrays, object_arrays)


@given(c=small_arrays, width=small_arrays, lower=small_arrays, upper=small_arrays)
def test_lorentz_integral(c, width, lower, upper):
    try:
        error, expected = expect(lorentz_integral_oracle, c, width, lower, upper)
    except Exception:  # e.g. a ragged list the oracle cannot even read
        error, expected = (TypeError, ValueError), None
    result = check_outcome(error, lorentz.lorentz_integral, c, width, lower, upper)
    if result is not None:
        np.testing.assert_allclose(result, expected, rtol=1e-15, atol=0)


# --- floor -------------------------------------------------------------------


def constant_oracle(value):
    value = as_real(value)
    if not math.isfinite(value):
        raise ValueError
    return value


def constant_value_and_integral(value):
    llc = floor.constant_callable(value)
    values = evaluate(llc, X)
    integral = None
    if abs(float(value)) <= 1e300:
        integral = integrate.quad(llc, 0.0, 2.0)[0]
    return values, integral


@given(value=parameters)
def test_constant_callable(value):
    error, expected = expect(constant_oracle, value)
    result = check_outcome(error, constant_value_and_integral, value)
    if result is None:
        return
    values, integral = result
    assert np.all(values == expected)
    if integral is not None:
        assert integral == pytest.approx(2 * expected, rel=1e-14, abs=1e-300)


def sum_gauss_oracle(x, a):
    x = as_real_array(x, 1)
    a = as_real_array(a, 1)
    if x.shape != a.shape:
        raise ValueError
    if not (np.isfinite(a) & (a > 0)).all():
        raise ValueError
    return np.exp(-a * x * x)


vectors = st.one_of(
    float_vectors,
    hnp.arrays(np.float64, st.integers(0, 6)),  # NaN, inf, anything
    arrays,
)


@given(data=st.data())
def test_sum_gauss(data):
    x = data.draw(vectors, "x")
    n = len(x) if isinstance(x, list | np.ndarray) and np.ndim(x) == 1 else 3
    a = data.draw(
        st.one_of(
            hnp.arrays(np.float64, n, elements=st.floats(1e-300, 1e300)),
            vectors,
        ),
        "a",
    )
    try:
        error, terms = expect(sum_gauss_oracle, x, a)
    except Exception:
        error, terms = (TypeError, ValueError), None
    total = check_outcome(error, floor.sum_gauss, x, a)
    if error is None:
        reference = math.fsum(terms) if np.all(np.isfinite(terms)) else np.sum(terms)
        assert same(total, reference) or total == pytest.approx(
            reference, rel=1e-12, abs=1e-300
        )


def sum_lorentz_oracle(x, parameters):
    x = as_real_array(x, 1)
    p = as_real_array(parameters, 2)
    if p.shape[1] != 2:
        raise ValueError
    if x.shape[0] != p.shape[0]:
        raise ValueError
    c, width = p[:, 0], p[:, 1]
    if not np.isfinite(c).all():
        raise ValueError
    if not ((width >= WIDTH_RANGE[0]) & (width <= WIDTH_RANGE[1])).all():
        raise ValueError
    d = x - c
    return width / (d * d + width * width)


@given(data=st.data())
def test_sum_lorentz(data):
    x = data.draw(vectors, "x")
    n = len(x) if isinstance(x, list | np.ndarray) and np.ndim(x) == 1 else 2
    good_rows = hnp.arrays(
        np.float64,
        (n, 2),
        elements=st.floats(1e-160, 1e160),
    )
    parameters = data.draw(
        st.one_of(good_rows, numeric_arrays, object_arrays, arrays), "parameters"
    )
    try:
        error, terms = expect(sum_lorentz_oracle, x, parameters)
    except Exception:
        error, terms = (TypeError, ValueError), None
    total = check_outcome(error, floor.sum_lorentz, x, parameters)
    if error is None:
        assert not np.isinf(total) or np.isinf(np.sum(terms))
        reference = math.fsum(terms) if np.all(np.isfinite(terms)) else np.sum(terms)
        assert same(total, reference) or total == pytest.approx(
            reference, rel=1e-12, abs=1e-300
        )


# --- capsules ----------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [capsules.double_capsule, leaky.leaky_double_capsule],
    ids=["double_capsule", "leaky_double_capsule"],
)
@given(value=scalars)
def test_double_capsules(make, value):
    error, expected = expect(as_real, value)

    def made(value):
        capsule = make(value)
        return capsule_name(capsule), float(
            ctypes.c_double.from_address(capsule_pointer(capsule)).value
        )

    result = check_outcome(error, made, value)
    if result is not None:
        assert same(result[1], expected)


@given(values=arrays)
def test_array_capsule(values):
    try:
        error, expected = expect(as_real_array, values, 1)
        if error is None and expected.size == 0:
            error = ValueError
    except Exception:
        error, expected = (TypeError, ValueError), None

    def made(values):
        return capsules.read_doubles(capsules.array_capsule(values))

    result = check_outcome(error, made, values)
    if result is not None:
        assert same(result, expected)


def is_doubles_capsule(kind):
    return kind in {
        "double_capsule",
        "array_capsule",
        "gaussian.user_data",
        "seed.user_data",
        "constant.user_data",
        "lorentz.user_data",
        "correlated.user_data",
    }


@given(kind=capsule_kinds)
def test_read_doubles(kind):
    capsule = CAPSULE_MAKERS[kind]()
    error = None if is_doubles_capsule(kind) else TypeError
    check_outcome(error, capsules.read_doubles, capsule)


INDICES = st.one_of(
    st.integers(-3, 4),
    huge_ints,
    st.booleans(),
    floats,
    st.none(),
    st.text(max_size=2),
    hnp.from_dtype(np.dtype("int64")),
    st.just(np.int8(1)),
)
LENGTHS = {
    "double_capsule": 1,
    "array_capsule": 3,
    "gaussian.user_data": 1,
    "seed.user_data": 1,
    "constant.user_data": 1,
    "lorentz.user_data": 2,
    "correlated.user_data": 3,
}


def set_double_oracle(kind, index, value):
    """The exception set_double may raise, or the value it writes."""
    if not is_doubles_capsule(kind) or kind == "correlated.user_data":
        raise TypeError
    if isinstance(index, bool | np.bool_):
        raise TypeError
    index = operator.index(index)  # TypeError for floats, None, strings
    if not 0 <= index < LENGTHS[kind]:
        raise IndexError
    value = as_real(value)
    if kind == "lorentz.user_data":
        low, high = (-DBL_MAX, DBL_MAX) if index == 0 else WIDTH_RANGE
        if not low <= value <= high:
            raise ValueError
    return index, value


def set_and_integrate(capsule_kind, capsule, index, value):
    # After the write, the callable that holds the capsule must still give
    # the right integral (or, for a plain buffer, read back what was written).
    if capsule_kind in ("lorentz.user_data",):
        llc = lorentz.lorentz_callable(0.5, 0.1)
        capsule = llc.user_data
    capsules.set_double(capsule, index, value)
    after = capsules.read_doubles(capsule)
    if capsule_kind == "lorentz.user_data":
        c, width = after
        if 1e-3 <= width <= 1e3 and abs(c) <= 1e3:
            integral = integrate.quad(llc, c - 10 * width, c + 10 * width, points=[c])[
                0
            ]
            return after, integral
    return after, None


@given(kind=capsule_kinds, index=INDICES, value=parameters)
def test_set_double(kind, index, value):
    capsule = CAPSULE_MAKERS[kind]()
    try:
        error, expected = expect(set_double_oracle, kind, index, value)
    except DOCUMENTED as exc:  # pragma: no cover
        error, expected = type(exc), None
    if error is not None and kind == "correlated.user_data":
        # read-only comes first: whatever the index and value
        error = TypeError
    if error in (TypeError, IndexError, ValueError) and kind in LENGTHS:
        # Several things may be wrong at once: which is named first is not
        # part of the contract, that one of them is, is.
        error = (TypeError, IndexError, ValueError)
    result = check_outcome(error, set_and_integrate, kind, capsule, index, value)
    if result is None:
        return
    after, integral = result
    index, value = expected
    assert same(after[index], value)
    if integral is not None:
        assert integral == pytest.approx(2 * math.atan(10.0), rel=1e-8)


# --- normal ------------------------------------------------------------------


def normal_oracle(mu, sigma):
    return tuple(each(lambda: finite(mu), lambda: in_range(sigma, DBL_MIN, DBL_MAX)))


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
    mu, sigma = normal.read_normal_params(llc.user_data)
    points = np.array([mu, mu + sigma, *X])
    values = evaluate(llc, points)
    integral = None
    if 1e-3 <= sigma <= 1e3 and abs(mu) <= 1e3:
        integral = integrate.quad(llc, mu - 40 * sigma, mu + 40 * sigma, points=[mu])[0]
    return points, values, integral


@pytest.mark.parametrize(
    "update", [False, True], ids=["normal_callable", "set_normal_params"]
)
@given(mu=parameters, sigma=st.one_of(st.floats(1e-310, 1e-300), parameters))
def test_normal(update, mu, sigma):
    error, expected = expect(normal_oracle, mu, sigma)
    result = check_outcome(error, normal_values_and_integral, mu, sigma, update)
    if result is None:
        return
    mu, sigma = expected
    points, values, integral = result
    peak = 1 / math.sqrt(2 * math.pi) / sigma
    assert values[0] == pytest.approx(peak, rel=1e-15)
    z = (points - mu) / sigma
    reference = 1 / math.sqrt(2 * math.pi) / sigma * np.exp(-0.5 * z * z)
    np.testing.assert_allclose(values, reference, rtol=1e-14, atol=0, equal_nan=True)
    assert not np.any(np.isinf(values))
    if integral is not None:
        assert integral == pytest.approx(1.0, rel=1e-8)


@given(kind=capsule_kinds)
def test_normal_capsule_readers_refuse_other_capsules(kind):
    capsule = CAPSULE_MAKERS[kind]()
    error = None if kind == "normal.params" else TypeError
    check_outcome(error, normal.read_normal_params, capsule)
    check_outcome(error, normal.set_normal_params, capsule, 1.0, 2.0)


# --- multidim ----------------------------------------------------------------


def covariance_oracle(cov):
    try:
        array = np.asarray(cov)
    except ValueError:
        raise ValueError from None
    if array.dtype.kind not in "iuf":
        raise TypeError
    if array.shape != (2, 2):
        raise ValueError
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise ValueError
    if abs(array[0, 1] - array[1, 0]) > 1e-12 * max(abs(array[0, 1]), abs(array[1, 0])):
        raise ValueError
    array[1, 0] = array[0, 1]
    if np.linalg.eigvalsh(array)[0] <= 0:
        raise ValueError
    if not np.isfinite(np.linalg.inv(array)).all():
        raise ValueError
    return array


covariances = st.builds(
    lambda s1, s2, rho: [[s1 * s1, rho * s1 * s2], [rho * s1 * s2, s2 * s2]],
    st.floats(0.2, 5),
    st.floats(0.2, 5),
    st.floats(-0.9, 0.9),
)


def correlated_values_and_integral(cov, well_conditioned):
    llc = multidim.correlated_gaussian_callable(cov)
    points = [(0.0, 0.0), (1.0, -0.5), (3.0, 2.0), (1e200, 1e200), (0.5,)]
    values = evaluate(llc, points)
    integral = None
    if well_conditioned:
        inf = np.inf
        integral = integrate.dblquad(llc, -inf, inf, -inf, inf)[0]
    return values, integral, capsules.read_doubles(llc.user_data)


@given(
    cov=st.one_of(
        covariances, small_arrays, st.lists(st.lists(scalars, max_size=3), max_size=3)
    )
)
def test_correlated_gaussian_callable(cov):
    try:
        error, expected = expect(covariance_oracle, cov)
    except Exception:
        error, expected = (TypeError, ValueError), None
    well = expected is not None and np.linalg.cond(expected) < 100
    well = bool(well and 0.01 < np.abs(expected).max() < 100)
    result = check_outcome(error, correlated_values_and_integral, cov, well)
    if result is None:
        return
    values, integral, stored = result
    p = np.linalg.inv(expected)
    assert stored == pytest.approx([p[0, 0], p[0, 1], p[1, 1]], rel=1e-12)
    for (u, v), value in zip(
        [(0.0, 0.0), (1.0, -0.5), (3.0, 2.0)], values, strict=False
    ):
        q = p[0, 0] * u * u + 2 * p[0, 1] * u * v + p[1, 1] * v * v
        assert value == pytest.approx(math.exp(-0.5 * q), rel=1e-12)
    assert math.isnan(values[-1])  # one variable: NaN, documented
    if integral is not None:
        det = np.linalg.det(expected)
        assert integral == pytest.approx(2 * math.pi * math.sqrt(det), rel=1e-7)


@given(cov=st.one_of(covariances, small_arrays))
def test_check_covariance(cov):
    try:
        error, expected = expect(covariance_oracle, cov)
    except Exception:
        error, expected = (TypeError, ValueError), None
    result = check_outcome(error, multidim.check_covariance, cov)
    if result is not None:
        assert same(result, expected)


def recording_oracle(slots):
    if isinstance(slots, bool | np.bool_) or not isinstance(slots, numbers.Integral):
        raise TypeError
    if not 1 <= slots <= 64:
        raise ValueError
    return int(slots)


def record_a_dblquad(slots):
    rec = multidim.recording_callable(slots)
    area = integrate.dblquad(rec, 0, 1, -1, 0)[0]
    return area, tuple(multidim.read_record(rec))


@given(slots=st.one_of(st.integers(-2, 70), scalars))
def test_recording_callable(slots):
    error, expected = expect(recording_oracle, slots)
    result = check_outcome(error, record_a_dblquad, slots)
    if result is None:
        return
    area, (calls, n, low, high) = result
    assert area == pytest.approx(1.0, rel=1e-12)
    assert calls > 0 and n == 2
    assert len(low) == min(2, expected)
    assert -1 <= low[0] <= high[0] <= 0  # the inner variable, y, first
    if expected >= 2:
        assert 0 <= low[1] <= high[1] <= 1


@given(kind=capsule_kinds)
def test_read_record_refuses_everything_but_a_recorder(kind):
    thing = CAPSULE_MAKERS[kind]()
    # read_record takes the callable; give it the capsule and a callable
    # holding the capsule, made with the raw route, which is never called.
    for candidate in (thing, getattr(thing, "user_data", thing)):
        check_outcome(TypeError, multidim.read_record, candidate)
    rec = multidim.recording_callable(1)
    assert check_outcome(None, multidim.read_record, rec).calls == 0


# --- signatures ----------------------------------------------------------------


def args_integral(a):
    return integrate.quad(
        signatures.gaussian_args_callable(), -np.inf, np.inf, args=(a,)
    )[0]


@given(a=st.floats(1e-3, 1e3))
def test_gaussian_args_callable_reads_a_from_args(a):
    assert run_forked(args_integral, a) == pytest.approx(
        math.sqrt(math.pi / a), rel=1e-8
    )


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
    record_a_dblquad(2)
    args_integral(1.0)
    floor.sum_gauss([1.0], [1.0])
    floor.sum_lorentz([1.0], [[0.5, 0.1]])


_warm_up()
