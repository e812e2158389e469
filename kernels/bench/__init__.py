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
integrators that need no callback (``quad_vec``, ``cubature``), the bare
``quad`` call (an integrand that returns 0) and the replay: ``quad`` (or
``nquad``) with an integrand that plays back the values the real one gave, so
that its time is quad's own work on the case's path.  The floor of a 1-D case
is the replay plus the integrand's arithmetic (a C loop); each target asks a
path to reach a share of its floor's speed (``report.GOALS``).

Everything here is importable: the performance chapter runs a smaller
``run(...)`` and plots its result.  The modules, one job each:

- ``paths``: every path, a module-level function, and ``Path`` (an id for
  code, a label for tables);
- ``cases``: the Python integrands and the case builders;
- ``timing``: the paths timed in turns, and the floor of a case;
- ``report``: the fastest callback, the targets and their goals, the tables;
- ``runner``: ``run`` and ``versions``;
- ``fit``: the cost against evaluations as the peaks narrow;
- ``worker``: the sweep as a worker for threads and processes;
- ``__main__``: the command line.
"""

from .cases import (
    PEAK_WIDTH,
    Case,
    gauss2_math,
    gauss2_np,
    gauss3_math,
    gauss3_np,
    gauss_math,
    gauss_np,
    gauss_radial,
    lorentz_py,
    nd_case,
    peaks_case,
    sweep_case,
)
from .fit import FIT_WIDTHS, cost_versus_evaluations, fit_line
from .paths import EPSABS, EPSREL, Path
from .report import FLOOR, GOALS, fastest_callback, format_table, targets
from .runner import CASES, run, versions
from .timing import floor_estimate, per_evaluation_ns, time_case
from .worker import integrate_gaussians, integrate_gaussians_timed

__all__ = [
    "CASES",
    "EPSABS",
    "EPSREL",
    "FIT_WIDTHS",
    "FLOOR",
    "GOALS",
    "PEAK_WIDTH",
    "Case",
    "Path",
    "cost_versus_evaluations",
    "fastest_callback",
    "fit_line",
    "floor_estimate",
    "format_table",
    "gauss2_math",
    "gauss2_np",
    "gauss3_math",
    "gauss3_np",
    "gauss_math",
    "gauss_np",
    "gauss_radial",
    "integrate_gaussians",
    "integrate_gaussians_timed",
    "lorentz_py",
    "nd_case",
    "peaks_case",
    "per_evaluation_ns",
    "run",
    "sweep_case",
    "targets",
    "time_case",
    "versions",
]
