"""The book's running example: the integrand exp(-a x**2) in C.

``gauss`` is exported in ``__pyx_capi__`` under the C signature
``double (double, void *)``, so ``scipy.LowLevelCallable.from_cython`` can
hand it to ``scipy.integrate.quad``.  ``gaussian_callable(a)`` returns such a
callable whose ``user_data`` owns a copy of ``a``.  ``gauss_nd`` and
``gaussian_nd_callable(a)`` are the same in any number of dimensions, as
``double (int, double *, void *)`` for dblquad, tplquad and nquad.

Both return NaN when ``user_data`` is NULL (a callable made by
``LowLevelCallable.from_cython(gaussian, "gauss")`` without its third
argument): quad then returns nan and warns, instead of the process dying.
Any other pointer is read as a ``double *``: pass the ``user_data`` of
``gaussian_callable`` or a capsule of ``kernels.capsules``.
"""
import math
import sys

from libc.float cimport DBL_MAX
from libc.math cimport NAN, exp, nextafter

from kernels.capsules cimport alloc_doubles, own_ranged_doubles, slot_range

from scipy import LowLevelCallable

from kernels._validate import finite_real

# Every a for which exp(-a x**2) is integrable over the line: finite and > 0.
A_RANGE = (math.nextafter(0.0, 1.0), sys.float_info.max)

# The a for which quad over (-inf, inf) was checked against sqrt(pi / a)
# (tests/test_silent_answers.py): outside, see gaussian_callable's docstring.
QUAD_LINE_A_RANGE = (1e-6, 1e6)

# What set_double accepts in the slot of a gaussian_callable's user_data.
cdef slot_range RANGES[1]
RANGES[0].name = b"a"
RANGES[0].low = nextafter(0.0, 1.0)
RANGES[0].high = DBL_MAX

# start-gauss-1d
cdef api double gauss(double x, void *user_data) noexcept nogil:
    if user_data == NULL:
        return NAN  # no user_data, no a: quad returns nan and warns
    cdef double a = (<double *>user_data)[0]
    return exp(-a * x * x)
# end-gauss-1d


# start-gauss-nd
cdef api double gauss_nd(int n, double *xx, void *user_data) noexcept nogil:
    if user_data == NULL:
        return NAN
    cdef double a = (<double *>user_data)[0]
    cdef double r2 = 0.0
    cdef int i
    for i in range(n):
        r2 += xx[i] * xx[i]
    return exp(-a * r2)
# end-gauss-nd


def gaussian_callable(a):
    """Return a ``scipy.LowLevelCallable`` for exp(-a x**2) with a > 0.

    The callable's ``user_data`` is a capsule that owns a copy of ``a``
    (allocated with ``PyMem_Malloc``, freed by the capsule's destructor);
    ``kernels.capsules.set_double`` refuses to write an ``a`` that is not
    finite and > 0 into it.  Pass it to ``scipy.integrate.quad`` in place of
    a Python function.

    Every finite a > 0 is accepted, and the integrand is right for each, but
    quad over (-inf, inf) is not: it returns sqrt(pi / a) for a in
    ``QUAD_LINE_A_RANGE`` (1e-6 to 1e6, checked by the tests); from about
    a = 3e6 on, its first points all miss the peak and it returns 0 (or a
    number as tiny) with an error estimate as small and no warning; for a
    below about 1e-10 it warns that the integral may diverge.  For a large a,
    integrate over a range scaled to the peak, from -40 / sqrt(a) to
    40 / sqrt(a) (what lies beyond is below exp(-1600)), with ``epsabs=0``:
    quad's default absolute tolerance, 1.5e-8, would accept a first rough
    estimate of an integral smaller than that (a = 1e100: 0.2 % off).
    """
    user_data = gaussian_user_data(a)
    module = sys.modules[__name__]
    return LowLevelCallable.from_cython(module, "gauss", user_data)


def gaussian_nd_callable(a):
    """Return a ``scipy.LowLevelCallable`` for exp(-a |x|**2) in any dimension.

    Its signature is ``double (int, double *, void *)``: ``dblquad``,
    ``tplquad`` and ``nquad`` pass all the integration variables in ``xx``.
    ``user_data`` owns a copy of ``a``, as for ``gaussian_callable`` (whose
    docstring says for which a quad over infinite ranges finds the peak).

    Do not pass ``args``: SciPy appends their values to ``xx`` after the
    integration variables, and ``gauss_nd`` sums the squares of all ``n``
    values, so ``args`` silently become extra coordinates.
    ``quad(gaussian_nd_callable(1.0), -inf, inf, args=(5.0,))`` integrates
    exp(-(x**2 + 25)), sqrt(pi) exp(-25) = 2.46e-11, not sqrt(pi).
    """
    user_data = gaussian_user_data(a)
    module = sys.modules[__name__]
    return LowLevelCallable.from_cython(module, "gauss_nd", user_data)


def gaussian_user_data(a):
    """Return a capsule that owns a copy of ``a``, for ``gauss`` or ``gauss_nd``.

    ``a`` is checked by ``check_gaussian_parameter``; ``set_double`` on the
    capsule refuses an ``a`` that is not finite and > 0, as this does.
    """
    cdef double checked = check_gaussian_parameter(a)
    cdef double *buffer = alloc_doubles(1)
    buffer[0] = checked
    return own_ranged_doubles(buffer, 1, RANGES, b"gaussian_callable")


def check_gaussian_parameter(a):
    """Return ``a`` as a float if exp(-a x**2) is integrable over the real line.

    TypeError if ``a`` is not a real number; ValueError if it is not finite
    and positive.
    """
    a = finite_real("a", a)
    if a <= 0:
        raise ValueError(
            f"a must be > 0, got {a!r}: for a <= 0 the integral of "
            "exp(-a x**2) over the real line diverges"
        )
    return a
