"""One rule for "faster", "slower" or "within the noise", used by every chapter.

A timing is a set of repeats of the same work. Its interval runs from its
best (fastest) repeat to its median: the best is what the code costs when
nothing else gets in the way, and the distance from it to the median is the
noise of the run. Two timings differ in a direction only when their intervals
do not overlap: the median of one is below the best of the other. Otherwise
the difference is within the noise, and the book does not call it a
direction.
"""

import math
from collections.abc import Mapping

import numpy as np

from kernels._validate import short_repr

__all__ = ["interval", "verdict"]

WORDS = ("faster than", "within the noise of", "slower than")


def interval(timing, name="timing"):
    """Return ``(best, median)`` of a timing.

    ``timing`` is a sequence of repeated times, or a mapping with the keys
    ``"best"`` and ``"median"`` (as the benchmark's rows have). Every time
    must be a positive, finite real number. TypeError or ValueError, naming
    ``name``, otherwise.
    """
    if isinstance(timing, Mapping):
        try:
            values = [timing["best"], timing["median"]]
        except KeyError as missing:
            raise ValueError(
                f"{name} must have the keys 'best' and 'median', missing {missing}"
            ) from None
    elif isinstance(timing, str | bytes) or not hasattr(timing, "__len__"):
        raise TypeError(
            f"{name} must be a sequence of times or a mapping with 'best' and "
            f"'median', got {type(timing).__name__} {short_repr(timing)}"
        )
    else:
        values = list(timing)
    if not values:
        raise ValueError(f"{name} has no times")
    checked = []
    for value in values:
        if isinstance(value, bool | np.bool_) or not isinstance(
            value, int | float | np.integer | np.floating
        ):
            raise TypeError(
                f"{name} must hold real numbers, got {type(value).__name__} "
                f"{short_repr(value)}"
            )
        value = float(value)
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must hold positive finite times, got {value!r}")
        checked.append(value)
    if isinstance(timing, Mapping):
        best, median = checked
        if median < best:
            raise ValueError(f"{name}: median {median!r} is below best {best!r}")
        return best, median
    return min(checked), float(np.median(checked))


def verdict(timing, reference, words=WORDS):
    """Words for how ``timing`` compares with ``reference``.

    Returns ``words[0]`` ("faster than") when the median of ``timing`` is
    below the best of ``reference``, ``words[2]`` ("slower than") when the
    median of ``reference`` is below the best of ``timing``, and ``words[1]``
    ("within the noise of") when the two intervals overlap. The words are
    for prose such as "the callback is {verdict} the loop"; pass others for
    other sentences, e.g. ``("shrinks", "does not change", "grows")``.
    """
    if isinstance(words, str) or len(words) != 3:
        raise TypeError("words must be three strings: (faster, within noise, slower)")
    best, median = interval(timing, "timing")
    ref_best, ref_median = interval(reference, "reference")
    if median < ref_best:
        return words[0]
    if ref_median < best:
        return words[2]
    return words[1]
