"""The benchmark runs every path on the same inputs, and every path is right.

No test here asserts a time: timings belong to `make bench`, which prints them.
"""

import ast
import dataclasses
import json
import pathlib
import re

import numpy as np
import pytest

from kernels import bench
from kernels.bench.__main__ import main

ROOT = pathlib.Path(__file__).resolve().parent.parent

CASES = ("sweep", "peaks", "r2")


@pytest.fixture(scope="module")
def results():
    return bench.run(sweep=30, peaks=12, nd=1, repeats=2, numba=False, cases=CASES)


def test_every_case_has_every_path_the_book_compares(results):
    sweep = results["cases"]["sweep"]["paths"]
    for path_id in (
        "python_np",
        "python_math",
        "seed",
        "factory",
        "from_cython",
        "cython_reused",
        "ctypes_reused",
        "cffi_reused",
        "quad_vec",
        "cubature",
        "floor",
    ):
        assert path_id in sweep
    assert {"python", "cython_reused", "quad_vec"} <= set(
        results["cases"]["peaks"]["paths"]
    )
    assert {"python_np", "cython_innermost"} <= set(results["cases"]["r2"]["paths"])


def test_rows_are_keyed_by_id_and_carry_the_label_a_table_shows(results):
    sweep = results["cases"]["sweep"]["paths"]
    assert sweep["cython_reused"]["label"] == "Cython, reused"
    assert sweep["floor"]["label"] == "floor: quad call alone"
    assert results["cases"]["sweep"]["baseline"] == "python_np"
    table = bench.format_table(results, show_targets=False)
    for case in results["cases"].values():
        for row in case["paths"].values():
            assert row["label"] in table
    assert "cython_reused" not in table


@pytest.mark.parametrize(
    "build",
    [
        lambda: bench.sweep_case(np.linspace(0.1, 10, 3)),
        lambda: bench.peaks_case(np.linspace(0.1, 0.9, 3)),
        lambda: bench.nd_case(np.linspace(0.5, 2.0, 2), 2),
        lambda: bench.nd_case(np.linspace(0.5, 2.0, 2), 3),
    ],
    ids=["sweep", "peaks", "r2", "r3"],
)
def test_path_ids_and_labels_are_unique_within_a_case(build):
    case = build()
    ids = [path.id for path in case.paths]
    labels = [path.label for path in case.paths]
    assert len(set(ids)) == len(ids), ids
    assert len(set(labels)) == len(labels), labels
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", path_id) for path_id in ids), ids
    assert case.baseline in ids


def test_a_case_refuses_two_paths_with_one_id():
    case = bench.sweep_case(np.linspace(0.1, 10, 3), numba=False)
    twin = dataclasses.replace(case.paths[1], id=case.paths[0].id)
    with pytest.raises(ValueError, match="have the id 'python_np'"):
        bench.Case("t", "", case.params, case.exact, "python_np", [case.paths[0], twin])
    with pytest.raises(ValueError, match="baseline: .* 'nope'"):
        bench.Case("t", "", case.params, case.exact, "nope", case.paths)


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
    assert any(
        t["b"] == bench.FLOOR and t["b_label"] == "the floor"
        for t in results["targets"]
    )


def test_main_prints_the_table_and_writes_json(tmp_path, capsys):
    status = main(
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
    # The JSON carries both: rows keyed by id, each with its label.
    row = data["cases"]["sweep"]["paths"]["cython_reused"]
    assert row["label"] == "Cython, reused"


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


@pytest.mark.parametrize("bad", [[1 + 2j], ["1"], [None], [[1.0]], [True], "12"])
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
        row = out["cases"][key]["paths"]["numba_reused"]
        assert row["label"] == "numba cfunc, reused"
        assert row["max_relative_error"] < 1e-8
    assert any("numba" in t["target"] for t in out["targets"])


def test_every_pyobject_the_book_includes_from_the_benchmark_exists():
    # literalinclude :pyobject: shows a whole function or class by its name;
    # a name that no longer exists would fail the book's build, this fails
    # first.  Names are looked up in the sources, not the installed package.
    pattern = re.compile(
        r"```\{literalinclude\} \.\./(kernels/bench/\w+\.py)\n((?::\w+:.*\n)*)"
    )
    found = 0
    for chapter in sorted((ROOT / "book").glob("*.md")):
        for source, options in pattern.findall(chapter.read_text()):
            assert ":start-after:" not in options, (chapter.name, source)
            name = re.search(r"^:pyobject: (\S+)$", options, re.MULTILINE)
            assert name, (chapter.name, source, "no :pyobject:")
            tree = ast.parse((ROOT / source).read_text())
            defined = {
                node.name
                for node in tree.body
                if isinstance(node, ast.FunctionDef | ast.ClassDef)
            }
            assert name.group(1) in defined, (chapter.name, source, name.group(1))
            found += 1
    assert found >= 4
