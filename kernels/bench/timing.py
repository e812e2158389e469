"""Timing: every path of a case, in turns; and the floor of a case.

Every path runs once untimed (warm-up, and a count of its integrand
evaluations), then ``repeats`` timed times, the paths taking turns so that a
burst of load on the machine hits all of them alike.
"""

import time

import numpy as np
from scipy.integrate import quad

__all__ = ["floor_estimate", "per_evaluation_ns", "points_quad_asks_for", "time_case"]


def points_quad_asks_for(integrand, lower, upper, params, *args, samples=40):
    """The (x, parameter) pairs at which quad evaluates, for some parameters.

    ``integrand(x, p, *args)`` is a Python function, so that it can record x;
    about ``samples`` of the parameters are used.
    """
    params = np.asarray(params)
    xs, ps = [], []
    for p in params[:: max(1, len(params) // samples)]:
        seen = []

        def recording(x, p=p, seen=seen):
            seen.append(x)
            return integrand(x, p, *args)

        quad(recording, lower, upper)
        xs.extend(seen)
        ps.extend([p] * len(seen))
    return np.array(xs), np.array(ps)


def per_evaluation_ns(loop, x, parameters, minimum_calls=200_000, repeats=5):
    """Nanoseconds per call of a compiled integrand, from a C loop over ``x``."""
    copies = max(1, -(-minimum_calls // len(x)))
    x = np.tile(x, copies)
    parameters = np.tile(parameters, (copies,) + (1,) * (np.ndim(parameters) - 1))
    loop(x, parameters)
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        loop(x, parameters)
        best = min(best, time.perf_counter() - start)
    return best / len(x) * 1e9


def time_case(case, repeats, progress=None, chunks=10):
    """Warm up and count, then time every path, the paths taking turns.

    Within a repeat the parameters are cut into ``chunks`` slices and the
    paths that integrate one parameter at a time take turns slice by slice,
    so that a burst of load from elsewhere on the machine slows all of them
    alike.  A vectorised path integrates all parameters in one call (that is
    its point), so it takes one turn per repeat, at a different slice each
    time.

    Returns a row per path, keyed by its id.  Each path gets the median, min
    and max over the repeats of its total time, and ``best``: the sum over
    slices of each slice's fastest repeat, the estimate least disturbed by
    other processes on a shared machine.
    """
    rows = {}
    for path in case.paths:
        if progress:
            progress(f"{case.key}: warm-up and evaluation count, {path.label}")
        rows[path.id] = {
            "label": path.label,
            "kind": path.kind,
            "note": path.note,
            "evaluations_per_integral": path.evaluations(case.params),
        }
    slices = np.array_split(case.params, min(chunks, len(case.params)))
    seconds = {
        path.id: np.zeros((repeats, 1 if path.kind == "vectorised" else len(slices)))
        for path in case.paths
    }
    order = list(case.paths)
    slot = {path.id: i for i, path in enumerate(case.paths)}
    for repeat in range(repeats):
        if progress:
            progress(f"{case.key}: repeat {repeat + 1} of {repeats}")
        values = {path_id: [] for path_id in rows}
        for k in range(len(slices)):
            for path in order:
                if path.kind == "vectorised":
                    if (slot[path.id] + repeat) % len(slices) != k:
                        continue
                    params, column = case.params, 0
                else:
                    params, column = slices[k], k
                start = time.perf_counter()
                result = path.run(params)
                seconds[path.id][repeat, column] = time.perf_counter() - start
                values[path.id].append(np.asarray(result, dtype=float))
            order = order[1:] + order[:1]  # a different path goes first each time
        values = {path_id: np.concatenate(v) for path_id, v in values.items()}
    us = 1e6 / len(case.params)
    for path_id, row in rows.items():
        totals = seconds[path_id].sum(axis=1)
        row["us_per_integral"] = {
            "best": float(seconds[path_id].min(axis=0).sum() * us),
            "median": float(np.median(totals) * us),
            "min": float(totals.min() * us),
            "max": float(totals.max() * us),
        }
    baseline = rows[case.baseline]["us_per_integral"]
    for path_id, row in rows.items():
        row["speedup_over_baseline"] = {
            stat: baseline[stat] / row["us_per_integral"][stat]
            for stat in ("best", "median")
        }
        if row["kind"] == "floor":
            row["max_relative_error"] = None  # it integrates 0, not the case
        else:
            error = np.abs(values[path_id] - case.exact) / np.abs(case.exact)
            row["max_relative_error"] = float(np.max(error))
    return rows


def floor_estimate(case, rows):
    """fixed cost + evaluations x per-evaluation cost, for a 1-D case.

    ``rows`` are ``time_case``'s; None for a case without a floor path.
    """
    if case.per_eval is None:
        return None
    fixed = rows["floor"]
    per_eval_ns = case.per_eval()
    # Every compiled path asks for the same points; take the reused Cython one.
    evaluations = rows["cython_reused"]["evaluations_per_integral"]
    # The fixed cost already includes the constant's own evaluations: count
    # them at the integrand's cost, so the floor errs low, never high.
    extra = evaluations - fixed["evaluations_per_integral"]
    floor_us = fixed["us_per_integral"]["best"] + extra * per_eval_ns * 1e-3
    return {
        "fixed_us": fixed["us_per_integral"]["best"],
        "per_eval_ns": per_eval_ns,
        "evaluations_per_integral": evaluations,
        "floor_us": floor_us,
    }
