"""Cost against evaluations: a fixed cost per integral, and a cost per
evaluation, fitted as the Lorentzian peaks narrow."""

import time

import numpy as np

from .cases import peaks_case
from .timing import _count

__all__ = ["FIT_WIDTHS", "cost_versus_evaluations", "fit_line"]

# Peak widths for the cost-against-evaluations fit: 140 to 740 evaluations per
# integral.  Narrower peaks make quad warn for some centres (limit=50 reached).
FIT_WIDTHS = (1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4)


def fit_line(evaluations, us):
    """The least-squares line ``us = fixed_us + per_eval_ns * 1e-3 * evaluations``.

    ``evaluations`` and ``us`` are 1-D, of equal length, with at least two
    different numbers of evaluations (one point, or one x value, fixes no
    line): ValueError otherwise.  Returns ``fixed_us`` and ``per_eval_ns``.
    """
    evaluations = np.asarray(evaluations, dtype=float)
    us = np.asarray(us, dtype=float)
    if evaluations.ndim != 1 or evaluations.shape != us.shape:
        raise ValueError(
            "evaluations and us must be 1-D and of equal length, got shapes "
            f"{evaluations.shape} and {us.shape}"
        )
    if len(np.unique(evaluations)) < 2:
        raise ValueError(
            "evaluations: a line needs at least two different numbers of "
            f"evaluations, got {evaluations.tolist()}"
        )
    if not (np.isfinite(evaluations).all() and np.isfinite(us).all()):
        raise ValueError("evaluations and us must be finite")
    slope, intercept = np.polyfit(evaluations, us, 1)
    return {"fixed_us": float(intercept), "per_eval_ns": float(slope * 1e3)}


def cost_versus_evaluations(widths, centres, repeats=3):
    """Time per integral and evaluations per integral as the peak narrows.

    For each width, the Python and the reused Cython Lorentzian integrate the
    peaks at ``centres``; returns a dict of arrays: ``width``, ``evaluations``
    and ``us_python``, ``us_compiled`` (the fastest of ``repeats`` whole
    runs, which take turns), and for each path the least-squares line
    ``us = fixed + per_eval * evaluations`` (``fit_line``).  ``widths`` needs
    at least two values that give different numbers of evaluations, and
    ``repeats`` must be an integer >= 1.
    """
    repeats = _count("repeats", repeats)
    widths = np.asarray(widths, dtype=float)
    if widths.ndim != 1 or len(np.unique(widths)) < 2:
        raise ValueError(
            "widths: a line needs at least two different widths, got "
            f"{np.atleast_1d(widths).tolist()}"
        )
    centres = np.asarray(centres, dtype=float)
    if centres.ndim != 1 or len(centres) == 0:
        raise ValueError(
            f"centres must be a non-empty 1-D sequence, got shape {centres.shape}"
        )
    paths, evaluations = [], []
    for width in widths:
        case = peaks_case(centres, width=width, numba=False)
        by_id = {p.id: p for p in case.paths}
        paths.append((by_id["python"], by_id["cython_reused"]))
        evaluations.append(by_id["cython_reused"].evaluations(centres))
        by_id["python"].evaluations(centres[:5])  # warm-up
    best = np.full((len(widths), 2), np.inf)
    for _ in range(repeats):
        for i, pair in enumerate(paths):
            for j, path in enumerate(pair):
                start = time.perf_counter()
                path.run(centres)
                seconds = time.perf_counter() - start
                best[i, j] = min(best[i, j], seconds / len(centres) * 1e6)
    out = {
        "width": widths,
        "evaluations": np.array(evaluations),
        "us_python": best[:, 0],
        "us_compiled": best[:, 1],
    }
    for key in ("python", "compiled"):
        out[f"fit_{key}"] = fit_line(out["evaluations"], out[f"us_{key}"])
    return out
