"""Every path to the same integrals, timed side by side in one process.

``python -m kernels.bench`` (or ``make bench``) runs four cases:

- ``sweep``: the book's running example, exp(-a x**2) over the real line for
  ``a = np.linspace(0.1, 10, 10_000)``;
- ``peaks``: a Lorentzian of width 1e-3 centred at c, over [0, 1], for 2,000
  values of c in [0.1, 0.9], where ``quad``'s adaptivity matters;
- ``r2`` and ``r3``: the Gaussian over R**2 and R**3 with ``nquad``.

Each case is integrated by every path that applies to it, on the same
parameters: a Python integrand, the compiled callbacks of the book (Cython,
ctypes, cffi, and a numba ``cfunc`` when numba is installed), vectorised
integrators that need no callback (``quad_vec``, ``cubature``), and the floor,
a ``quad`` call whose integrand does nothing.  Every path runs once untimed
(warm-up, and a count of its integrand evaluations), then ``repeats`` timed
times, the paths taking turns so that a burst of load on the machine hits all
of them alike.

Everything here is importable: the performance chapter runs a smaller
``run(...)`` and plots its result.
"""

import argparse
import ctypes
import datetime
import json
import math
import os
import pathlib
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy
from scipy import LowLevelCallable, integrate

from kernels import capsules, floor, gaussian, lorentz, native, seed

__all__ = [
    "FIT_WIDTHS",
    "Case",
    "Path",
    "cost_versus_evaluations",
    "fastest_callback",
    "format_table",
    "gauss2_math",
    "gauss2_np",
    "gauss3_math",
    "gauss3_np",
    "gauss_math",
    "gauss_np",
    "integrate_gaussians",
    "integrate_gaussians_timed",
    "lorentz_py",
    "main",
    "nd_case",
    "peaks_case",
    "per_evaluation_ns",
    "run",
    "sweep_case",
    "targets",
    "versions",
]

INF = math.inf
# quad's default tolerances; the vectorised integrators are given the same.
EPSABS = EPSREL = 1.49e-8
PEAK_WIDTH = 1e-3
# Peak widths for the cost-against-evaluations fit: 140 to 740 evaluations per
# integral.  Narrower peaks make quad warn for some centres (limit=50 reached).
FIT_WIDTHS = (1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4)


@dataclass
class Path:
    """One way to compute every integral of a case.

    ``run(params)`` returns the integrals, one per parameter;
    ``evaluations(params)`` runs the same computation untimed and returns how
    many times the integrand was evaluated, per integral (a mean).
    """

    name: str
    kind: str  # "python", "callback", "numba", "vectorised" or "floor"
    run: Callable[[np.ndarray], np.ndarray]
    evaluations: Callable[[np.ndarray], float]
    note: str = ""


@dataclass
class Case:
    key: str
    title: str
    params: np.ndarray
    exact: np.ndarray
    baseline: str
    paths: list[Path] = field(default_factory=list)
    # For the floor: the integrand in a C loop, at the points quad asks for.
    per_eval: Callable[[], float] | None = None


# --- building blocks -------------------------------------------------------


def _quad_path(name, kind, loop, note=""):
    """A Path from ``loop(params, **options)``, which returns quad's tuples."""

    def run(params):
        return np.array([result[0] for result in loop(params)])

    def evaluations(params):
        return float(np.mean([r[2]["neval"] for r in loop(params, full_output=1)]))

    return Path(name, kind, run, evaluations, note)


def _counted(f):
    """Wrap a vectorised integrand to count the points it is evaluated at."""
    count = [0]

    def counted(x, *args):
        count[0] += np.shape(x)[0] if np.ndim(x) else 1
        return f(x, *args)

    return counted, count


def _vectorised_path(name, integrate_all, count_points, note=""):
    def evaluations(params):
        # One evaluation of the vectorised integrand at a point computes the
        # integrands of every parameter there: per integral, it counts once.
        return float(count_points(params))

    return Path(name, "vectorised", integrate_all, evaluations, note)


def _double_pointer(value):
    """A ctypes double and a ``c_void_p`` to it, for in-place updates."""
    cell = ctypes.c_double(value)
    return cell, ctypes.cast(ctypes.pointer(cell), ctypes.c_void_p)


