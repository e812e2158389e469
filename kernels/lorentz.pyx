"""A narrow peak whose position is a parameter: where adaptivity matters.

``lorentz`` is the Lorentzian width / ((x - c)**2 + width**2), exported in
``__pyx_capi__`` as ``double (double, void *)``; its ``user_data`` points at
the two doubles ``[c, width]``.  ``lorentz_callable(c, width)`` returns a
ready ``scipy.LowLevelCallable``, and ``lorentz_integral`` the closed form
arctan((upper - c) / width) - arctan((lower - c) / width).

``width`` lies in ``WIDTH_RANGE``, [sqrt(DBL_MIN), sqrt(DBL_MAX)], about
[1.5e-154, 1.3e154]: there ``width**2`` is a normal, finite double, so the
division in ``lorentz`` never divides by zero and the peak's height,
1 / width, comes out right.  (For smaller widths ``width**2`` underflows and
the callback would return 0 or inf at x == c instead of 1 / width.)
``set_double`` on the callable's ``user_data`` enforces the same ranges.
"""
import sys

import numpy as np

cimport cython
from libc.float cimport DBL_MAX, DBL_MIN
from libc.math cimport sqrt

from kernels.capsules cimport alloc_doubles, own_ranged_doubles, slot_range

from scipy import LowLevelCallable

from kernels._validate import finite_real, real_array

# The widths lorentz computes right: width**2 is a normal, finite double.
WIDTH_RANGE = (sqrt(DBL_MIN), sqrt(DBL_MAX))
# Any finite centre: (x - c)**2 may overflow to inf, and lorentz then gives
# 0.0, the limit, for an x that far from the peak.
C_RANGE = (-DBL_MAX, DBL_MAX)

# What set_double accepts in each slot of a lorentz_callable's user_data.
cdef slot_range RANGES[2]
RANGES[0].name = b"c"
RANGES[0].low = -DBL_MAX
RANGES[0].high = DBL_MAX
RANGES[1].name = b"width"
RANGES[1].low = sqrt(DBL_MIN)
RANGES[1].high = sqrt(DBL_MAX)


# cdivision: a C division, with no zero check that a noexcept callback could
# only print and ignore; the factory keeps width**2 (so the divisor) > 0.
@cython.cdivision(True)
cdef api double lorentz(double x, void *user_data) noexcept nogil:
    cdef double c = (<double *>user_data)[0]
    cdef double width = (<double *>user_data)[1]
    cdef double d = x - c
    return width / (d * d + width * width)


def lorentz_callable(c, width):
    """Return a ``scipy.LowLevelCallable`` for width / ((x - c)**2 + width**2).

    ``c`` is any finite real number, ``width`` a real number in
    ``WIDTH_RANGE`` (about 1.5e-154 to 1.3e154).  The callable's
    ``user_data`` is a capsule that owns a copy of ``[c, width]``;
    ``kernels.capsules.set_double(llc.user_data, 0, c)`` moves the peak of an
    existing callable, and refuses a value the factory would refuse.
    """
    c = check_centre(c)
    width = check_width(width)
    cdef double *buffer = alloc_doubles(2)
    buffer[0] = c
    buffer[1] = width
    user_data = own_ranged_doubles(buffer, 2, RANGES, b"lorentz_callable")
    return LowLevelCallable.from_cython(sys.modules[__name__], "lorentz", user_data)


def lorentz_integral(c, width, lower, upper):
    """The closed form of the integral of ``lorentz`` from ``lower`` to ``upper``.

    arctan((upper - c) / width) - arctan((lower - c) / width); every argument
    may be a NumPy array (they broadcast).  ValueError for a width that is not
    finite and positive, or for non-finite c or bounds (use +-inf limits with
    ``numpy.arctan`` directly: the integral over the real line is pi).
    """
    names = ("c", "width", "lower", "upper")
    arrays = [
        real_array(name, value, ndim=None)
        for name, value in zip(names, (c, width, lower, upper))
    ]
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


def check_centre(c):
    """Return ``c`` as a float if it is a finite real number."""
    return finite_real("c", c)


def check_width(width):
    """Return ``width`` as a float if it lies in ``WIDTH_RANGE``.

    TypeError if it is not a real number; ValueError if it is not finite,
    not > 0, or so small that its square underflows (or so large that it
    overflows).
    """
    width = finite_real("width", width)
    if width <= 0:
        raise ValueError(
            f"width must be > 0, got {width!r}: the peak's half-width at half "
            "maximum is a length"
        )
    low, high = WIDTH_RANGE
    if not low <= width <= high:
        raise ValueError(
            f"width must be between {low!r} and {high!r}, got {width!r}: "
            "outside, width**2 is not a normal double and the peak's height "
            "1 / width comes out wrong"
        )
    return width
