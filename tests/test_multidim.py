"""Claims the book's chapter on dblquad, tplquad and nquad makes about kernels."""

import math

import numpy as np
import pytest
from scipy import LowLevelCallable, integrate

from kernels import capsules, gaussian, multidim, signatures
from kernels.pycapsule import capsule_name

INF = np.inf
WITH_USER_DATA = "double (int, double *, void *)"
WITHOUT_USER_DATA = "double (int, double *)"
# Covariances with and without correlation, of both signs, and anisotropic, so
# that swapping the two variables would change the answer of the order test.
COVARIANCES = [
    [[1.0, 0.0], [0.0, 1.0]],
    [[2.0, 0.6], [0.6, 0.5]],
    [[1.0, -0.9], [-0.9, 1.0]],
    [[0.3, 0.1], [0.1, 4.0]],
]


def gaussian_closed_form(a, n):
    return (math.pi / a) ** (n / 2)


def correlated_closed_form(cov):
    return 2 * math.pi * math.sqrt(np.linalg.det(cov))


# What SciPy passes in xx ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "signature"),
    [
        ("correlated_gauss", WITH_USER_DATA),
        ("record_nd", WITH_USER_DATA),
    ],
)
def test_exported_capsules_are_named_by_their_c_signatures(name, signature):
    assert capsule_name(multidim.__pyx_capi__[name]) == signature


def test_dblquad_passes_the_inner_variable_y_first_then_x():
    # x (outer) runs over [10, 11], y (inner) over [0, 1]: the ranges tell the
    # slots apart.
    recorder = multidim.recording_callable()
    area, _ = integrate.dblquad(recorder, 10, 11, 0, 1)
    record = multidim.read_record(recorder)
    assert area == pytest.approx(1.0)
    assert record.n == 2
    assert 0 < record.low[0] < record.high[0] < 1
    assert 10 < record.low[1] < record.high[1] < 11


def test_tplquad_passes_z_then_y_then_x():
    recorder = multidim.recording_callable()
    integrate.tplquad(recorder, 100, 101, 10, 11, 0, 1)
    record = multidim.read_record(recorder)
    assert record.n == 3
    assert 0 < record.low[0] < record.high[0] < 1
    assert 10 < record.low[1] < record.high[1] < 11
    assert 100 < record.low[2] < record.high[2] < 101


def test_nquad_passes_ranges_in_list_order_then_args():
    recorder = multidim.recording_callable()
    integrate.nquad(recorder, [[0, 1], [10, 11]], args=(7.0, -3.0))
    record = multidim.read_record(recorder)
    assert record.n == 4
    assert 0 < record.low[0] < record.high[0] < 1
    assert 10 < record.low[1] < record.high[1] < 11
    assert record.low[2:] == record.high[2:] == (7.0, -3.0)


def test_recorded_calls_equal_nquads_neval():
    recorder = multidim.recording_callable()
    _, _, info = integrate.nquad(recorder, [[0, 1], [10, 11]], full_output=True)
    assert multidim.read_record(recorder).calls == info["neval"] > 0


def test_recording_callable_starts_empty():
    assert multidim.read_record(multidim.recording_callable(3)) == (0, 0, (), ())


def test_recorder_integrates_to_the_volume_of_the_unit_ball():
    recorder = multidim.recording_callable()
    volume, _ = integrate.tplquad(
        recorder,
        -1,
        1,
        lambda x: -math.sqrt(1 - x * x),
        lambda x: math.sqrt(1 - x * x),
        lambda x, y: -math.sqrt(max(0.0, 1 - x * x - y * y)),
        lambda x, y: math.sqrt(max(0.0, 1 - x * x - y * y)),
    )
    assert volume == pytest.approx(4 * math.pi / 3, rel=1e-8)


# The cost model: only the innermost level runs in C -------------------------


def test_python_and_c_integrands_are_evaluated_equally_often():
    calls = 0

    def python_gaussian(y, x):
        nonlocal calls
        calls += 1
        return math.exp(-(x * x + y * y))

    c_value, _, c_info = integrate.nquad(
        gaussian.gaussian_nd_callable(1.0), [[-INF, INF]] * 2, full_output=True
    )
    py_value, _, py_info = integrate.nquad(
        python_gaussian, [[-INF, INF]] * 2, full_output=True
    )
    assert calls == py_info["neval"] == c_info["neval"]
    assert c_value == py_value


