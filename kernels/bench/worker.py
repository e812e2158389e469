"""The thread and process worker: a sweep with a callable of its own."""

import time
from math import inf

import numpy as np
from scipy.integrate import quad

from kernels import capsules, gaussian
from kernels._validate import real_array

__all__ = ["integrate_gaussians", "integrate_gaussians_timed"]


def _check_a_values(a_values):
    """``a_values`` as a 1-D float array, if every value is a finite a > 0.

    TypeError if they are not real numbers (``_validate.real_array``);
    ValueError otherwise.  Without this check, a <= 0 or NaN would reach C and
    give inf, a negative number or NaN instead of an error.
    """
    array = real_array("a_values", a_values)
    bad = ~(np.isfinite(array) & (array > 0))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(
            f"a_values must be finite and > 0, got a_values[{i}] = {array[i]!r}: "
            "for a <= 0 the integral of exp(-a x**2) over the real line diverges"
        )
    return array


def integrate_gaussians(a_values):
    """Integrate exp(-a x**2) over R for each a, with a callable of its own.

    The callable is made here, so two threads or processes running this at
    once never share a ``user_data`` that one of them updates in place.
    """
    a_values = _check_a_values(a_values)
    llc = gaussian.gaussian_callable(1.0)
    user_data = llc.user_data
    out = np.empty(len(a_values))
    for i, a in enumerate(a_values):
        capsules.set_double(user_data, 0, a)
        out[i] = quad(llc, -inf, inf)[0]
    return out


def integrate_gaussians_timed(a_values):
    """``integrate_gaussians``, and the CPU seconds of the thread that ran it.

    Two workers whose CPU seconds add up to more than the wall-clock time of
    the pair ran at the same time; under the GIL, threads cannot.
    """
    start = time.thread_time()
    values = integrate_gaussians(a_values)
    return values, time.thread_time() - start
