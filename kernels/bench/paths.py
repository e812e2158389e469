"""The paths: every way the benchmark computes the integrals of a case.

A path function prepares what it needs once (a callable, a buffer for the
parameter) and returns ``integrate_all(params, **options)``, which integrates
for every parameter: the quad paths return quad's tuples, one per parameter
(``options`` go to quad, ``full_output=1`` among them, to count evaluations);
the vectorised ones return what ``quad_vec`` or ``cubature`` return.  The
preparation runs when a case is built, before any timing.

A ``Path`` is one such function with a stable ``id`` (what code looks it up
by), a ``label`` (what a table shows), its kind and a way to count its
integrand evaluations.
"""

import ctypes
import math
from collections.abc import Callable
from dataclasses import dataclass
from math import inf

import numpy as np
from scipy import LowLevelCallable, integrate
from scipy.integrate import nquad, quad

from kernels import capsules, floor, gaussian, native

__all__ = [
    "EPSABS",
    "EPSREL",
    "KINDS",
    "Path",
    "cffi_reused",
    "ctypes_reused",
    "cubature_all",
    "from_cython",
    "have_numba",
    "new_callable_each",
    "nquad_reused",
    "numba_gauss_reused",
    "numba_lorentz_reused",
    "python_nquad",
    "python_quad",
    "quad_alone",
    "replay_nquad",
    "replay_quad",
    "quad_path",
    "quad_vec_all",
    "reused",
    "vectorised_path",
]

# quad's default tolerances; the vectorised integrators are given the same.
EPSABS = EPSREL = 1.49e-8
KINDS = ("python", "callback", "numba", "vectorised", "floor")


@dataclass
class Path:
    """One way to compute every integral of a case.

    ``run(params)`` returns the integrals, one per parameter;
    ``evaluations(params)`` runs the same computation untimed and returns how
    many times the integrand was evaluated, per integral (a mean).
    """

    id: str
    label: str
    kind: str  # one of KINDS
    run: Callable[[np.ndarray], np.ndarray]
    evaluations: Callable[[np.ndarray], float]
    note: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")


def quad_path(id, label, kind, integrate_all, note=""):
    """A Path from a quad (or nquad) path function's ``integrate_all``."""

    def run(params):
        return np.array([result[0] for result in integrate_all(params)])

    def evaluations(params):
        tuples = integrate_all(params, full_output=1)
        return float(np.mean([result[2]["neval"] for result in tuples]))

    return Path(id, label, kind, run, evaluations, note)


def vectorised_path(id, label, integrate_all, count_points, note=""):
    """A Path from a vectorised integrator: ``integrate_all(params)`` returns
    the integrals, ``count_points(params)`` the points it evaluated at.

    One evaluation of the vectorised integrand at a point computes the
    integrands of every parameter there: per integral, it counts once.
    """
    return Path(
        id,
        label,
        "vectorised",
        integrate_all,
        lambda params: float(count_points(params)),
        note,
    )


