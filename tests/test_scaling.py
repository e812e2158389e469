"""The scaling chapter's claims: parameters travel, callables do not.

``kernels.sweep`` and the worker module that book/scaling.md writes (its
``%%writefile`` cells, compiled here as the page compiles them) are both
checked: results, the pickling wall, a spawn pool, the script guard, and the
messages Dask gives.
"""

import importlib
import multiprocessing
import os
import pathlib
import pickle
import re
import subprocess
import sys
import urllib.request
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


# The worker module the page writes (book/scaling.md): its %%writefile cells,
# compiled and imported as a reader would, from a folder of their own.
PAGE = pathlib.Path(__file__).resolve().parents[1] / "book" / "scaling.md"


def page_files():
    """{file name: text} of every %%writefile cell of the scaling page."""
    cells = re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", PAGE.read_text(), re.S)
    files = {}
    for cell in cells:
        cell = re.sub(r"\A:tags:[^\n]*\n\n?", "", cell)
        first, _, body = cell.partition("\n")
        match = re.fullmatch(r"%%writefile (\S+)", first)
        if match:
            files[match[1]] = body
    return files


@pytest.fixture(scope="module")
def worker_module(tmp_path_factory):
    """The page's folder: gauss_params compiled in place, sweep_tasks beside it."""
    folder = tmp_path_factory.mktemp("sweep")
    for name, text in page_files().items():
        (folder / name).write_text(text)
    cythonize = pathlib.Path(sys.executable).parent / "cythonize"
    done = subprocess.run(
        [cythonize, "-i", "-q", "gauss_params.pyx"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(folder))
    try:
        yield folder, importlib.import_module("sweep_tasks")
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop("sweep_tasks", None)


def test_page_writes_the_callback_the_tasks_and_the_script():
    assert set(page_files()) == {"gauss_params.pyx", "sweep_tasks.py", "run_sweep.py"}


def test_page_worker_module_gives_the_closed_form(worker_module):
    _, tasks = worker_module
    values = tasks.integrate_chunk(A_VALUES)
    np.testing.assert_allclose(values, np.sqrt(np.pi / A_VALUES), rtol=1e-7)
    assert tasks.integrate_chunk(np.array([])).shape == (0,)
    assert tasks.empty_task(A_VALUES) == len(A_VALUES)


def test_page_worker_module_checks_every_a_before_integrating(worker_module):
    _, tasks = worker_module
    with pytest.raises(ValueError, match="a must be > 0"):
        tasks.integrate_chunk(np.array([1.0, 2.0, -1.0]))


def test_page_callable_cannot_be_pickled(worker_module):
    import gauss_params

    with pytest.raises(TypeError, match="cannot pickle 'PyCapsule' object"):
        pickle.dumps(gauss_params.make_callable(1.0))


def test_page_worker_module_runs_on_a_spawn_pool(worker_module):
    _, tasks = worker_module
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        values = np.concatenate(list(pool.map(tasks.integrate_chunk, CHUNKS)))
    np.testing.assert_array_equal(values, tasks.integrate_chunk(A_VALUES))


def test_a_script_without_the_main_guard_breaks_a_spawn_pool(worker_module):
    folder, _ = worker_module
    script = (folder / "run_sweep.py").read_text()
    guard = 'if __name__ == "__main__":\n    main()'
    assert guard in script
    (folder / "unguarded.py").write_text(script.replace(guard, "main()"))
    guarded = subprocess.run(
        [sys.executable, "run_sweep.py"], cwd=folder, capture_output=True, text=True
    )
    assert guarded.returncode == 0, guarded.stderr
    assert "4000 integrals" in guarded.stdout
    unguarded = subprocess.run(
        [sys.executable, "unguarded.py"], cwd=folder, capture_output=True, text=True
    )
    assert unguarded.returncode != 0
    assert "BrokenProcessPool" in unguarded.stderr
    assert "bootstrapping phase" in unguarded.stderr


def test_dask_names_the_graph_it_could_not_serialize(dask_client):
    from scipy.integrate import quad

    llc = gaussian.gaussian_callable(1.0)
    # submit itself raises, on the client, before anything reaches a worker.
    with pytest.raises(TypeError, match="Could not serialize object of type") as info:
        dask_client.submit(quad, llc, 0.0, 1.0)
    cause = info.value
    while cause.__cause__ or cause.__context__:
        cause = cause.__cause__ or cause.__context__
    assert str(cause) == "cannot pickle 'PyCapsule' object"


def test_dask_scatter_names_the_low_level_callable(dask_client):
    # The page: the error names what holds the callable, LowLevelCallable for
    # client.scatter(llc) (distributed 2024.8, the oldest allowed, names the
    # PyCapsule inside it instead).
    llc = gaussian.gaussian_callable(1.0)
    with pytest.raises(
        TypeError,
        match="Could not serialize object of type (LowLevelCallable|PyCapsule)",
    ):
        dask_client.scatter(llc)


def test_no_dashboard_still_leaves_the_schedulers_http_server(dask_client):
    # dashboard_address=None turns the dashboard off, not the HTTP server
    # (distributed/scheduler.py: start_http_server on the default port 8787).
    port = dask_client.scheduler_info()["services"]["dashboard"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health") as reply:
        assert reply.read() == b"ok"
