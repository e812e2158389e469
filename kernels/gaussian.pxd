# Declarations of kernels.gaussian, for LowLevelCallable.from_cython and for
# other Cython code to cimport.

# start-gauss-decl
# exp(-a x**2), with ``a`` read from user_data (a ``double *``); NaN if
# user_data is NULL.
# Taken by scipy.integrate.quad under the signature "double (double, void *)".
cdef api double gauss(double x, void *user_data) noexcept nogil
# end-gauss-decl

# start-gauss-nd-decl
# exp(-a (x0**2 + ... + x{n-1}**2)), with ``a`` read from user_data; NaN if
# user_data is NULL.
# Taken by quad, dblquad, tplquad and nquad under the signature
# "double (int, double *, void *)"; xx holds the n integration variables,
# innermost first.
cdef api double gauss_nd(int n, double *xx, void *user_data) noexcept nogil
# end-gauss-nd-decl
