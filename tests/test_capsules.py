"""Claims the book makes about kernels.capsules: ownership and no leaks."""

import gc
import tracemalloc

import numpy as np
import pytest
from scipy import integrate

from kernels import capsules, filters, gaussian, multidim, normal
from kernels.pycapsule import capsule_name


def test_destructor_runs_once_per_capsule():
    before = capsules.live_buffers()
    callables = [gaussian.gaussian_callable(1.0 + i) for i in range(1000)]
    assert capsules.live_buffers() == before + 1000
    del callables
    gc.collect()
    assert capsules.live_buffers() == before


def test_new_block_counts_each_kind_of_block_in_its_own_module():
    # filters' parameter blocks and multidim's records come from
    # capsules.new_block, each counted by its own module.
    counters = (
        capsules.live_buffers,
        filters.live_blocks,
        multidim.live_records,
        normal.live_params,
    )
    before = [count() for count in counters]
    made = [
        filters.ema_callable(0.5),
        multidim.recording_callable(2),
        multidim.recording_callable(3),
    ]
    assert [count() - b for count, b in zip(counters, before, strict=True)] == [
        0,
        1,
        2,
        0,
    ]
    assert multidim.read_record(made[1]) == (0, 0, (), ())  # it came zeroed
    del made
    gc.collect()
    assert [count() for count in counters] == before


def test_callable_keeps_its_user_data_alive_while_it_lives():
    before = capsules.live_buffers()
    llc = gaussian.gaussian_callable(4.0)
    gc.collect()
    assert capsules.live_buffers() == before + 1
    value, _ = integrate.quad(llc, -np.inf, np.inf)
    assert value == pytest.approx(np.sqrt(np.pi / 4.0), rel=1e-10)
    del llc
    assert capsules.live_buffers() == before


def test_no_leak_over_100_000_callables():
    gaussian.gaussian_callable(1.0)  # warm up caches before measuring
    tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        for i in range(100_000):
            gaussian.gaussian_callable(1.0 + i)
        gc.collect()
        end, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert abs(end - start) < 64 * 1024


def test_tracemalloc_sees_the_capsule_buffers():
    # The no-leak test above is only meaningful if tracemalloc sees
    # PyMem_Malloc: a large array capsule must show up in its count.
    tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        capsule = capsules.array_capsule(np.zeros(125_000))  # 1 MB of doubles
        held, _ = tracemalloc.get_traced_memory()
        del capsule
        end, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held - start >= 1_000_000
    assert end - start < 64 * 1024


def test_double_capsule_owns_a_copy_of_its_value():
    capsule = capsules.double_capsule(0.25)
    assert capsules.read_doubles(capsule).tolist() == [0.25]


def test_array_capsule_owns_a_copy_of_its_values():
    values = np.array([1.0, -2.5, 3.0])
    capsule = capsules.array_capsule(values)
    values[:] = 0.0
    assert capsules.read_doubles(capsule).tolist() == [1.0, -2.5, 3.0]


def test_array_capsule_accepts_sequences_and_strided_arrays():
    assert capsules.read_doubles(capsules.array_capsule([1, 2])).tolist() == [1, 2]
    strided = np.arange(6.0)[::2]
    assert capsules.read_doubles(capsules.array_capsule(strided)).tolist() == [
        0.0,
        2.0,
        4.0,
    ]


@pytest.mark.parametrize("values", [[], np.empty(0)])
def test_empty_array_capsule_raises_value_error(values):
    with pytest.raises(ValueError, match="at least one value"):
        capsules.array_capsule(values)


def test_two_dimensional_array_capsule_raises_value_error():
    with pytest.raises(ValueError, match="1-D"):
        capsules.array_capsule(np.ones((2, 2)))


@pytest.mark.parametrize("values", [["a", "b"], [1j, 2j], object()])
def test_non_numeric_array_capsule_raises_type_error(values):
    with pytest.raises(TypeError, match="real numbers"):
        capsules.array_capsule(values)


@pytest.mark.parametrize("value", ["1.0", None, [1.0]])
def test_non_numeric_double_capsule_raises_type_error(value):
    with pytest.raises(TypeError):
        capsules.double_capsule(value)


def test_read_doubles_rejects_foreign_capsules():
    foreign = gaussian.__pyx_capi__["gauss"]
    with pytest.raises(TypeError, match="expected a capsule made by kernels"):
        capsules.read_doubles(foreign)
    with pytest.raises(TypeError, match="expected a capsule made by kernels"):
        capsules.read_doubles(3.0)


def test_failed_calls_leave_no_buffer_alive():
    before = capsules.live_buffers()
    for bad in ([], np.ones((2, 2)), ["a"]):
        with pytest.raises((TypeError, ValueError)):
            capsules.array_capsule(bad)
    assert capsules.live_buffers() == before


def test_set_double_updates_a_reused_callable_in_place():
    llc = gaussian.gaussian_callable(1.0)
    for a in (0.5, 2.0, 8.0):
        capsules.set_double(llc.user_data, 0, a)
        value, _ = integrate.quad(llc, -np.inf, np.inf)
        assert value == pytest.approx(np.sqrt(np.pi / a), rel=1e-10)


@pytest.mark.parametrize("index", [-1, 1, 100])
def test_set_double_out_of_range_raises_index_error(index):
    capsule = capsules.double_capsule(1.0)
    with pytest.raises(IndexError, match="out of range"):
        capsules.set_double(capsule, index, 2.0)
    assert capsules.read_doubles(capsule).tolist() == [1.0]


def test_set_double_rejects_foreign_capsules():
    with pytest.raises(TypeError, match="expected a capsule made by kernels"):
        capsules.set_double(gaussian.__pyx_capi__["gauss"], 0, 1.0)


def test_helpers_are_exported_for_cimport_under_signatures_quad_rejects():
    # Declared in capsules.pxd, so Cython exports them in __pyx_capi__ even
    # without `api`; their C signatures are none of quad's.
    names = {k: capsule_name(v) for k, v in capsules.__pyx_capi__.items()}
    assert names["doubles_of"] == "double *(PyObject *)"
    assert names["alloc_doubles"] == "double *(Py_ssize_t)"
    quad_signatures = {
        "double (double)",
        "double (double, void *)",
        "double (int, double *)",
        "double (int, double *, void *)",
    }
    assert not quad_signatures & set(names.values())
