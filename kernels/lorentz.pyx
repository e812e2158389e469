"""A narrow peak whose position is a parameter: where adaptivity matters.

``lorentz`` is the Lorentzian width / ((x - c)**2 + width**2), exported in
``__pyx_capi__`` as ``double (double, void *)``; its ``user_data`` points at
the two doubles ``[c, width]``.  ``lorentz_callable(c, width)`` returns a
ready ``scipy.LowLevelCallable``, and ``lorentz_integral`` the closed form
arctan((upper - c) / width) - arctan((lower - c) / width).
"""
import sys

import numpy as np

from kernels.capsules cimport array_capsule

from scipy import LowLevelCallable

from kernels._validate import finite_real


# start-lorentz
cdef api double lorentz(double x, void *user_data) noexcept nogil:
    cdef double c = (<double *>user_data)[0]
    cdef double width = (<double *>user_data)[1]
    cdef double d = x - c
    return width / (d * d + width * width)
# end-lorentz


# start-lorentz-factory
def lorentz_callable(c, width):
    """Return a ``scipy.LowLevelCallable`` for width / ((x - c)**2 + width**2).

    ``c`` is any finite real number, ``width`` a finite real number > 0.  The
    callable's ``user_data`` is a capsule that owns a copy of ``[c, width]``;
    ``kernels.capsules.set_double(llc.user_data, 0, c)`` moves the peak of an
    existing callable.
    """
    c = finite_real("c", c)
    width = _check_width(width)
    user_data = array_capsule([c, width])
    return LowLevelCallable.from_cython(sys.modules[__name__], "lorentz", user_data)
# end-lorentz-factory


def lorentz_integral(c, width, lower, upper):
    """The closed form of the integral of ``lorentz`` from ``lower`` to ``upper``.

    arctan((upper - c) / width) - arctan((lower - c) / width); every argument
    may be a NumPy array (they broadcast).  ValueError for a width that is not
    finite and positive, or for non-finite c or bounds (use +-inf limits with
    ``numpy.arctan`` directly: the integral over the real line is pi).
    """
    try:
        arrays = [np.asarray(v, dtype=np.float64) for v in (c, width, lower, upper)]
    except (TypeError, ValueError) as exc:
        raise TypeError(
            "c, width, lower and upper must be real numbers or arrays of them"
        ) from exc
    try:
        c, width, lower, upper = np.broadcast_arrays(*arrays)
    except ValueError as exc:
        raise ValueError(
            "c, width, lower and upper must have shapes that broadcast together"
        ) from exc
    if not (np.all(np.isfinite(c)) and np.all(np.isfinite(lower))
            and np.all(np.isfinite(upper))):
        raise ValueError("c, lower and upper must be finite")
    if not np.all(np.isfinite(width) & (width > 0)):
        raise ValueError("width must be finite and > 0")
    result = np.arctan((upper - c) / width) - np.arctan((lower - c) / width)
    return float(result) if result.ndim == 0 else result


def _check_width(width):
    width = finite_real("width", width)
    if width <= 0:
        raise ValueError(
            f"width must be > 0, got {width!r}: the peak's half-width at half "
            "maximum is a length"
        )
    return width