def _numba():
    try:
        import numba
    except ImportError:
        return None
    return numba


# --- case 1: the seed sweep ------------------------------------------------


# start-python-integrands
def gauss_np(x, a):
    return np.exp(-a * x**2)


def gauss_math(x, a):
    return math.exp(-a * x * x)


# end-python-integrands


def sweep_case(a_values, numba=True):
    """The Gaussian over the real line, one integral per ``a``."""
    quad = integrate.quad
    paths = []

    def python(integrand):
        def loop(a_values, **options):
            return [quad(integrand, -INF, INF, args=(a,), **options) for a in a_values]

        return loop

    paths.append(_quad_path("python, np.exp", "python", python(gauss_np)))
    paths.append(_quad_path("python, math.exp", "python", python(gauss_math)))

    # start-path-seed
    def seed_recipe(a_values, **options):
        return [quad(seed.capsule_callable(a), -INF, INF, **options) for a in a_values]

    # end-path-seed

    paths.append(
        _quad_path("seed recipe", "callback", seed_recipe, "two new capsules each")
    )

    # start-path-factory
    def factory(a_values, **options):
        return [
            quad(gaussian.gaussian_callable(a), -INF, INF, **options) for a in a_values
        ]

    # end-path-factory

    paths.append(
        _quad_path("gaussian_callable", "callback", factory, "new callable each")
    )

    # start-path-from-cython
    shared_user_data = capsules.double_capsule(1.0)

    def from_cython(a_values, **options):
        results = []
        for a in a_values:
            capsules.set_double(shared_user_data, 0, a)
            llc = LowLevelCallable.from_cython(gaussian, "gauss", shared_user_data)
            results.append(quad(llc, -INF, INF, **options))
        return results

    # end-path-from-cython

    paths.append(
        _quad_path("from_cython", "callback", from_cython, "new callable, no malloc")
    )

    # start-path-reused
    reused_llc = gaussian.gaussian_callable(1.0)
    user_data = reused_llc.user_data  # a Python property: read it once

    def reused(a_values, **options):
        results = []
        for a in a_values:
            capsules.set_double(user_data, 0, a)
            results.append(quad(reused_llc, -INF, INF, **options))
        return results

    # end-path-reused

    paths.append(_quad_path("Cython, reused", "callback", reused, "set_double"))

    # start-path-ctypes
    ctypes_a, ctypes_pointer = _double_pointer(1.0)
    ctypes_llc = LowLevelCallable(native.ctypes_gauss(), ctypes_pointer)

    def with_ctypes(a_values, **options):
        results = []
        for a in a_values:
            ctypes_a.value = a
            results.append(quad(ctypes_llc, -INF, INF, **options))
        return results

    # end-path-ctypes

    paths.append(_quad_path("ctypes, reused", "callback", with_ctypes, "c_double"))

    # start-path-cffi
    ffi, cffi_function = native.cffi_gauss()
    cffi_a = ffi.new("double *", 1.0)
    cffi_llc = LowLevelCallable(cffi_function, ffi.cast("void *", cffi_a))

    def with_cffi(a_values, **options):
        results = []
        for a in a_values:
            cffi_a[0] = a
            results.append(quad(cffi_llc, -INF, INF, **options))
        return results

    # end-path-cffi

    paths.append(_quad_path("cffi, reused", "callback", with_cffi, "double *"))

    nb = _numba() if numba else None
    if nb is not None:
        # start-path-numba
        @nb.cfunc("float64(float64, voidptr)")
        def gauss_numba(x, user_data):
            a = nb.carray(user_data, 1, nb.float64)[0]
            return math.exp(-a * x * x)

        numba_a, numba_pointer = _double_pointer(1.0)
        numba_llc = LowLevelCallable(gauss_numba.ctypes, numba_pointer)

        def with_numba(a_values, **options):
            results = []
            for a in a_values:
                numba_a.value = a
                results.append(quad(numba_llc, -INF, INF, **options))
            return results

        # end-path-numba

        paths.append(_quad_path("numba cfunc, reused", "numba", with_numba, "carray"))

    # start-path-vectorised
    def all_at_once(a_values):
        return integrate.quad_vec(
            gauss_np,
            -INF,
            INF,
            args=(a_values,),
            epsabs=EPSABS,
            epsrel=EPSREL,
            norm="max",
        )[0]

    def cubature(a_values):
        return integrate.cubature(
            lambda x, a: np.exp(-a * x**2),
            [-INF],
            [INF],
            args=(a_values,),
            atol=EPSABS,
            rtol=EPSREL,
        ).estimate

    # end-path-vectorised

    def quad_vec_points(a_values):
        return integrate.quad_vec(
            gauss_np,
            -INF,
            INF,
            args=(a_values,),
            epsabs=EPSABS,
            epsrel=EPSREL,
            norm="max",
            full_output=True,
        )[2].neval

    def cubature_points(a_values):
        f, count = _counted(lambda x, a: np.exp(-a * x**2))
        integrate.cubature(f, [-INF], [INF], args=(a_values,), atol=EPSABS, rtol=EPSREL)
        return count[0]

    paths.append(
        _vectorised_path("quad_vec, all a", all_at_once, quad_vec_points, "norm=max")
    )
    paths.append(_vectorised_path("cubature, all a", cubature, cubature_points))

    # start-path-floor
    zero = floor.constant_callable(0.0)

    def quad_alone(a_values, **options):
        return [quad(zero, -INF, INF, **options) for _ in a_values]

    # end-path-floor

    paths.append(
        _quad_path("floor: quad call alone", "floor", quad_alone, "integrand = 0")
    )

    def per_eval():
        x, a = _points_quad_asks_for(
            lambda a: (lambda x: gauss_math(x, a), -INF, INF, a), a_values
        )
        return per_evaluation_ns(floor.sum_gauss, x, a)

    return Case(
        "sweep",
        f"exp(-a x²) over R, {len(a_values)} values of a",
        np.asarray(a_values, dtype=float),
        np.sqrt(np.pi / np.asarray(a_values)),
        "python, np.exp",
        paths,
        per_eval,
    )


