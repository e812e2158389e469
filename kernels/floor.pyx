"""The floor under every quad path: what no callback can go below.

Integrating one parameter costs at least one ``quad`` call plus ``neval``
evaluations of the integrand.  This module measures both parts:

- ``constant`` (``double (double, void *)``) returns ``*user_data`` and does
  nothing else; ``constant_callable(value)`` wraps it, so timing ``quad`` with
  it gives the fixed cost of one call.
- ``sum_gauss`` and ``sum_lorentz`` call the compiled integrands in a C loop,
  through the same kind of function pointer ``quad`` calls, so timing them
  gives the cost of one evaluation.  They check their parameters as the
  factories do (``gaussian_callable``, ``lorentz_callable``), so that the C
  loop only ever sees parameters the integrands compute right.
"""
import sys

from kernels.capsules cimport double_capsule
from kernels.gaussian cimport gauss
from kernels.lorentz cimport lorentz

from scipy import LowLevelCallable

from kernels._validate import all_in, finite_real, real_array
from kernels.gaussian import A_RANGE
from kernels.lorentz import check_parameters


# start-constant
cdef api double constant(double x, void *user_data) noexcept nogil:
    return (<double *>user_data)[0]
# end-constant


def constant_callable(value=0.0):
    """Return a ``scipy.LowLevelCallable`` for the constant function ``value``.

    With ``value = 0`` (the default) ``quad`` stops after its first rule
    (30 evaluations on an infinite range, 21 on a finite one): what it then
    costs is the fixed cost of a ``quad`` call.
    """
    user_data = double_capsule(finite_real("value", value))
    return LowLevelCallable.from_cython(sys.modules[__name__], "constant", user_data)


# start-loop
def sum_gauss(x, a):
    """Return the sum of gauss(x[i]) with parameter a[i], computed in C.

    ``x`` and ``a`` are 1-D sequences of real numbers of equal length; every
    ``a[i]`` must be finite and > 0, as for ``gaussian_callable`` (``x`` may
    hold any double: gauss gives 0.0 at +-inf and NaN at NaN).  Each term is
    one call of ``kernels.gaussian.gauss`` through a function pointer, as
    ``quad`` makes it: time this to get the cost of one evaluation.
    """
    cdef const double[::1] xs = real_array("x", x)
    cdef const double[::1] parameters = _check_a(a)
    _same_length(xs.shape[0], parameters.shape[0])
    cdef double total = 0.0
    cdef Py_ssize_t i
    with nogil:
        for i in range(xs.shape[0]):
            total += gauss(xs[i], <void *>&parameters[i])
    return total
# end-loop


def sum_lorentz(x, parameters):
    """Return the sum of lorentz(x[i]) with [c, width] = parameters[i], in C.

    ``x`` is 1-D of length n, ``parameters`` of shape (n, 2), each row
    checked as ``lorentz_callable`` checks its ``c`` and ``width``.
    """
    cdef const double[::1] xs = real_array("x", x)
    cdef const double[:, ::1] rows = check_parameters(parameters)
    _same_length(xs.shape[0], rows.shape[0])
    cdef double total = 0.0
    cdef Py_ssize_t i
    with nogil:
        for i in range(xs.shape[0]):
            total += lorentz(xs[i], <void *>&rows[i, 0])
    return total


def _check_a(a):
    array = real_array("a", a)
    all_in("a", array, *A_RANGE, why="exp(-a x**2) needs a finite a > 0")
    return array


def _same_length(Py_ssize_t n, Py_ssize_t m):
    if n != m:
        raise ValueError(f"x has {n} values but the parameters have {m}")
