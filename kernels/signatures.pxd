# Declarations of kernels.signatures: one tiny integrand for each of the two
# scipy.integrate.quad signatures that kernels.gaussian does not use.

# start-signatures-decl
# exp(-x**2), with nothing to read a parameter from.
# Taken by scipy.integrate.quad under the signature "double (double)".
cdef api double gauss_fixed(double x) noexcept nogil

# exp(-a (x0**2 + ... + x{n-2}**2)) with ``a`` the LAST element of xx, from
# ``args=(a,)``. Taken by quad, dblquad, tplquad and nquad under the signature
# "double (int, double *)"; n counts the variables and the args. NaN if n < 2.
cdef api double gauss_args(int n, double *xx) noexcept nogil
# end-signatures-decl
