"""Integrands for dblquad, tplquad and nquad, and a probe of what they pass.

``dblquad``, ``tplquad`` and ``nquad`` call a C integrand with all the
integration variables in one array ``xx``, innermost first, followed by the
values of ``args``.

- ``correlated_gauss`` is exp(-u^T P u / 2) over two variables, with the
  precision matrix P (the inverse of a covariance matrix) in ``user_data``.
  ``correlated_gaussian_callable(cov)`` checks ``cov`` with
  ``check_covariance`` and returns a ready ``scipy.LowLevelCallable``.
- ``record_nd`` records every call: how many, the ``n`` SciPy passed, and the
  smallest and largest value seen in each slot of ``xx``.
  ``recording_callable(slots)`` makes one and ``read_record`` reads it back.
  Its record is a C struct in a capsule of its own name
  (``kernels.multidim.record``), which ``kernels.capsules.set_double``
  refuses: only this module writes it.

Both return NaN for a NULL ``user_data``.  ``record_nd`` writes, so it first
checks the tag in the first 8 bytes of its block and returns NaN, writing
nothing, for any other block.  ``correlated_gauss`` only reads: it reads three
doubles from whatever pointer it is given (a plain ``double *``, with no room
for a tag), so a shorter block, such as one double, is read past its end.
"""
import collections
import sys

from cpython.pycapsule cimport PyCapsule_GetPointer, PyCapsule_IsValid
from libc.math cimport exp, fmax, fmin, INFINITY, NAN
from libc.stdint cimport uint64_t

from kernels.capsules cimport alloc_doubles, new_block, own_read_only_doubles

import numpy as np
from scipy import LowLevelCallable

from kernels._validate import integer_in_range, real_array, short_repr

# The largest number of xx slots a recording callable keeps.
cdef enum:
    MAX_RECORD_SLOTS = 64
MAX_SLOTS = MAX_RECORD_SLOTS

# What record_nd writes.  Every recorder owns a whole struct, whatever its
# ``slots``, so no value in it can send record_nd outside it.
ctypedef struct record_block:
    uint64_t tag                  # RECORD_TAG, checked before every write
    double calls
    double n
    int slots                     # how many slots of xx to keep, 1..64
    double low[MAX_RECORD_SLOTS]
    double high[MAX_RECORD_SLOTS]

# The name of every record capsule: not kernels.capsules', so that
# set_double, which writes any buffer of doubles, refuses it.
cdef const char *RECORD_NAME = b"kernels.multidim.record"
# The first field of every record: the bits of a NaN whose payload spells
# "KMRECD" in ASCII.  No other block kernels makes can start with it:
# kernels.capsules stores every NaN as C's NAN, and the other blocks start
# with a finite value or a tag of their own.  (A finite tag could be forged
# by double_capsule of the double with the same bits.)
cdef uint64_t RECORD_TAG = 0x7FF44B4D52454344

# Records allocated here and not yet freed, counted by new_block and by the
# destructor of its capsules (with the GIL held).
cdef Py_ssize_t _live = 0

# module=: a namedtuple made in a compiled module cannot find its module by
# itself, and pickle needs it.
Record = collections.namedtuple(
    "Record", ["calls", "n", "low", "high"], module=__name__
)
Record.__doc__ = """What a recording callable saw: how many calls, the last
``n`` SciPy passed, and the smallest (``low``) and largest (``high``) value seen
in each slot of ``xx``, innermost variable first."""


# start-correlated-callback
cdef api double correlated_gauss(int n, double *xx,
                                 void *user_data) noexcept nogil:
    # user_data: the precision matrix P = inverse(cov): [P00, P01, P11].
    # xx[0] is the innermost variable (dblquad's y), xx[1] the next (x).
    cdef const double *p = <const double *>user_data
    cdef double u, v
    if p == NULL or n < 2:
        return NAN  # no user_data, or fewer than two variables: no value
    u = xx[0]
    v = xx[1]
    return exp(-0.5 * (p[0] * u * u + 2.0 * p[1] * u * v + p[2] * v * v))
# end-correlated-callback


# start-record
cdef api double record_nd(int n, double *xx,
                          void *user_data) noexcept nogil:
    # user_data: a record_block, recognised by its tag before anything is
    # written (any block of 8 bytes or more can be asked for its first 8).
    # Its slots is clamped all the same: a C callback never indexes by a
    # value it read without checking it.
    cdef record_block *record = <record_block *>user_data
    cdef int slots, i
    if record == NULL or record.tag != RECORD_TAG:
        return NAN  # not a record: write nothing; the integral is nan
    slots = min(max(record.slots, 0), MAX_RECORD_SLOTS)
    record.calls += 1.0
    record.n = n
    for i in range(min(n, slots)):
        record.low[i] = fmin(record.low[i], xx[i])
        record.high[i] = fmax(record.high[i], xx[i])
    return 1.0
# end-record


