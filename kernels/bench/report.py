"""Reading the results: the fastest callback, the targets, the tables.

Code looks paths up by id; the tables show their labels.
"""

__all__ = ["FLOOR", "GOALS", "fastest_callback", "format_table", "targets"]

# The id by which a target names the floor of a case (``floor_estimate`` of
# kernels.bench.timing), which is not a path; and the label a table shows.
FLOOR = "floor_estimate"
FLOOR_LABEL = "the floor"

# The targets' goals: A / B, from the best times, must meet them.
GOALS = {
    "fastest callback vs pure Python": (">=", 15.0),
    "fastest callback no slower than numba": ("<=", 1.0),
    "fastest callback within 1.5x of the floor": ("<=", 1.5),
    "compiled callback vs quad_vec": (">=", 20.0),
    "nquad, compiled innermost vs Python": (">=", 10.0),
}


def fastest_callback(results, case="sweep"):
    """Id and best time of the fastest compiled callback path of the book."""
    paths = results["cases"][case]["paths"]
    path_id = min(
        (i for i, row in paths.items() if row["kind"] == "callback"),
        key=lambda i: paths[i]["us_per_integral"]["best"],
    )
    return path_id, paths[path_id]["us_per_integral"]["best"]


def _time_of(results, case, path_id, stat):
    """Time per integral of a path (or of the floor) by a statistic."""
    rows = results["cases"][case]["paths"]
    if path_id != FLOOR:
        return rows[path_id]["us_per_integral"][stat]
    fl = results["cases"][case]["floor"]
    fixed = rows["floor"]["us_per_integral"][stat]
    return fixed + fl["floor_us"] - fl["fixed_us"]


def _label_of(results, case, path_id):
    if path_id == FLOOR:
        return FLOOR_LABEL
    return results["cases"][case]["paths"][path_id]["label"]


def _specs(results):
    """(name, case, A, B) for every target that the results can decide."""
    cases = results["cases"]
    if "sweep" in cases:
        best, _ = fastest_callback(results)
        baseline = cases["sweep"]["baseline"]
        yield "fastest callback vs pure Python", "sweep", baseline, best
        for path_id, row in cases["sweep"]["paths"].items():
            if row["kind"] == "numba":
                yield "fastest callback no slower than numba", "sweep", best, path_id
        yield "fastest callback within 1.5x of the floor", "sweep", best, FLOOR
    if "peaks" in cases:
        yield "compiled callback vs quad_vec", "peaks", "quad_vec", "cython_reused"
    for key in ("r2", "r3"):
        if key in cases:
            baseline = cases[key]["baseline"]
            yield (
                "nquad, compiled innermost vs Python",
                key,
                baseline,
                "cython_innermost",
            )


def targets(results):
    """The benchmark's targets, each with the time ratio it measured.

    Every target compares the times of two paths of one case, A / B.  The
    ``best`` times (each slice's fastest repeat: the least disturbed by other
    processes) decide PASS or FAIL; the ratio of the medians is given too.
    ``a`` and ``b`` are path ids, ``a_label`` and ``b_label`` what a table
    shows.
    """
    found = []
    for name, case, a, b in _specs(results):
        comparison, goal = GOALS[name]
        ratio = {
            stat: _time_of(results, case, a, stat) / _time_of(results, case, b, stat)
            for stat in ("best", "median")
        }
        passed = ratio["best"] >= goal if comparison == ">=" else ratio["best"] <= goal
        found.append(
            {
                "target": f"{case}: {name}",
                "a": a,
                "b": b,
                "a_label": _label_of(results, case, a),
                "b_label": _label_of(results, case, b),
                "a_us": _time_of(results, case, a, "best"),
                "b_us": _time_of(results, case, b, "best"),
                "ratio": ratio["best"],
                "ratio_of_medians": ratio["median"],
                "goal": f"{comparison} {goal:g}",
                "passed": bool(passed),
            }
        )
    return found


def _header(results, compact):
    v = results["versions"]
    return [
        f"Python {v['python']}, NumPy {v['numpy']}, SciPy {v['scipy']}, "
        f"Cython {v['cython']}, numba {v['numba']}",
        f"{v['platform']}, {v['cpu_count']} CPUs",
        "Time per integral (us). best: each slice's fastest of "
        f"{results['settings']['repeats']} repeats, summed;",
        "median: of the repeats' totals. x base: from best."
        if compact
        else "median [min, max]: of the repeats' totals. x baseline: from best.",
    ]


def _case_lines(case, compact):
    """One case's table: a row per path, then the floor's."""
    if compact:
        lines = [
            f"{'path':<25}{'best':>9}{'median':>10}{'x base':>7}"
            f"{'evals':>7}{'rel err':>9}"
        ]
    else:
        lines = [
            f"{'path':<26}{'best':>10}{'median':>11} {'[min, max]':<20}"
            f"{'x baseline':>10}{'evals':>9}{'max rel err':>12}  note"
        ]
    for row in case["paths"].values():
        label = row["label"]
        t = row["us_per_integral"]
        error = row["max_relative_error"]
        error = "-" if error is None else f"{error:.1e}"
        speedup = row["speedup_over_baseline"]["best"]
        evaluations = row["evaluations_per_integral"]
        if compact:
            lines.append(
                f"{label:<25}{t['best']:>9.2f}{t['median']:>10.2f}"
                f"{speedup:>7.1f}{evaluations:>7.0f}{error:>9}"
            )
            continue
        spread = f"[{t['min']:.2f}, {t['max']:.2f}]"
        lines.append(
            f"{label:<26}{t['best']:>10.2f}{t['median']:>11.2f} {spread:<20}"
            f"{speedup:>10.1f}{evaluations:>9.0f}{error:>12}  {row['note']}"
        )
    fl = case["floor"]
    if fl and compact:
        lines.append(
            f"{'floor: fixed + evals x eval':<25}{fl['floor_us']:>9.2f}"
            f"{'':>17}{fl['evaluations_per_integral']:>7.0f}"
        )
    elif fl:
        lines.append(
            f"{'floor: fixed + evals x eval':<26}{fl['floor_us']:>10.2f}"
            f"{'':>11} {'':<20}{'':>10}{fl['evaluations_per_integral']:>9.0f}"
            f"{'-':>12}  {fl['fixed_us']:.2f} us + evals x "
            f"{fl['per_eval_ns']:.1f} ns"
        )
    return lines


def format_table(results, show_targets=True, compact=False):
    """The results as text: one table per case, then (optionally) the targets.

    ``compact=True`` leaves out the min and max of the repeats and the notes,
    for a page narrower than a terminal.
    """
    lines = _header(results, compact)
    for case in results["cases"].values():
        lines += ["", f"== {case['title']}"] + _case_lines(case, compact)
    if not show_targets:
        return "\n".join(lines)
    lines.append("")
    lines.append(
        "Targets: A/B from the best times decides; the medians' ratio beside it."
    )
    for t in results["targets"]:
        lines.append(
            f"{'PASS' if t['passed'] else 'FAIL'}  {t['target']}: "
            f"A/B = {t['ratio']:.2f} (goal {t['goal']}; medians: "
            f"{t['ratio_of_medians']:.2f}); A = {t['a_label']} {t['a_us']:.2f} us, "
            f"B = {t['b_label']} {t['b_us']:.2f} us"
        )
    return "\n".join(lines)
