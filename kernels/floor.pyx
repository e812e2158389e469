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

from kernels._validate import finite_real, real_array
from kernels.gaussian import A_RANGE
from kernels.lorentz import C_RANGE, WIDTH_RANGE, check_centre, check_width


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
    cdef const double[::1] parameters = real_array("a", a)
    _same_length(xs.shape[0], parameters.shape[0])
    _check_a(parameters)
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
    cdef const double[:, ::1] rows = _lorentz_rows(parameters)
    _same_length(xs.shape[0], rows.shape[0])
    _check_rows(rows)
    cdef double total = 0.0
    cdef Py_ssize_t i
    with nogil:
        for i in range(xs.shape[0]):
            total += lorentz(xs[i], <void *>&rows[i, 0])
    return total


# The checks run as C loops before the timed loop's work: a NumPy check
# would cost a few passes over the arrays, as much as the evaluations the
# loops exist to time.
def _check_a(const double[::1] a):
    cdef double low = A_RANGE[0], high = A_RANGE[1]
    cdef Py_ssize_t i, bad = -1
    with nogil:
        for i in range(a.shape[0]):
            if not low <= a[i] <= high:  # NaN included
                bad = i
                break
    if bad >= 0:
        raise ValueError(
            f"a[{bad}] must be finite and > 0, got {a[bad]!r}: exp(-a x**2) "
            "is integrable for a > 0 only"
        )


def _lorentz_rows(parameters):
    array = real_array("parameters", parameters, ndim=2)
    if array.shape[1] != 2:
        raise ValueError(
            f"parameters must have shape (n, 2) for [c, width], got {array.shape}"
        )
    return array


def _check_rows(const double[:, ::1] rows):
    cdef double c_low = C_RANGE[0], c_high = C_RANGE[1]
    cdef double w_low = WIDTH_RANGE[0], w_high = WIDTH_RANGE[1]
    cdef Py_ssize_t i, bad = -1
    with nogil:
        for i in range(rows.shape[0]):
            if not (c_low <= rows[i, 0] <= c_high
                    and w_low <= rows[i, 1] <= w_high):
                bad = i
                break
    if bad >= 0:
        try:
            check_centre(rows[bad, 0])
            check_width(rows[bad, 1])
        except ValueError as exc:
            raise ValueError(f"parameters[{bad}]: {exc}") from None


def _same_length(Py_ssize_t n, Py_ssize_t m):
    if n != m:
        raise ValueError(f"x has {n} values but the parameters have {m}")
