"""The book's running example: the integrand exp(-a x**2) in C.

``gauss`` is exported in ``__pyx_capi__`` under the C signature
``double (double, void *)``, so ``scipy.LowLevelCallable.from_cython`` can
hand it to ``scipy.integrate.quad``.  ``gaussian_callable(a)`` returns such a
callable whose ``user_data`` owns a copy of ``a``.  ``gauss_nd`` and
``gaussian_nd_callable(a)`` are the same in any number of dimensions, as
``double (int, double *, void *)`` for dblquad, tplquad and nquad.
"""
import math
import sys

from libc.math cimport exp

from kernels.capsules cimport double_capsule

from scipy import LowLevelCallable

from kernels._validate import finite_real

# Every a for which exp(-a x**2) is integrable over the line: finite and > 0.
A_RANGE = (math.nextafter(0.0, 1.0), sys.float_info.max)

# start-gauss-1d
cdef api double gauss(double x, void *user_data) noexcept nogil:
    cdef double a = (<double *>user_data)[0]
    return exp(-a * x * x)
# end-gauss-1d


# start-gauss-nd
cdef api double gauss_nd(int n, double *xx, void *user_data) noexcept nogil:
    cdef double a = (<double *>user_data)[0]
    cdef double r2 = 0.0
    cdef int i
    for i in range(n):
        r2 += xx[i] * xx[i]
    return exp(-a * r2)
# end-gauss-nd


def gaussian_callable(a):
    """Return a ``scipy.LowLevelCallable`` for exp(-a x**2) with a > 0.

    The callable's ``user_data`` is a capsule that owns a copy of ``a``
    (allocated with ``PyMem_Malloc``, freed by the capsule's destructor).
    Pass it to ``scipy.integrate.quad`` in place of a Python function.
    """
    user_data = double_capsule(check_gaussian_parameter(a))
    module = sys.modules[__name__]
    return LowLevelCallable.from_cython(module, "gauss", user_data)


def gaussian_nd_callable(a):
    """Return a ``scipy.LowLevelCallable`` for exp(-a |x|**2) in any dimension.

    Its signature is ``double (int, double *, void *)``: ``dblquad``,
    ``tplquad`` and ``nquad`` pass all the integration variables in ``xx``.
    ``user_data`` owns a copy of ``a``, as for ``gaussian_callable``.

    Do not pass ``args``: SciPy appends their values to ``xx`` after the
    integration variables, and ``gauss_nd`` sums the squares of all ``n``
    values, so ``args`` silently become extra coordinates.
    ``quad(gaussian_nd_callable(1.0), -inf, inf, args=(5.0,))`` integrates
    exp(-(x**2 + 25)), sqrt(pi) exp(-25) = 2.46e-11, not sqrt(pi).
    """
    user_data = double_capsule(check_gaussian_parameter(a))
    module = sys.modules[__name__]
    return LowLevelCallable.from_cython(module, "gauss_nd", user_data)


def check_gaussian_parameter(a):
    """Return ``a`` as a float if exp(-a x**2) is integrable over the real line.

    TypeError if ``a`` is not a real number; ValueError if it is not finite
    and positive.
    """
    a = finite_real("a", a)
    if a <= 0:
        raise ValueError(
            f"a must be > 0, got {a!r}: for a <= 0 the integral of "
            "exp(-a x**2) over the real line diverges"
        )
    return a