# start-check-covariance
def check_covariance(cov):
    """Return ``cov`` as a 2x2 float64 array if it is a covariance.

    TypeError if ``cov`` is not made of real numbers; ValueError if it
    is not 2x2, has an entry that is not finite, is not symmetric, or is
    not positive definite.
    """
    try:
        array = real_array("cov", cov, ndim=2)  # float64; TypeError if not reals
    except ValueError as exc:  # ragged, not 2-D, or an entry too large
        raise ValueError(f"cov must be a 2x2 matrix of floats: {exc}") from None
    array = array.copy()  # written below; real_array may return cov itself
    if array.shape != (2, 2):
        raise ValueError(
            "cov must be a 2x2 matrix (correlated_gauss integrates over "
            f"two variables), got an array of shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"cov must have finite entries, got {short_repr(array.tolist())}"
        )
    upper, lower = float(array[0, 1]), float(array[1, 0])
    if abs(upper - lower) > 1e-12 * max(abs(upper), abs(lower)):
        raise ValueError(
            f"cov must be symmetric, got cov[0, 1] = {upper!r} "
            f"and cov[1, 0] = {lower!r}"
        )
    array[1, 0] = upper
    eigenvalues = np.linalg.eigvalsh(array)
    if eigenvalues[0] <= 0:
        raise ValueError(
            "cov must be positive definite (a variance > 0 in every "
            f"direction), got eigenvalues {eigenvalues.tolist()}"
        )
    return array
# end-check-covariance


# start-correlated-factory
def correlated_gaussian_callable(cov):
    """Return a ``scipy.LowLevelCallable`` for exp(-u^T cov^-1 u / 2).

    ``u = (xx[0], xx[1])``: ``cov[0, 0]`` is the variance of the innermost
    variable (dblquad's ``y``). ``user_data`` is a capsule that owns the
    inverse of ``cov`` as three doubles [P00, P01, P11], read-only
    (``set_double`` refuses it: a new ``cov`` needs a new callable). Over
    the whole plane the integral is 2 pi sqrt(det cov).

    It reads ``xx[0]`` and ``xx[1]`` only: under ``tplquad``, or with
    ``args``, the third and later values of ``xx`` are ignored, so the
    integrand is constant along them (``tplquad`` over a box of height h
    gives h times the 2-D integral), and ``quad`` (n = 1) gets NaN.
    """
    precision = np.linalg.inv(check_covariance(cov))
    if not np.all(np.isfinite(precision)):
        raise ValueError(
            f"cov is too close to singular to invert: {short_repr(cov)}"
        )
    cdef double *p = alloc_doubles(3)
    p[0] = precision[0, 0]
    p[1] = precision[0, 1]
    p[2] = precision[1, 1]
    user_data = own_read_only_doubles(p, 3, b"correlated_gaussian_callable")
    return LowLevelCallable.from_cython(
        sys.modules[__name__], "correlated_gauss", user_data
    )
# end-correlated-factory


def recording_callable(slots=4):
    """Return a ``scipy.LowLevelCallable`` that records what SciPy passes it.

    It returns 1.0 at every point, and keeps the number of calls, the last
    ``n`` and the range of values seen in each of the first ``slots`` slots of
    ``xx``. Read them with ``read_record``. Its ``user_data`` owns a
    ``record_block`` struct in a capsule named ``kernels.multidim.record``.
    """
    slots = integer_in_range("slots", slots, 1, MAX_SLOTS)
    user_data = new_block(sizeof(record_block), RECORD_NAME, &_live)
    cdef record_block *record = <record_block *>PyCapsule_GetPointer(
        user_data, RECORD_NAME
    )
    record.tag = RECORD_TAG
    record.slots = slots  # calls and n start at 0: the block comes zeroed
    cdef int i
    for i in range(MAX_RECORD_SLOTS):
        record.low[i] = INFINITY
        record.high[i] = -INFINITY
    return LowLevelCallable.from_cython(sys.modules[__name__], "record_nd", user_data)


def read_record(llc):
    """Return the ``Record`` of a callable made by ``recording_callable``.

    ``low`` and ``high`` hold one value per slot SciPy filled, innermost
    variable first.  TypeError for any other callable.
    """
    user_data = getattr(llc, "user_data", None)
    if not PyCapsule_IsValid(user_data, RECORD_NAME):
        raise TypeError(
            "expected a callable made by recording_callable, "
            f"got {type(llc).__name__}"
            + (" whose user_data is not a record" if user_data is not None else "")
        )
    cdef record_block *record = <record_block *>PyCapsule_GetPointer(
        user_data, RECORD_NAME
    )
    n = int(record.n)
    filled = min(n, record.slots)
    return Record(
        calls=int(record.calls),
        n=n,
        low=tuple(record.low[i] for i in range(filled)),
        high=tuple(record.high[i] for i in range(filled)),
    )


def live_records():
    """Return how many records made here are alive (allocated, not yet freed)."""
    return _live