# --- case 2: narrow peaks --------------------------------------------------


# start-python-lorentz
def lorentz_py(x, c, width):
    d = x - c
    return width / (d * d + width * width)


# end-python-lorentz


def peaks_case(centres, width=PEAK_WIDTH, numba=True):
    """A Lorentzian of ``width`` centred at each c, integrated over [0, 1]."""
    quad = integrate.quad
    paths = []

    def python(c_values, **options):
        return [
            quad(lorentz_py, 0.0, 1.0, args=(c, width), **options) for c in c_values
        ]

    paths.append(_quad_path("python", "python", python))

    def factory(c_values, **options):
        return [
            quad(lorentz.lorentz_callable(c, width), 0.0, 1.0, **options)
            for c in c_values
        ]

    paths.append(
        _quad_path("lorentz_callable", "callback", factory, "new callable each")
    )

    reused_llc = lorentz.lorentz_callable(0.5, width)
    user_data = reused_llc.user_data

    def reused(c_values, **options):
        results = []
        for c in c_values:
            capsules.set_double(user_data, 0, c)
            results.append(quad(reused_llc, 0.0, 1.0, **options))
        return results

    paths.append(_quad_path("Cython, reused", "callback", reused, "set_double"))

    nb = _numba() if numba else None
    if nb is not None:

        @nb.cfunc("float64(float64, voidptr)")
        def lorentz_numba(x, user_data):
            p = nb.carray(user_data, 2, nb.float64)
            d = x - p[0]
            return p[1] / (d * d + p[1] * p[1])

        numba_params = (ctypes.c_double * 2)(0.5, width)
        numba_llc = LowLevelCallable(
            lorentz_numba.ctypes, ctypes.cast(numba_params, ctypes.c_void_p)
        )

        def with_numba(c_values, **options):
            results = []
            for c in c_values:
                numba_params[0] = c
                results.append(quad(numba_llc, 0.0, 1.0, **options))
            return results

        paths.append(_quad_path("numba cfunc, reused", "numba", with_numba, "carray"))

    def vectorised(x, c):
        return lorentz_py(x, c, width)

    def all_at_once(c_values):
        return integrate.quad_vec(
            vectorised,
            0.0,
            1.0,
            args=(c_values,),
            epsabs=EPSABS,
            epsrel=EPSREL,
            norm="max",
        )[0]

    def quad_vec_points(c_values):
        return integrate.quad_vec(
            vectorised,
            0.0,
            1.0,
            args=(c_values,),
            epsabs=EPSABS,
            epsrel=EPSREL,
            norm="max",
            full_output=True,
        )[2].neval

    def cubature_of(f, c_values):
        return integrate.cubature(
            lambda x, c: f(x, c),
            [0.0],
            [1.0],
            args=(c_values,),
            atol=EPSABS,
            rtol=EPSREL,
        )

    def cubature(c_values):
        return cubature_of(vectorised, c_values).estimate

    def cubature_points(c_values):
        f, count = _counted(vectorised)
        cubature_of(f, c_values)
        return count[0]

    paths.append(
        _vectorised_path("quad_vec, all c", all_at_once, quad_vec_points, "norm=max")
    )
    paths.append(_vectorised_path("cubature, all c", cubature, cubature_points))

    zero = floor.constant_callable(0.0)

    def quad_alone(c_values, **options):
        return [quad(zero, 0.0, 1.0, **options) for _ in c_values]

    paths.append(
        _quad_path("floor: quad call alone", "floor", quad_alone, "integrand = 0")
    )

    def per_eval():
        x, c = _points_quad_asks_for(
            lambda c: (lambda x: lorentz_py(x, c, width), 0.0, 1.0, c), centres
        )
        parameters = np.column_stack([c, np.full_like(c, width)])
        return per_evaluation_ns(floor.sum_lorentz, x, parameters)

    centres = np.asarray(centres, dtype=float)
    return Case(
        "peaks",
        f"Lorentzian, width {width:g}, over [0, 1], {len(centres)} centres",
        centres,
        lorentz.lorentz_integral(centres, width, 0.0, 1.0),
        "python",
        paths,
        per_eval,
    )


