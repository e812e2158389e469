"""The scaling chapter's claims: parameters travel, callables do not."""

import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from kernels import gaussian, sweep

A_VALUES = np.linspace(0.1, 10.0, 200)
CHUNKS = np.array_split(A_VALUES, 4)


def test_integrate_chunk_gives_the_closed_form():
    values = sweep.integrate_chunk(A_VALUES)
    np.testing.assert_allclose(values, np.sqrt(np.pi / A_VALUES), rtol=1e-7)


def test_one_callable_per_a_gives_the_same_integrals():
    np.testing.assert_array_equal(
        sweep.integrate_chunk_new_callable(A_VALUES[:20]),
        sweep.integrate_chunk(A_VALUES[:20]),
    )


def test_an_empty_chunk_gives_an_empty_array():
    assert sweep.integrate_chunk(np.array([])).shape == (0,)


def test_pickling_a_low_level_callable_raises_type_error():
    with pytest.raises(TypeError, match="cannot pickle 'PyCapsule' object"):
        pickle.dumps(gaussian.gaussian_callable(1.0))


def test_a_bad_parameter_fails_the_chunk_with_value_error():
    with pytest.raises(ValueError, match="a must be > 0"):
        sweep.integrate_chunk(np.array([1.0, -1.0]))


def test_process_pool_gives_the_serial_results():
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        values = np.concatenate(list(pool.map(sweep.integrate_chunk, CHUNKS)))
    np.testing.assert_array_equal(values, sweep.integrate_chunk(A_VALUES))


@pytest.fixture(scope="module")
def dask_client():
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_dask_local_cluster_gives_the_serial_results(dask_client):
    futures = dask_client.map(sweep.integrate_chunk, CHUNKS, pure=False)
    values = np.concatenate(dask_client.gather(futures))
    np.testing.assert_array_equal(values, sweep.integrate_chunk(A_VALUES))


def test_dask_reraises_a_tasks_value_error_on_the_client(dask_client):
    good, bad = dask_client.map(
        sweep.integrate_chunk, [A_VALUES[:3], np.array([1.0, -1.0])], pure=False
    )
    np.testing.assert_array_equal(good.result(), sweep.integrate_chunk(A_VALUES[:3]))
    with pytest.raises(ValueError, match="a must be > 0"):
        bad.result()
    assert bad.status == "error"
