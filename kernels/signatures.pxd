# Declarations of kernels.signatures: one tiny integrand for each of the two
# scipy.integrate.quad signatures that kernels.gaussian does not use.

# start-signatures-decl
# exp(-x**2), with nothing to read a parameter from.
# Taken by scipy.integrate.quad under the signature "double (double)".
cdef api double gauss_fixed(double x) noexcept nogil

# exp(-a x**2) with x = xx[0] and a = xx[1], from quad's ``args=(a,)``.
# Taken by scipy.integrate.quad under the signature "double (int, double *)";
# n is the length of xx, 1 + len(args). NaN unless n == 2.
cdef api double gauss_args(int n, double *xx) noexcept nogil
# end-signatures-decl
