# Declarations of kernels.capsules, for other Cython code to cimport.
#
# A "user_data capsule" is a PyCapsule whose pointer is a buffer of doubles
# that the capsule owns: the buffer is allocated with PyMem_Malloc and freed by
# the capsule's destructor, exactly once, when the last reference to the
# capsule goes away.  SciPy accepts such a capsule as the ``user_data`` of a
# ``scipy.LowLevelCallable`` and hands its pointer to the C callback.

# Allocate ``n`` doubles with PyMem_Malloc; MemoryError on failure.
cdef double *alloc_doubles(Py_ssize_t n) except NULL

# Wrap ``buffer`` (from alloc_doubles) in a capsule that owns it.  On failure
# the buffer is freed and the exception propagates, so it never leaks.
cdef object own_doubles(double *buffer, Py_ssize_t n)

# The buffer of a capsule made here; TypeError for any other object.
cdef double *doubles_of(object capsule) except NULL

cpdef object double_capsule(double value)
cpdef object array_capsule(values)
