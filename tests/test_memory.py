"""A short run of tests/memory_check.py in `make test`: no factory keeps memory.

For every factory of ``tests/memory_check.py`` (every factory of kernels that
allocates), a forked child makes ``N`` callables, each dropped at once, and
reports the growth of its resident memory (``/proc/self/statm``) and the live
counters of the modules (``capsules.live_buffers``, ``normal.live_params``,
``multidim.live_records``, ``filters.live_blocks``).  A factory passes when
the counters come back to where they started and resident memory grows by
less than ``RSS_LIMIT_KIB``.

The check is shown to bite on the two kinds of leak it is meant to catch:
``kernels.leaky``, whose capsules free nothing (8 bytes, 16 with pymalloc's
rounding, per call: over ``N`` calls several times the limit), and a factory
whose capsules are kept alive (the counters do not come back).

The long version, 10**6 callables per factory with tracemalloc as well, stays
a script to run by hand (tests/memory_check.py).
"""

import gc

import pytest

import memory_check
from forked import run_forked
from kernels import capsules

# 2 * 10**5 callables: about 0.5 s per factory on an idle machine (the
# correlated Gaussian, which inverts its matrix with NumPy, about 3 s), and
# kernels.leaky's 16 bytes per call come to about 3 MiB of resident memory.
N = 200_000
RSS_LIMIT_KIB = 1024
CONTROL = "leaky_double_capsule (control)"
FACTORIES = {
    name: make for name, make in memory_check.FACTORIES.items() if name != CONTROL
}


def growth(make, n=N):
    """Resident memory (KiB) and live counters around n calls of ``make``."""
    for i in range(2_000):  # warm-up: caches, free lists, pymalloc arenas
        make(i)
    gc.collect()
    before_counters, before_rss = memory_check.counters(), memory_check.rss_kib()
    for i in range(n):
        make(i)
    gc.collect()
    return memory_check.rss_kib() - before_rss, before_counters, memory_check.counters()


def kept_memory(make, n=N):
    """None if ``make`` keeps nothing over n calls, else what it kept (forked)."""
    rss, before, after = run_forked(growth, make, n, timeout=300)
    problems = []
    if before != after:
        problems.append(f"live counters {before} -> {after}")
    if rss >= RSS_LIMIT_KIB:
        problems.append(f"resident memory grew by {rss} KiB")
    return "; ".join(problems) or None


def test_the_list_covers_every_factory_of_memory_check():
    assert len(FACTORIES) == len(memory_check.FACTORIES) - 1 >= 14


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_factory_keeps_no_memory(name):
    assert kept_memory(FACTORIES[name]) is None


def test_the_check_sees_a_capsule_that_frees_nothing():
    kept = kept_memory(memory_check.FACTORIES[CONTROL])
    assert kept is not None and "resident memory grew" in kept, kept
    assert "live counters" not in kept  # leaky counts nothing: RSS alone sees it


def test_the_check_sees_buffers_that_stay_alive():
    alive = []

    def keeps(i):
        alive.append(capsules.double_capsule(i))

    kept = kept_memory(keeps, 1_000)
    assert kept is not None and "live counters" in kept, kept
