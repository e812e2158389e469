"""Checks that turn a reader's bad input into a clear Python error.

Every public function of ``kernels`` that takes a number or an array from its
caller goes through these, so that every mistake gives the same kind of
error, naming the parameter: ``TypeError`` for a value of the wrong type
(``bool``, ``str``, ``None``, complex, an object array), ``ValueError`` for a
real number outside the parameter's range, including an integer too large to
be a float (Python itself would raise an ``OverflowError`` that names nothing).
A count or a size is an integer: ``integer_in_range`` refuses a float such as
``9.0`` (TypeError) as well as a value out of its range (ValueError).
"""

import math
import numbers

import numpy as np


def real_number(name, value):
    """Return ``value`` as a float; TypeError unless it is a real number.

    ``bool`` is refused although Python counts it as a number: ``True`` for a
    parameter is a mistake, not a 1.  ValueError for a finite number too large
    for a float: an integer or fraction, which ``float()`` would refuse with
    an ``OverflowError`` that does not say which parameter was wrong, or a
    NumPy long double such as ``np.longdouble("1e400")``, which ``float()``
    would turn into inf.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number, got {type(value).__name__} "
            f"{short_repr(value)}"
        )
    try:
        result = float(value)  # a long double beyond a double's: inf, silently
    except OverflowError:
        result = None
    # inf from a value that is not inf: it overflowed on the way.
    if result is None or (math.isinf(result) and value != result):
        raise ValueError(
            f"{name} is too large for a float (at most {_FLOAT_MAX:.4g} in "
            f"magnitude), got {short_repr(value)}"
        )
    return result


def finite_real(name, value):
    """Return ``value`` as a finite float; TypeError or ValueError otherwise."""
    value = real_number(name, value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def integer_in_range(name, value, low, high=None):
    """Return ``value`` as an int in [low, high] (``high`` None: no upper bound).

    TypeError if it is not an integer (``bool`` and a float such as 9.0 are
    refused); ValueError if it is out of range.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer, got {type(value).__name__} {short_repr(value)}"
        )
    value = int(value)
    if value < low or (high is not None and value > high):
        upper = "" if high is None else f" and <= {high}"
        raise ValueError(f"{name} must be >= {low}{upper}, got {short_repr(value)}")
    return value


def real_array(name, values, ndim=1):
    """Return ``values`` as a C-contiguous float64 array with ``ndim`` dimensions.

    ``ndim=None`` accepts any number of dimensions, scalars too.

    TypeError unless ``values`` is a NumPy array or a (nested) sequence of
    real numbers: strings, bytes, ``None``, booleans, complex numbers and
    object arrays are refused, where ``numpy.asarray(values, float)`` would
    turn ``['1', '2']`` into numbers, ``[None]`` into NaN and ``[1+2j]`` into
    ``[1.]`` with only a warning.  A ``memoryview`` is taken when it views
    numbers (of an array, or bytes cast to a number format such as
    ``"d"``), not the raw bytes of a ``bytes`` object or a string.
    ValueError for a ragged sequence, another number of dimensions, a
    released memoryview, or a finite value too large for a float (an
    integer of 10**400, a long double of 1e400), which NumPy would store as
    inf.
    """
    if isinstance(values, memoryview):
        try:
            view_format, owner = values.format, values.obj
        except ValueError:  # "operation forbidden on released memoryview"
            raise ValueError(f"{name} is a released memoryview") from None
        if view_format in ("B", "b", "c") and isinstance(
            owner, str | bytes | bytearray
        ):
            raise TypeError(
                f"{name} must be a sequence or array of real numbers, got a "
                f"memoryview of the bytes of a {type(owner).__name__}"
            )
    if isinstance(values, str | bytes | bytearray) or values is None:
        raise TypeError(
            f"{name} must be a sequence or array of real numbers, got "
            f"{type(values).__name__} {short_repr(values)}"
        )
    if isinstance(values, np.ndarray) and values.dtype.kind == "O":
        raise TypeError(
            f"{name} must hold real numbers, got an array of dtype object "
            "(make it with a numeric dtype, e.g. float64)"
        )
    try:
        array = np.asarray(values)
    except (ValueError, TypeError) as exc:  # ragged nested sequences
        raise ValueError(
            f"{name} must be a regular (not ragged) sequence of real numbers, "
            f"got {short_repr(values)}"
        ) from exc
    # A sequence that NumPy can only store as objects: it holds None, a
    # string or an int too large for int64.  Check each element as a number,
    # so that the message names the culprit.
    if array.dtype.kind in "iuf" and not isinstance(values, np.ndarray):
        # NumPy stores [True, 0.5] as [1.0, 0.5]: look for the bools it hid.
        _refuse_bools(name, values, array.shape)
    if array.dtype.kind == "O" and array.ndim == 0:
        if ndim not in (None, 0):
            raise TypeError(
                f"{name} must be a sequence or array of real numbers, got "
                f"{type(values).__name__} {short_repr(values)}"
            )
        array = np.array(real_number(name, array.item()))
    if array.dtype.kind == "O":
        flat = array.reshape(-1)
        for index in range(flat.size):
            real_number(f"{name}[{_index(array.shape, index)}]", flat[index])
        array = np.array(array.tolist(), dtype=np.float64)
    elif array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must hold real numbers, got an array of dtype {array.dtype}"
            + (
                " (complex values are refused, not cut to their real part)"
                if array.dtype.kind == "c"
                else ""
            )
        )
    if ndim is not None and array.ndim != ndim:
        raise ValueError(
            f"{name} must be {ndim}-D, got {array.ndim} dimensions "
            f"(shape {array.shape})"
        )
    # asarray, not ascontiguousarray, which makes a 0-d array 1-D.
    with np.errstate(over="ignore"):
        result = np.asarray(array, dtype=np.float64, order="C")
    if array.dtype.kind == "f" and array.dtype.itemsize > 8:
        # A long double beyond a double's range became inf: refuse it.
        overflowed = np.isinf(result) & np.isfinite(array)
        if overflowed.any():
            index = int(np.flatnonzero(overflowed.reshape(-1))[0])
            where = f"[{_index(array.shape, index)}]" if array.ndim else ""
            raise ValueError(
                f"{name}{where} is too large for a float (at most "
                f"{_FLOAT_MAX:.4g} in magnitude), got "
                f"{short_repr(array.reshape(-1)[index])}"
            )
    return result


def _refuse_bools(name, values, shape):
    """TypeError, naming the element, for a bool in a sequence of numbers."""
    flat = np.asarray(values, dtype=object).reshape(-1)
    for index, value in enumerate(flat):
        if isinstance(value, bool | np.bool_):
            where = f"[{_index(shape, index)}]" if len(shape) else ""
            raise TypeError(
                f"{name}{where} must be a real number, got a bool {value!r}"
            )


def short_repr(value, limit=60):
    """``repr(value)`` for an error message, cut to ``limit`` characters.

    An integer beyond 64 bits is shown by its size: Python refuses to print
    one of more than 4300 digits, and a few hundred would bury the message.
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        bits = int(value).bit_length()
        if bits > 64:
            return f"{'-' if value < 0 else ''}an integer of {bits} bits"
    try:
        text = repr(value)
    except ValueError:  # e.g. a Fraction of integers too long to print
        return f"a {type(value).__name__} too long to print"
    return text if len(text) <= limit else text[: limit - 3] + "..."


_FLOAT_MAX = np.finfo(np.float64).max


def _index(shape, flat_index):
    return ", ".join(str(int(i)) for i in np.unravel_index(flat_index, shape))
