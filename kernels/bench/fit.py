"""Cost against evaluations: a fixed cost per integral, and a cost per
evaluation, fitted as the Lorentzian peaks narrow."""

import time

import numpy as np

from .cases import peaks_case

__all__ = ["FIT_WIDTHS", "cost_versus_evaluations"]

# Peak widths for the cost-against-evaluations fit: 140 to 740 evaluations per
# integral.  Narrower peaks make quad warn for some centres (limit=50 reached).
FIT_WIDTHS = (1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4)


def cost_versus_evaluations(widths, centres, repeats=3):
    """Time per integral and evaluations per integral as the peak narrows.

    For each width, the Python and the reused Cython Lorentzian integrate the
    peaks at ``centres``; returns a dict of arrays: ``width``, ``evaluations``
    and ``us_python``, ``us_compiled`` (the fastest of ``repeats`` runs, which
    take turns), and for each path the least-squares line
    ``us = fixed + per_eval * evaluations``.
    """
    centres = np.asarray(centres, dtype=float)
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
    rows = [
        [width, n, python, compiled]
        for width, n, (python, compiled) in zip(widths, evaluations, best, strict=True)
    ]
    width, evaluations, us_python, us_compiled = np.array(rows).T
    out = {
        "width": width,
        "evaluations": evaluations,
        "us_python": us_python,
        "us_compiled": us_compiled,
    }
    for key, us in (("python", us_python), ("compiled", us_compiled)):
        slope, intercept = np.polyfit(evaluations, us, 1)
        out[f"fit_{key}"] = {
            "fixed_us": float(intercept),
            "per_eval_ns": float(slope * 1e3),
        }
    return out
