"""The plain-C integrand, through ctypes and cffi, gives the closed form."""

import ctypes
import importlib.util
import inspect
import math
import pkgutil

import numpy as np
import pytest
from scipy import LowLevelCallable, integrate

import kernels
from kernels import capsules, gaussian, native, seed
from kernels.pycapsule import new_capsule

SIGNATURE = "double (double, void *)"


def test_shared_library_is_installed_with_the_package():
    path = native.library_path()
    assert path.is_file()
    assert path.parent.name == "kernels"


def test_shared_library_is_not_taken_for_a_python_module():
    # A file named like an extension module (libgauss_c.so) would make
    # `import kernels.libgauss_c` try to load it, and trip tools that walk
    # the package; the library's versioned name hides it from the import system.
    path = native.library_path()
    assert importlib.util.find_spec(f"kernels.{path.name.split('.')[0]}") is None
    assert inspect.getmodulename(path.name) is None
    listed = {module.name for module in pkgutil.iter_modules(kernels.__path__)}
    assert not any(name.startswith("libgauss") for name in listed), listed
    assert {"gaussian", "native"} <= listed


@pytest.mark.parametrize("a", [0.1, 1.0, 7.5])
def test_ctypes_pointer_integrates_to_closed_form(a):
    value = ctypes.c_double(a)
    user_data = ctypes.cast(ctypes.pointer(value), ctypes.c_void_p)
    llc = LowLevelCallable(native.ctypes_gauss(), user_data)
    assert llc.signature == SIGNATURE
    result, _ = integrate.quad(llc, -np.inf, np.inf)
    assert result == pytest.approx(math.sqrt(math.pi / a), rel=1e-10)


@pytest.mark.parametrize("a", [0.1, 1.0, 7.5])
def test_cffi_pointer_integrates_to_closed_form(a):
    ffi, function = native.cffi_gauss()
    value = ffi.new("double *", a)
    llc = LowLevelCallable(function, ffi.cast("void *", value))
    assert llc.signature == SIGNATURE
    result, _ = integrate.quad(llc, -np.inf, np.inf)
    assert result == pytest.approx(math.sqrt(math.pi / a), rel=1e-10)


def test_signature_follows_the_ctypes_prototype_not_the_function():
    # SciPy reads restype and argtypes; it cannot see what the code expects.
    prototype = ctypes.CFUNCTYPE(
        ctypes.c_double, ctypes.c_int, ctypes.POINTER(ctypes.c_double), ctypes.c_void_p
    )
    mislabelled = LowLevelCallable(ctypes.cast(native.ctypes_gauss(), prototype))
    assert mislabelled.signature == "double (int, double *, void *)"


def test_cffi_type_spelling_becomes_the_signature():
    ffi, function = native.cffi_gauss()
    spelling = ffi.getctype(ffi.typeof(function))
    assert spelling == "double(*)(double, void *)"
    assert spelling.replace("(*)", " ") == SIGNATURE


# The anatomy chapter's third way: a capsule made with PyCapsule_New from
# gauss_c's address. The capsule keeps a pointer to its name, so the name is a
# module-level constant.
CAPSULE_NAME = SIGNATURE.encode()


@pytest.mark.parametrize("a", [0.1, 2.0, 7.5])
def test_capsule_of_gauss_c_address_integrates_to_closed_form(a):
    address = ctypes.cast(native.ctypes_gauss(), ctypes.c_void_p).value
    llc = LowLevelCallable(
        new_capsule(address, CAPSULE_NAME), capsules.double_capsule(a)
    )
    assert llc.signature == SIGNATURE
    result, _ = integrate.quad(llc, -np.inf, np.inf)
    assert result == pytest.approx(math.sqrt(math.pi / a), rel=1e-10)


def test_every_route_to_the_gaussian_gives_bitwise_equal_integrals():
    a = 2.0
    value = ctypes.c_double(a)
    ffi, cffi_function = native.cffi_gauss()
    cffi_value = ffi.new("double *", a)
    address = ctypes.cast(native.ctypes_gauss(), ctypes.c_void_p).value
    callables = [
        gaussian.gaussian_callable(a),
        LowLevelCallable(
            native.ctypes_gauss(),
            ctypes.cast(ctypes.pointer(value), ctypes.c_void_p),
        ),
        LowLevelCallable(cffi_function, ffi.cast("void *", cffi_value)),
        LowLevelCallable(
            new_capsule(address, CAPSULE_NAME), capsules.double_capsule(a)
        ),
        seed.capsule_callable(a),
    ]
    results = {integrate.quad(llc, -np.inf, np.inf) for llc in callables}
    assert len(results) == 1
    (result,) = results
    assert result[0] == pytest.approx(math.sqrt(math.pi / a), rel=1e-14)