def test_innermost_range_is_called_once_per_inner_integral_of_a_hand_built_dblquad():
    # dblquad with a C integrand is a Python outer integrand calling quad: the
    # same number of inner integrals, and the same value.
    llc = gaussian.gaussian_nd_callable(1.0)
    inner_ranges = 0
    outer_calls = 0

    def inner_range(x):
        nonlocal inner_ranges
        inner_ranges += 1
        return -INF, INF

    def outer(x):
        nonlocal outer_calls
        outer_calls += 1
        return integrate.quad(llc, -INF, INF, args=(x,))[0]

    by_nquad, _ = integrate.nquad(llc, [inner_range, [-INF, INF]])
    by_hand, _ = integrate.quad(outer, -INF, INF)
    assert inner_ranges == outer_calls > 1
    assert by_nquad == pytest.approx(by_hand, rel=1e-14)


# Closed forms -----------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("a", [0.5, 2.0])
def test_one_nd_callable_serves_nquad_in_every_dimension(n, a):
    value, _ = integrate.nquad(gaussian.gaussian_nd_callable(a), [[-INF, INF]] * n)
    assert value == pytest.approx(gaussian_closed_form(a, n), rel=1e-8)


def test_tight_opts_bring_the_2d_gaussian_to_1e_12():
    opts = {"epsabs": 0, "epsrel": 1e-13}
    value, _ = integrate.nquad(
        gaussian.gaussian_nd_callable(1.0), [[-INF, INF]] * 2, opts=[opts, opts]
    )
    assert value == pytest.approx(math.pi, rel=1e-12)


@pytest.mark.parametrize("cov", COVARIANCES)
def test_correlated_gaussian_over_the_plane_is_2_pi_sqrt_det(cov):
    llc = multidim.correlated_gaussian_callable(cov)
    by_dblquad, _ = integrate.dblquad(llc, -INF, INF, -INF, INF)
    by_nquad, _ = integrate.nquad(llc, [[-INF, INF]] * 2)
    assert by_dblquad == pytest.approx(correlated_closed_form(cov), rel=1e-8)
    assert by_nquad == pytest.approx(correlated_closed_form(cov), rel=1e-8)


@pytest.mark.parametrize("cov", COVARIANCES)
@pytest.mark.parametrize("v", [-1.5, 0.0, 0.7])
def test_cov_0_0_belongs_to_the_innermost_variable(cov, v):
    # Integrating out xx[0] alone, with xx[1] = v passed in args, leaves
    # sqrt(2 pi / P00) exp(-v**2 / (2 cov[1][1])): the Gaussian marginal of xx[1].
    cov = np.array(cov)
    precision = np.linalg.inv(cov)
    llc = multidim.correlated_gaussian_callable(cov)
    value, _ = integrate.quad(llc, -INF, INF, args=(v,))
    expected = math.sqrt(2 * math.pi / precision[0, 0]) * math.exp(
        -(v**2) / (2 * cov[1, 1])
    )
    assert value == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("rho", [-0.8, 0.0, 0.5])
def test_correlated_gaussian_over_a_quadrant_matches_the_orthant_formula(rho):
    cov = [[1.0, rho], [rho, 1.0]]
    value, _ = integrate.nquad(
        multidim.correlated_gaussian_callable(cov), [[0, INF], [0, INF]]
    )
    expected = correlated_closed_form(cov) * (0.25 + math.asin(rho) / (2 * math.pi))
    assert value == pytest.approx(expected, rel=1e-8)


def test_correlated_callable_copies_cov():
    cov = np.array([[2.0, 0.6], [0.6, 0.5]])
    llc = multidim.correlated_gaussian_callable(cov)
    cov[:] = [[100.0, 0.0], [0.0, 100.0]]
    value, _ = integrate.dblquad(llc, -INF, INF, -INF, INF)
    assert value == pytest.approx(2 * math.pi * math.sqrt(1.0 - 0.36), rel=1e-8)


def test_correlated_callable_in_one_dimension_gives_nan_not_a_crash():
    with pytest.warns(integrate.IntegrationWarning):
        value, _ = integrate.quad(
            multidim.correlated_gaussian_callable(np.eye(2)), -INF, INF
        )
    assert math.isnan(value)


@pytest.mark.parametrize("a", [0.5, 2.0])
@pytest.mark.parametrize("radius", [0.5, 1.0, 3.0])
def test_gaussian_over_a_disc_with_bounds_as_functions(a, radius):
    llc = gaussian.gaussian_nd_callable(a)

    def half_chord(x):
        return math.sqrt(max(0.0, radius**2 - x * x))

    by_dblquad, _ = integrate.dblquad(
        llc, -radius, radius, lambda x: -half_chord(x), half_chord
    )
    by_nquad, _ = integrate.nquad(
        llc, [lambda x: (-half_chord(x), half_chord(x)), [-radius, radius]]
    )
    expected = math.pi / a * (1 - math.exp(-a * radius**2))
    assert by_dblquad == pytest.approx(expected, rel=1e-8)
    assert by_nquad == pytest.approx(expected, rel=1e-8)


