"""The silent wrong answers and unclear errors of issue 21, each with its oracle.

Every oracle is independent of the code under test: a closed form, quad with
a Python integrand, mpmath (50 digits), or a case worked by hand.
"""

import ctypes
import math
import sys
import warnings

import numpy as np
import pytest
from scipy import integrate

from kernels import capsules, filters, gaussian, lorentz, multidim, normal, sweep
from kernels.pycapsule import new_capsule

INF = math.inf
# x86-64 Linux: an 80-bit long double, up to about 1e4932.
LONG_DOUBLE_IS_WIDER = np.finfo(np.longdouble).maxexp > 1024


# Silent 1: lorentz_integral is stable --------------------------------------


def python_lorentz_integral(c, width, lower, upper):
    """The integral by quad on a Python integrand, split at the peak."""

    def f(x):
        return width / ((x - c) ** 2 + width**2)

    points = [c] if lower < c < upper else None
    if math.isinf(lower) or math.isinf(upper):
        if points:
            return quad_value(f, lower, c) + quad_value(f, c, upper)
        return quad_value(f, lower, upper)
    return quad_value(f, lower, upper, points=points)


def quad_value(f, lower, upper, **options):
    value, error = integrate.quad(
        f, lower, upper, epsabs=0, epsrel=1e-12, limit=200, **options
    )
    return value


CASES = [
    # (c, width, lower, upper)
    (0.0, 1.0, 1e8, 1e8 + 1),  # the issue's case: 1.0e-16, was 0.0
    (0.0, 1.0, -1e8 - 1, -1e8),  # its mirror
    (5.0, 0.5, 1e6, 2e6),  # far right of the peak
    (0.0, 1e-3, 1.0, 2.0),  # a narrow peak, both bounds to its right
    (0.0, 1.0, -1.0, 1.0),  # the peak inside: pi/2
    (3.0, 2.0, 0.0, 1.0),  # the peak outside, moderate
    (0.0, 1.0, 2.0, 1.0),  # reversed bounds: a negative integral
    (1e3, 10.0, 0.0, 1.0),
]


@pytest.mark.parametrize(("c", "width", "lower", "upper"), CASES)
def test_lorentz_integral_matches_quad_on_a_python_integrand(c, width, lower, upper):
    expected = python_lorentz_integral(c, width, lower, upper)
    got = lorentz.lorentz_integral(c, width, lower, upper)
    assert got == pytest.approx(expected, rel=1e-9, abs=0)


def test_lorentz_integral_of_the_issue_by_hand():
    # arctan(1e8 + 1) - arctan(1e8) = arctan(1 / (1 + 1e8 (1e8 + 1))),
    # and arctan(t) = t to 1e-32 for t ~ 1e-16: 1 / (1e16 + 1e8 + 1).
    expected = 1 / (1e16 + 1e8 + 1)
    assert lorentz.lorentz_integral(0, 1, 1e8, 1e8 + 1) == pytest.approx(
        expected, rel=1e-12, abs=0
    )
    # Far beyond where a product of the bounds would overflow:
    # arctan(2e200) - arctan(1e200) = 1/1e200 - 1/2e200 to 1e-400.
    assert lorentz.lorentz_integral(0, 1, 1e200, 2e200) == pytest.approx(
        5e-201, rel=1e-12, abs=0
    )


@pytest.mark.parametrize(("c", "width", "lower", "upper"), CASES)
def test_lorentz_integral_matches_mpmath(c, width, lower, upper):
    import mpmath  # the test group installs it

    mpmath.mp.dps = 50
    exact = mpmath.atan((mpmath.mpf(upper) - c) / width) - mpmath.atan(
        (mpmath.mpf(lower) - c) / width
    )
    assert lorentz.lorentz_integral(c, width, lower, upper) == pytest.approx(
        float(exact), rel=1e-13, abs=0
    )


@pytest.mark.parametrize(
    ("lower", "upper", "expected"),
    [
        (-INF, INF, math.pi),
        (0.0, INF, math.pi / 2),
        (-INF, 0.0, math.pi / 2),
        # The tail beyond 1e8 widths: arctan(1e-8) by hand, 1e-8 - 1e-24/3.
        (1e8, INF, 1e-8 - 1e-24 / 3),
        (-INF, -1e8, 1e-8 - 1e-24 / 3),
        (INF, INF, 0.0),
    ],
)
def test_lorentz_integral_with_infinite_bounds(lower, upper, expected):
    assert lorentz.lorentz_integral(0.0, 1.0, lower, upper) == pytest.approx(
        expected, rel=1e-14, abs=0
    )


