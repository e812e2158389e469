# cython: cdivision=True
"""Image filters for scipy.ndimage as C callbacks.

Three callbacks, one for each ndimage function that takes a
``scipy.LowLevelCallable``:

- ``trimmed_mean`` for ``generic_filter``: the mean of a window without its
  ``trim`` smallest and ``trim`` largest values;
- ``ema`` for ``generic_filter1d``: an exponential moving average along each
  line;
- ``polar_unwrap`` for ``geometric_transform``: output (radius, angle) to input
  (row, column) around a centre.

Each factory (``trimmed_mean_callable``, ``ema_callable``, ``polar_callable``)
checks its parameters and returns a callable whose ``user_data`` capsule owns
them.  Each kind of parameter block has a capsule name of its own
(``BLOCK_NAMES``), so that no other API, such as ``kernels.capsules.set_double``,
accepts it; ``parameters`` reads a block back.  The callbacks return 1 on
success and 0 on failure, with a Python exception set that says what went
wrong.

Division: the module is compiled with ``cdivision=True`` (C semantics, no
ZeroDivisionError check inside ``noexcept nogil`` code, where it could not be
raised anyway).  The only division, in ``trimmed_mean``, is by
``filter_size - 2 * trim``, which the callback checks is at least 1 before it
divides.
"""
# start-imports
import sys

from cpython.exc cimport PyErr_Occurred, PyErr_SetObject
from cpython.pycapsule cimport PyCapsule_GetPointer, PyCapsule_IsValid
from libc.math cimport NAN, cos, isnan, sin
from libc.stdint cimport intptr_t, uint64_t

from kernels.capsules cimport new_block

import numpy as np
from scipy import LowLevelCallable

from kernels._validate import finite_real, integer_in_range, short_repr
# end-imports

# start-constants
# The largest window trimmed_mean accepts: it copies the window into an array
# on the stack (8 KiB), which holds a 32 x 32 footprint.
cdef enum:
    MAX_WINDOW = 1024

# Every parameter block starts with a tag that names its callback, so that a
# callback handed another block (or none) refuses it instead of misreading it.
# Each is the bits of a NaN whose payload spells a name in ASCII: no block of
# doubles can start with it, since kernels.capsules stores every NaN as C's
# NAN (a finite tag would be forged by double_capsule of the same bits).
cdef uint64_t TRIMMED_MEAN_TAG = 0x7FF44B465452494D  # NaN, payload "KFTRIM"
cdef uint64_t EMA_TAG = 0x7FF44B46454D4131           # NaN, payload "KFEMA1"
cdef uint64_t POLAR_TAG = 0x7FF44B46504F4C41         # NaN, payload "KFPOLA"

# And each kind of block has a capsule name of its own: an API that takes a
# capsule checks its name, so kernels.capsules.set_double, which accepts only
# "kernels.capsules.doubles", refuses these.
cdef const char *TRIMMED_MEAN_NAME = b"kernels.filters.TrimmedMeanParams"
cdef const char *EMA_NAME = b"kernels.filters.EmaParams"
cdef const char *POLAR_NAME = b"kernels.filters.PolarParams"
# end-constants

BLOCK_NAMES = {
    "trimmed_mean": TRIMMED_MEAN_NAME.decode(),
    "ema": EMA_NAME.decode(),
    "polar_unwrap": POLAR_NAME.decode(),
}


# start-parameters
cdef struct TrimmedMeanParams:
    uint64_t tag
    intptr_t filter_size  # how many values each window holds
    intptr_t trim         # how many to drop at each end, once sorted

cdef struct EmaParams:
    uint64_t tag
    double alpha          # weight of the newest value, 0 < alpha <= 1

cdef struct PolarParams:
    uint64_t tag
    double centre_row
    double centre_col
    double radius_step    # pixels of radius per output row
    double angle_step     # radians of angle per output column
# end-parameters


