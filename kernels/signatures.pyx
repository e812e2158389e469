"""The two quad signatures that ``kernels.gaussian`` does not use.

``gauss_fixed`` is exp(-x**2) as ``double (double)``: a callback with no
``user_data`` and no ``args``, so it has no way to receive a parameter.
``gauss_args`` is exp(-a |x|**2) as ``double (int, double *)``: SciPy puts
the integration variables first in ``xx`` and its ``args`` after them, so ``a``
comes from ``quad(..., args=(a,))`` (or ``nquad``'s) as the last element.
Both are exported in ``__pyx_capi__`` under exactly these signature strings,
for ``scipy.LowLevelCallable.from_cython``.
"""
import sys

from libc.math cimport NAN, exp

from scipy import LowLevelCallable


# start-gauss-fixed
cdef api double gauss_fixed(double x) noexcept nogil:
    return exp(-x * x)
# end-gauss-fixed


# start-gauss-args
cdef api double gauss_args(int n, double *xx) noexcept nogil:
    # xx = [x0, ..., x{n-2}, a]: the integration variables, then a from args.
    # A C callback cannot raise: without args (n < 2) there is no a, so NaN.
    cdef double a, r2 = 0.0
    cdef int i
    if n < 2:
        return NAN
    a = xx[n - 1]
    for i in range(n - 1):
        r2 += xx[i] * xx[i]
    return exp(-a * r2)
# end-gauss-args


def gaussian_args_callable():
    """Return a ``scipy.LowLevelCallable`` for ``gauss_args``.

    Its signature is ``double (int, double *)`` and it has no ``user_data``:
    pass ``a`` as the last value of ``args`` (``quad(f, lo, hi, args=(a,))``,
    ``nquad(f, ranges, args=(a,))``). Without ``args``, ``quad`` gets NaN,
    and ``nquad`` silently takes the outermost variable for ``a``.
    """
    return LowLevelCallable.from_cython(sys.modules[__name__], "gauss_args")
