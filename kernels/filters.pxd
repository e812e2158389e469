# Declarations of kernels.filters, for LowLevelCallable.from_cython and for
# other Cython code to cimport.
#
# Each callback returns 1 on success and 0 on failure, with a Python exception
# set, as scipy.ndimage expects.  intptr_t comes from libc.stdint so that the
# capsule names in __pyx_capi__ spell it "intptr_t", as SciPy does.
from libc.stdint cimport intptr_t

# start-filters-decl
# A trimmed mean of the values in one window, for generic_filter:
# "int (double *, intptr_t, double *, void *)"
cdef api int trimmed_mean(double *buffer, intptr_t filter_size,
                          double *return_value,
                          void *user_data) noexcept nogil

# An exponential moving average along one line, for generic_filter1d:
# "int (double *, intptr_t, double *, intptr_t, void *)"
cdef api int ema(double *input_line, intptr_t input_length,
                 double *output_line, intptr_t output_length,
                 void *user_data) noexcept nogil

# Output (radius, angle) -> input (row, column), for geometric_transform:
# "int (intptr_t *, double *, int, int, void *)"
cdef api int polar_unwrap(intptr_t *output_coordinates,
                          double *input_coordinates,
                          int output_rank, int input_rank,
                          void *user_data) noexcept nogil
# end-filters-decl
