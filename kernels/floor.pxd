# Declarations of kernels.floor, for LowLevelCallable.from_cython and for other
# Cython code to cimport.

# Returns the double user_data points at, whatever x: an integrand that does
# almost nothing, to time what one quad call costs by itself.
# Taken by scipy.integrate.quad under the signature "double (double, void *)".
cdef api double constant(double x, void *user_data) noexcept nogil
