"""Claims the capsule-by-hand chapter makes about kernels.seed and its parts."""

import ctypes
import math
import textwrap

import numpy as np
import pytest
from scipy import LowLevelCallable, integrate

from kernels import capsules, gaussian, seed

SIGNATURE = "double (double, void *)"
BOOK_SWEEP = np.linspace(0.1, 10, 10_000)


def _capsule_function(name, restype):
    function = getattr(ctypes.pythonapi, name)
    function.restype = restype
    function.argtypes = [ctypes.py_object, ctypes.c_char_p]
    return function


def capsule_pointer(capsule, name=SIGNATURE):
    get_pointer = _capsule_function("PyCapsule_GetPointer", ctypes.c_void_p)
    return get_pointer(capsule, name.encode())


def capsule_has_destructor(capsule):
    get_destructor = ctypes.pythonapi.PyCapsule_GetDestructor
    get_destructor.restype = ctypes.c_void_p
    get_destructor.argtypes = [ctypes.py_object]
    return get_destructor(capsule) is not None


def test_seed_function_capsule_points_to_the_gauss_from_cython_finds():
    llc = seed.capsule_callable(1.0)
    exported = gaussian.__pyx_capi__["gauss"]
    assert capsule_pointer(llc.function) == capsule_pointer(exported)


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
    pointer = capsule_pointer(gaussian.__pyx_capi__["gauss"])
    new_capsule = ctypes.pythonapi.PyCapsule_New
    new_capsule.restype = ctypes.py_object
    new_capsule.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
    name_bytes = name.encode()  # must outlive the capsule, which keeps a pointer
    misnamed = new_capsule(pointer, name_bytes, None)
    llc = LowLevelCallable(misnamed, capsules.double_capsule(1.0))
    with pytest.raises(ValueError, match="Invalid scipy.LowLevelCallable signature"):
        integrate.quad(llc, -np.inf, np.inf)
    del llc, misnamed


@pytest.fixture
def shell(tmp_path, monkeypatch):
    # A private IPython directory, so that %%cython really compiles.
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.chdir(tmp_path)
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "cython")
    yield shell
    InteractiveShell.clear_instance()


def test_cython_cell_builds_the_seed_recipe_from_cimported_kernels(shell):
    shell.run_cell_magic(
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
    package_callable = shell.user_ns["package_callable"]
    before = capsules.live_buffers()
    llc = package_callable(2.0)
    # The cell's double_capsule is the installed package's: it counts the buffer.
    assert capsules.live_buffers() == before + 1
    assert integrate.quad(llc, -np.inf, np.inf) == integrate.quad(
        seed.capsule_callable(2.0), -np.inf, np.inf
    )
    del llc
    assert capsules.live_buffers() == before
