# Declarations of kernels.floor, for LowLevelCallable.from_cython and for other
# Cython code to cimport.

# Returns the double user_data points at, whatever x: an integrand that does
# almost nothing, to time what one quad call costs by itself.
# Taken by scipy.integrate.quad under the signature "double (double, void *)".
cdef api double constant(double x, void *user_data) noexcept nogil

# Return the next of the values recorded in user_data (a tape made by
# replay_callable), whatever x: quad takes the path it took with the recorded
# integrand, at the cost of a memory read per point. NaN when the tape has run
# out or user_data is not a tape. Taken by quad under "double (double, void *)"
# (replay) and by nquad under "double (int, double *, void *)" (replay_nd).
cdef api double replay(double x, void *user_data) noexcept nogil
cdef api double replay_nd(int n, double *xx, void *user_data) noexcept nogil

# Call the integrand a tape records (record_values) and keep its value.
cdef api double tee(double x, void *user_data) noexcept nogil
cdef api double tee_nd(int n, double *xx, void *user_data) noexcept nogil
