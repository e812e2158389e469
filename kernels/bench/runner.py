"""``run``: build the cases, time them, and add the floor and the targets."""

import os
import platform
from collections.abc import Iterable

import numpy as np
import scipy

from .cases import nd_case, peaks_case, sweep_case
from .report import targets
from .timing import _count, floor_estimate, time_case

__all__ = ["CASES", "run", "versions"]

CASES = ("sweep", "peaks", "r2", "r3")


def versions(numba=True):
    """The versions and the machine a measurement belongs to.

    ``numba=False`` reports numba as not used, whether or not it is installed.
    """
    try:
        import Cython

        cython_version = Cython.__version__
    except ImportError:
        cython_version = "not installed"
    if not numba:
        numba_version = "not used"
    else:
        try:
            import numba as module

            numba_version = module.__version__
        except ImportError:
            numba_version = "not installed"
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "cython": cython_version,
        "numba": numba_version,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
    }


def run(
    sweep=10_000, peaks=2_000, nd=2, repeats=5, numba=True, cases=None, progress=None
):
    """Run the benchmark and return its results as a dictionary (JSON-ready).

    ``sweep``, ``peaks`` and ``nd`` are the numbers of parameters in the cases
    (``nd`` for each of R**2 and R**3) and ``repeats`` the timed runs, each
    an integer >= 1; ``cases`` a sequence of some of ``("sweep", "peaks",
    "r2", "r3")``; ``numba=False`` leaves numba's rows out even when
    it is installed; ``progress`` is called with a line of text per step.

    ``results["cases"][key]["paths"]`` holds a row per path, keyed by its id
    (``"cython_reused"``, ``"replay"``...), with its ``label`` for display.
    """
    if cases is None:
        wanted = CASES
    elif isinstance(cases, str) or not isinstance(cases, Iterable):
        raise TypeError(
            f"cases must be a sequence of case names such as ('sweep',), got "
            f"{type(cases).__name__} {cases!r}"
        )
    else:
        wanted = tuple(cases)
        unknown = [key for key in wanted if key not in CASES]
        if unknown or not wanted:
            raise ValueError(
                f"cases: unknown {unknown!r}, expected one or more of {CASES}"
            )
    sizes = {"sweep": sweep, "peaks": peaks, "nd": nd, "repeats": repeats}
    sweep, peaks, nd, repeats = (_count(name, value) for name, value in sizes.items())
    if not isinstance(numba, bool):
        raise TypeError(f"numba must be True or False, got {numba!r}")
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable, got {type(progress).__name__}")
    builders = {
        "sweep": lambda: sweep_case(np.linspace(0.1, 10, sweep), numba=numba),
        "peaks": lambda: peaks_case(np.linspace(0.1, 0.9, peaks), numba=numba),
        "r2": lambda: nd_case(np.linspace(0.5, 2.0, nd), 2),
        "r3": lambda: nd_case(np.linspace(0.5, 2.0, nd), 3),
    }
    results = {
        "versions": versions(numba),
        "settings": {"sweep": sweep, "peaks": peaks, "nd": nd, "repeats": repeats},
        "cases": {},
    }
    for key in wanted:
        case = builders[key]()
        rows = time_case(case, repeats, progress)
        results["cases"][key] = {
            "title": case.title,
            "n": len(case.params),
            "baseline": case.baseline,
            "paths": rows,
            "floor": floor_estimate(case, rows),
        }
    results["targets"] = targets(results)
    return results
