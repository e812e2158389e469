"""Make 10**6 callables from every factory of kernels and check nothing stays.

Not a test (it takes minutes; tests/test_memory.py runs a short version of
it in `make test`): run it by hand after a change to how kernels
allocates, from a folder that is not the project root:

    cd /tmp && /path/to/.venv/bin/python /path/to/tests/memory_check.py [N]

For each factory it makes N callables (default 10**6), each dropped at once,
and reports three measurements taken after a warm-up and gc.collect():
- tracemalloc: the bytes traced by Python's allocators (PyMem_Malloc, which
  every capsule buffer and struct uses, included) before and after;
- resident memory (/proc/self/statm) before and after;
- the live counters of the modules (capsules.live_buffers, normal.live_params,
  multidim.live_records, filters.live_blocks), which must come back to where
  they started.
The leaky capsule is the control: it must show its 8 bytes per callable.
Exit status 1 if a factory other than the control keeps more than 64 KiB
(tracemalloc) or 1 MiB (RSS), or a counter does not come back.
"""

import gc
import os
import sys
import time
import tracemalloc

import numpy as np

from kernels import (
    capsules,
    filters,
    floor,
    gaussian,
    leaky,
    lorentz,
    multidim,
    normal,
    seed,
)

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def rss_kib():
    """Resident memory of this process in KiB (the second field of statm)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_KIB


def counters():
    return (
        capsules.live_buffers(),
        normal.live_params(),
        multidim.live_records(),
        filters.live_blocks(),
    )


FACTORIES = {
    "gaussian_callable": lambda i: gaussian.gaussian_callable(1.0 + i),
    "gaussian_nd_callable": lambda i: gaussian.gaussian_nd_callable(1.0 + i),
    "seed.capsule_callable": lambda i: seed.capsule_callable(1.0 + i),
    "lorentz_callable": lambda i: lorentz.lorentz_callable(i, 0.5),
    "constant_callable": lambda i: floor.constant_callable(i),
    "normal_callable": lambda i: normal.normal_callable(i, 2.0),
    "normal_params_capsule": lambda i: normal.normal_params_capsule(i, 2.0),
    "recording_callable": lambda i: multidim.recording_callable(4),
    "double_capsule": lambda i: capsules.double_capsule(i),
    "array_capsule": lambda i: capsules.array_capsule([i, 1.0, 2.0]),
    "trimmed_mean_callable": lambda i: filters.trimmed_mean_callable(9, 1),
    "ema_callable": lambda i: filters.ema_callable(0.5),
    "polar_callable": lambda i: filters.polar_callable((5.0, 5.0), 1.0, 0.1),
    # Last: NumPy's checks of cov (eigvalsh, inv) make it the slowest.
    "correlated_gaussian_callable": lambda i: multidim.correlated_gaussian_callable(
        np.eye(2)
    ),
    "leaky_double_capsule (control)": lambda i: leaky.leaky_double_capsule(i),
}


def measure(make, n):
    for i in range(1000):  # warm-up: caches, free lists, pymalloc arenas
        make(i)
    gc.collect()
    live_before, rss_before = counters(), rss_kib()
    tracemalloc.start()
    traced_before, _ = tracemalloc.get_traced_memory()
    start = time.perf_counter()
    for i in range(n):
        make(i)
    seconds = time.perf_counter() - start
    gc.collect()
    traced_after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    gc.collect()
    return {
        "traced": traced_after - traced_before,
        "rss_kib": rss_kib() - rss_before,
        "counters": (live_before, counters()),
        "seconds": seconds,
    }


def main(n):
    failed = False
    print(f"{n:,} callables per factory, each dropped at once")
    print(f"{'factory':32} {'traced B':>12} {'RSS KiB':>9}  counters (before -> after)")
    for name, make in FACTORIES.items():
        try:
            make(0)
        except (AttributeError, TypeError) as exc:  # a factory renamed since
            print(f"{name:32} skipped: {exc}")
            continue
        r = measure(make, n)
        before, after = r["counters"]
        print(
            f"{name:32} {r['traced']:>12,} {r['rss_kib']:>9,}  {before} -> {after}"
            f"  ({r['seconds']:.1f} s)",
            flush=True,
        )
        control = "control" in name
        kept = r["traced"] > 64 * 1024 or r["rss_kib"] > 1024 or before != after
        if control and r["traced"] < 8 * n:
            print("  the control did not show its leak: the measurement is blind")
            failed = True
        elif not control and kept:
            print("  KEPT MEMORY")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(int(float(sys.argv[1])) if len(sys.argv) > 1 else 10**6))
