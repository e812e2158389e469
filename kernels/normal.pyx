"""The normal density, with its two parameters in a struct that a capsule owns.

``normal_pdf`` is exported in ``__pyx_capi__`` under ``double (double, void *)``;
its ``user_data`` points at a ``normal_params`` struct (mean and standard
deviation).  ``normal_callable(mu, sigma)`` returns a ``scipy.LowLevelCallable``
whose ``user_data`` capsule owns such a struct, and ``set_normal_params``
overwrites the struct in place so that one callable can be reused.
``live_params()`` counts the structs allocated here and not yet freed.

``sigma`` lies in ``SIGMA_RANGE``, [DBL_MIN, DBL_MAX]: from about 2.2e-308
(the smallest normal double) on, 1 / sigma is finite, so ``normal_pdf``
never divides by zero and never multiplies an infinite height by 0.

The struct begins with a tag, ``NORMAL_TAG``: ``normal_pdf`` returns NaN for a
NULL ``user_data`` or a block whose first 8 bytes are not the tag (a block of
doubles, another kernels struct), so quad returns nan and warns instead of
integrating whatever lies there.
"""
import sys

cimport cython
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.pycapsule cimport (
    PyCapsule_GetPointer,
    PyCapsule_IsValid,
    PyCapsule_New,
)
from libc.float cimport DBL_MAX, DBL_MIN
from libc.math cimport NAN, exp, M_PI, sqrt
from libc.stdint cimport uint64_t

from scipy import LowLevelCallable

from kernels._validate import finite_real

# The capsule name, the destructor (_free_params) and the counter (_live) of
# the parameter structs are written out on purpose: the ownership chapter shows
# them.  Every other struct in kernels gets them from kernels.capsules.new_block.

# The name every parameter capsule made here carries.
cdef const char *PARAMS_NAME = b"kernels.normal.params"

cdef double INV_SQRT_2PI = 1.0 / sqrt(2.0 * M_PI)

# The first field of every normal_params struct made here: the bits of a
# NaN whose payload spells "KNORML", which no block of doubles made by
# kernels.capsules can hold (see multidim's RECORD_TAG).
cdef uint64_t NORMAL_TAG = 0x7FF44B4E4F524D4C

# The standard deviations normal_pdf computes right: 1 / sigma is finite.
SIGMA_RANGE = (DBL_MIN, DBL_MAX)
# The sigma for which quad over (-inf, inf) was checked against 1, with
# mu = 0 (tests/test_silent_answers.py): see normal_callable's docstring.
QUAD_LINE_SIGMA_RANGE = (1e-3, 1e4)

# Structs allocated here and not yet freed.  It changes only with the GIL held
# (allocation from Python, destruction in the capsule's deallocation).
cdef Py_ssize_t _live = 0


# start-normal-pdf
# cdivision: a C division, no zero check (which a noexcept callback could
# only print and ignore); sigma >= DBL_MIN > 0 is checked when it is set.
@cython.cdivision(True)
cdef api double normal_pdf(double x, void *user_data) noexcept nogil:
    cdef normal_params *p = <normal_params *>user_data
    if p == NULL or p.tag != NORMAL_TAG:
        return NAN  # not our struct: quad returns nan and warns
    cdef double z = (x - p.mu) / p.sigma
    return INV_SQRT_2PI / p.sigma * exp(-0.5 * z * z)
# end-normal-pdf


# start-params-destructor
cdef void _free_params(object capsule) noexcept:
    # Runs in the capsule's deallocation, with the GIL held; it frees the one
    # struct this capsule owns and touches nothing else.
    global _live
    PyMem_Free(PyCapsule_GetPointer(capsule, PARAMS_NAME))
    _live -= 1
# end-params-destructor


