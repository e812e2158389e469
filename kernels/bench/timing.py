"""Timing: every path of a case, in turns; and the floor of a case.

Every path runs once untimed (warm-up, and a count of its integrand
evaluations), then ``repeats`` timed times, the paths taking turns so that a
burst of load on the machine hits all of them alike.
"""

import operator
import time

import numpy as np
from scipy.integrate import quad

from kernels import floor

__all__ = ["floor_estimate", "per_evaluation_ns", "points_quad_asks_for", "time_case"]


def _count(name, value, minimum=1):
    """``value`` as an int >= ``minimum``; TypeError or ValueError naming it."""
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be an integer, got a bool")
    try:
        value = operator.index(value)
    except TypeError:
        raise TypeError(
            f"{name} must be an integer, got {type(value).__name__} {value!r}"
        ) from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


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


def per_evaluation_ns(integrand, x, parameters, minimum_calls=200_000, repeats=5):
    """Nanoseconds per evaluation of a compiled integrand, in a C loop.

    ``integrand`` is ``"gauss"``, ``"lorentz"`` or ``"gauss_nd"`` (with
    points as the rows of a 2-D ``x``): ``kernels.floor.time_loop`` calls it
    at every ``x[i]`` with ``parameters[i]``, the points repeated to at least
    ``minimum_calls``.  A function that only returns its first parameter
    runs in turns with it on the same points: the cost of a call through the
    pointer and a read.  Only the
    loops are timed.  Returns ``integrand_ns`` and ``call_ns`` (each the
    fastest of ``repeats`` runs) and ``arithmetic_ns``, their difference:
    what the integrand's arithmetic adds to a call.
    """
    call = {"gauss": "constant", "lorentz": "constant", "gauss_nd": "constant_nd"}
    if integrand not in call:
        raise ValueError(
            f"integrand must be 'gauss', 'lorentz' or 'gauss_nd', got {integrand!r}"
        )
    minimum_calls = _count("minimum_calls", minimum_calls)
    repeats = _count("repeats", repeats)
    x = np.asarray(x, dtype=float)
    ndim = 2 if integrand == "gauss_nd" else 1
    if x.ndim != ndim or len(x) == 0:
        raise ValueError(
            f"x must be a non-empty {ndim}-D array of points, got shape {x.shape}"
        )
    parameters = np.asarray(parameters, dtype=float)
    if len(parameters) != len(x):
        raise ValueError(
            f"parameters must have one entry per point: {len(parameters)} for "
            f"{len(x)} points"
        )
    copies = max(1, -(-minimum_calls // len(x)))
    x = np.tile(x, (copies,) + (1,) * (x.ndim - 1))
    parameters = np.tile(parameters, (copies,) + (1,) * (parameters.ndim - 1))
    best = {integrand: np.inf, call[integrand]: np.inf}
    for _ in range(repeats):  # the two loops take turns
        for name in best:
            best[name] = min(best[name], *floor.time_loop(name, x, parameters, 1))
    integrand_ns = best[integrand] / len(x) * 1e9
    call_ns = best[call[integrand]] / len(x) * 1e9
    return {
        "integrand_ns": integrand_ns,
        "call_ns": call_ns,
        "arithmetic_ns": max(integrand_ns - call_ns, 0.0),
    }


def time_case(case, repeats, progress=None, chunks=10):
    """Warm up and count, then time every path, the paths taking turns.

    Within a repeat the parameters are cut into ``chunks`` slices and the
    paths that integrate one parameter at a time take turns slice by slice,
    so that a burst of load from elsewhere on the machine slows all of them
    alike.  A vectorised path integrates all parameters in one call (that is
    its point), so it takes one turn per repeat, at a different slice each
    time.

    Returns a row per path, keyed by its id.  Every path gets the same
    statistics of its whole runs (one run: every parameter once):
    ``best``, the fastest run, and the median, min and max over the runs.
    """
    from .cases import Case  # cases imports this module

    if not isinstance(case, Case):
        raise TypeError(f"case must be a Case, got {type(case).__name__}")
    repeats = _count("repeats", repeats)
    chunks = _count("chunks", chunks)
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
    seconds = {path.id: np.zeros(repeats) for path in case.paths}
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
                    params = case.params
                else:
                    params = slices[k]
                start = time.perf_counter()
                result = path.run(params)
                seconds[path.id][repeat] += time.perf_counter() - start
                values[path.id].append(np.asarray(result, dtype=float))
            order = order[1:] + order[:1]  # a different path goes first each time
        values = {path_id: np.concatenate(v) for path_id, v in values.items()}
    us = 1e6 / len(case.params)
    for path_id, row in rows.items():
        runs = seconds[path_id] * us
        row["us_per_integral"] = {
            "best": float(runs.min()),
            "median": float(np.median(runs)),
            "min": float(runs.min()),
            "max": float(runs.max()),
        }
    baseline = rows[case.baseline]["us_per_integral"]
    for path_id, row in rows.items():
        row["speedup_over_baseline"] = {
            stat: baseline[stat] / row["us_per_integral"][stat]
            for stat in ("best", "median")
        }
        if path_id == "bare_call":
            row["max_relative_error"] = None  # it integrates 0, not the case
        else:
            error = np.abs(values[path_id] - case.exact) / np.abs(case.exact)
            row["max_relative_error"] = float(np.max(error))
    return rows


def floor_estimate(case, rows):
    """The floor of a case: what no callback on its quad path can go below.

    ``rows`` are ``time_case``'s.  ``replay_us`` is quad's (or nquad's) own
    work on the case's path (the ``replay`` row's fastest run), plus what the
    replay itself costs per point (a check, a count and a read from its
    tape), so the floor is an estimate that can err high.  For a case with a
    ``per_eval`` (every case ``cases`` builds, 1-D and n-D), ``floor_us``
    adds the integrand's arithmetic: its evaluations per integral times
    ``arithmetic_ns`` (``per_evaluation_ns``).  ``fixed_us`` is the bare
    quad call (the ``bare_call`` row; 1-D cases only).  None for a case
    without a ``replay`` row.
    """
    if "replay" not in rows:
        return None
    replay_us = rows["replay"]["us_per_integral"]["best"]
    evaluations = rows["replay"]["evaluations_per_integral"]
    out = {
        "replay_us": replay_us,
        "evaluations_per_integral": evaluations,
        "fixed_us": None,
        "per_eval": None,
        "arithmetic_us": 0.0,
        "floor_us": replay_us,
    }
    if case.per_eval is not None:
        per_eval = case.per_eval()
        arithmetic_us = evaluations * per_eval["arithmetic_ns"] * 1e-3
        if "bare_call" in rows:
            out["fixed_us"] = rows["bare_call"]["us_per_integral"]["best"]
        out.update(
            per_eval=per_eval,
            arithmetic_us=arithmetic_us,
            floor_us=replay_us + arithmetic_us,
        )
    return out
