"""Claims the ownership chapter makes about who keeps what alive.

A ``LowLevelCallable`` is a tuple (raw capsule, function, user_data): the raw
capsule SciPy builds borrows the user_data pointer, and the tuple keeps the
user_data capsule, and so its buffer, alive.
"""

import concurrent.futures
import gc
import sys
import threading

import numpy as np
import pytest
from scipy import LowLevelCallable, integrate

from kernels import capsules, gaussian
from kernels.pycapsule import capsule_context, capsule_name, capsule_pointer

INF = np.inf
BOOK_SWEEP = np.linspace(0.1, 10, 10_000)


def test_callable_holds_the_very_user_data_capsule_and_one_reference_to_it():
    capsule = capsules.double_capsule(2.0)
    before = sys.getrefcount(capsule)
    llc = LowLevelCallable.from_cython(gaussian, "gauss", capsule)
    assert llc.user_data is capsule
    assert sys.getrefcount(capsule) == before + 1
    del llc
    assert sys.getrefcount(capsule) == before


def test_function_capsule_is_the_modules_own_capi_capsule():
    llc = gaussian.gaussian_callable(1.0)
    assert llc.function is gaussian.__pyx_capi__["gauss"]


def test_raw_capsule_borrows_the_function_and_user_data_pointers():
    llc = gaussian.gaussian_callable(1.0)
    raw = tuple.__getitem__(llc, 0)
    assert raw is not llc.function
    assert capsule_name(raw) == "double (double, void *)"
    assert capsule_pointer(raw) == capsule_pointer(llc.function)
    assert capsule_context(raw) == capsule_pointer(llc.user_data)


def test_buffer_lives_as_long_as_the_callable_not_the_name():
    before = capsules.live_buffers()
    capsule = capsules.double_capsule(4.0)
    llc = LowLevelCallable.from_cython(gaussian, "gauss", capsule)
    del capsule
    gc.collect()
    assert capsules.live_buffers() == before + 1
    value, _ = integrate.quad(llc, -INF, INF)
    assert value == pytest.approx(np.sqrt(np.pi / 4.0), rel=1e-10)
    del llc
    assert capsules.live_buffers() == before


def test_getpointer_with_the_wrong_name_raises_value_error():
    capsule = capsules.double_capsule(1.0)
    with pytest.raises(ValueError, match="incorrect name"):
        capsule_pointer(capsule, b"double (double, void *)")


def test_reused_callable_gives_bitwise_the_same_integrals_as_new_ones():
    llc = gaussian.gaussian_callable(1.0)
    for a in BOOK_SWEEP[::97]:
        capsules.set_double(llc.user_data, 0, a)
        reused = integrate.quad(llc, -INF, INF)
        fresh = integrate.quad(gaussian.gaussian_callable(a), -INF, INF)
        assert reused == fresh


def test_an_update_between_set_and_quad_gives_the_other_threads_integral():
    # The book's demonstration, not a race: the events force the one order
    # in which thread B's update lands between thread A's set_double and its
    # quad, so the outcome is the same on every run. What it checks is that
    # the buffer is shared: A integrates with B's a.
    llc = gaussian.gaussian_callable(1.0)
    a_has_set, b_has_set = threading.Event(), threading.Event()
    results = {}

    def thread_a():
        capsules.set_double(llc.user_data, 0, 1.0)
        a_has_set.set()
        b_has_set.wait()
        results["a"] = integrate.quad(llc, -INF, INF)[0]

    def thread_b():
        a_has_set.wait()
        capsules.set_double(llc.user_data, 0, 4.0)
        b_has_set.set()

    threads = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results["a"] == pytest.approx(np.sqrt(np.pi / 4.0), rel=1e-10)
    assert results["a"] != pytest.approx(np.sqrt(np.pi), rel=1e-3)


@pytest.fixture
def fast_thread_switches():
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # a switch every microsecond, not every 5 ms
    yield
    sys.setswitchinterval(interval)


@pytest.mark.skipif(
    not getattr(sys, "_is_gil_enabled", lambda: True)(),
    reason="without the GIL an update can land inside an integral",
)
def test_a_concurrent_writer_never_lands_inside_an_integral(fast_thread_switches):
    # A real race: one thread rewrites a (1, 4, 1, 4, ...) as fast as it can
    # while this one integrates. quad holds the GIL for a whole integral, so
    # each result is exactly one of the two integrals, never a mixture; and
    # both occur, so the threads did interleave.
    llc = gaussian.gaussian_callable(1.0)
    exact = {
        integrate.quad(gaussian.gaussian_callable(a), -INF, INF)[0] for a in (1.0, 4.0)
    }
    stop = threading.Event()

    def writer():
        while not stop.is_set():
            capsules.set_double(llc.user_data, 0, 1.0)
            capsules.set_double(llc.user_data, 0, 4.0)

    thread = threading.Thread(target=writer)
    thread.start()
    seen = []
    try:
        while len(seen) < 300 or (set(seen) < exact and len(seen) < 20_000):
            seen.append(integrate.quad(llc, -INF, INF)[0])
    finally:
        stop.set()
        thread.join()
    assert set(seen) <= exact, sorted(set(seen) - exact)[:5]
    assert set(seen) == exact, "the writer never ran between two integrals"


def test_threads_with_callables_of_their_own_get_the_serial_integrals(
    fast_thread_switches,
):
    # What the chapter recommends instead: one callable per thread. Four
    # threads, each updating its own callable in place, give bitwise the
    # integrals of a serial run.
    chunks = np.array_split(BOOK_SWEEP[::10], 4)

    def sweep(chunk):
        llc = gaussian.gaussian_callable(1.0)
        out = []
        for a in chunk:
            capsules.set_double(llc.user_data, 0, a)
            out.append(integrate.quad(llc, -INF, INF)[0])
        return out

    serial = [sweep(chunk) for chunk in chunks]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(sweep, chunks))
    assert threaded == serial