def test_lorentz_integral_broadcasts_and_stays_stable_in_arrays():
    centres = np.array([0.0, 0.0, 1e8 + 0.5])
    got = lorentz.lorentz_integral(centres, 1.0, 1e8, 1e8 + 1)
    expected = [python_lorentz_integral(c, 1.0, 1e8, 1e8 + 1) for c in centres]
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=0)


def test_lorentz_integral_refuses_nan_bounds():
    with pytest.raises(ValueError, match="lower"):
        lorentz.lorentz_integral(0.0, 1.0, math.nan, 1.0)


# Silent 2: polar_callable's centre is a pair of reals ----------------------


@pytest.mark.parametrize(
    "centre",
    [
        b"\x05\x07",
        bytearray(b"\x05\x07"),
        "57",
        {5: 1, 7: 2},
        {5, 7},
        frozenset({5, 7}),
        iter([5, 7]),
        (x for x in (5, 7)),
        (5, 7, 9),
        (5,),
        5,
        None,
        (5, "7"),
        (True, 7),
        (5 + 0j, 7),
        np.array([[5, 7]]),
    ],
    ids=repr,
)
def test_polar_centre_refuses_what_is_not_a_pair_of_reals(centre):
    # Before: bytes were read as (5, 7), a dict as its keys, a set in any
    # order, and an iterator was consumed.
    with pytest.raises((TypeError, ValueError), match="centre"):
        filters.polar_callable(centre, 1.0, 0.5)


@pytest.mark.parametrize(
    "centre", [(5, 7), [5.0, 7.0], np.array([5.0, 7.0]), (np.int64(5), np.float32(7))]
)
def test_polar_centre_takes_a_pair_of_reals(centre):
    llc = filters.polar_callable(centre, 1.0, 0.5)
    assert filters.parameters(llc.user_data)["centre"] == (5.0, 7.0)


def test_polar_centre_of_the_wrong_type_is_a_type_error():
    for centre in (b"\x05\x07", {5, 7}, iter([5, 7]), {5: 1, 7: 2}):
        with pytest.raises(TypeError, match="centre"):
            filters.polar_callable(centre, 1.0, 0.5)


# Silent 3: set_double enforces each factory's ranges -----------------------


def test_set_double_refuses_what_gaussian_callable_refuses():
    llc = gaussian.gaussian_callable(1.0)
    for bad in (0.0, -2.0, INF, math.nan, np.float64(0.0), np.float64(-1e-300)):
        with pytest.raises(ValueError, match=r"^a \(element 0 .* must be between"):
            capsules.set_double(llc.user_data, 0, bad)
    # Unchanged: quad still integrates exp(-x**2).
    assert integrate.quad(llc, -INF, INF)[0] == pytest.approx(
        math.sqrt(math.pi), rel=1e-10, abs=0
    )


@pytest.mark.parametrize(
    "make",
    [
        gaussian.gaussian_callable,
        gaussian.gaussian_nd_callable,
        lambda a: __import__("kernels.seed").seed.capsule_callable(a),
    ],
)
def test_every_gaussian_factory_declares_its_range(make):
    llc = make(2.0)
    with pytest.raises(ValueError, match=r"^a \(element 0 .* must be between"):
        capsules.set_double(llc.user_data, 0, 0.0)
    capsules.set_double(llc.user_data, 0, 4.0)
    assert capsules.read_doubles(llc.user_data).tolist() == [4.0]


def test_set_double_refuses_what_constant_callable_refuses():
    from kernels import floor

    llc = floor.constant_callable(1.0)
    with pytest.raises(ValueError, match="value"):
        capsules.set_double(llc.user_data, 0, INF)
    with pytest.raises(ValueError, match="value"):
        capsules.set_double(llc.user_data, 0, math.nan)


def test_plain_capsules_still_take_any_double():
    block = capsules.double_capsule(1.0)
    for value in (0.0, -1.0, INF, -INF):
        capsules.set_double(block, 0, value)
        assert capsules.read_doubles(block)[0] == value


@pytest.mark.parametrize(
    "value",
    [True, np.bool_(True), "1", 1 + 0j, None, 10**400, np.longdouble("1e400")],
    ids=repr,
)
def test_set_double_stays_strict_with_its_fast_path(value):
    block = capsules.double_capsule(1.0)
    with pytest.raises((TypeError, ValueError), match="value"):
        capsules.set_double(block, 0, value)
    assert capsules.read_doubles(block).tolist() == [1.0]


# Silent 4: values too large for a double are refused, not stored as inf ----


@pytest.mark.parametrize(
    "value",
    [np.longdouble("1e400"), -np.longdouble("1e400"), 10**400],
    ids=repr,
)
def test_double_capsule_refuses_a_finite_value_too_large_for_a_double(value):
    if isinstance(value, np.longdouble) and not LONG_DOUBLE_IS_WIDER:
        pytest.skip("long double is a double on this platform")
    with pytest.raises(ValueError, match="too large for a float"):
        capsules.double_capsule(value)


