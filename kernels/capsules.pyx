"""PyCapsules that own a buffer of doubles, for ``LowLevelCallable`` user_data.

The capsule owns its buffer: it is allocated with ``PyMem_Malloc`` when the
capsule is made, and freed by the capsule's destructor when the capsule dies.
``live_buffers()`` counts the buffers allocated here and not yet freed, so a
test can check that every destructor ran exactly once.

``set_double`` writes one value into such a buffer.  A factory may declare the
range each slot accepts (``lorentz_callable``: a finite centre, a width whose
square is a normal double), or make the buffer read-only
(``correlated_gaussian_callable``: a precision matrix that must stay positive
definite); ``set_double`` then refuses what the factory would refuse.

Blocks that are not plain vectors of doubles (the parameter structs of
``filters``, the recorder of ``multidim``) come from ``new_block``: a capsule
of a name of its own, which ``set_double`` and ``read_doubles`` refuse, that
owns a zeroed block and counts it in its module's counter.  (``normal`` writes
the same out by hand, for the ownership chapter.)
"""
from cpython.float cimport PyFloat_AS_DOUBLE, PyFloat_Check
from cpython.mem cimport PyMem_Calloc, PyMem_Free, PyMem_Malloc
from cpython.pycapsule cimport (
    PyCapsule_CheckExact,
    PyCapsule_Destructor,
    PyCapsule_GetContext,
    PyCapsule_GetDestructor,
    PyCapsule_GetName,
    PyCapsule_GetPointer,
    PyCapsule_IsValid,
    PyCapsule_New,
    PyCapsule_SetContext,
)
from libc.math cimport NAN
from libc.string cimport memcpy

import operator

import numpy as np

from kernels._validate import real_array, real_number, short_repr

# The name every user_data capsule made here carries.
cdef const char *BUFFER_NAME = b"kernels.capsules.doubles"

# What a capsule's context points at: what set_double needs to know.
ctypedef struct block_info:
    Py_ssize_t n               # the number of doubles in the buffer
    const slot_range *ranges   # NULL: any double in any slot
    const char *owner          # the factory, for messages; NULL if plain
    bint read_only             # set_double refuses the whole block

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
    # With the capsule's own name PyCapsule_GetPointer cannot fail (a wrong
    # one would end in Cython's unraisable report, and a leak).
    cdef void *buffer = PyCapsule_GetPointer(capsule, BUFFER_NAME)
    PyMem_Free(PyCapsule_GetContext(capsule))  # its block_info
    PyMem_Free(buffer)
    _live -= 1
# end-destructor


cdef object _own(double *buffer, Py_ssize_t n, const slot_range *ranges,
                 const char *owner, bint read_only):
    global _live
    cdef block_info *info = <block_info *>PyMem_Malloc(sizeof(block_info))
    if info == NULL:
        PyMem_Free(buffer)
        _live -= 1
        raise MemoryError("cannot allocate a block_info")
    info.n = n
    info.ranges = ranges
    info.owner = owner
    info.read_only = read_only
    # Every NaN is stored as C's NAN: the payload bits of another NaN could
    # spell the tag of another kind of block (multidim's record, normal's
    # params), and a callback handed this block would take it for one.
    cdef Py_ssize_t i
    for i in range(n):
        if buffer[i] != buffer[i]:
            buffer[i] = NAN
    try:
        capsule = PyCapsule_New(<void *>buffer, BUFFER_NAME, &_free_doubles)
    except BaseException:
        PyMem_Free(info)
        PyMem_Free(buffer)
        _live -= 1
        raise
    # The context records the length (and the ranges), so Python can read
    # the buffer back; it cannot fail on a valid capsule.
    PyCapsule_SetContext(capsule, <void *>info)
    return capsule


cdef object own_doubles(double *buffer, Py_ssize_t n):
    return _own(buffer, n, NULL, NULL, False)