# --- case 3: more dimensions -----------------------------------------------


# start-python-nd
def gauss2_np(x, y, a):
    return np.exp(-a * (x**2 + y**2))


def gauss3_np(x, y, z, a):
    return np.exp(-a * (x**2 + y**2 + z**2))


def gauss2_math(x, y, a):
    return math.exp(-a * (x * x + y * y))


def gauss3_math(x, y, z, a):
    return math.exp(-a * (x * x + y * y + z * z))


# end-python-nd


def nd_case(a_values, dimensions):
    """The Gaussian over R**dimensions with nquad, one integral per ``a``."""
    if dimensions not in (2, 3):
        raise ValueError(f"dimensions must be 2 or 3, got {dimensions}")
    ranges = [[-INF, INF]] * dimensions
    python_integrands = {
        2: (gauss2_np, gauss2_math),
        3: (gauss3_np, gauss3_math),
    }[dimensions]
    paths = []

    def python(integrand):
        def loop(a_values, **options):
            return [
                integrate.nquad(integrand, ranges, args=(a,), **options)
                for a in a_values
            ]

        return loop

    for label, integrand in zip(("np.exp", "math.exp"), python_integrands, strict=True):
        paths.append(_quad_path(f"python, {label}", "python", python(integrand)))

    # start-path-nquad
    reused_llc = gaussian.gaussian_nd_callable(1.0)
    user_data = reused_llc.user_data

    def compiled(a_values, **options):
        results = []
        for a in a_values:
            capsules.set_double(user_data, 0, a)
            results.append(integrate.nquad(reused_llc, ranges, **options))
        return results

    # end-path-nquad

    paths.append(
        _quad_path(
            "Cython innermost, reused", "callback", compiled, "outer levels Python"
        )
    )

    def radial(x, a):
        return np.exp(-np.sum(x * x, axis=1)[:, None] * a[None, :])

    def cubature_of(f, a_values):
        return integrate.cubature(
            f,
            [-INF] * dimensions,
            [INF] * dimensions,
            args=(a_values,),
            atol=EPSABS,
            rtol=EPSREL,
        )

    def cubature_points(a_values):
        f, count = _counted(radial)
        cubature_of(f, a_values)
        return count[0]

    paths.append(
        _vectorised_path(
            "cubature, all a",
            lambda a_values: cubature_of(radial, a_values).estimate,
            cubature_points,
        )
    )
    a_values = np.asarray(a_values, dtype=float)
    return Case(
        f"r{dimensions}",
        f"exp(-a |x|²) over R^{dimensions} with nquad, {len(a_values)} values of a",
        a_values,
        (np.pi / a_values) ** (dimensions / 2),
        "python, np.exp",
        paths,
    )


