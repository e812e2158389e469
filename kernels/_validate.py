"""Checks that turn a reader's bad input into a clear Python error."""

import math
import numbers


def real_number(name, value):
    """Return ``value`` as a float; TypeError unless it is a real number.

    ``bool`` is refused although Python counts it as a number: ``True`` for a
    parameter is a mistake, not a 1.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number, got {type(value).__name__} {value!r}"
        )
    return float(value)


def finite_real(name, value):
    """Return ``value`` as a finite float; TypeError or ValueError otherwise."""
    value = real_number(name, value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value
