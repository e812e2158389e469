"""Claims the capsule-by-hand chapter makes about kernels.seed and its parts."""

import math
import textwrap

import numpy as np
import pytest
from scipy import LowLevelCallable, integrate

from kernels import capsules, gaussian, seed
from kernels.pycapsule import capsule_has_destructor, capsule_pointer, new_capsule

SIGNATURE = "double (double, void *)"
BOOK_SWEEP = np.linspace(0.1, 10, 10_000)


def test_seed_function_capsule_points_to_the_gauss_from_cython_finds():
    llc = seed.capsule_callable(1.0)
    exported = gaussian.__pyx_capi__["gauss"]
    assert capsule_pointer(llc.function, SIGNATURE) == capsule_pointer(
        exported, SIGNATURE
    )


def test_seed_function_capsule_owns_nothing_and_user_data_owns_a_copy_of_a():
    llc = seed.capsule_callable(2.5)
    assert not capsule_has_destructor(llc.function)
    assert capsule_has_destructor(llc.user_data)
    assert capsules.read_doubles(llc.user_data).tolist() == [2.5]


def test_seed_and_from_cython_callables_give_bitwise_equal_integrals():
    for a in BOOK_SWEEP[::1000]:
        by_hand = integrate.quad(seed.capsule_callable(a), -np.inf, np.inf)
        from_cython = integrate.quad(gaussian.gaussian_callable(a), -np.inf, np.inf)
        assert by_hand == from_cython


def test_one_function_capsule_serves_a_new_user_data_per_integral():
    before = capsules.live_buffers()
    function = seed.capsule_callable(1.0).function
    for a in (0.1, 1.0, 7.5):
        llc = LowLevelCallable(function, capsules.double_capsule(a))
        value, _ = integrate.quad(llc, -np.inf, np.inf)
        assert value == pytest.approx(math.sqrt(math.pi / a), rel=1e-10)
    del llc
    assert capsules.live_buffers() == before


@pytest.mark.parametrize("name", ["double(double, void *)", "double (double, void*)"])
def test_misnamed_function_capsule_is_refused_before_any_call(name):
    # Rename a copy of gauss's capsule: SciPy matches the name exactly.
    pointer = capsule_pointer(gaussian.__pyx_capi__["gauss"], SIGNATURE)
    name_bytes = name.encode()  # must outlive the capsule, which keeps a pointer
    misnamed = new_capsule(pointer, name_bytes)
    llc = LowLevelCallable(misnamed, capsules.double_capsule(1.0))
    with pytest.raises(ValueError, match="Invalid scipy.LowLevelCallable signature"):
        integrate.quad(llc, -np.inf, np.inf)
    del llc, misnamed


def test_cython_cell_builds_the_seed_recipe_from_cimported_kernels(ipython_shell):
    ipython_shell.run_cell_magic(
        "cython",
        "--compile-args=-Wno-unused-variable",
        textwrap.dedent("""
        from cpython.pycapsule cimport PyCapsule_New

        from kernels.capsules cimport double_capsule
        from kernels.gaussian cimport gauss

        from scipy import LowLevelCallable


        def package_callable(double a):
            function = PyCapsule_New(<void *>gauss, b"double (double, void *)", NULL)
            return LowLevelCallable(function, double_capsule(a))
    """),
    )
    package_callable = ipython_shell.user_ns["package_callable"]
    before = capsules.live_buffers()
    llc = package_callable(2.0)
    # The cell's double_capsule is the installed package's: it counts the buffer.
    assert capsules.live_buffers() == before + 1
    assert integrate.quad(llc, -np.inf, np.inf) == integrate.quad(
        seed.capsule_callable(2.0), -np.inf, np.inf
    )
    del llc
    assert capsules.live_buffers() == before
