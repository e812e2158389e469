# Declarations of kernels.normal, for LowLevelCallable.from_cython and for
# other Cython code to cimport.
#
# The parameters of the normal density live in a C struct that a capsule owns:
# the struct is allocated with PyMem_Malloc when the capsule is made and freed
# by the capsule's destructor, exactly once.  SciPy passes the struct to the
# callback as ``void *user_data``; the struct's type never appears in the
# exported signature, which stays plain C.
from libc.stdint cimport uint64_t

# start-struct
ctypedef struct normal_params:
    uint64_t tag  # NORMAL_TAG: normal_pdf refuses any other block
    double mu     # the mean
    double sigma  # the standard deviation, finite and > 0
# end-struct

# The normal density with the mean and standard deviation read from
# user_data (a ``normal_params *``); NaN if user_data is NULL or its first
# 8 bytes are not the tag (every block kernels makes has 8 bytes or more; a
# smaller one of your own would be read past its end).
# Taken by scipy.integrate.quad under the signature "double (double, void *)".
cdef api double normal_pdf(double x, void *user_data) noexcept nogil

# The struct of a capsule made by kernels.normal; TypeError for any other object.
cdef normal_params *params_of(object capsule) except NULL
