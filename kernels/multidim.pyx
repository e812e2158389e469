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
"""
import collections
import numbers
import sys

from libc.math cimport exp, fmax, fmin, NAN

from kernels.capsules cimport array_capsule

import numpy as np
from scipy import LowLevelCallable

from kernels.capsules import read_doubles

# The largest number of xx slots a recording callable keeps.
MAX_SLOTS = 64

Record = collections.namedtuple("Record", ["calls", "n", "low", "high"])
Record.__doc__ = """What a recording callable saw: how many calls, the last
``n`` SciPy passed, and the smallest (``low``) and largest (``high``) value seen
in each slot of ``xx``, innermost variable first."""


# start-correlated
cdef api double correlated_gauss(int n, double *xx,
                                 void *user_data) noexcept nogil:
    # user_data: the precision matrix P = inverse(cov): [P00, P01, P11].
    # xx[0] is the innermost variable (dblquad's y), xx[1] the next (x).
    cdef const double *p = <const double *>user_data
    cdef double u, v
    if n < 2:
        return NAN  # fewer than two variables: there is no value to give
    u = xx[0]
    v = xx[1]
    return exp(-0.5 * (p[0] * u * u + 2.0 * p[1] * u * v + p[2] * v * v))
# end-correlated


# start-record
cdef api double record_nd(int n, double *xx,
                          void *user_data) noexcept nogil:
    # user_data: [calls, n, slots, low[0..slots), high[0..slots)].
    cdef double *record = <double *>user_data
    cdef int slots = <int>record[2]
    cdef int i
    record[0] += 1.0
    record[1] = n
    for i in range(min(n, slots)):
        record[3 + i] = fmin(record[3 + i], xx[i])
        record[3 + slots + i] = fmax(record[3 + slots + i], xx[i])
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
        array = np.asarray(cov)
    except ValueError as exc:  # ragged nested sequences
        raise ValueError(f"cov must be a 2x2 matrix, got {cov!r}") from exc
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"cov must be a 2x2 matrix of real numbers, got {cov!r} "
            f"(dtype {array.dtype})"
        )
    if array.shape != (2, 2):
        raise ValueError(
            "cov must be a 2x2 matrix (correlated_gauss integrates over "
            f"two variables), got an array of shape {array.shape}"
        )
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"cov must have finite entries, got {array.tolist()}"
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
    inverse of ``cov`` as three doubles [P00, P01, P11]. Over the whole
    plane the integral is 2 pi sqrt(det cov).
    """
    precision = np.linalg.inv(check_covariance(cov))
    if not np.all(np.isfinite(precision)):
        raise ValueError(f"cov is too close to singular to invert: {cov!r}")
    user_data = array_capsule(
        [precision[0, 0], precision[0, 1], precision[1, 1]]
    )
    return LowLevelCallable.from_cython(
        sys.modules[__name__], "correlated_gauss", user_data
    )
# end-correlated-factory


def recording_callable(slots=4):
    """Return a ``scipy.LowLevelCallable`` that records what SciPy passes it.

    It returns 1.0 at every point, and keeps the number of calls, the last
    ``n`` and the range of values seen in each of the first ``slots`` slots of
    ``xx``. Read them with ``read_record``.
    """
    if isinstance(slots, bool) or not isinstance(slots, numbers.Integral):
        raise TypeError(f"slots must be an integer, got {type(slots).__name__}")
    slots = int(slots)
    if not 1 <= slots <= MAX_SLOTS:
        raise ValueError(f"slots must be between 1 and {MAX_SLOTS}, got {slots}")
    record = np.concatenate(
        [[0.0, 0.0, float(slots)], np.full(slots, np.inf), np.full(slots, -np.inf)]
    )
    return LowLevelCallable.from_cython(
        sys.modules[__name__], "record_nd", array_capsule(record)
    )


def read_record(llc):
    """Return the ``Record`` of a callable made by ``recording_callable``.

    ``low`` and ``high`` hold one value per slot SciPy filled, innermost
    variable first.
    """
    user_data = getattr(llc, "user_data", None)
    try:
        record = read_doubles(user_data)
    except TypeError:
        raise TypeError(
            "expected a callable made by recording_callable, "
            f"got {type(llc).__name__}"
        ) from None
    slots = int(record[2]) if record.size >= 3 else 0
    if slots < 1 or record.size != 3 + 2 * slots:
        raise TypeError(
            "expected a callable made by recording_callable, got one whose "
            "user_data is not a record"
        )
    n = int(record[1])
    filled = min(n, slots)
    return Record(
        calls=int(record[0]),
        n=n,
        low=tuple(record[3 : 3 + filled].tolist()),
        high=tuple(record[3 + slots : 3 + slots + filled].tolist()),
    )