cdef object own_ranged_doubles(double *buffer, Py_ssize_t n,
                               const slot_range *ranges, const char *owner):
    return _own(buffer, n, ranges, owner, False)


cdef object own_read_only_doubles(double *buffer, Py_ssize_t n,
                                  const char *owner):
    return _own(buffer, n, NULL, owner, True)


cdef void _free_block(object capsule) noexcept:
    # The destructor of every capsule new_block makes, with the GIL held: it
    # frees the block, asked for under the capsule's own name, and counts it
    # out of the counter that the capsule's context points to.
    cdef Py_ssize_t *live = <Py_ssize_t *>PyCapsule_GetContext(capsule)
    PyMem_Free(PyCapsule_GetPointer(capsule, PyCapsule_GetName(capsule)))
    live[0] -= 1


cdef object new_block(size_t size, const char *name, Py_ssize_t *live):
    cdef void *block = PyMem_Calloc(1, size)
    if block == NULL:
        raise MemoryError(f"cannot allocate {size} bytes")
    try:
        capsule = PyCapsule_New(block, name, &_free_block)
    except BaseException:
        PyMem_Free(block)  # no capsule owns it: free it here
        raise
    # It cannot fail on a valid capsule.
    PyCapsule_SetContext(capsule, <void *>live)
    live[0] += 1
    return capsule


# start-doubles-of
cdef double *doubles_of(object capsule) except NULL:
    # The name, and then the destructor: a capsule of this name made
    # elsewhere (with ctypes, say) has no block_info for its context.
    if not PyCapsule_IsValid(capsule, BUFFER_NAME):
        raise _not_a_buffer(capsule)
    if PyCapsule_GetDestructor(capsule) != <PyCapsule_Destructor>_free_doubles:
        raise TypeError(
            "expected a capsule made by kernels.capsules, got a capsule "
            "named 'kernels.capsules.doubles' not made by kernels.capsules"
        )
    return <double *>PyCapsule_GetPointer(capsule, BUFFER_NAME)
# end-doubles-of


# The capsules of other kernels modules, to say whose they are.
_OWNERS = {
    "kernels.multidim.record": "multidim.recording_callable (read it "
    "with multidim.read_record)",
    "kernels.normal.params": "kernels.normal (change it with "
    "normal.set_normal_params)",
}


def _not_a_buffer(capsule):
    message = (
        "expected a capsule made by kernels.capsules "
        "(double_capsule or array_capsule), got "
    )
    if not PyCapsule_CheckExact(capsule):
        return TypeError(message + type(capsule).__name__)
    cdef const char *name = PyCapsule_GetName(capsule)
    if name == NULL:
        return TypeError(message + "a capsule without a name")
    text = name.decode("utf-8", "replace")
    owner = _OWNERS.get(text)
    if owner is None and text.startswith("kernels."):
        owner = text.rsplit(".", 1)[0] + ", which alone may change it"
    return TypeError(
        message + f"a capsule named {text!r}"
        + (f": it belongs to {owner}" if owner else "")
    )


cdef block_info *_info_of(object capsule) except NULL:
    # Only after doubles_of(capsule) accepted it: then it is ours, and its
    # context is its block_info.
    return <block_info *>PyCapsule_GetContext(capsule)


cpdef object double_capsule(value):
    """Return a capsule that owns a copy of one double.

    Its pointer is a ``double *`` to the copy; pass the capsule as the
    ``user_data`` of a ``scipy.LowLevelCallable``.  ``value`` is any real
    number (NaN and infinities too); TypeError otherwise, ValueError for a
    finite number too large for a float (an int of 10**400, a long double of
    1e400), which would otherwise be stored as inf.
    """
    cdef double v = as_double("value", value)
    cdef double *buffer = alloc_doubles(1)
    buffer[0] = v
    return own_doubles(buffer, 1)


