"""kernels.leaky is the wrong way, on purpose: it leaks, and only the book uses it."""

import gc
import tracemalloc

import numpy as np
import pytest
from scipy import LowLevelCallable, integrate

from kernels import capsules, gaussian, leaky
from kernels.pycapsule import capsule_has_destructor, capsule_name
from memory_check import FACTORIES

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


def test_the_leaky_capsule_has_no_destructor_and_the_owning_one_has():
    # What the leak is, seen from Python: nothing runs when the capsule dies.
    assert not capsule_has_destructor(leaky.leaky_double_capsule(1.0))
    assert capsule_has_destructor(capsules.double_capsule(1.0))
    assert capsule_name(leaky.leaky_double_capsule(1.0)) == "kernels.leaky.double"


def test_no_api_of_kernels_takes_the_leaky_capsule_for_a_buffer():
    capsule = leaky.leaky_double_capsule(1.0)
    with pytest.raises(TypeError, match="kernels.capsules"):
        capsules.read_doubles(capsule)
    with pytest.raises(TypeError, match="kernels.capsules"):
        capsules.set_double(capsule, 0, 2.0)


def test_no_factory_hands_out_a_capsule_without_a_destructor():
    # Behaviour, not a grep of the sources: every capsule a factory of
    # kernels returns (the user_data of each callable, the capsules
    # themselves) frees what it owns; only kernels.leaky's does not.
    for name, make in FACTORIES.items():
        if "control" in name:
            continue
        made = make(1)
        capsule = getattr(made, "user_data", made)
        assert capsule_has_destructor(capsule), name
        assert capsule_name(capsule) != "kernels.leaky.double", name
