"""The benchmark runs every path on the same inputs, and every path is right.

No test here asserts a time: timings belong to `make bench`, which prints them.
"""

import json

import numpy as np
import pytest

from kernels import bench

CASES = ("sweep", "peaks", "r2")


@pytest.fixture(scope="module")
def results():
    return bench.run(sweep=30, peaks=12, nd=1, repeats=2, numba=False, cases=CASES)


def test_every_case_has_every_path_the_book_compares(results):
    sweep = results["cases"]["sweep"]["paths"]
    for name in (
        "python, np.exp",
        "python, math.exp",
        "seed recipe",
        "gaussian_callable",
        "from_cython",
        "Cython, reused",
        "ctypes, reused",
        "cffi, reused",
        "quad_vec, all a",
        "cubature, all a",
        "floor: quad call alone",
    ):
        assert name in sweep
    assert {"python", "Cython, reused", "quad_vec, all c"} <= set(
        results["cases"]["peaks"]["paths"]
    )
    assert {"python, np.exp", "Cython innermost, reused"} <= set(
        results["cases"]["r2"]["paths"]
    )


def test_every_path_agrees_with_the_closed_form(results):
    for case in results["cases"].values():
        for name, row in case["paths"].items():
            if row["kind"] == "floor":
                assert row["max_relative_error"] is None
            else:
                assert row["max_relative_error"] < 1e-8, (case["title"], name)


def test_quad_paths_evaluate_the_integrand_at_the_same_points(results):
    # Same algorithm, same inputs: every quad path of a case asks for the same
    # number of evaluations, whatever language the integrand is in.
    for key in CASES:
        paths = results["cases"][key]["paths"]
        counts = {
            row["evaluations_per_integral"]
            for row in paths.values()
            if row["kind"] in ("python", "callback", "numba")
        }
        assert len(counts) == 1, (key, counts)


def test_every_row_has_best_median_min_and_max_in_order(results):
    for case in results["cases"].values():
        for row in case["paths"].values():
            t = row["us_per_integral"]
            assert 0 < t["min"] <= t["median"] <= t["max"]
            # Each slice's fastest repeat, summed, is at most the fastest total.
            assert 0 < t["best"] <= t["min"] * (1 + 1e-12)
            assert row["speedup_over_baseline"]["best"] > 0


def test_the_floor_is_fixed_cost_plus_evaluations_times_their_cost(results):
    for key in ("sweep", "peaks"):
        floor = results["cases"][key]["floor"]
        assert floor["per_eval_ns"] > 0
        assert floor["floor_us"] > floor["fixed_us"] > 0
    assert results["cases"]["r2"]["floor"] is None


def test_targets_are_reported_with_their_measured_ratios(results):
    names = [t["target"] for t in results["targets"]]
    assert any(n.startswith("sweep: fastest callback vs pure Python") for n in names)
    assert any(n.startswith("peaks:") for n in names)
    assert any(n.startswith("r2:") for n in names)
    for t in results["targets"]:
        assert t["ratio"] > 0 and t["ratio_of_medians"] > 0
        assert t["ratio"] == pytest.approx(t["a_us"] / t["b_us"])
        comparison, goal = t["goal"].split()
        meets = (
            t["ratio"] >= float(goal)
            if comparison == ">="
            else (t["ratio"] <= float(goal))
        )
        assert t["passed"] is meets
    table = bench.format_table(results)
    assert table.count("PASS") + table.count("FAIL") == len(names)
    assert "SciPy" in table and "CPUs" in table
    quiet = bench.format_table(results, show_targets=False)
    assert "PASS" not in quiet and "FAIL" not in quiet
    compact = bench.format_table(results, show_targets=False, compact=True)
    assert max(len(line) for line in compact.splitlines()[2:]) <= 72
    assert "cffi, reused" in compact


def test_main_prints_the_table_and_writes_json(tmp_path, capsys):
    status = bench.main(
        [
            "--sweep", "10", "--peaks", "5", "--repeats", "1", "--cases", "sweep",
            "--no-numba", "--no-fit", "--output-dir", str(tmp_path),
        ]
    )  # fmt: skip
    assert status == 0
    out = capsys.readouterr().out
    written = list(tmp_path.glob("bench-*.json"))
    assert len(written) == 1
    assert str(written[0].resolve()) in out
    data = json.loads(written[0].read_text())
    assert data["versions"]["scipy"]
    assert "sweep" in data["cases"]


def test_cost_versus_evaluations_fits_a_line_per_path():
    fit = bench.cost_versus_evaluations([1e-1, 1e-3], np.linspace(0.2, 0.8, 5), 1)
    assert fit["evaluations"][1] > fit["evaluations"][0]
    assert set(fit) >= {"fit_python", "fit_compiled", "us_python", "us_compiled"}


def test_worker_integrates_with_a_callable_of_its_own():
    a = np.array([0.5, 1.0, 4.0])
    np.testing.assert_allclose(
        bench.integrate_gaussians(a), np.sqrt(np.pi / a), rtol=1e-10
    )
    values, cpu_seconds = bench.integrate_gaussians_timed(a)
    np.testing.assert_allclose(values, np.sqrt(np.pi / a), rtol=1e-10)
    assert cpu_seconds >= 0


@pytest.mark.parametrize("bad", [-1.0, 0.0, np.nan, np.inf])
def test_worker_refuses_an_a_whose_integral_diverges(bad):
    # Before the check: -1.0 gave inf, 0.0 gave -2.0 and nan gave nan.
    with pytest.raises(ValueError, match=r"a_values\[1\]"):
        bench.integrate_gaussians([1.0, bad])


@pytest.mark.parametrize("bad", [[1 + 2j], ["1"], [None], [[1.0]]])
def test_worker_refuses_what_is_not_a_1d_array_of_real_numbers(bad):
    with pytest.raises((TypeError, ValueError), match="a_values"):
        bench.integrate_gaussians(bad)


@pytest.mark.parametrize("kwargs", [{"cases": ["nope"]}, {"repeats": 0}, {"sweep": 0}])
def test_run_rejects_bad_settings(kwargs):
    with pytest.raises(ValueError):
        bench.run(**kwargs)


def test_numba_is_reported_as_not_used_when_left_out(results):
    assert results["versions"]["numba"] == "not used"
    for case in results["cases"].values():
        assert all(row["kind"] != "numba" for row in case["paths"].values())


def test_numba_cfunc_rows_agree_with_the_closed_form():
    import numba

    out = bench.run(sweep=20, peaks=10, repeats=1, cases=("sweep", "peaks"))
    assert out["versions"]["numba"] == numba.__version__
    for key in ("sweep", "peaks"):
        row = out["cases"][key]["paths"]["numba cfunc, reused"]
        assert row["max_relative_error"] < 1e-8
    assert any("numba" in t["target"] for t in out["targets"])