cpdef object array_capsule(values):
    """Return a capsule that owns a copy of a 1-D sequence of doubles.

    ``values`` is a non-empty 1-D NumPy array of integers or floats, or a
    sequence of real numbers, of any strides.  TypeError for anything else:
    strings, ``None``, booleans, complex numbers, object arrays (NumPy
    alone would turn ``['1']`` into 1.0, ``[None]`` into NaN and ``[1+2j]``
    into 1.0); ValueError for an empty or not 1-D sequence.  The capsule's
    pointer is a ``double *`` to the first element of its copy.
    """
    cdef const double[::1] view = real_array("values", values)
    cdef Py_ssize_t n = view.shape[0]
    if n == 0:
        raise ValueError("values must hold at least one value, got an empty sequence")
    cdef double *buffer = alloc_doubles(n)
    memcpy(buffer, &view[0], <size_t>n * sizeof(double))
    return own_doubles(buffer, n)


def read_doubles(capsule):
    """Return a NumPy copy of the doubles a capsule made here owns."""
    cdef double *buffer = doubles_of(capsule)
    cdef Py_ssize_t n = _info_of(capsule).n
    out = np.empty(n, dtype=np.float64)
    cdef double[::1] view = out
    memcpy(&view[0], buffer, <size_t>n * sizeof(double))
    return out


# start-set-double
def set_double(capsule, index, value):
    """Overwrite element ``index`` of a capsule's buffer in place.

    Every callable that holds this capsule sees the new value at its next
    call: reusing one callable this way saves an allocation per integral, but
    two threads must never share it while one of them updates it.  Where
    the factory declared each slot's range (``gaussian_callable``: a > 0,
    ``lorentz_callable``: a finite centre and a width > 0), a value
    outside it is refused (ValueError); a read-only block
    (``correlated_gaussian_callable``) refuses every write (TypeError).
    Plain buffers (``double_capsule``, ``array_capsule``) take any double.
    """
    cdef double *buffer = doubles_of(capsule)
    cdef block_info *info = _info_of(capsule)
    cdef Py_ssize_t i = _slot(info, index)
    cdef double v = as_double("value", value)
    if info.ranges != NULL and not (
        info.ranges[i].low <= v <= info.ranges[i].high
    ):
        raise _out_of_range(info, i, v)
    buffer[i] = NAN if v != v else v  # any NaN as C's NAN: see _own
# end-set-double


cdef inline double as_double(str name, value) except? -1.0:
    # A float, or a float subclass such as numpy.float64, is read directly:
    # it is a double already.  Everything else goes through real_number,
    # which refuses bool, str, complex and numbers too large for a double.
    if PyFloat_Check(value):
        return PyFloat_AS_DOUBLE(value)
    return real_number(name, value)


cdef Py_ssize_t _slot(block_info *info, index) except -1:
    if info.read_only:
        raise TypeError(
            f"the user_data of {info.owner.decode()} is read-only: its values "
            "depend on each other; make a new callable instead"
        )
    if type(index) is not int:
        if isinstance(index, (bool, np.bool_)):
            raise TypeError("index must be an integer, got a bool")
        try:
            index = operator.index(index)
        except TypeError:  # 1.0, "1", None: name the parameter
            raise TypeError(
                f"index must be an integer, got {type(index).__name__} "
                f"{short_repr(index)}"
            ) from None
    if not 0 <= index < info.n:
        raise IndexError(
            f"index {index} out of range for a buffer of {info.n} doubles"
        )
    return index


cdef object _out_of_range(block_info *info, Py_ssize_t i, double v):
    cdef slot_range r = info.ranges[i]
    return ValueError(
        f"{r.name.decode()} (element {i} of the user_data of "
        f"{info.owner.decode()}) must be between {r.low!r} and {r.high!r}, "
        f"got {v!r}"
    )


def live_buffers():
    """Return how many buffers made here are alive (allocated, not yet freed)."""
    return _live