def test_array_capsule_refuses_long_doubles_too_large_for_a_double():
    if not LONG_DOUBLE_IS_WIDER:
        pytest.skip("long double is a double on this platform")
    values = np.array(["1.0", "1e400", "2.0"]).astype(np.longdouble)
    with pytest.raises(ValueError, match=r"values\[1\].*too large for a float"):
        capsules.array_capsule(values)
    # inf stays inf: it was not finite to begin with.
    inf_values = np.array([1.0, np.inf], dtype=np.longdouble)
    assert capsules.read_doubles(capsules.array_capsule(inf_values))[1] == INF


def test_factories_say_too_large_not_not_finite():
    if not LONG_DOUBLE_IS_WIDER:
        pytest.skip("long double is a double on this platform")
    with pytest.raises(ValueError, match="too large for a float") as info:
        gaussian.gaussian_callable(np.longdouble("1e400"))
    assert "finite" not in str(info.value)


# Silent 5: parameters quad cannot integrate over the real line -------------


def quad_line(llc):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value, error = integrate.quad(llc, -INF, INF)
    return value, error, bool(caught)


@pytest.mark.parametrize("a", gaussian.QUAD_LINE_A_RANGE)
def test_quad_finds_the_gaussian_at_the_ends_of_its_checked_range(a):
    value, _, _ = quad_line(gaussian.gaussian_callable(a))
    assert value == pytest.approx(math.sqrt(math.pi / a), rel=1e-8, abs=0)


@pytest.mark.parametrize("a", [1e7, 1e8, 1e100, sys.float_info.max])
def test_beyond_it_quad_misses_the_peak_as_the_docstring_says(a):
    # The integrand is right (exp(0) = 1 at x = 0): quad's first points, on
    # (-inf, inf) mapped to (0, 1], all fall where exp(-a x**2) is 0.
    llc = gaussian.gaussian_callable(a)
    value, error, _ = quad_line(llc)
    assert value < 1e-3 * math.sqrt(math.pi / a)
    doc = " ".join(gaussian.gaussian_callable.__doc__.split())
    assert "no warning" in doc and "40 / sqrt(a)" in doc
    # The documented remedy: a range scaled to the peak.
    half = 40 / math.sqrt(a)
    scaled = integrate.quad(llc, -half, half, epsabs=0)[0]
    assert scaled == pytest.approx(math.sqrt(math.pi / a), rel=1e-10, abs=0)
    assert "epsabs=0" in doc


@pytest.mark.parametrize("a", [math.nextafter(0.0, 1.0), 1e-300, 1e-12])
def test_below_it_quad_warns_or_is_right(a):
    value, _, warned = quad_line(gaussian.gaussian_callable(a))
    assert warned or value == pytest.approx(math.sqrt(math.pi / a), rel=1e-8, abs=0)


@pytest.mark.parametrize("sigma", normal.QUAD_LINE_SIGMA_RANGE)
def test_quad_finds_the_normal_density_at_the_ends_of_its_checked_range(sigma):
    value, _, _ = quad_line(normal.normal_callable(0.0, sigma))
    assert value == pytest.approx(1.0, rel=1e-8, abs=0)


@pytest.mark.parametrize("sigma", [1e-4, 1e-100, 1e-305, normal.SIGMA_RANGE[0], 1e100])
def test_beyond_it_quad_misses_the_density_as_the_docstring_says(sigma):
    llc = normal.normal_callable(0.0, sigma)
    value, _, warned = quad_line(llc)
    assert value < 1e-3
    doc = " ".join(normal.normal_callable.__doc__.split())
    assert "no warning" in doc and "mu + 40 sigma" in doc
    if sigma >= 1e-305:  # below, quad's points on the range are subnormal
        scaled = integrate.quad(llc, -40 * sigma, 40 * sigma, epsabs=0)[0]
        assert scaled == pytest.approx(1.0, rel=1e-10, abs=0)


@pytest.mark.parametrize("width", lorentz.QUAD_LINE_WIDTH_RANGE)
def test_quad_finds_the_lorentzian_at_the_ends_of_its_checked_range(width):
    value, _, _ = quad_line(lorentz.lorentz_callable(0.0, width))
    assert value == pytest.approx(math.pi, rel=1e-8, abs=0)


@pytest.mark.parametrize(
    "width", [lorentz.WIDTH_RANGE[0], 1e-100, 1e100, lorentz.WIDTH_RANGE[1]]
)
def test_beyond_it_quad_misses_the_lorentzian_as_the_docstring_says(width):
    llc = lorentz.lorentz_callable(0.0, width)
    value, _, _ = quad_line(llc)
    assert value < 1e-3
    doc = " ".join(lorentz.lorentz_callable.__doc__.split())
    assert "no warning" in doc and "lorentz_integral" in doc


