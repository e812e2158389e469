# Declarations of kernels.capsules, for other Cython code to cimport.
#
# A "user_data capsule" is a PyCapsule whose pointer is a buffer of doubles
# that the capsule owns: the buffer is allocated with PyMem_Malloc and freed by
# the capsule's destructor, exactly once, when the last reference to the
# capsule goes away.  SciPy accepts such a capsule as the ``user_data`` of a
# ``scipy.LowLevelCallable`` and hands its pointer to the C callback.
#
# Every such capsule is named "kernels.capsules.doubles".  A block that is not
# a plain vector of doubles (a struct, a record with counters and indices) must
# live in a capsule with a name of its own, so that set_double, which writes
# any capsule of that name, can never reach it: new_block makes one.

# The values one slot of a buffer accepts, for set_double: low <= v <= high
# (NaN never is).  ``name`` is the parameter the slot holds, for the message.
ctypedef struct slot_range:
    const char *name
    double low
    double high

# Allocate ``n`` doubles with PyMem_Malloc; MemoryError on failure.
cdef double *alloc_doubles(Py_ssize_t n) except NULL

# Wrap ``buffer`` (from alloc_doubles) in a capsule that owns it.  On failure
# the buffer is freed and the exception propagates, so it never leaks.
# set_double writes any double into any of its n slots.
cdef object own_doubles(double *buffer, Py_ssize_t n)

# As own_doubles, but set_double refuses a value outside ``ranges[i]`` for
# slot i.  ``ranges`` (n entries) and ``owner`` (the factory's name, for
# messages) are not copied: they must live as long as the process, e.g. a
# module-level array and a string literal.
cdef object own_ranged_doubles(double *buffer, Py_ssize_t n,
                               const slot_range *ranges, const char *owner)

# As own_doubles, but set_double refuses to write it at all: for a block whose
# values must stay consistent with each other (read_doubles still reads it).
cdef object own_read_only_doubles(double *buffer, Py_ssize_t n,
                                  const char *owner)

# A capsule named ``name`` that owns ``size`` zeroed bytes (PyMem_Calloc), for
# a block that is not a vector of doubles: each kind of block gets a name of
# its own.  The capsule's destructor frees the block.  ``*live`` counts the
# blocks alive: one more here, one fewer in the destructor, both with the GIL
# held.  ``name`` and ``live`` are kept, not copied: a string literal and a
# module-level counter.  MemoryError if the block cannot be allocated; nothing
# leaks on failure.  Read the block with PyCapsule_GetPointer(capsule, name).
cdef object new_block(size_t size, const char *name, Py_ssize_t *live)

# The buffer of a capsule made here; TypeError for any other object.
cdef double *doubles_of(object capsule) except NULL

cpdef object double_capsule(value)
cpdef object array_capsule(values)