# --- measuring -------------------------------------------------------------


def _points_quad_asks_for(problem, params, samples=40):
    """The (x, parameter) pairs at which quad evaluates, for some parameters.

    ``problem(p)`` returns ``(f, lower, upper, p)``; the integrand is a Python
    function here, so it can record x.
    """
    xs, ps = [], []
    for p in np.asarray(params)[:: max(1, len(params) // samples)]:
        f, lower, upper, _ = problem(p)
        seen = []

        def recording(x, f=f, seen=seen):
            seen.append(x)
            return f(x)

        integrate.quad(recording, lower, upper)
        xs.extend(seen)
        ps.extend([p] * len(seen))
    return np.array(xs), np.array(ps)


def per_evaluation_ns(loop, x, parameters, minimum_calls=200_000, repeats=5):
    """Nanoseconds per call of a compiled integrand, from a C loop over ``x``."""
    copies = max(1, -(-minimum_calls // len(x)))
    x = np.tile(x, copies)
    parameters = np.tile(parameters, (copies,) + (1,) * (np.ndim(parameters) - 1))
    loop(x, parameters)
    best = INF
    for _ in range(repeats):
        start = time.perf_counter()
        loop(x, parameters)
        best = min(best, time.perf_counter() - start)
    return best / len(x) * 1e9


def _time(case, repeats, progress, chunks=10):
    """Warm up and count, then time every path, the paths taking turns.

    Within a repeat the parameters are cut into ``chunks`` slices and the
    paths that integrate one parameter at a time take turns slice by slice,
    so that a burst of load from elsewhere on the machine slows all of them
    alike.  A vectorised path integrates all parameters in one call (that is
    its point), so it takes one turn per repeat, at a different slice each
    time.

    Each path gets the median, min and max over the repeats of its total
    time, and ``best``: the sum over slices of each slice's fastest repeat,
    the estimate least disturbed by other processes on a shared machine.
    """
    rows = {}
    for path in case.paths:
        if progress:
            progress(f"{case.key}: warm-up and evaluation count, {path.name}")
        rows[path.name] = {
            "kind": path.kind,
            "note": path.note,
            "evaluations_per_integral": path.evaluations(case.params),
        }
    slices = np.array_split(case.params, min(chunks, len(case.params)))
    seconds = {
        path.name: np.zeros((repeats, 1 if path.kind == "vectorised" else len(slices)))
        for path in case.paths
    }
    order = list(case.paths)
    slot = {path.name: i for i, path in enumerate(case.paths)}
    for repeat in range(repeats):
        if progress:
            progress(f"{case.key}: repeat {repeat + 1} of {repeats}")
        values = {name: [] for name in rows}
        for k in range(len(slices)):
            for path in order:
                if path.kind == "vectorised":
                    if (slot[path.name] + repeat) % len(slices) != k:
                        continue
                    params, column = case.params, 0
                else:
                    params, column = slices[k], k
                start = time.perf_counter()
                result = path.run(params)
                seconds[path.name][repeat, column] = time.perf_counter() - start
                values[path.name].append(np.asarray(result, dtype=float))
            order = order[1:] + order[:1]  # a different path goes first each time
        values = {name: np.concatenate(v) for name, v in values.items()}
    us = 1e6 / len(case.params)
    for name, row in rows.items():
        totals = seconds[name].sum(axis=1)
        row["us_per_integral"] = {
            "best": float(seconds[name].min(axis=0).sum() * us),
            "median": float(np.median(totals) * us),
            "min": float(totals.min() * us),
            "max": float(totals.max() * us),
        }
    baseline = rows[case.baseline]["us_per_integral"]
    for name, row in rows.items():
        row["speedup_over_baseline"] = {
            stat: baseline[stat] / row["us_per_integral"][stat]
            for stat in ("best", "median")
        }
        if row["kind"] == "floor":
            row["max_relative_error"] = None  # it integrates 0, not the case
        else:
            error = np.abs(values[name] - case.exact) / np.abs(case.exact)
            row["max_relative_error"] = float(np.max(error))
    return rows


def _floor(case, rows):
    """fixed cost + evaluations x per-evaluation cost, for a 1-D case."""
    if case.per_eval is None:
        return None
    fixed = rows["floor: quad call alone"]
    per_eval_ns = case.per_eval()
    # Every compiled path asks for the same points; take the reused Cython one.
    evaluations = rows["Cython, reused"]["evaluations_per_integral"]
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


def versions(numba=True):
    """The versions and the machine a measurement belongs to.

    ``numba=False`` reports numba as not used, whether or not it is installed.
    """
    try:
        import Cython

        cython_version = Cython.__version__
    except ImportError:
        cython_version = "not installed"
    module = _numba() if numba else None
    if module is not None:
        numba_version = module.__version__
    else:
        numba_version = "not installed" if numba else "not used"
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
    (``nd`` for each of R**2 and R**3); ``cases`` a subset of ``("sweep",
    "peaks", "r2", "r3")``; ``numba=False`` leaves numba's rows out even when
    it is installed; ``progress`` is called with a line of text per step.
    """
    wanted = cases or ("sweep", "peaks", "r2", "r3")
    unknown = set(wanted) - {"sweep", "peaks", "r2", "r3"}
    if unknown:
        raise ValueError(f"unknown cases {sorted(unknown)}")
    if repeats < 1 or min(sweep, peaks, nd) < 1:
        raise ValueError("repeats and every case size must be at least 1")
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
        rows = _time(case, repeats, progress)
        results["cases"][key] = {
            "title": case.title,
            "n": len(case.params),
            "baseline": case.baseline,
            "paths": rows,
            "floor": _floor(case, rows),
        }
    results["targets"] = targets(results)
    return results


# --- reading the results ---------------------------------------------------


def fastest_callback(results, case="sweep"):
    """Name and best time of the fastest compiled callback path of the book."""
    paths = results["cases"][case]["paths"]
    name = min(
        (n for n, row in paths.items() if row["kind"] == "callback"),
        key=lambda n: paths[n]["us_per_integral"]["best"],
    )
    return name, paths[name]["us_per_integral"]["best"]


FLOOR = "the floor"


def _time_of(results, case, path, stat):
    """Time per integral of a path (or of the floor) by a statistic."""
    rows = results["cases"][case]["paths"]
    if path != FLOOR:
        return rows[path]["us_per_integral"][stat]
    fl = results["cases"][case]["floor"]
    fixed = rows["floor: quad call alone"]["us_per_integral"][stat]
    return fixed + fl["floor_us"] - fl["fixed_us"]


def targets(results):
    """The benchmark's targets, each with the time ratio it measured.

    Every target compares the times of two paths of one case, A / B.  The
    ``best`` times (each slice's fastest repeat: the least disturbed by other
    processes) decide PASS or FAIL; the ratio of the medians is given too.
    """
    cases = results["cases"]
    specs = []  # (name, case, A, B, comparison, goal)
    if "sweep" in cases:
        best, _ = fastest_callback(results)
        baseline = cases["sweep"]["baseline"]
        specs.append(
            ("fastest callback vs pure Python", "sweep", baseline, best, ">=", 15.0)
        )
        for name, row in cases["sweep"]["paths"].items():
            if row["kind"] == "numba":
                specs.append(
                    (
                        "fastest callback no slower than numba",
                        "sweep",
                        best,
                        name,
                        "<=",
                        1.0,
                    )
                )
        specs.append(
            (
                "fastest callback within 1.5x of the floor",
                "sweep",
                best,
                FLOOR,
                "<=",
                1.5,
            )
        )
    if "peaks" in cases:
        specs.append(
            (
                "compiled callback vs quad_vec",
                "peaks",
                "quad_vec, all c",
                "Cython, reused",
                ">=",
                20.0,
            )
        )
    for key in ("r2", "r3"):
        if key in cases:
            specs.append(
                (
                    "nquad, compiled innermost vs Python",
                    key,
                    cases[key]["baseline"],
                    "Cython innermost, reused",
                    ">=",
                    10.0,
                )
            )
    found = []
    for name, case, a, b, comparison, goal in specs:
        ratio = {
            stat: _time_of(results, case, a, stat) / _time_of(results, case, b, stat)
            for stat in ("best", "median")
        }
        passed = ratio["best"] >= goal if comparison == ">=" else ratio["best"] <= goal
        found.append(
            {
                "target": f"{case}: {name}",
                "a": a,
                "b": b,
                "a_us": _time_of(results, case, a, "best"),
                "b_us": _time_of(results, case, b, "best"),
                "ratio": ratio["best"],
                "ratio_of_medians": ratio["median"],
                "goal": f"{comparison} {goal:g}",
                "passed": bool(passed),
            }
        )
    return found


def format_table(results, show_targets=True, compact=False):
    """The results as text: one table per case, then (optionally) the targets.

    ``compact=True`` leaves out the min and max of the repeats and the notes,
    for a page narrower than a terminal.
    """
    lines = []
    v = results["versions"]
    lines.append(
        f"Python {v['python']}, NumPy {v['numpy']}, SciPy {v['scipy']}, "
        f"Cython {v['cython']}, numba {v['numba']}"
    )
    lines.append(f"{v['platform']}, {v['cpu_count']} CPUs")
    lines.append(
        "Time per integral (us). best: each slice's fastest of "
        f"{results['settings']['repeats']} repeats, summed;"
    )
    lines.append(
        "median [min, max]: of the repeats' totals. x baseline: from best."
        if not compact
        else "median: of the repeats' totals. x base: from best."
    )
    for case in results["cases"].values():
        lines.append("")
        lines.append(f"== {case['title']}")
        if compact:
            lines.append(
                f"{'path':<25}{'best':>9}{'median':>10}{'x base':>7}"
                f"{'evals':>7}{'rel err':>9}"
            )
        else:
            lines.append(
                f"{'path':<26}{'best':>10}{'median':>11} {'[min, max]':<20}"
                f"{'x baseline':>10}{'evals':>9}{'max rel err':>12}  note"
            )
        for name, row in case["paths"].items():
            t = row["us_per_integral"]
            error = row["max_relative_error"]
            error = "-" if error is None else f"{error:.1e}"
            speedup = row["speedup_over_baseline"]["best"]
            evaluations = row["evaluations_per_integral"]
            if compact:
                lines.append(
                    f"{name:<25}{t['best']:>9.2f}{t['median']:>10.2f}"
                    f"{speedup:>7.1f}{evaluations:>7.0f}{error:>9}"
                )
                continue
            spread = f"[{t['min']:.2f}, {t['max']:.2f}]"
            lines.append(
                f"{name:<26}{t['best']:>10.2f}{t['median']:>11.2f} {spread:<20}"
                f"{speedup:>10.1f}{evaluations:>9.0f}{error:>12}  {row['note']}"
            )
        fl = case["floor"]
        if fl and compact:
            lines.append(
                f"{'floor: fixed + evals x eval':<25}{fl['floor_us']:>9.2f}"
                f"{'':>17}{fl['evaluations_per_integral']:>7.0f}"
            )
        elif fl:
            lines.append(
                f"{'floor: fixed + evals x eval':<26}{fl['floor_us']:>10.2f}"
                f"{'':>11} {'':<20}{'':>10}{fl['evaluations_per_integral']:>9.0f}"
                f"{'-':>12}  {fl['fixed_us']:.2f} us + evals x "
                f"{fl['per_eval_ns']:.1f} ns"
            )
    if not show_targets:
        return "\n".join(lines)
    lines.append("")
    lines.append(
        "Targets: A/B from the best times decides; the medians' ratio beside it."
    )
    for t in results["targets"]:
        lines.append(
            f"{'PASS' if t['passed'] else 'FAIL'}  {t['target']}: "
            f"A/B = {t['ratio']:.2f} (goal {t['goal']}; medians: "
            f"{t['ratio_of_medians']:.2f}); A = {t['a']} {t['a_us']:.2f} us, "
            f"B = {t['b']} {t['b_us']:.2f} us"
        )
    return "\n".join(lines)


# --- cost against evaluations, and threads ----------------------------------


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
        named = {p.name: p for p in case.paths}
        paths.append((named["python"], named["Cython, reused"]))
        evaluations.append(named["Cython, reused"].evaluations(centres))
        named["python"].evaluations(centres[:5])  # warm-up
    best = np.full((len(widths), 2), INF)
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


def _check_a_values(a_values):
    """``a_values`` as a 1-D float array, if every value is a finite a > 0.

    TypeError if they are not real numbers; ValueError otherwise.  Without
    this check, a <= 0 or NaN would reach C and give inf, a negative number
    or NaN instead of an error.
    """
    array = np.asarray(a_values)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"a_values must be real numbers, got an array of dtype {array.dtype}"
        )
    array = array.astype(float)
    if array.ndim != 1:
        raise ValueError(f"a_values must be 1-D, got {array.ndim} dimensions")
    bad = ~(np.isfinite(array) & (array > 0))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(
            f"a_values must be finite and > 0, got a_values[{i}] = {array[i]!r}: "
            "for a <= 0 the integral of exp(-a x**2) over the real line diverges"
        )
    return array


# start-worker
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
        out[i] = integrate.quad(llc, -INF, INF)[0]
    return out


# end-worker


def integrate_gaussians_timed(a_values):
    """``integrate_gaussians``, and the CPU seconds of the thread that ran it.

    Two workers whose CPU seconds add up to more than the wall-clock time of
    the pair ran at the same time; under the GIL, threads cannot.
    """
    start = time.thread_time()
    values = integrate_gaussians(a_values)
    return values, time.thread_time() - start


# --- command line ----------------------------------------------------------


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m kernels.bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--sweep", type=int, default=10_000, help="values of a")
    parser.add_argument("--peaks", type=int, default=2_000, help="peak centres")
    parser.add_argument("--nd", type=int, default=2, help="values of a in R^2, R^3")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per path")
    parser.add_argument("--cases", nargs="+", choices=["sweep", "peaks", "r2", "r3"])
    parser.add_argument("--no-numba", action="store_true", help="leave numba out")
    parser.add_argument(
        "--no-fit", action="store_true", help="skip the cost-versus-evaluations fit"
    )
    parser.add_argument(
        "--output-dir", type=pathlib.Path, default=pathlib.Path("_build/bench")
    )
    args = parser.parse_args(argv)

    def progress(line):
        print(f"  ... {line}", file=sys.stderr, flush=True)

    if not args.no_numba and _numba() is None:
        print("numba is not installed: its rows are left out", file=sys.stderr)
    results = run(
        sweep=args.sweep,
        peaks=args.peaks,
        nd=args.nd,
        repeats=args.repeats,
        numba=not args.no_numba,
        cases=args.cases,
        progress=progress,
    )
    print(format_table(results))
    if not args.no_fit:
        progress("cost against evaluations: Lorentzian peaks of several widths")
        fit = cost_versus_evaluations(
            FIT_WIDTHS, np.linspace(0.1, 0.9, 200), args.repeats
        )
        results["cost_versus_evaluations"] = fit
        print("\n== time per integral = fixed + evaluations x per-evaluation cost")
        print(
            f"   (Lorentzian peaks, widths {FIT_WIDTHS[0]:g} to {FIT_WIDTHS[-1]:g}, "
            "200 centres; fastest of the repeats)"
        )
        for key in ("python", "compiled"):
            f = fit[f"fit_{key}"]
            print(
                f"{key:<10} fixed {f['fixed_us']:7.2f} us, "
                f"per evaluation {f['per_eval_ns']:7.1f} ns"
            )
    args.output_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = args.output_dir / f"bench-{stamp}.json"
    path.write_text(json.dumps(_jsonable(results), indent=2) + "\n")
    print(f"\nResults: {path.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