# start-blocks
# Parameter blocks made here and not yet freed.  kernels.capsules.new_block(
# size, name, &_live_blocks) makes each: a capsule called ``name`` (one of the
# C string literals above, which outlive it) that owns ``size`` zeroed bytes,
# counted in here and counted out by the capsule's destructor.
cdef Py_ssize_t _live_blocks = 0


def live_blocks():
    """Return how many parameter blocks made here are alive (not yet freed)."""
    return _live_blocks
# end-blocks


# start-wrong-user-data
cdef int wrong_user_data(const char *callback,
                         const char *factory) noexcept with gil:
    # "with gil": this function takes the GIL itself, so that nogil code
    # can call it. It sets a TypeError unless an exception is already
    # pending, and returns 0, the failure status of every ndimage callback.
    if PyErr_Occurred() == NULL:
        PyErr_SetObject(TypeError, (
            f"{callback.decode()} needs the user_data "
            f"of {factory.decode()}"
        ))
    return 0


cdef int fail(object error, str message) noexcept with gil:
    # Set ``error(message)`` unless an exception is pending; return 0.
    if PyErr_Occurred() == NULL:
        PyErr_SetObject(error, message)
    return 0
# end-wrong-user-data


# start-select
cdef void select_rank(double *values, intptr_t left, intptr_t right,
                      intptr_t k) noexcept nogil:
    # Reorder values[left..right] (both included, no NaN among them) so that
    # values[k] holds the value of rank k, with none greater before it and
    # none smaller after it: Hoare's selection (Wirth's form), which does on
    # average a few passes over the values instead of a full sort.
    cdef double pivot, swap
    cdef intptr_t i, j
    while left < right:
        pivot = values[k]
        i = left
        j = right
        while i <= j:
            while values[i] < pivot:
                i += 1
            while pivot < values[j]:
                j -= 1
            if i <= j:
                swap = values[i]
                values[i] = values[j]
                values[j] = swap
                i += 1
                j -= 1
        if j < k:
            left = i
        if k < i:
            right = j
# end-select


# start-trimmed-mean-callback
cdef api int trimmed_mean(double *buffer, intptr_t filter_size,
                          double *return_value,
                          void *user_data) noexcept nogil:
    cdef TrimmedMeanParams *p = <TrimmedMeanParams *>user_data
    cdef double window[MAX_WINDOW]
    cdef double total = 0.0
    cdef intptr_t i, count = 0, trim, high
    if p == NULL or p.tag != TRIMMED_MEAN_TAG:
        return wrong_user_data(b"trimmed_mean", b"trimmed_mean_callable")
    # Never trust the block: a value read from it decides what is indexed.
    if not (1 <= p.filter_size <= MAX_WINDOW and 0 <= p.trim
            and p.trim < p.filter_size - p.trim):
        with gil:
            return fail(ValueError, "trimmed_mean: corrupted parameter block")
    if filter_size != p.filter_size:
        with gil:
            return fail(ValueError, (
                f"trimmed_mean_callable({p.filter_size}, {p.trim}) "
                f"needs windows of {p.filter_size} values, got {filter_size}"
            ))
    # Copy the numbers (the buffer belongs to SciPy); NaN count as larger
    # than any number, as in np.sort, so they are the last ranks.
    for i in range(filter_size):
        if not isnan(buffer[i]):
            window[count] = buffer[i]
            count += 1
    trim = p.trim
    high = filter_size - trim  # ranks trim .. high - 1 are kept
    if high > count:  # a NaN is among the kept values
        return_value[0] = NAN
        return 1
    # Rank trim at window[trim], then rank high - 1 at window[high - 1]:
    # everything between them has a rank in between.
    select_rank(window, 0, count - 1, trim)
    select_rank(window, trim, count - 1, high - 1)
    for i in range(trim, high):
        total += window[i]
    return_value[0] = total / (high - trim)  # high - trim >= 1, checked above
    return 1
# end-trimmed-mean-callback


