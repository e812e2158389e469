"""Claims the book makes about kernels.signatures and quad's four signatures."""

import ast
import ctypes
import math
import re
import warnings

import numpy as np
import pytest
from scipy import LowLevelCallable, integrate

from kernels import gaussian, signatures
from kernels.pycapsule import capsule_name

# SciPy's strings, exactly as scipy.integrate.quad lists them.
QUAD_SIGNATURES = [
    "double (double, void *)",
    "double (int, double *, void *)",
    "double (double)",
    "double (int, double *)",
]


def quad_signatures_from_error():
    """The list quad prints when it rejects a signature."""
    llc = LowLevelCallable.from_cython(
        signatures, "gauss_fixed", signature="double(double)"
    )
    with pytest.raises(ValueError, match="Invalid scipy.LowLevelCallable") as info:
        integrate.quad(llc, 0, 1)
    listed = re.search(r"Expected one of: (\[.*\])", str(info.value)).group(1)
    return ast.literal_eval(listed)


def test_quad_accepts_exactly_the_four_signatures_of_the_table():
    assert quad_signatures_from_error() == QUAD_SIGNATURES


def test_capsule_names_equal_scipys_signature_strings():
    capi = signatures.__pyx_capi__
    assert sorted(capi) == ["gauss_args", "gauss_fixed"]
    assert capsule_name(capi["gauss_fixed"]) == "double (double)"
    assert capsule_name(capi["gauss_args"]) == "double (int, double *)"


def test_kernels_covers_each_of_quads_signatures_once():
    names = [
        capsule_name(module.__pyx_capi__[name])
        for module, name in [
            (gaussian, "gauss"),
            (gaussian, "gauss_nd"),
            (signatures, "gauss_fixed"),
            (signatures, "gauss_args"),
        ]
    ]
    assert names == QUAD_SIGNATURES


def test_fixed_gaussian_integrates_to_sqrt_pi():
    llc = LowLevelCallable.from_cython(signatures, "gauss_fixed")
    assert llc.signature == "double (double)"
    value, _ = integrate.quad(llc, -np.inf, np.inf)
    assert value == pytest.approx(math.sqrt(math.pi), rel=1e-12)


@pytest.mark.parametrize("a", [0.1, 1.0, 4.0, 10.0])
def test_quad_args_supply_a_to_the_int_double_pointer_signature(a):
    llc = LowLevelCallable.from_cython(signatures, "gauss_args")
    assert llc.signature == "double (int, double *)"
    value, _ = integrate.quad(llc, -np.inf, np.inf, args=(a,))
    assert value == pytest.approx(math.sqrt(math.pi / a), rel=1e-10)


def test_gauss_args_returns_nan_without_args():
    llc = LowLevelCallable.from_cython(signatures, "gauss_args")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        value, error = integrate.quad(llc, -np.inf, np.inf)
    assert math.isnan(value)
    assert math.isnan(error)


def test_gauss_args_takes_a_from_the_last_arg_and_earlier_args_as_coordinates():
    # args=(b, a): xx = [x, b, a], so the integrand is exp(-a (x**2 + b**2)).
    a, b = 2.0, 0.5
    llc = signatures.gaussian_args_callable()
    assert llc.signature == "double (int, double *)"
    assert llc.user_data is None
    value, _ = integrate.quad(llc, -np.inf, np.inf, args=(b, a))
    expected = math.sqrt(math.pi / a) * math.exp(-a * b * b)
    assert value == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("args", [(5.0,), (0.25, 3.0)])
def test_quad_silently_ignores_args_with_a_1d_signature(args):
    # Both 1-D signatures take no args: quad drops them without a word, and
    # the integral is the closed form without them (sqrt(pi / a)).
    fixed = LowLevelCallable.from_cython(signatures, "gauss_fixed")
    one_d = gaussian.gaussian_callable(2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not even a warning
        value_fixed, _ = integrate.quad(fixed, -np.inf, np.inf, args=args)
        value_one_d, _ = integrate.quad(one_d, -np.inf, np.inf, args=args)
    assert value_fixed == pytest.approx(math.sqrt(math.pi), rel=1e-12)
    assert value_one_d == pytest.approx(math.sqrt(math.pi / 2.0), rel=1e-12)


@pytest.mark.parametrize("b", [0.5, 2.0])
def test_gauss_nd_reads_quads_args_as_further_coordinates(b):
    # quad passes xx = [x, *args]; gauss_nd sums the squares of all of them.
    a = 1.5
    llc = gaussian.gaussian_nd_callable(a)
    value, _ = integrate.quad(llc, -np.inf, np.inf, args=(b,))
    assert value == pytest.approx(math.sqrt(math.pi / a) * math.exp(-a * b * b))


def test_misnamed_signature_is_accepted_by_the_constructor_and_rejected_by_quad():
    llc = LowLevelCallable.from_cython(
        signatures, "gauss_fixed", signature="double(double)"
    )
    assert llc.signature == "double(double)"
    with pytest.raises(ValueError, match=r'signature "double\(double\)"'):
        integrate.quad(llc, -np.inf, np.inf)


def test_numpy_array_user_data_is_rejected_at_construction():
    with pytest.raises(ValueError, match="not a valid low-level void\\* pointer"):
        LowLevelCallable.from_cython(gaussian, "gauss", np.array([1.0]))


@pytest.mark.parametrize("args", [(), (2.0,), (2.0, 7.0)])
def test_int_double_pointer_callbacks_get_x_then_args_in_xx(args):
    received = []

    @ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_int, ctypes.POINTER(ctypes.c_double))
    def spy(n, xx):
        received.append(xx[:n])
        return math.exp(-xx[0] * xx[0])

    integrate.quad(LowLevelCallable(spy), -np.inf, np.inf, args=args)
    assert received
    assert {len(xx) for xx in received} == {1 + len(args)}
    assert {tuple(xx[1:]) for xx in received} == {args}
