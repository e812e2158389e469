"""PyCapsules that own a buffer of doubles, for ``LowLevelCallable`` user_data.

The capsule owns its buffer: it is allocated with ``PyMem_Malloc`` when the
capsule is made, and freed by the capsule's destructor when the capsule dies.
``live_buffers()`` counts the buffers allocated here and not yet freed, so a
test can check that every destructor ran exactly once.
"""
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.pycapsule cimport (
    PyCapsule_GetContext,
    PyCapsule_GetPointer,
    PyCapsule_IsValid,
    PyCapsule_New,
    PyCapsule_SetContext,
)
from libc.string cimport memcpy

import numpy as np

# The name every user_data capsule made here carries.
cdef const char *BUFFER_NAME = b"kernels.capsules.doubles"

# Buffers allocated by alloc_doubles and not yet freed.  Every change happens
# with the GIL held (allocation from Python, destruction in the capsule's
# deallocation), so a plain C integer is enough.
cdef Py_ssize_t _live = 0


cdef double *alloc_doubles(Py_ssize_t n) except NULL:
    global _live
    if n < 1:
        raise ValueError(f"a buffer needs at least one double, got n={n}")
    if <size_t>n > (<size_t>-1) // sizeof(double):
        raise MemoryError(f"cannot allocate {n} doubles")
    cdef double *buffer = <double *>PyMem_Malloc(<size_t>n * sizeof(double))
    if buffer == NULL:
        raise MemoryError(f"cannot allocate {n} doubles")
    _live += 1
    return buffer


# start-destructor
cdef void _free_doubles(object capsule) noexcept:
    # Called by CPython when the capsule is deallocated, with the GIL held.
    # A PyCapsule_Destructor is a C function pointer: it cannot raise, so
    # Cython 3 requires ``noexcept`` here.
    global _live
    cdef void *buffer = PyCapsule_GetPointer(capsule, BUFFER_NAME)
    if buffer != NULL:
        PyMem_Free(buffer)
        _live -= 1
# end-destructor


cdef object own_doubles(double *buffer, Py_ssize_t n):
    global _live
    try:
        capsule = PyCapsule_New(<void *>buffer, BUFFER_NAME, &_free_doubles)
        # The context records the length, so Python can read the buffer back.
        PyCapsule_SetContext(capsule, <void *>n)
    except BaseException:
        PyMem_Free(buffer)
        _live -= 1
        raise
    return capsule


# start-doubles-of
cdef double *doubles_of(object capsule) except NULL:
    if not PyCapsule_IsValid(capsule, BUFFER_NAME):
        raise TypeError(
            "expected a capsule made by kernels.capsules "
            f"(double_capsule or array_capsule), got {type(capsule).__name__}"
        )
    return <double *>PyCapsule_GetPointer(capsule, BUFFER_NAME)
# end-doubles-of


cpdef object double_capsule(double value):
    """Return a capsule that owns a copy of one double.

    Its pointer is a ``double *`` to the copy; pass the capsule as the
    ``user_data`` of a ``scipy.LowLevelCallable``.
    """
    cdef double *buffer = alloc_doubles(1)
    buffer[0] = value
    return own_doubles(buffer, 1)


cpdef object array_capsule(values):
    """Return a capsule that owns a copy of a 1-D sequence of doubles.

    ``values`` is anything NumPy converts to a non-empty 1-D float64 array;
    the capsule's pointer is a ``double *`` to the first element of its copy.
    """
    cdef const double[::1] view = _as_doubles(values)
    cdef Py_ssize_t n = view.shape[0]
    cdef double *buffer = alloc_doubles(n)
    memcpy(buffer, &view[0], <size_t>n * sizeof(double))
    return own_doubles(buffer, n)


def _as_doubles(values):
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"expected a 1-D sequence of real numbers, got {values!r}"
        ) from exc
    if array.ndim != 1:
        raise ValueError(f"expected a 1-D sequence, got {array.ndim} dimensions")
    if array.shape[0] == 0:
        raise ValueError("expected at least one value, got an empty sequence")
    return np.ascontiguousarray(array)


def read_doubles(capsule):
    """Return a NumPy copy of the doubles a capsule made here owns."""
    cdef double *buffer = doubles_of(capsule)
    cdef Py_ssize_t n = <Py_ssize_t>PyCapsule_GetContext(capsule)
    out = np.empty(n, dtype=np.float64)
    cdef double[::1] view = out
    memcpy(&view[0], buffer, <size_t>n * sizeof(double))
    return out


# start-set-double
def set_double(capsule, Py_ssize_t index, double value):
    """Overwrite element ``index`` of a capsule's buffer in place.

    Every callable that holds this capsule sees the new value at its next
    call: reusing one callable this way saves an allocation per integral, but
    two threads must never share it while one of them updates it.
    """
    cdef double *buffer = doubles_of(capsule)
    cdef Py_ssize_t n = <Py_ssize_t>PyCapsule_GetContext(capsule)
    if not 0 <= index < n:
        raise IndexError(
            f"index {index} out of range for a buffer of {n} doubles"
        )
    buffer[index] = value
# end-set-double


def live_buffers():
    """Return how many buffers made here are alive (allocated, not yet freed)."""
    return _live
