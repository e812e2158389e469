"""The book's sweep as a task for another process: parameters in, numbers out.

A ``scipy.LowLevelCallable`` holds PyCapsules, which cannot be pickled, so it
cannot be sent to a worker process or a cluster.  What travels instead is a
chunk of parameters (a NumPy array of values of ``a``); the worker builds its
own callable from them and returns a NumPy array of integrals.

The functions live in an importable module, not in a notebook, because a
worker started with ``spawn`` (or on another machine) imports the task's
function by its module and name.
"""

import numpy as np
from scipy.integrate import quad

from kernels import capsules, gaussian

INF = float("inf")


def integrate_chunk(a_values):
    """Return the integrals of exp(-a x**2) over the real line, one per a.

    One callable is built per chunk, for the first ``a``; its ``user_data``
    is then updated in place for each next ``a``.  Every ``a`` is checked
    first (``ValueError`` for a <= 0), so a bad chunk fails before any
    integral runs.
    """
    a_values = [gaussian.check_gaussian_parameter(a) for a in a_values]
    out = np.empty(len(a_values))
    if not a_values:
        return out
    llc = gaussian.gaussian_callable(a_values[0])
    user_data = llc.user_data  # a Python property: read it once
    for i, a in enumerate(a_values):
        capsules.set_double(user_data, 0, a)
        out[i] = quad(llc, -INF, INF)[0]
    return out


def integrate_chunk_new_callable(a_values):
    """The same integrals as ``integrate_chunk``, with a new callable per a."""
    out = np.empty(len(a_values))
    for i, a in enumerate(a_values):
        out[i] = quad(gaussian.gaussian_callable(a), -INF, INF)[0]
    return out


def empty_task(a_values):
    """Do nothing and return nothing much: a task that measures overhead."""
    return len(a_values)
