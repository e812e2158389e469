"""The plain-C integrand, through ctypes and cffi, gives the closed form."""

import ctypes
import math

import numpy as np
import pytest
from scipy import LowLevelCallable, integrate

from kernels import native

SIGNATURE = "double (double, void *)"


def test_shared_library_is_installed_with_the_package():
    path = native.library_path()
    assert path.is_file()
    assert path.parent.name == "kernels"


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
