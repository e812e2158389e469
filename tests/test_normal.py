"""Claims the book makes about kernels.normal: a struct as user_data."""

import ctypes
import gc
import math
import tracemalloc

import numpy as np
import pytest
from scipy import LowLevelCallable, integrate, stats

from kernels import capsules, gaussian, normal
from kernels.pycapsule import capsule_name, capsule_pointer

SIGNATURE = "double (double, void *)"
INF = np.inf


def test_normal_pdf_capsule_is_named_by_its_c_signature():
    assert capsule_name(normal.__pyx_capi__["normal_pdf"]) == SIGNATURE


def test_normal_callable_is_a_low_level_callable_with_the_signature():
    llc = normal.normal_callable(0.0, 1.0)
    assert isinstance(llc, LowLevelCallable)
    assert llc.signature == SIGNATURE
    assert normal.read_normal_params(llc.user_data) == (0.0, 1.0)


@pytest.mark.parametrize("x", [-3.0, -0.5, 0.0, 1.25, 4.0])
@pytest.mark.parametrize(("mu", "sigma"), [(0.0, 1.0), (2.0, 0.5), (-3.0, 4.0)])
def test_normal_pdf_matches_scipy_stats_pointwise(x, mu, sigma):
    # Call the C function directly through ctypes, with the struct as user_data.
    pdf_type = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_void_p)
    pdf = pdf_type(capsule_pointer(normal.__pyx_capi__["normal_pdf"]))
    params = normal.normal_params_capsule(mu, sigma)
    value = pdf(x, capsule_pointer(params))
    assert value == pytest.approx(stats.norm.pdf(x, mu, sigma), rel=1e-14)


@pytest.mark.parametrize(
    ("mu", "sigma"), [(0.0, 1.0), (2.0, 0.5), (-3.0, 4.0), (0.0, 1e3)]
)
def test_density_integrates_to_one_over_the_real_line(mu, sigma):
    value, _ = integrate.quad(normal.normal_callable(mu, sigma), -INF, INF)
    assert value == pytest.approx(1.0, rel=1e-9)


def test_narrow_density_far_from_zero_needs_a_split_at_mu():
    # quad samples (-inf, inf) where a narrow peak at x = 10 is never seen;
    # split at mu, each half starts on the peak (the chapter's exercise).
    llc = normal.normal_callable(10.0, 0.1)
    whole, _ = integrate.quad(llc, -INF, INF)
    assert whole < 1e-6
    left, _ = integrate.quad(llc, -INF, 10.0)
    right, _ = integrate.quad(llc, 10.0, INF)
    assert left + right == pytest.approx(1.0, rel=1e-9)


@pytest.mark.parametrize(("mu", "sigma"), [(0.0, 1.0), (2.0, 0.5), (-3.0, 4.0)])
def test_one_sigma_interval_holds_erf_of_one_over_root_two(mu, sigma):
    llc = normal.normal_callable(mu, sigma)
    value, _ = integrate.quad(llc, mu - sigma, mu + sigma)
    assert value == pytest.approx(math.erf(1 / math.sqrt(2)), rel=1e-12)


def test_destructor_frees_each_struct_once():
    before = normal.live_params()
    callables = [normal.normal_callable(float(i), 1.0) for i in range(1000)]
    assert normal.live_params() == before + 1000
    del callables
    gc.collect()
    assert normal.live_params() == before


def test_callable_keeps_its_struct_alive_after_the_capsule_name_is_gone():
    before = normal.live_params()
    params = normal.normal_params_capsule(1.0, 2.0)
    llc = LowLevelCallable.from_cython(normal, "normal_pdf", params)
    del params
    assert normal.live_params() == before + 1
    value, _ = integrate.quad(llc, -1.0, 3.0)
    assert value == pytest.approx(math.erf(1 / math.sqrt(2)), rel=1e-12)
    del llc
    assert normal.live_params() == before


