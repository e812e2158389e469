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
        "bare_call",
        "replay",
    ):
        assert path_id in sweep
    assert {"python", "cython_reused", "quad_vec"} <= set(
        results["cases"]["peaks"]["paths"]
    )
    assert {"python_np", "cython_innermost", "replay"} <= set(
        results["cases"]["r2"]["paths"]
    )


def test_rows_are_keyed_by_id_and_carry_the_label_a_table_shows(results):
    sweep = results["cases"]["sweep"]["paths"]
    assert sweep["cython_reused"]["label"] == "Cython, reused"
    assert sweep["bare_call"]["label"] == "bare quad call"
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
            if name == "bare_call":  # it integrates 0
                assert row["max_relative_error"] is None
            else:
                assert row["max_relative_error"] < 1e-8, (case["title"], name)


def test_the_replay_gives_the_compiled_paths_results_exactly(results):
    # Same values at the same points: quad takes the same path, so the
    # replay's results, and so its errors, are the compiled integrand's.
    for key, compiled in (
        ("sweep", "cython_reused"),
        ("peaks", "cython_reused"),
        ("r2", "cython_innermost"),
    ):
        paths = results["cases"][key]["paths"]
        assert (
            paths["replay"]["max_relative_error"]
            == (paths[compiled]["max_relative_error"])
        )
        assert (
            paths["replay"]["evaluations_per_integral"]
            == (paths[compiled]["evaluations_per_integral"])
        )


def test_quad_paths_evaluate_the_integrand_at_the_same_points(results):
    # Same algorithm, same inputs: every quad path of a case asks for the same
    # number of evaluations, whatever language the integrand is in.
    for key in CASES:
        paths = results["cases"][key]["paths"]
        counts = {
            row["evaluations_per_integral"]
            for path_id, row in paths.items()
            if row["kind"] in ("python", "callback", "numba") or path_id == "replay"
        }
        assert len(counts) == 1, (key, counts)


def test_every_row_has_best_median_min_and_max_in_order(results):
    for case in results["cases"].values():
        for row in case["paths"].values():
            t = row["us_per_integral"]
            assert 0 < t["min"] <= t["median"] <= t["max"]
            assert t["best"] == t["min"]  # the fastest whole run
            assert row["speedup_over_baseline"]["best"] > 0


class _Clock:
    """A perf_counter that advances by scripted amounts, one per timed call."""

    def __init__(self):
        self.now, self.steps = 0.0, []

    def __call__(self):
        return self.now

    def advance(self):
        self.now += self.steps.pop(0)


def _scripted_case(clock, scripts):
    """A case whose paths each take, run after run, the scripted seconds."""
    params = np.array([1.0, 2.0])

    def path(path_id, kind):
        times = list(scripts[path_id])

        def run(p):
            clock.now += times.pop(0)
            return np.sqrt(np.pi / p)

        return bench.Path(path_id, path_id, kind, run, lambda p: 1.0)

    paths = [path(i, kind) for i, kind in (("a", "python"), ("v", "vectorised"))]
    return bench.Case("t", "t", params, np.sqrt(np.pi / params), "a", paths)


def test_every_path_gets_its_fastest_whole_run(monkeypatch):
    # Two repeats, two slices.  Path a, one parameter at a time: slices of
    # 1 s and 4 s in the first run, 3 s and 1 s in the second: whole runs of
    # 5 s and 4 s.  Its best is 4 s (2 s per integral), not the 2 s that the
    # fastest of each slice, summed, would make it.  The vectorised path v
    # takes one turn per run: 6 s and 8 s.
    from kernels.bench import timing

    clock = _Clock()
    monkeypatch.setattr(timing.time, "perf_counter", clock)
    case = _scripted_case(clock, {"a": [1, 4, 3, 1], "v": [6, 8]})
    rows = timing.time_case(case, 2, chunks=2)
    a, v = rows["a"]["us_per_integral"], rows["v"]["us_per_integral"]
    assert a == {"best": 2e6, "median": 2.25e6, "min": 2e6, "max": 2.5e6}
    assert v == {"best": 3e6, "median": 3.5e6, "min": 3e6, "max": 4e6}
    assert rows["v"]["speedup_over_baseline"]["best"] == pytest.approx(2 / 3)


def test_the_floor_is_the_replay_plus_the_arithmetic(results):
    for key in ("sweep", "peaks", "r2"):
        floor = results["cases"][key]["floor"]
        per_eval = floor["per_eval"]
        assert per_eval["integrand_ns"] > 0 and per_eval["call_ns"] > 0
        assert per_eval["arithmetic_ns"] == pytest.approx(
            max(per_eval["integrand_ns"] - per_eval["call_ns"], 0.0)
        )
        replay = results["cases"][key]["paths"]["replay"]
        assert floor["replay_us"] == replay["us_per_integral"]["best"]
        assert floor["arithmetic_us"] == pytest.approx(
            replay["evaluations_per_integral"] * per_eval["arithmetic_ns"] * 1e-3
        )
        assert floor["floor_us"] == pytest.approx(
            floor["replay_us"] + floor["arithmetic_us"]
        )
    assert results["cases"]["sweep"]["floor"]["fixed_us"] > 0
    assert results["cases"]["r2"]["floor"]["fixed_us"] is None


