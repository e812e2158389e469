"""The cases: the integrals the benchmark computes, and the paths to them.

- ``sweep_case``: exp(-a x**2) over the real line, one integral per a;
- ``peaks_case``: a Lorentzian of a given width centred at c, over [0, 1],
  one integral per c, where quad's adaptivity matters;
- ``nd_case``: the Gaussian over R**2 or R**3 with nquad.

Each case carries its parameters, the closed form, the id of its baseline
path and its paths, each with an id and a label (``paths.Path``).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from math import inf

import numpy as np
from scipy.integrate import nquad

from kernels import floor, gaussian, lorentz, seed

from .paths import (
    Path,
    cffi_reused,
    ctypes_reused,
    cubature_all,
    from_cython,
    have_numba,
    new_callable_each,
    nquad_reused,
    numba_gauss_reused,
    numba_lorentz_reused,
    python_nquad,
    python_quad,
    quad_alone,
    quad_path,
    quad_vec_all,
    replay_nquad,
    replay_quad,
    reused,
    vectorised_path,
)
from .timing import per_evaluation_ns, points_quad_asks_for

__all__ = [
    "PEAK_WIDTH",
    "Case",
    "gauss2_math",
    "gauss2_np",
    "gauss3_math",
    "gauss3_np",
    "gauss_math",
    "gauss_np",
    "gauss_radial",
    "lorentz_py",
    "nd_case",
    "peaks_case",
    "sweep_case",
]

PEAK_WIDTH = 1e-3


@dataclass
class Case:
    key: str
    title: str
    params: np.ndarray
    exact: np.ndarray
    baseline: str  # the id of the path the others are compared with
    paths: list[Path] = field(default_factory=list)
    # For the floor: the integrand in a C loop, at the points quad asks for
    # (``timing.per_evaluation_ns``'s dict).
    per_eval: Callable[[], dict] | None = None

    def __post_init__(self):
        for attribute in ("id", "label"):
            seen = set()
            for path in self.paths:
                value = getattr(path, attribute)
                if value in seen:
                    raise ValueError(
                        f"paths: two paths of case {self.key!r} have the "
                        f"{attribute} {value!r}"
                    )
                seen.add(value)
        if self.baseline not in {path.id for path in self.paths}:
            raise ValueError(
                f"baseline: case {self.key!r} has no path with the id {self.baseline!r}"
            )


# --- the Python integrands ---------------------------------------------------


def gauss_np(x, a):
    return np.exp(-a * x**2)


def gauss_math(x, a):
    return math.exp(-a * x * x)


def lorentz_py(x, c, width):
    d = x - c
    return width / (d * d + width * width)


def gauss2_np(x, y, a):
    return np.exp(-a * (x**2 + y**2))


def gauss3_np(x, y, z, a):
    return np.exp(-a * (x**2 + y**2 + z**2))


def gauss2_math(x, y, a):
    return math.exp(-a * (x * x + y * y))


def gauss3_math(x, y, z, a):
    return math.exp(-a * (x * x + y * y + z * z))


def gauss_radial(x, a):
    """exp(-a |x|**2) at every row of x, for every a: one column per a."""
    return np.exp(-np.sum(x * x, axis=1)[:, None] * a[None, :])


# --- what the cases share -----------------------------------------------------


def _counted(f):
    """Wrap a vectorised integrand to count the points it is evaluated at."""
    count = [0]

    def counted(x, *args):
        count[0] += np.shape(x)[0] if np.ndim(x) else 1
        return f(x, *args)

    return counted, count


def _cubature(integrand, lower, upper, letter, *args):
    """The cubature path, over the box [lower, upper] (lists)."""

    def points(params):
        f, count = _counted(integrand)
        cubature_all(f, lower, upper, *args)(params)
        return count[0]

    estimate = cubature_all(integrand, lower, upper, *args)
    return vectorised_path(
        "cubature",
        f"cubature, all {letter}",
        lambda params: estimate(params).estimate,
        points,
    )


def _vectorised_and_floor(integrand, llc, lower, upper, letter, *args):
    """quad_vec and cubature over all parameters, the bare quad call and the
    replay of ``llc``'s values, on one 1-D problem: ``integrand(x, params,
    *args)`` from lower to upper."""
    vec = quad_vec_all(integrand, lower, upper, *args)
    return [
        vectorised_path(
            "quad_vec",
            f"quad_vec, all {letter}",
            lambda params: vec(params)[0],
            lambda params: vec(params, full_output=True)[2].neval,
            "norm=max",
        ),
        _cubature(integrand, [lower], [upper], letter, *args),
        quad_path(
            "bare_call",
            "bare quad call",
            "floor",
            quad_alone(lower, upper),
            "integrand = 0",
        ),
        quad_path(
            "replay",
            "replay (quad's own work)",
            "floor",
            replay_quad(llc, lower, upper),
            "same path, no arithmetic",
        ),
    ]


# --- case 1: the seed sweep ---------------------------------------------------


def sweep_case(a_values, numba=True):
    """The Gaussian over the real line, one integral per ``a``."""
    a_values = np.asarray(a_values, dtype=float)
    paths = [
        quad_path(
            "python_np", "python, np.exp", "python", python_quad(gauss_np, -inf, inf)
        ),
        quad_path(
            "python_math",
            "python, math.exp",
            "python",
            python_quad(gauss_math, -inf, inf),
        ),
        quad_path(
            "seed",
            "seed recipe",
            "callback",
            new_callable_each(seed.capsule_callable, -inf, inf),
            "two new capsules each",
        ),
        quad_path(
            "factory",
            "gaussian_callable",
            "callback",
            new_callable_each(gaussian.gaussian_callable, -inf, inf),
            "new callable each",
        ),
        quad_path(
            "from_cython",
            "from_cython",
            "callback",
            from_cython(),
            "new callable, same user_data",
        ),
        quad_path(
            "cython_reused",
            "Cython, reused",
            "callback",
            reused(gaussian.gaussian_callable(1.0), -inf, inf),
            "set_double",
        ),
        quad_path(
            "ctypes_reused", "ctypes, reused", "callback", ctypes_reused(), "c_double"
        ),
        quad_path("cffi_reused", "cffi, reused", "callback", cffi_reused(), "double *"),
    ]
    if numba and have_numba():
        paths.append(
            quad_path(
                "numba_reused",
                "numba cfunc, reused",
                "numba",
                numba_gauss_reused(),
                "carray",
            )
        )
    paths += _vectorised_and_floor(
        gauss_np, gaussian.gaussian_callable(1.0), -inf, inf, "a"
    )

    def per_eval():
        x, a = points_quad_asks_for(gauss_math, -inf, inf, a_values)
        return per_evaluation_ns("gauss", x, a)

    return Case(
        "sweep",
        f"exp(-a x²) over R, {len(a_values)} values of a",
        a_values,
        np.sqrt(np.pi / a_values),
        "python_np",
        paths,
        per_eval,
    )


# --- case 2: narrow peaks -----------------------------------------------------


def peaks_case(centres, width=PEAK_WIDTH, numba=True):
    """A Lorentzian of ``width`` centred at each c, integrated over [0, 1]."""
    centres = np.asarray(centres, dtype=float)
    paths = [
        quad_path(
            "python", "python", "python", python_quad(lorentz_py, 0.0, 1.0, width)
        ),
        quad_path(
            "factory",
            "lorentz_callable",
            "callback",
            new_callable_each(lorentz.lorentz_callable, 0.0, 1.0, width),
            "new callable each",
        ),
        quad_path(
            "cython_reused",
            "Cython, reused",
            "callback",
            reused(lorentz.lorentz_callable(0.5, width), 0.0, 1.0),
            "set_double",
        ),
    ]
    if numba and have_numba():
        paths.append(
            quad_path(
                "numba_reused",
                "numba cfunc, reused",
                "numba",
                numba_lorentz_reused(width),
                "carray",
            )
        )
    paths += _vectorised_and_floor(
        lorentz_py, lorentz.lorentz_callable(0.5, width), 0.0, 1.0, "c", width
    )

    def per_eval():
        x, c = points_quad_asks_for(lorentz_py, 0.0, 1.0, centres, width)
        parameters = np.column_stack([c, np.full_like(c, width)])
        return per_evaluation_ns("lorentz", x, parameters)

    return Case(
        "peaks",
        f"Lorentzian, width {width:g}, over [0, 1], {len(centres)} centres",
        centres,
        lorentz.lorentz_integral(centres, width, 0.0, 1.0),
        "python",
        paths,
        per_eval,
    )


# --- case 3: more dimensions --------------------------------------------------


def nd_case(a_values, dimensions):
    """The Gaussian over R**dimensions with nquad, one integral per ``a``."""
    if dimensions not in (2, 3):
        raise ValueError(f"dimensions must be 2 or 3, got {dimensions}")
    a_values = np.asarray(a_values, dtype=float)
    ranges = [[-inf, inf]] * dimensions
    numpy_integrand, math_integrand = {
        2: (gauss2_np, gauss2_math),
        3: (gauss3_np, gauss3_math),
    }[dimensions]
    paths = [
        quad_path(
            "python_np",
            "python, np.exp",
            "python",
            python_nquad(numpy_integrand, ranges),
        ),
        quad_path(
            "python_math",
            "python, math.exp",
            "python",
            python_nquad(math_integrand, ranges),
        ),
        quad_path(
            "cython_innermost",
            "Cython innermost, reused",
            "callback",
            nquad_reused(dimensions),
            "outer levels Python",
        ),
        _cubature(gauss_radial, [-inf] * dimensions, [inf] * dimensions, "a"),
        quad_path(
            "replay",
            "replay (nquad's own work)",
            "floor",
            replay_nquad(gaussian.gaussian_nd_callable(1.0), ranges),
            "innermost values replayed",
        ),
    ]

    def per_eval():
        # The points nquad asks the innermost integrand for, for the first
        # a: about 100,000 of them, evenly through the run.
        llc = gaussian.gaussian_nd_callable(a_values[0])
        count = quad_path("n", "n", "callback", nquad_reused(dimensions)).evaluations
        every = max(1, int(count(a_values[:1])) // 100_000)
        points = floor.record_values(
            llc, lambda f: nquad(f, ranges), 1 << 17, dims=dimensions, every=every
        )
        return per_evaluation_ns("gauss_nd", points, np.full(len(points), a_values[0]))

    return Case(
        f"r{dimensions}",
        f"exp(-a |x|²) over R^{dimensions} with nquad, {len(a_values)} values of a",
        a_values,
        (np.pi / a_values) ** (dimensions / 2),
        "python_np",
        paths,
        per_eval,
    )