def test_sweep_refuses_the_a_quad_cannot_integrate_over_the_line():
    # Before: integrate_chunk([1e9]) returned [0.] without a word.
    low, high = gaussian.QUAD_LINE_A_RANGE
    for a in (1e9, high * 1.01, low / 1.01):
        with pytest.raises(ValueError, match=r"a_values\[1\]"):
            sweep.integrate_chunk([1.0, a])
    got = sweep.integrate_chunk([low, 1.0, high])
    np.testing.assert_allclose(
        got, np.sqrt(np.pi / np.array([low, 1.0, high])), rtol=1e-8
    )


# Unclear errors (silent 7) -------------------------------------------------


_CONTEXTLESS_VALUE = ctypes.c_double(1.0)


def test_a_doubles_capsule_made_elsewhere_is_a_clear_type_error():
    # Before: SystemError "returned NULL without setting an exception".
    impostor = new_capsule(
        ctypes.addressof(_CONTEXTLESS_VALUE), b"kernels.capsules.doubles"
    )
    with pytest.raises(TypeError, match="not made by kernels.capsules"):
        capsules.read_doubles(impostor)
    with pytest.raises(TypeError, match="not made by kernels.capsules"):
        capsules.set_double(impostor, 0, 2.0)
    assert _CONTEXTLESS_VALUE.value == 1.0


def test_check_covariance_names_a_huge_entry_briefly():
    # Before: a TypeError with all 400 digits.
    with pytest.raises(ValueError, match="too large for a float") as info:
        multidim.check_covariance([[10**400, 0], [0, 1]])
    assert len(str(info.value)) < 300
    assert "cov" in str(info.value)


def test_array_capsule_takes_a_memoryview_of_reals():
    block = capsules.array_capsule(memoryview(np.arange(3.0)))
    assert capsules.read_doubles(block).tolist() == [0.0, 1.0, 2.0]


def test_array_capsule_still_refuses_a_memoryview_of_bytes():
    with pytest.raises(TypeError, match="values"):
        capsules.array_capsule(memoryview(b"abc"))


def test_array_capsule_takes_bytes_cast_to_doubles():
    # Before: refused as "a memoryview of bytes", though it views doubles.
    data = np.array([1.5, -2.0]).tobytes()
    block = capsules.array_capsule(memoryview(data).cast("d"))
    assert capsules.read_doubles(block).tolist() == [1.5, -2.0]


def test_array_capsule_names_its_parameter_for_a_released_memoryview():
    # Before: "operation forbidden on released memoryview object".
    view = memoryview(np.arange(3.0))
    view.release()
    with pytest.raises(ValueError, match="values is a released memoryview"):
        capsules.array_capsule(view)


@pytest.mark.parametrize("a_values", [2.0, None, "1.0", [[1.0]], [True]], ids=repr)
def test_integrate_chunk_names_its_parameter(a_values):
    # Before: 2.0 gave "'float' object is not iterable".
    with pytest.raises((TypeError, ValueError), match="a_values"):
        sweep.integrate_chunk(a_values)


# Where quad's silence begins, as the docstrings say (found by a scan of
# widths and sigmas in steps of 10**0.1: warned or right up to there, tiny
# and silent beyond, on both sides).


@pytest.mark.parametrize("width", [1e-6, 1e-11, 1e6, 1e11])
def test_between_the_checked_range_and_the_silent_one_quad_warns(width):
    value, _, warned = quad_line(lorentz.lorentz_callable(0.0, width))
    assert warned


@pytest.mark.parametrize("width", [2e-12, 1e-12, 5e11, 1e12, 1e20])
def test_from_3e_12_and_4e11_on_quad_misses_the_lorentzian_silently(width):
    value, _, warned = quad_line(lorentz.lorentz_callable(0.0, width))
    assert value < 1e-3 * math.pi and not warned
    doc = " ".join(lorentz.lorentz_callable.__doc__.split())
    assert "3e-12 and up to 4e11" in doc


@pytest.mark.parametrize("sigma", [1e5, 1e11])
def test_a_wide_normal_density_makes_quad_warn(sigma):
    assert quad_line(normal.normal_callable(0.0, sigma))[2]


@pytest.mark.parametrize("sigma", [2e11, 1e12, 1e50])
def test_from_sigma_1_6e11_on_quad_misses_the_density_silently(sigma):
    value, _, warned = quad_line(normal.normal_callable(0.0, sigma))
    assert value < 1e-3 and not warned
    doc = " ".join(normal.normal_callable.__doc__.split())
    assert "from sigma about 1.6e11 on" in doc