# start-ema
cdef api int ema(double *input_line, intptr_t input_length,
                 double *output_line, intptr_t output_length,
                 void *user_data) noexcept nogil:
    cdef EmaParams *p = <EmaParams *>user_data
    cdef double average
    cdef intptr_t i
    if p == NULL or p.tag != EMA_TAG:
        return wrong_user_data(b"ema", b"ema_callable")
    if input_length != output_length:
        with gil:
            return fail(ValueError, (
                "ema needs filter_size=1, got lines padded "
                f"for filter_size={input_length - output_length + 1}"
            ))
    if output_length == 0:
        return 1
    average = input_line[0]
    for i in range(output_length):
        average = p.alpha * input_line[i] + (1.0 - p.alpha) * average
        output_line[i] = average
    return 1
# end-ema


# start-polar-unwrap
cdef api int polar_unwrap(intptr_t *output_coordinates,
                          double *input_coordinates,
                          int output_rank, int input_rank,
                          void *user_data) noexcept nogil:
    cdef PolarParams *p = <PolarParams *>user_data
    cdef double radius, angle
    if p == NULL or p.tag != POLAR_TAG:
        return wrong_user_data(b"polar_unwrap", b"polar_callable")
    if output_rank != 2 or input_rank != 2:
        with gil:
            return fail(ValueError, (
                "polar_unwrap maps 2-D to 2-D, got output rank "
                f"{output_rank} and input rank {input_rank}"
            ))
    radius = output_coordinates[0] * p.radius_step
    angle = output_coordinates[1] * p.angle_step
    input_coordinates[0] = p.centre_row + radius * sin(angle)
    input_coordinates[1] = p.centre_col + radius * cos(angle)
    return 1
# end-polar-unwrap


# start-trimmed-mean-factory
def _callable(name, user_data):
    # from_cython finds the callback in this module's __pyx_capi__.
    return LowLevelCallable.from_cython(sys.modules[__name__], name, user_data)


def trimmed_mean_callable(filter_size, trim):
    """Return a ``LowLevelCallable`` for ``generic_filter``: a trimmed mean.

    Each window holds ``filter_size`` values (9 for ``size=3`` in 2-D, 25 for
    ``size=5``, at most 1024); the ``trim`` smallest and ``trim`` largest are
    dropped and the rest averaged, as
    ``np.sort(window)[trim:filter_size - trim].mean()`` does, NaN counting as
    the largest values.  ``generic_filter`` must be given a footprint of
    exactly ``filter_size`` elements, or it raises ValueError.

    TypeError unless both are integers (``bool`` and ``9.0`` are refused);
    ValueError unless ``1 <= filter_size <= 1024`` and
    ``0 <= trim < filter_size / 2``.
    """
    filter_size = integer_in_range("filter_size", filter_size, 1, MAX_WINDOW)
    trim = integer_in_range("trim", trim, 0)
    if 2 * trim >= filter_size:
        raise ValueError(
            f"trim={short_repr(trim)} drops all {filter_size} values: "
            "trim must be < filter_size / 2"
        )
    block = new_block(sizeof(TrimmedMeanParams), TRIMMED_MEAN_NAME, &_live_blocks)
    cdef TrimmedMeanParams *p = <TrimmedMeanParams *>PyCapsule_GetPointer(
        block, TRIMMED_MEAN_NAME)
    p.tag = TRIMMED_MEAN_TAG
    p.filter_size = filter_size
    p.trim = trim
    return _callable("trimmed_mean", block)
# end-trimmed-mean-factory


def ema_callable(alpha):
    """Return a ``LowLevelCallable`` for ``generic_filter1d``: an EMA.

    Along each line, ``y[i] = alpha * x[i] + (1 - alpha) * y[i-1]`` from
    ``y[-1] = x[0]``, with ``0 < alpha <= 1`` (1 copies the line); the same
    numbers as ``scipy.signal.lfilter([alpha], [1, alpha - 1], x, zi=...)``.
    Use it with ``filter_size=1``: the average needs no padding.

    TypeError unless ``alpha`` is a real number; ValueError if it is not
    finite (an int too large for a float included) or not in (0, 1].
    """
    alpha = finite_real("alpha", alpha)
    if not 0.0 < alpha <= 1.0:
        raise ValueError(f"alpha must be in (0, 1], got {alpha!r}")
    block = new_block(sizeof(EmaParams), EMA_NAME, &_live_blocks)
    cdef EmaParams *p = <EmaParams *>PyCapsule_GetPointer(block, EMA_NAME)
    p.tag = EMA_TAG
    p.alpha = alpha
    return _callable("ema", block)