# start-params-capsule
def normal_params_capsule(mu, sigma):
    """Return a capsule that owns a ``normal_params`` struct {mu, sigma}.

    TypeError if ``mu`` or ``sigma`` is not a real number; ValueError if
    ``mu`` is not finite or ``sigma`` is not finite and > 0.
    """
    global _live
    mu, sigma = check_normal_parameters(mu, sigma)
    cdef normal_params *params = <normal_params *>PyMem_Malloc(
        sizeof(normal_params)
    )
    if params == NULL:
        raise MemoryError("cannot allocate a normal_params struct")
    params.tag = NORMAL_TAG
    params.mu = mu
    params.sigma = sigma
    _live += 1
    try:
        return PyCapsule_New(<void *>params, PARAMS_NAME, &_free_params)
    except BaseException:
        PyMem_Free(params)  # no capsule owns it: free it here
        _live -= 1
        raise
# end-params-capsule


# start-normal-callable
def normal_callable(mu, sigma):
    """Return a ``scipy.LowLevelCallable`` for the density of N(mu, sigma**2).

    Its ``user_data`` is a capsule that owns a ``normal_params`` struct
    with copies of ``mu`` and ``sigma``.  Validation as for
    ``normal_params_capsule``.

    quad over (-inf, inf) finds the total, 1, for sigma in
    ``QUAD_LINE_SIGMA_RANGE`` (1e-3 to 1e4 with mu = 0, checked by the
    tests).  For a narrower density (sigma below about 3e-4), or one far
    from 0, its first points all miss the peak and it returns 0 with no
    warning; for a wider one it warns, and from sigma about 1.6e11 on it
    returns a tiny number with no warning.  Integrate from mu - 40 sigma to
    mu + 40 sigma instead (what lies beyond is below 1e-300 of the total),
    with ``epsabs=0``, or split at mu; for sigma below about 1e-305 quad's
    points on such a range are subnormal numbers, and it comes out 1e-4 off.
    """
    user_data = normal_params_capsule(mu, sigma)
    module = sys.modules[__name__]
    return LowLevelCallable.from_cython(module, "normal_pdf", user_data)
# end-normal-callable


cdef normal_params *params_of(object capsule) except NULL:
    if not PyCapsule_IsValid(capsule, PARAMS_NAME):
        raise TypeError(
            "expected a capsule made by kernels.normal "
            f"(normal_params_capsule or normal_callable(...).user_data), "
            f"got {type(capsule).__name__}"
        )
    return <normal_params *>PyCapsule_GetPointer(capsule, PARAMS_NAME)


# start-set-params
def set_normal_params(capsule, mu, sigma):
    """Overwrite the struct a parameter capsule owns, in place.

    Every callable holding this capsule integrates the new density from its
    next call on.  Not safe when two threads share the capsule.  The new
    values are validated first: on error the struct is left unchanged.
    """
    cdef normal_params *params = params_of(capsule)
    mu, sigma = check_normal_parameters(mu, sigma)
    params.mu = mu
    params.sigma = sigma
# end-set-params


def read_normal_params(capsule):
    """Return ``(mu, sigma)`` from the struct a parameter capsule owns."""
    cdef normal_params *params = params_of(capsule)
    return params.mu, params.sigma


def check_normal_parameters(mu, sigma):
    """Return ``(mu, sigma)`` as floats if they define a normal density.

    TypeError if either is not a real number; ValueError if ``mu`` is not
    finite or ``sigma`` is not finite and > 0, or below ``SIGMA_RANGE``
    (a subnormal sigma, whose inverse overflows).
    """
    mu = finite_real("mu", mu)
    sigma = finite_real("sigma", sigma)
    if not sigma > 0:
        raise ValueError(f"sigma must be > 0, got {sigma!r}")
    if sigma < SIGMA_RANGE[0]:
        raise ValueError(
            f"sigma must be at least {SIGMA_RANGE[0]!r} (the smallest normal "
            f"double), got {sigma!r}: 1 / sigma would overflow"
        )
    return mu, sigma


def live_params():
    """Return how many structs made here are alive (allocated, not yet freed)."""
    return _live
