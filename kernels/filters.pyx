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
them (made by ``kernels.capsules``).  The callbacks return 1 on success and 0
on failure, with a Python exception set that says what went wrong.
"""
import numbers
import sys

from cpython.exc cimport PyErr_Occurred, PyErr_SetObject
from libc.math cimport cos, sin
from libc.stdint cimport intptr_t, uint64_t

from kernels.capsules cimport alloc_doubles, own_doubles

from scipy import LowLevelCallable

from kernels._validate import finite_real

# The largest window trimmed_mean accepts: it sorts a copy of the window in an
# array on the stack (8 KiB), which holds a 31 x 31 footprint.
cdef enum:
    MAX_WINDOW = 1024

# Every parameter block starts with a tag that names its callback, so that a
# callback handed another block (or none) refuses it instead of misreading it.
cdef uint64_t TRIMMED_MEAN_TAG = 0x4B462D5452494D31  # "KF-TRIM1" in ASCII
cdef uint64_t EMA_TAG = 0x4B462D454D412D31           # "KF-EMA-1"
cdef uint64_t POLAR_TAG = 0x4B462D504F4C4131         # "KF-POLA1"


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
# end-wrong-user-data


# start-trimmed-mean
cdef api int trimmed_mean(double *buffer, intptr_t filter_size,
                          double *return_value,
                          void *user_data) noexcept nogil:
    cdef TrimmedMeanParams *p = <TrimmedMeanParams *>user_data
    cdef double window[MAX_WINDOW]
    cdef double value, total = 0.0
    cdef intptr_t i, j
    if p == NULL or p.tag != TRIMMED_MEAN_TAG:
        return wrong_user_data(b"trimmed_mean", b"trimmed_mean_callable")
    if filter_size != p.filter_size:
        with gil:
            if PyErr_Occurred() == NULL:  # keep the first message
                PyErr_SetObject(ValueError, (
                    f"trimmed_mean_callable({p.filter_size}, {p.trim}) "
                    f"needs windows of {p.filter_size} values, "
                    f"got {filter_size}"
                ))
        return 0
    # Insertion sort of a copy: the buffer belongs to SciPy.
    for i in range(filter_size):
        value = buffer[i]
        j = i
        while j > 0 and window[j - 1] > value:
            window[j] = window[j - 1]
            j -= 1
        window[j] = value
    for i in range(p.trim, filter_size - p.trim):
        total += window[i]
    return_value[0] = total / (filter_size - 2 * p.trim)
    return 1
# end-trimmed-mean


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
            if PyErr_Occurred() == NULL:
                PyErr_SetObject(ValueError, (
                    "ema needs filter_size=1, got lines padded "
                    f"for filter_size={input_length - output_length + 1}"
                ))
        return 0
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
            if PyErr_Occurred() == NULL:
                PyErr_SetObject(ValueError, (
                    "polar_unwrap maps 2-D to 2-D, got output rank "
                    f"{output_rank} and input rank {input_rank}"
                ))
        return 0
    radius = output_coordinates[0] * p.radius_step
    angle = output_coordinates[1] * p.angle_step
    input_coordinates[0] = p.centre_row + radius * sin(angle)
    input_coordinates[1] = p.centre_col + radius * cos(angle)
    return 1
# end-polar-unwrap


cdef Py_ssize_t doubles_for(size_t size) noexcept:
    # How many doubles kernels.capsules must allocate to hold ``size`` bytes.
    return <Py_ssize_t>((size + sizeof(double) - 1) // sizeof(double))


def _callable(name, user_data):
    return LowLevelCallable.from_cython(sys.modules[__name__], name, user_data)


# start-trimmed-mean-factory
def trimmed_mean_callable(filter_size, trim):
    """Return a ``LowLevelCallable`` for ``generic_filter``: a trimmed mean.

    Each window of ``filter_size`` values (9 for ``size=3`` in 2-D, 25 for
    ``size=5``) is sorted; the ``trim`` smallest and ``trim`` largest values
    are dropped and the rest averaged.  ``generic_filter`` must be given a
    footprint of exactly ``filter_size`` elements, or it raises ValueError.
    The insertion sort does not order NaN: a window with a NaN in it gets
    a meaningless value (never a crash).
    """
    filter_size = check_integer("filter_size", filter_size, 1, MAX_WINDOW)
    trim = check_integer("trim", trim, 0, None)
    if 2 * trim >= filter_size:
        raise ValueError(
            f"trim={trim} drops all {filter_size} values: "
            "trim must be < filter_size / 2"
        )
    cdef Py_ssize_t n = doubles_for(sizeof(TrimmedMeanParams))
    cdef TrimmedMeanParams *p = <TrimmedMeanParams *>alloc_doubles(n)
    p.tag = TRIMMED_MEAN_TAG
    p.filter_size = filter_size
    p.trim = trim
    return _callable("trimmed_mean", own_doubles(<double *>p, n))
# end-trimmed-mean-factory


def ema_callable(alpha):
    """Return a ``LowLevelCallable`` for ``generic_filter1d``: an EMA.

    Along each line, ``y[i] = alpha * x[i] + (1 - alpha) * y[i-1]`` from
    ``y[-1] = x[0]``, with ``0 < alpha <= 1`` (1 copies the line).  Use it with
    ``filter_size=1``: the average needs no padding.
    """
    alpha = finite_real("alpha", alpha)
    if not 0.0 < alpha <= 1.0:
        raise ValueError(f"alpha must be in (0, 1], got {alpha!r}")
    cdef Py_ssize_t n = doubles_for(sizeof(EmaParams))
    cdef EmaParams *p = <EmaParams *>alloc_doubles(n)
    p.tag = EMA_TAG
    p.alpha = alpha
    return _callable("ema", own_doubles(<double *>p, n))


# start-polar-factory
def polar_callable(centre, radius_step, angle_step):
    """Return a ``LowLevelCallable`` for ``geometric_transform``: polar unwrap.

    Output pixel (i, j) samples the input at radius ``i * radius_step`` and
    angle ``j * angle_step`` (radians) around ``centre = (row, column)``:
    row ``centre[0] + r sin(angle)``, column ``centre[1] + r cos(angle)``.
    """
    centre_row, centre_col = check_centre(centre)
    radius_step = finite_real("radius_step", radius_step)
    angle_step = finite_real("angle_step", angle_step)
    if radius_step <= 0.0 or angle_step <= 0.0:
        raise ValueError(
            "radius_step and angle_step must be > 0, "
            f"got {radius_step!r} and {angle_step!r}"
        )
    cdef Py_ssize_t n = doubles_for(sizeof(PolarParams))
    cdef PolarParams *p = <PolarParams *>alloc_doubles(n)
    p.tag = POLAR_TAG
    p.centre_row = centre_row
    p.centre_col = centre_col
    p.radius_step = radius_step
    p.angle_step = angle_step
    return _callable("polar_unwrap", own_doubles(<double *>p, n))
# end-polar-factory


def check_integer(name, value, low, high):
    """Return ``value`` as an int in [low, high] (high None: no upper bound).

    TypeError if it is not an integer (a float such as 9.0 is refused too);
    ValueError if it is out of range.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer, got {type(value).__name__} {value!r}"
        )
    value = int(value)
    if value < low or (high is not None and value > high):
        upper = "" if high is None else f" and <= {high}"
        raise ValueError(f"{name} must be >= {low}{upper}, got {value}")
    return value


def check_centre(centre):
    """Return ``centre`` as two finite floats (row, column)."""
    try:
        row, col = centre
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"centre must be a pair (row, column), got {centre!r}"
        ) from exc
    return finite_real("centre row", row), finite_real("centre column", col)
