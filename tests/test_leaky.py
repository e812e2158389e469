"""kernels.leaky is the wrong way, on purpose: it leaks, and only the book uses it."""

import gc
import pathlib
import tracemalloc

import numpy as np
import pytest
from scipy import LowLevelCallable, integrate

import kernels
from kernels import capsules, gaussian, leaky

ROOT = pathlib.Path(__file__).resolve().parents[1]
N = 10_000


def traced_growth(make, n=N):
    """Bytes tracemalloc still holds after making (and dropping) n capsules."""
    make(1.0)  # warm up caches before measuring
    tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        for i in range(n):
            make(1.0 + i)
        gc.collect()
        end, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return end - start


def test_leaky_capsule_leaks_at_least_one_double_per_capsule():
    growth = traced_growth(leaky.leaky_double_capsule)
    assert growth >= 8 * N


def test_leaky_callables_leak_where_owning_callables_do_not():
    def leaky_callable(a):
        return LowLevelCallable.from_cython(
            gaussian, "gauss", leaky.leaky_double_capsule(a)
        )

    assert traced_growth(leaky_callable) >= 8 * N
    assert abs(traced_growth(gaussian.gaussian_callable)) < 8 * 1024


def test_owning_double_capsule_does_not_leak():
    assert abs(traced_growth(capsules.double_capsule)) < 8 * 1024


def test_leaky_capsule_integrates_correctly_which_is_why_the_leak_goes_unseen():
    llc = LowLevelCallable.from_cython(
        gaussian, "gauss", leaky.leaky_double_capsule(2.0)
    )
    value, _ = integrate.quad(llc, -np.inf, np.inf)
    assert value == pytest.approx(np.sqrt(np.pi / 2.0), rel=1e-10)


def test_leaky_module_says_it_is_wrong():
    assert leaky.__doc__.startswith("WRONG")
    assert leaky.leaky_double_capsule.__doc__.startswith("WRONG")


def test_no_other_kernels_module_uses_the_leaky_capsule():
    sources = [
        path
        for pattern in ("*.pyx", "*.pxd", "*.py", "*.c")
        for path in (ROOT / "kernels").glob(pattern)
        if path.name not in ("leaky.pyx", "__init__.py")
    ]
    assert sources, "the kernels sources were not found"
    users = [path.name for path in sources if "leaky" in path.read_text()]
    assert users == []
    # __init__ imports it so the book can, and says why.
    assert "WRONG" in kernels.__doc__