# The args route: double (int, double *) -----------------------------------------


def test_gaussian_args_callable_has_no_user_data():
    llc = signatures.gaussian_args_callable()
    assert isinstance(llc, LowLevelCallable)
    assert llc.signature == WITHOUT_USER_DATA
    assert llc.user_data is None


@pytest.mark.parametrize("n", [1, 2, 3])
def test_args_route_reads_a_from_the_last_slot(n):
    a = 2.5
    value, _ = integrate.nquad(
        signatures.gaussian_args_callable(), [[-INF, INF]] * n, args=(a,)
    )
    assert value == pytest.approx(gaussian_closed_form(a, n), rel=1e-8)


def test_args_route_without_args_gives_nan_in_one_dimension():
    with pytest.warns(integrate.IntegrationWarning):
        value, _ = integrate.quad(signatures.gaussian_args_callable(), -INF, INF)
    assert math.isnan(value)


def test_user_data_route_takes_the_same_callable_with_no_args_in_every_dimension():
    llc = gaussian.gaussian_nd_callable(2.5)
    assert integrate.quad(llc, -INF, INF)[0] == pytest.approx(math.sqrt(math.pi / 2.5))
    assert integrate.dblquad(llc, -INF, INF, -INF, INF)[0] == pytest.approx(
        math.pi / 2.5
    )


# Bad input: a clear Python error, never a crash ---------------------------------


@pytest.mark.parametrize(
    "cov",
    [np.eye(3), [1.0, 2.0], 3.0, [[1, 0], [0, 1], [0, 0]], [], [[1, 2], [3]]],
)
def test_cov_that_is_not_2x2_raises_value_error(cov):
    with pytest.raises(ValueError, match="2x2"):
        multidim.correlated_gaussian_callable(cov)


@pytest.mark.parametrize("cov", [[[1.0, 0.5], [0.4, 1.0]], [[1.0, 1e-3], [0.0, 1.0]]])
def test_asymmetric_cov_raises_value_error(cov):
    with pytest.raises(ValueError, match="symmetric"):
        multidim.correlated_gaussian_callable(cov)


@pytest.mark.parametrize(
    "cov",
    [[[1.0, 2.0], [2.0, 1.0]], [[1.0, 0.0], [0.0, 0.0]], -np.eye(2), [[0, 0], [0, 0]]],
)
def test_cov_that_is_not_positive_definite_raises_value_error(cov):
    with pytest.raises(ValueError, match="positive definite"):
        multidim.correlated_gaussian_callable(cov)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_cov_with_non_finite_entries_raises_value_error(bad):
    with pytest.raises(ValueError, match="finite"):
        multidim.correlated_gaussian_callable([[1.0, 0.0], [0.0, bad]])


@pytest.mark.parametrize(
    "cov",
    [
        "abc",
        None,
        object(),
        [["1", "0"], ["0", "1"]],
        [[1, "a"], [0, 1]],
        [[1j, 0], [0, 1]],
        np.eye(2, dtype=bool),
    ],
)
def test_non_numeric_cov_raises_type_error(cov):
    with pytest.raises(TypeError, match="real numbers"):
        multidim.correlated_gaussian_callable(cov)


def test_check_covariance_returns_a_float64_array():
    cov = multidim.check_covariance([[2, 1], [1, 2]])
    assert cov.dtype == np.float64
    assert cov.tolist() == [[2.0, 1.0], [1.0, 2.0]]


def test_bad_cov_allocates_nothing():
    before = capsules.live_buffers()
    for bad in (np.eye(3), [[1, 2], [2, 1]], [[1, 0.5], [0, 1]], "x"):
        with pytest.raises((TypeError, ValueError)):
            multidim.correlated_gaussian_callable(bad)
    assert capsules.live_buffers() == before


def test_correlated_callable_frees_its_user_data():
    before = capsules.live_buffers()
    llc = multidim.correlated_gaussian_callable(np.eye(2))
    assert capsules.live_buffers() == before + 1
    del llc
    assert capsules.live_buffers() == before


@pytest.mark.parametrize(
    ("slots", "error"),
    [
        (0, ValueError),
        (multidim.MAX_SLOTS + 1, ValueError),
        (2.0, TypeError),
        (True, TypeError),
        ("3", TypeError),
    ],
)
def test_recording_callable_rejects_bad_slots(slots, error):
    with pytest.raises(error, match="slots"):
        multidim.recording_callable(slots)


@pytest.mark.parametrize(
    "not_a_recorder",
    [None, 3, signatures.gaussian_args_callable(), gaussian.gaussian_nd_callable(1.0)],
)
def test_read_record_rejects_anything_but_a_recorder(not_a_recorder):
    with pytest.raises(TypeError, match="recording_callable"):
        multidim.read_record(not_a_recorder)
