"""The two quad signatures that ``kernels.gaussian`` does not use.

``gauss_fixed`` is exp(-x**2) as ``double (double)``: a callback with no
``user_data`` and no ``args``, so it has no way to receive a parameter.
``gauss_args`` is exp(-a x**2) as ``double (int, double *)``: ``quad`` puts
x in ``xx[0]`` and its ``args`` in ``xx[1:]``, so ``a`` comes from
``quad(..., args=(a,))``.  Both are exported in ``__pyx_capi__`` under exactly
these signature strings, for ``scipy.LowLevelCallable.from_cython``.
"""
from libc.math cimport NAN, exp


# start-gauss-fixed
cdef api double gauss_fixed(double x) noexcept nogil:
    return exp(-x * x)
# end-gauss-fixed


# start-gauss-args
cdef api double gauss_args(int n, double *xx) noexcept nogil:
    # xx[0] is x and xx[1:] are quad's args; only xx[:n] may be read.
    # A C callback cannot raise: for any args but (a,), return NaN.
    if n != 2:
        return NAN
    return exp(-xx[1] * xx[0] * xx[0])
# end-gauss-args