def test_targets_are_reported_with_their_measured_ratios(results):
    names = [t["target"] for t in results["targets"]]
    assert names == [
        "sweep: fastest callback vs the floor",
        "peaks: fastest callback vs the floor",
        "r2: compiled innermost vs the floor",
    ]
    for t in results["targets"]:
        case = results["cases"][t["target"].split(":")[0]]
        assert t["a"] == bench.FLOOR and t["a_us"] == case["floor"]["floor_us"]
        assert t["b_us"] == case["paths"][t["b"]]["us_per_integral"]["best"]
        assert t["ratio"] > 0 and t["ratio_of_medians"] > 0
        assert t["ratio"] == pytest.approx(t["a_us"] / t["b_us"])
        baseline_us = case["paths"][case["baseline"]]["us_per_integral"]["best"]
        assert t["speedup"] == pytest.approx(baseline_us / t["b_us"])
        assert t["limit_speedup"] == pytest.approx(baseline_us / t["a_us"])
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
    assert all(t["a_label"] == "the floor" for t in results["targets"])


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


def test_fit_line_finds_a_known_line():
    evaluations = np.array([150.0, 300.0, 450.0, 700.0])
    exact = bench.fit_line(evaluations, 2.5 + 0.004 * evaluations)
    assert exact["fixed_us"] == pytest.approx(2.5, rel=1e-12)
    assert exact["per_eval_ns"] == pytest.approx(4.0, rel=1e-12)
    # With noise: the line through many points is found to within its
    # standard error (here 0.01 us on the intercept, 0.03 ns on the slope).
    rng = np.random.default_rng(7)
    many = np.repeat(evaluations, 50)
    noisy = bench.fit_line(many, 2.5 + 0.004 * many + rng.normal(0, 0.05, many.size))
    assert noisy["fixed_us"] == pytest.approx(2.5, abs=0.05)
    assert noisy["per_eval_ns"] == pytest.approx(4.0, abs=0.15)


@pytest.mark.parametrize(
    ("evaluations", "us"),
    [([300.0], [2.0]), ([300.0, 300.0], [2.0, 3.0]), ([1.0, 2.0], [1.0])],
)
def test_fit_line_refuses_what_fixes_no_line(evaluations, us):
    with pytest.raises(ValueError, match="evaluations"):
        bench.fit_line(evaluations, us)


def test_cost_versus_evaluations_fits_a_line_through_its_own_points():
    fit = bench.cost_versus_evaluations([1e-1, 1e-3], np.linspace(0.2, 0.8, 5), 1)
    assert fit["evaluations"][1] > fit["evaluations"][0]
    # Oracle: the line through the two measured points, by hand.
    n, us = fit["evaluations"], fit["us_compiled"]
    slope = (us[1] - us[0]) / (n[1] - n[0])
    assert fit["fit_compiled"]["per_eval_ns"] == pytest.approx(slope * 1e3)
    assert fit["fit_compiled"]["fixed_us"] == pytest.approx(us[0] - slope * n[0])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"widths": [1e-3]}, ValueError, "widths"),
        ({"widths": [1e-3, 1e-3]}, ValueError, "widths"),
        ({"repeats": 0}, ValueError, "repeats"),
        ({"repeats": 1.5}, TypeError, "repeats"),
        ({"centres": []}, ValueError, "centres"),
    ],
)
def test_cost_versus_evaluations_names_what_it_refuses(kwargs, error, match):
    arguments = {"widths": [1e-1, 1e-3], "centres": [0.5], "repeats": 1} | kwargs
    with pytest.raises(error, match=match):
        bench.cost_versus_evaluations(**arguments)


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


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"cases": ["nope"]}, ValueError, r"cases: unknown \['nope'\]"),
        ({"cases": "sweep"}, TypeError, "cases must be a sequence"),
        ({"cases": []}, ValueError, "cases"),
        ({"repeats": 0}, ValueError, "repeats must be at least 1"),
        ({"sweep": 0}, ValueError, "sweep must be at least 1"),
        ({"sweep": 2.5}, TypeError, "sweep must be an integer"),
        ({"peaks": True}, TypeError, "peaks"),
        ({"numba": "no"}, TypeError, "numba"),
        ({"progress": 1}, TypeError, "progress"),
    ],
)
def test_run_names_the_bad_setting(kwargs, error, match):
    with pytest.raises(error, match=match):
        bench.run(**kwargs)


def test_the_timing_functions_name_the_bad_parameter():
    case = bench.sweep_case([1.0], numba=False)
    with pytest.raises(ValueError, match="repeats must be at least 1"):
        bench.time_case(case, 0)
    with pytest.raises(TypeError, match="repeats must be an integer"):
        bench.time_case(case, 1.0)
    with pytest.raises(TypeError, match="case must be a Case"):
        bench.time_case("sweep", 1)
    with pytest.raises(ValueError, match="x must be a non-empty"):
        bench.per_evaluation_ns("gauss", [], [])
    with pytest.raises(ValueError, match="integrand"):
        bench.per_evaluation_ns(sum, [1.0], [1.0])
    with pytest.raises(ValueError, match="parameters must have one entry"):
        bench.per_evaluation_ns("gauss", [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="minimum_calls"):
        bench.per_evaluation_ns("gauss", [1.0], [1.0], minimum_calls=0)
    with pytest.raises(ValueError, match="case: 'nope'"):
        bench.fastest_callback({"cases": {}}, "nope")


def test_the_replay_path_rewinds_for_a_stretch_and_records_anew_otherwise():
    case = bench.peaks_case(np.linspace(0.2, 0.8, 6), numba=False)
    replay = {p.id: p for p in case.paths}["replay"]
    compiled = {p.id: p for p in case.paths}["cython_reused"]
    np.testing.assert_array_equal(replay.run(case.params), compiled.run(case.params))
    for some in (case.params[2:5], case.params[::-1], np.array([0.33])):
        np.testing.assert_array_equal(replay.run(some), compiled.run(some))


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
    assert out["targets"][0]["b"] in out["cases"]["sweep"]["paths"]


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