def test_no_leak_over_20_000_normal_callables():
    normal.normal_callable(0.0, 1.0)  # warm up caches before measuring
    tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        for i in range(20_000):
            normal.normal_callable(float(i), 1.0)
        gc.collect()
        end, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert abs(end - start) < 16 * 1024


def test_set_normal_params_updates_a_reused_callable_in_place():
    llc = normal.normal_callable(0.0, 1.0)
    for mu, sigma in [(5.0, 2.0), (-1.0, 0.25), (0.0, 10.0)]:
        normal.set_normal_params(llc.user_data, mu, sigma)
        assert normal.read_normal_params(llc.user_data) == (mu, sigma)
        inside, _ = integrate.quad(llc, mu - sigma, mu + sigma)
        assert inside == pytest.approx(math.erf(1 / math.sqrt(2)), rel=1e-12)
        # The old density (mu=0, sigma=1) would not give this on [mu, inf).
        half, _ = integrate.quad(llc, mu, INF)
        assert half == pytest.approx(0.5, rel=1e-9)


BAD_TYPES = ["1.0", None, 1j, True, [1.0], np.array([1.0]), object()]


@pytest.mark.parametrize("bad", BAD_TYPES)
def test_non_real_mu_or_sigma_raises_type_error(bad):
    with pytest.raises(TypeError, match="mu must be a real number"):
        normal.normal_callable(bad, 1.0)
    with pytest.raises(TypeError, match="sigma must be a real number"):
        normal.normal_callable(0.0, bad)


@pytest.mark.parametrize("mu", [math.nan, math.inf, -math.inf])
def test_non_finite_mu_raises_value_error(mu):
    with pytest.raises(ValueError, match="mu must be finite"):
        normal.normal_callable(mu, 1.0)


@pytest.mark.parametrize("sigma", [math.nan, math.inf, -math.inf])
def test_sigma_not_finite_raises_value_error(sigma):
    with pytest.raises(ValueError, match="sigma must be finite"):
        normal.normal_callable(0.0, sigma)


@pytest.mark.parametrize("sigma", [0, 0.0, -0.0, -1.0, -(10**300)])
def test_sigma_not_positive_raises_value_error(sigma):
    with pytest.raises(ValueError, match="sigma must be > 0"):
        normal.normal_callable(0.0, sigma)


@pytest.mark.parametrize(
    ("mu", "sigma"), [(1, 2), (np.float32(0.5), np.float64(3)), (np.int64(-2), 1)]
)
def test_factory_accepts_any_real_numbers(mu, sigma):
    llc = normal.normal_callable(mu, sigma)
    assert normal.read_normal_params(llc.user_data) == (float(mu), float(sigma))


def test_bad_input_allocates_nothing():
    before = normal.live_params()
    for mu, sigma in [(0.0, 0.0), (math.nan, 1.0), ("x", 1.0), (0.0, None)]:
        with pytest.raises((TypeError, ValueError)):
            normal.normal_callable(mu, sigma)
    assert normal.live_params() == before


@pytest.mark.parametrize(("mu", "sigma"), [(0.0, -1.0), (math.inf, 1.0), ("0", 1.0)])
def test_bad_update_raises_and_leaves_the_struct_unchanged(mu, sigma):
    params = normal.normal_params_capsule(1.0, 2.0)
    with pytest.raises((TypeError, ValueError)):
        normal.set_normal_params(params, mu, sigma)
    assert normal.read_normal_params(params) == (1.0, 2.0)


@pytest.mark.parametrize(
    "foreign",
    [
        capsules.double_capsule(1.0),
        gaussian.__pyx_capi__["gauss"],
        normal.__pyx_capi__["normal_pdf"],
        3.0,
    ],
)
def test_foreign_capsules_are_rejected_with_type_error(foreign):
    with pytest.raises(TypeError, match="expected a capsule made by kernels.normal"):
        normal.set_normal_params(foreign, 0.0, 1.0)
    with pytest.raises(TypeError, match="expected a capsule made by kernels.normal"):
        normal.read_normal_params(foreign)
