"""WRONG: leaks, for the book's demonstration.  Never use it for real work.

``leaky_double_capsule(value)`` does what ``kernels.capsules.double_capsule``
does, but gives its capsule no destructor: when the capsule dies, nothing
frees the double it points to, and ``sizeof(double)`` bytes are lost for the
life of the process, at every call.  The ownership chapter and its tests call
it to measure that leak; no other module of ``kernels`` uses it.  The right
way is ``kernels.capsules.double_capsule``.
"""
from cpython.mem cimport PyMem_Malloc
from cpython.pycapsule cimport PyCapsule_New

from kernels._validate import real_number


# start-leaky
def leaky_double_capsule(value):
    """WRONG: return a capsule pointing at a copy of ``value``, never freed.

    The capsule has no destructor, so the ``PyMem_Malloc``'d double outlives
    it: every call leaks 8 bytes.  For the book's demonstration only; use
    ``kernels.capsules.double_capsule``.
    """
    cdef double checked = real_number("value", value)
    cdef double *buffer = <double *>PyMem_Malloc(sizeof(double))
    if buffer == NULL:
        raise MemoryError("cannot allocate one double")
    buffer[0] = checked
    # NULL: no destructor, so nothing ever frees buffer.
    return PyCapsule_New(<void *>buffer, b"kernels.leaky.double", NULL)
# end-leaky