def have_numba():
    """Whether numba can be imported (only the ``bench`` group installs it)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


# --- quad with a Python integrand --------------------------------------------


def python_quad(integrand, lower, upper, *args):
    """quad with a Python integrand, ``integrand(x, p, *args)``, for each p."""

    def integrate_all(params, **options):
        return [
            quad(integrand, lower, upper, args=(p, *args), **options) for p in params
        ]

    return integrate_all


def python_nquad(integrand, ranges):
    """nquad with a Python integrand, ``integrand(*x, p)``, for each p."""

    def integrate_all(params, **options):
        return [nquad(integrand, ranges, args=(p,), **options) for p in params]

    return integrate_all


# --- quad with a compiled callback -------------------------------------------


def new_callable_each(make, lower, upper, *args):
    """A new callable for every parameter: ``make(p, *args)`` builds it."""

    def integrate_all(params, **options):
        return [quad(make(p, *args), lower, upper, **options) for p in params]

    return integrate_all


def from_cython():
    """The Gaussian over R: a new callable for every a, with
    ``LowLevelCallable.from_cython``, around one user_data capsule."""
    user_data = capsules.double_capsule(1.0)

    def integrate_all(a_values, **options):
        results = []
        for a in a_values:
            capsules.set_double(user_data, 0, a)
            llc = LowLevelCallable.from_cython(gaussian, "gauss", user_data)
            results.append(quad(llc, -inf, inf, **options))
        return results

    return integrate_all


def reused(llc, lower, upper):
    """One compiled callable for every parameter, updated in place.

    ``llc``'s user_data holds the parameter as its first double
    (``gaussian_callable(1.0)`` on the sweep, ``lorentz_callable(0.5, width)``
    on the peaks).
    """
    user_data = llc.user_data  # a Python property: read it once

    def integrate_all(params, **options):
        results = []
        for p in params:
            capsules.set_double(user_data, 0, p)
            results.append(quad(llc, lower, upper, **options))
        return results

    return integrate_all


def ctypes_reused():
    """The Gaussian over R: gauss_c through ctypes, one callable, its a in a
    ``c_double`` updated in place."""
    a_cell = ctypes.c_double(1.0)
    llc = LowLevelCallable(
        native.ctypes_gauss(), ctypes.cast(ctypes.pointer(a_cell), ctypes.c_void_p)
    )

    def integrate_all(a_values, **options):
        results = []
        for a in a_values:
            a_cell.value = a
            results.append(quad(llc, -inf, inf, **options))
        return results

    return integrate_all


def cffi_reused():
    """The Gaussian over R: gauss_c through cffi, one callable, its a in a
    ``double *`` updated in place."""
    ffi, function = native.cffi_gauss()
    a_cell = ffi.new("double *", 1.0)
    llc = LowLevelCallable(function, ffi.cast("void *", a_cell))

    def integrate_all(a_values, **options):
        results = []
        for a in a_values:
            a_cell[0] = a
            results.append(quad(llc, -inf, inf, **options))
        return results

    return integrate_all


def numba_gauss_reused():
    """The Gaussian over R as a numba cfunc, one callable, its a updated in
    place."""
    import numba  # only the bench group installs it

    @numba.cfunc("float64(float64, voidptr)")
    def gauss_numba(x, user_data):
        a = numba.carray(user_data, 1, numba.float64)[0]
        return math.exp(-a * x * x)

    a_cell = ctypes.c_double(1.0)
    llc = LowLevelCallable(
        gauss_numba.ctypes, ctypes.cast(ctypes.pointer(a_cell), ctypes.c_void_p)
    )

    def integrate_all(a_values, **options):
        results = []
        for a in a_values:
            a_cell.value = a
            results.append(quad(llc, -inf, inf, **options))
        return results

    return integrate_all


def numba_lorentz_reused(width):
    """The Lorentzian over [0, 1] as a numba cfunc, one callable, its centre
    updated in place."""
    import numba

    @numba.cfunc("float64(float64, voidptr)")
    def lorentz_numba(x, user_data):
        p = numba.carray(user_data, 2, numba.float64)
        d = x - p[0]
        return p[1] / (d * d + p[1] * p[1])

    centre_and_width = (ctypes.c_double * 2)(0.5, width)
    llc = LowLevelCallable(
        lorentz_numba.ctypes, ctypes.cast(centre_and_width, ctypes.c_void_p)
    )

    def integrate_all(c_values, **options):
        results = []
        for c in c_values:
            centre_and_width[0] = c
            results.append(quad(llc, 0.0, 1.0, **options))
        return results

    return integrate_all


def nquad_reused(dimensions):
    """The Gaussian over R**dimensions with nquad: one compiled callable for
    the innermost level, its a updated in place; the outer levels are Python.
    """
    llc = gaussian.gaussian_nd_callable(1.0)
    user_data = llc.user_data
    ranges = [[-inf, inf]] * dimensions

    def integrate_all(a_values, **options):
        results = []
        for a in a_values:
            capsules.set_double(user_data, 0, a)
            results.append(nquad(llc, ranges, **options))
        return results

    return integrate_all


# --- the floor: a quad call and nothing else -----------------------------------


def quad_alone(lower, upper):
    """quad with an integrand that does nothing: the fixed cost of a call."""
    zero = floor.constant_callable(0.0)

    def integrate_all(params, **options):
        return [quad(zero, lower, upper, **options) for _ in params]

    return integrate_all


class _Tape:
    """The values ``llc``'s integrand gives for a run of parameters, played
    back by one ``floor.replay_callable``: what the replay paths share.

    ``integrate(f)`` is one integral with ``f``; ``llc``'s first user_data
    double is the parameter.  The first run of parameters is recorded (the
    warm-up of ``time_case`` runs them all); a later run that is a stretch of
    it only rewinds the tape.
    """

    def __init__(self, llc, integrate, multivariate):
        self.llc, self.integrate, self.multivariate = llc, integrate, multivariate
        self.params = np.empty(0)

    def start(self, params):
        """The player, rewound to ``params[0]``, and where it must end."""
        params = np.asarray(params, dtype=float)
        i = self._stretch(params)
        if i is None:
            values = []
            for p in params:
                capsules.set_double(self.llc.user_data, 0, p)
                values.append(floor.record_values(self.llc, self.integrate))
            self.offsets = np.cumsum([0] + [len(v) for v in values])
            self.player = floor.replay_callable(
                np.concatenate(values), self.multivariate
            )
            self.params, i = params.copy(), 0
        floor.rewind(self.player, int(self.offsets[i]))
        return self.player, int(self.offsets[i + len(params)])

    def _stretch(self, params):
        n = len(params)
        if n == 0 or n > len(self.params):
            return None
        found = np.flatnonzero(self.params == params[0])
        for i in found:
            if np.array_equal(self.params[i : i + n], params):
                return int(i)
        return None

    def check(self, end):
        if floor.tape_position(self.player) != end:
            raise RuntimeError(
                "the replay went out of step: quad asked for another number of "
                "points than while recording"
            )


def replay_quad(llc, lower, upper):
    """The floor of a quad path: quad with an integrand that replays, in
    order, the values ``llc``'s integrand gave at the points quad asked for.

    Same values, same decisions: quad takes the same path at the cost of a
    memory read per point, so its time is quad's own work on that path.
    ``llc``'s first user_data double is the parameter.
    """
    tape = _Tape(llc, lambda f: quad(f, lower, upper), multivariate=False)

    def integrate_all(params, **options):
        player, end = tape.start(params)
        results = [quad(player, lower, upper, **options) for _ in params]
        tape.check(end)
        return results

    return integrate_all


def replay_nquad(llc, ranges):
    """``replay_quad`` for nquad: the innermost integrand replays the values
    ``llc`` (``double (int, double *, void *)``) gave, so that what remains
    is nquad's own work, Python's outer levels included."""
    tape = _Tape(llc, lambda f: nquad(f, ranges), multivariate=True)

    def integrate_all(params, **options):
        player, end = tape.start(params)
        results = [nquad(player, ranges, **options) for _ in params]
        tape.check(end)
        return results

    return integrate_all


# --- vectorised integrators: every parameter in one call ----------------------


def quad_vec_all(integrand, lower, upper, *args):
    """quad_vec over every parameter at once: ``integrand(x, params, *args)``
    returns the integrands of all of them at x."""

    def integrate_all(params, **options):
        return integrate.quad_vec(
            integrand,
            lower,
            upper,
            args=(params, *args),
            epsabs=EPSABS,
            epsrel=EPSREL,
            norm="max",
            **options,
        )

    return integrate_all


def cubature_all(integrand, lower, upper, *args):
    """cubature over every parameter at once: ``integrand(x, params, *args)``
    takes points as rows of x and returns one column per parameter."""

    def integrate_all(params):
        return integrate.cubature(
            integrand,
            lower,
            upper,
            args=(params, *args),
            atol=EPSABS,
            rtol=EPSREL,
        )

    return integrate_all
