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
from kernels._validate import real_array

INF = float("inf")


def integrate_chunk(a_values):
    """Return the integrals of exp(-a x**2) over the real line, one per a.

    One callable is built per chunk, for the first ``a``; its ``user_data``
    is then updated in place for each next ``a``.  Every ``a`` is checked
    first, so a bad chunk fails before any integral runs (see
    ``check_a_values``).
    """
    a_values = check_a_values(a_values)
    out = np.empty(len(a_values))
    if not a_values:
        return out
    llc = gaussian.gaussian_callable(a_values[0])
    user_data = llc.user_data  # a Python property: read it once
    for i, a in enumerate(a_values):
        capsules.set_double(user_data, 0, a)
        out[i] = quad(llc, -INF, INF)[0]
    return out


def check_a_values(a_values):
    """Return ``a_values`` as a list of floats if quad can integrate each.

    ``a_values`` is a 1-D sequence or array of real numbers (TypeError
    otherwise, naming ``a_values``).  Each ``a`` must be finite and > 0,
    as for ``gaussian_callable``, and lie in
    ``gaussian.QUAD_LINE_A_RANGE`` (1e-6 to 1e6), where quad over the real
    line was checked against sqrt(pi / a): beyond about 3e6 it would return
    0.0 without a warning (see ``gaussian.gaussian_callable``).  ValueError
    naming the first ``a_values[i]`` outside.
    """
    values = real_array("a_values", a_values).tolist()
    low, high = gaussian.QUAD_LINE_A_RANGE
    for i, a in enumerate(values):
        try:
            gaussian.check_gaussian_parameter(a)
        except ValueError as exc:
            raise ValueError(f"a_values[{i}]: {exc}") from None
        if not low <= a <= high:
            raise ValueError(
                f"a_values[{i}] must be between {low!r} and {high!r}, where "
                f"quad over the real line finds sqrt(pi / a), got {a!r}"
            )
    return values


def integrate_chunk_new_callable(a_values):
    """The same integrals as ``integrate_chunk``, with a new callable per a
    (every ``a`` checked first, as there)."""
    a_values = check_a_values(a_values)
    out = np.empty(len(a_values))
    for i, a in enumerate(a_values):
        out[i] = quad(gaussian.gaussian_callable(a), -INF, INF)[0]
    return out


def empty_task(a_values):
    """Do nothing and return nothing much: a task that measures overhead."""
    return len(a_values)
