"""A narrow peak whose position is a parameter: where adaptivity matters.

``lorentz`` is the Lorentzian width / ((x - c)**2 + width**2), exported in
``__pyx_capi__`` as ``double (double, void *)``; its ``user_data`` points at
the two doubles ``[c, width]``.  ``lorentz_callable(c, width)`` returns a
ready ``scipy.LowLevelCallable``, and ``lorentz_integral`` the closed form
arctan((upper - c) / width) - arctan((lower - c) / width), computed so that
it keeps its digits where the two arctangents nearly cancel.

``lorentz`` returns NaN for a NULL ``user_data``; any other pointer it reads
two doubles from, as ``floor.sum_lorentz``'s C loop passes them, with no room
for a tag: handed a block of one double (a Gaussian's ``user_data``), it reads
past its end.  Give it the ``user_data`` of ``lorentz_callable``.

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
from libc.math cimport NAN, sqrt

from kernels.capsules cimport alloc_doubles, own_ranged_doubles, slot_range

from scipy import LowLevelCallable

from kernels._validate import finite_real, real_array

# The widths lorentz computes right: width**2 is a normal, finite double.
WIDTH_RANGE = (sqrt(DBL_MIN), sqrt(DBL_MAX))
# The widths for which quad over (-inf, inf) was checked against pi, with
# c = 0 (tests/test_silent_answers.py): see lorentz_callable's docstring.
QUAD_LINE_WIDTH_RANGE = (1e-5, 1e5)
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
    if user_data == NULL:
        return NAN  # no user_data: quad returns nan and warns
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

    quad over (-inf, inf) finds the integral, pi, for widths in
    ``QUAD_LINE_WIDTH_RANGE`` (1e-5 to 1e5 with c = 0, checked by the tests).
    Outside it quad warns, for widths down to about 3e-12 and up to 4e11;
    beyond, its first points all miss the peak and it returns a tiny number
    (about 9e-10 for a width of 1e-12) with no warning.  Over a
    finite range, give quad the peak with ``points=[c]``; the exact integral
    is ``lorentz_integral``.
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
    may be a NumPy array (they broadcast), and the bounds may be infinite.
    Where both bounds lie on the same side of the peak, the two arctangents
    nearly cancel, and their difference is computed instead as the
    arctangent of a quotient, arctan((upper - lower) width / (width**2 +
    (upper - c)(lower - c))), which keeps its digits: 1.0e-16 from 1e8 to
    1e8 + 1 with c = 0 and width 1, where the difference gives 0.0.
    ValueError for a width that is not finite and positive, a c that is not
    finite, or a NaN bound.
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
    if not np.all(np.isfinite(c)):
        raise ValueError("c must be finite")
    if not np.all(np.isfinite(width) & (width > 0)):
        raise ValueError("width must be finite and > 0")
    for name, bound in (("lower", lower), ("upper", upper)):
        if np.any(np.isnan(bound)):
            raise ValueError(f"{name} must be a number or an infinity, got NaN")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        result = _arctan_difference(
            (upper - c) / width, (lower - c) / width, (upper - lower) / width
        )
    return float(result) if result.ndim == 0 else result


def _arctan_difference(a, b, d):
    # arctan(a) - arctan(b), with d = a - b computed from the bounds.  Where
    # a and b differ in sign (or one is 0), the two terms add up: no digits
    # are lost.  Where they share a sign, mirror the negative side onto the
    # positive one (arctan(a) - arctan(b) = arctan(-b) - arctan(-a)), so that
    # p, q > 0 and arctan(p) - arctan(q) = arctan(d / (1 + p q)) with no
    # branch to mind (1 + p q > 1).  For p q that could overflow, the
    # quotient is divided through by m = max(p, q) first; an infinite bound
    # (m = inf) leaves the tail arctan(1 / min(p, q)), signed as d.
    plain = np.arctan(a) - np.arctan(b)
    negative = (a < 0) & (b < 0)
    p = np.where(negative, -b, a)
    q = np.where(negative, -a, b)
    m = np.maximum(p, q)
    small = np.minimum(p, q)
    quotient = np.where(m > 1, (d / m) / (1 / m + small), d / (1 + p * q))
    same_side = np.where(
        np.isinf(m), np.copysign(np.arctan(1 / small), d), np.arctan(quotient)
    )
    return np.where((p > 0) & (q > 0), same_side, plain)


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
