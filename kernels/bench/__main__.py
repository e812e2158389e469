"""``python -m kernels.bench``: run every case, print the table and the
targets, and write the results as JSON."""

import argparse
import datetime
import json
import pathlib
import sys

import numpy as np

from .fit import FIT_WIDTHS, cost_versus_evaluations
from .paths import have_numba
from .report import format_table
from .runner import CASES, run

__all__ = ["main"]


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


def _print_fit(fit):
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


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m kernels.bench",
        description=(
            "Every path to the same integrals, timed side by side in one process."
        ),
    )
    parser.add_argument("--sweep", type=int, default=10_000, help="values of a")
    parser.add_argument("--peaks", type=int, default=2_000, help="peak centres")
    parser.add_argument("--nd", type=int, default=2, help="values of a in R^2, R^3")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per path")
    parser.add_argument("--cases", nargs="+", choices=CASES)
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

    if not args.no_numba and not have_numba():
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
        _print_fit(fit)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = args.output_dir / f"bench-{stamp}.json"
    path.write_text(json.dumps(_jsonable(results), indent=2) + "\n")
    print(f"\nResults: {path.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