def polar_callable(centre, radius_step, angle_step):
    """Return a ``LowLevelCallable`` for ``geometric_transform``: polar unwrap.

    Output pixel (i, j) samples the input at radius ``i * radius_step`` and
    angle ``j * angle_step`` (radians) around ``centre = (row, column)``:
    row ``centre[0] + r sin(angle)``, column ``centre[1] + r cos(angle)``.

    TypeError unless ``centre`` is a pair of real numbers and both steps are
    real numbers; ValueError if any is not finite (an int too large for a
    float included) or a step is not > 0.
    """
    centre_row, centre_col = check_centre(centre)
    radius_step = finite_real("radius_step", radius_step)
    angle_step = finite_real("angle_step", angle_step)
    if radius_step <= 0.0 or angle_step <= 0.0:
        raise ValueError(
            "radius_step and angle_step must be > 0, "
            f"got {radius_step!r} and {angle_step!r}"
        )
    block = new_block(sizeof(PolarParams), POLAR_NAME, &_live_blocks)
    cdef PolarParams *p = <PolarParams *>PyCapsule_GetPointer(block, POLAR_NAME)
    p.tag = POLAR_TAG
    p.centre_row = centre_row
    p.centre_col = centre_col
    p.radius_step = radius_step
    p.angle_step = angle_step
    return _callable("polar_unwrap", block)


def parameters(user_data):
    """Return the parameters a filter block holds, as a dict (a copy).

    ``user_data`` is the ``user_data`` of a callable made here; TypeError for
    any other object.  Blocks cannot be changed in place: make a new callable,
    which costs a few microseconds.
    """
    cdef TrimmedMeanParams *t
    cdef EmaParams *e
    cdef PolarParams *q
    if PyCapsule_IsValid(user_data, TRIMMED_MEAN_NAME):
        t = <TrimmedMeanParams *>PyCapsule_GetPointer(user_data, TRIMMED_MEAN_NAME)
        return {"filter_size": t.filter_size, "trim": t.trim}
    if PyCapsule_IsValid(user_data, EMA_NAME):
        e = <EmaParams *>PyCapsule_GetPointer(user_data, EMA_NAME)
        return {"alpha": e.alpha}
    if PyCapsule_IsValid(user_data, POLAR_NAME):
        q = <PolarParams *>PyCapsule_GetPointer(user_data, POLAR_NAME)
        return {
            "centre": (q.centre_row, q.centre_col),
            "radius_step": q.radius_step,
            "angle_step": q.angle_step,
        }
    raise TypeError(
        "expected the user_data of a kernels.filters callable, "
        f"got {type(user_data).__name__}"
    )


# start-checks
def check_centre(centre):
    """Return ``centre`` as two finite floats (row, column).

    A centre is a pair of real numbers: a tuple or list of two, or a 1-D
    NumPy array of two.  TypeError for anything else: bytes, a string, a
    dict, a set, an iterator, a sequence of another length.
    """
    if isinstance(centre, np.ndarray):
        if centre.ndim != 1:
            raise TypeError(
                f"centre must be a pair (row, column), got an array of shape "
                f"{centre.shape}"
            )
        centre = centre.tolist()
    if not isinstance(centre, (tuple, list)):
        raise TypeError(
            "centre must be a pair (row, column) of real numbers, got "
            f"{type(centre).__name__} {short_repr(centre)}"
        )
    if len(centre) != 2:
        raise TypeError(
            f"centre must be a pair (row, column), got {len(centre)} values"
        )
    return (finite_real("centre row", centre[0]),
            finite_real("centre column", centre[1]))
# end-checks
