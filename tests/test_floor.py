"""Claims the book makes about kernels.floor, the measure of quad's floor."""

import math
import warnings

import numpy as np
import pytest
from scipy import LowLevelCallable, integrate

from forked import run_forked
from kernels import capsules, floor, gaussian, lorentz, native
from kernels.pycapsule import capsule_name


def test_constant_capsule_is_named_by_its_c_signature():
    assert capsule_name(floor.__pyx_capi__["constant"]) == "double (double, void *)"


@pytest.mark.parametrize("value", [0.0, 1.0, -2.5])
def test_constant_integrates_to_value_times_length(value):
    result, _ = integrate.quad(floor.constant_callable(value), 0.0, 3.0)
    assert result == pytest.approx(3.0 * value, abs=1e-14)


def test_zero_stops_after_one_rule_on_both_kinds_of_range():
    # The floor measures one quad call: with the integrand 0 it must stop at
    # once, 30 evaluations on (-inf, inf) (15 points, on each half) and 21 on
    # a finite range (one 21-point Gauss-Kronrod rule).
    zero = floor.constant_callable()
    infinite = integrate.quad(zero, -np.inf, np.inf, full_output=1)
    finite = integrate.quad(zero, 0.0, 1.0, full_output=1)
    assert infinite[0] == 0.0 and infinite[2]["neval"] == 30
    assert finite[0] == 0.0 and finite[2]["neval"] == 21


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_non_finite_constant_raises_value_error(value):
    with pytest.raises(ValueError, match="finite"):
        floor.constant_callable(value)


@pytest.mark.parametrize("value", ["0", None, True, [0.0]])
def test_non_real_constant_raises_type_error(value):
    with pytest.raises(TypeError, match="real number"):
        floor.constant_callable(value)


def test_sum_gauss_adds_the_same_values_as_numpy():
    rng = np.random.default_rng(1)
    x = rng.normal(size=1000)
    a = rng.uniform(0.1, 10, size=1000)
    assert floor.sum_gauss(x, a) == pytest.approx(np.exp(-a * x * x).sum(), rel=1e-13)


def test_sum_gauss_calls_the_same_function_quad_calls():
    # One term of the loop is gauss(x, &a): the integrand of gaussian_callable.
    llc = gaussian.gaussian_callable(2.0)
    assert capsules.read_doubles(llc.user_data).tolist() == [2.0]
    assert floor.sum_gauss([0.5], [2.0]) == math.exp(-2.0 * 0.25)


def test_sum_lorentz_adds_the_same_values_as_numpy():
    rng = np.random.default_rng(2)
    x = rng.uniform(size=500)
    c = rng.uniform(0.1, 0.9, size=500)
    width = np.full(500, 1e-3)
    expected = (width / ((x - c) ** 2 + width**2)).sum()
    total = floor.sum_lorentz(x, np.column_stack([c, width]))
    assert total == pytest.approx(expected, rel=1e-13)
    assert lorentz.lorentz_integral(0.5, 1e-3, 0.0, 1.0) > 0


def test_loops_accept_strided_and_empty_input():
    x = np.arange(10.0)[::2]
    assert floor.sum_gauss(x, np.ones(5)) == pytest.approx(np.exp(-(x**2)).sum())
    assert floor.sum_gauss([], []) == 0.0


def test_loops_reject_mismatched_lengths():
    with pytest.raises(ValueError, match="x has 3 values but the parameters have 2"):
        floor.sum_gauss([1.0, 2.0, 3.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="x has 1 values but the parameters have 2"):
        floor.sum_lorentz([1.0], [[0.5, 1e-3], [0.5, 1e-3]])


def test_loops_reject_bad_shapes_and_types():
    with pytest.raises(ValueError, match="1-D"):
        floor.sum_gauss(np.ones((2, 2)), np.ones(4))
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        floor.sum_lorentz([0.5], [[0.5, 1e-3, 7.0]])
    with pytest.raises(TypeError, match="real numbers"):
        floor.sum_gauss(["a"], [1.0])
    with pytest.raises(TypeError, match="real numbers"):
        floor.sum_lorentz([0.5], [["c", "w"]])


# --- the tape: record an integrand's values, play them back ------------------


def _quad_line(f):
    return integrate.quad(f, -np.inf, np.inf, full_output=1)


def test_record_values_gives_the_integrands_values_at_quads_points():
    # Oracle: NumPy's exp at the points the tape records, and quad's count.
    llc = gaussian.gaussian_callable(0.7)
    values = floor.record_values(llc, _quad_line)
    points = floor.record_values(llc, _quad_line, dims=1)
    neval = integrate.quad(llc, -np.inf, np.inf, full_output=1)[2]["neval"]
    assert values.shape == (neval,) and points.shape == (neval, 1)
    np.testing.assert_allclose(values, np.exp(-0.7 * points[:, 0] ** 2), rtol=1e-12)


def test_record_values_runs_again_when_the_tape_is_too_short():
    llc = gaussian.gaussian_callable(2.0)
    runs = []

    def run(f):
        runs.append(1)
        return _quad_line(f)

    short = floor.record_values(llc, run, capacity=1)
    assert len(runs) == 2
    np.testing.assert_array_equal(short, floor.record_values(llc, _quad_line))


def test_record_values_keeps_every_kth_call():
    llc = gaussian.gaussian_callable(1.0)
    every = floor.record_values(llc, _quad_line)
    np.testing.assert_array_equal(
        floor.record_values(llc, _quad_line, every=7), every[::7]
    )


def test_replay_makes_quad_take_the_same_path_and_give_the_same_result():
    llc = gaussian.gaussian_callable(3.0)
    real = _quad_line(llc)
    player = floor.replay_callable(floor.record_values(llc, _quad_line))
    replayed = _quad_line(player)
    assert replayed[:2] == real[:2]  # bit for bit: same values, same sums
    assert replayed[2]["neval"] == real[2]["neval"] == floor.tape_position(player)
    floor.rewind(player)
    assert _quad_line(player)[:2] == real[:2]


def test_replay_nd_replays_nquads_innermost_values():
    llc = gaussian.gaussian_nd_callable(1.0)
    ranges = [[-np.inf, np.inf]] * 2
    points = floor.record_values(llc, lambda f: integrate.nquad(f, ranges), dims=2)
    values = floor.record_values(llc, lambda f: integrate.nquad(f, ranges))
    np.testing.assert_allclose(values, np.exp(-(points**2).sum(axis=1)), rtol=1e-12)
    player = floor.replay_callable(values, multivariate=True)
    # bit for bit: the outer levels see the same inner results, so the same
    # points are asked for all the way down
    assert integrate.nquad(player, ranges) == integrate.nquad(llc, ranges)
    assert floor.tape_position(player) == len(values)


def test_replay_takes_quads_adaptive_path_on_a_narrow_peak():
    # A finite range with many bisections (QAGS): same values, same path.
    llc = lorentz.lorentz_callable(0.37, 1e-3)
    run = lambda f: integrate.quad(f, 0.0, 1.0, full_output=1)  # noqa: E731
    real = run(llc)
    player = floor.replay_callable(floor.record_values(llc, run))
    replayed = run(player)
    assert replayed[:2] == real[:2]
    assert replayed[2]["last"] == real[2]["last"] > 10
    assert replayed[2]["neval"] == real[2]["neval"] == floor.tape_position(player)


def test_a_tape_that_runs_out_gives_nan_and_quad_warns():
    player = floor.replay_callable([1.0, 1.0])
    with pytest.warns(integrate.IntegrationWarning):
        result, _ = integrate.quad(player, 0.0, 1.0)
    assert math.isnan(result)
    assert floor.tape_position(player) == 2  # it stops at the end


def test_rewind_checks_the_position_and_the_callable():
    player = floor.replay_callable([1.0, 2.0, 3.0])
    floor.rewind(player, 3)
    assert floor.tape_position(player) == 3
    with pytest.raises(ValueError, match="position must be between 0 and 3"):
        floor.rewind(player, 4)
    with pytest.raises(ValueError, match="position"):
        floor.rewind(player, -1)
    with pytest.raises(TypeError, match="position"):
        floor.rewind(player, True)
    with pytest.raises(TypeError, match="replay_callable"):
        floor.rewind(gaussian.gaussian_callable(1.0))
    with pytest.raises(TypeError, match="replay_callable"):
        floor.tape_position("not a callable")


@pytest.mark.parametrize(
    ("bad", "error", "match"),
    [([], ValueError, "at least one"), (["1"], TypeError, "values"),
     ([[1.0]], ValueError, "values")],
)  # fmt: skip
def test_replay_callable_refuses_what_is_not_values(bad, error, match):
    with pytest.raises(error, match=match):
        floor.replay_callable(bad)
    with pytest.raises(TypeError, match="multivariate"):
        floor.replay_callable([1.0], multivariate=1)


def test_record_values_refuses_what_it_cannot_record():
    llc = gaussian.gaussian_callable(1.0)
    with pytest.raises(TypeError, match="llc"):
        floor.record_values(lambda x: x, _quad_line)
    with pytest.raises(TypeError, match="run"):
        floor.record_values(llc, None)
    with pytest.raises(TypeError, match="capsules"):
        floor.record_values(LowLevelCallable(native.ctypes_gauss()), _quad_line)
    for name, value in (("capacity", True), ("dims", -1), ("every", 0)):
        with pytest.raises((TypeError, ValueError), match=name):
            floor.record_values(llc, _quad_line, **{name: value})


def test_tapes_are_freed_with_their_callables():
    before = floor.live_tapes()
    player = floor.replay_callable(np.ones(10))
    floor.record_values(gaussian.gaussian_callable(1.0), _quad_line)
    assert floor.live_tapes() == before + 1
    del player
    assert floor.live_tapes() == before


def _without_user_data(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return integrate.quad(LowLevelCallable.from_cython(floor, name), 0, 1)[0]


@pytest.mark.parametrize("name", ["constant", "replay"])
def test_callbacks_without_user_data_return_nan_instead_of_crashing(name):
    assert math.isnan(run_forked(_without_user_data, name))


# --- the C loops: the cost of one evaluation, and nothing else ---------------


def test_time_loop_gives_one_time_per_repeat():
    x = np.linspace(-3, 3, 1000)
    for name, parameters in (
        ("gauss", np.ones(1000)),
        ("lorentz", np.column_stack([np.zeros(1000), np.ones(1000)])),
        ("constant", np.ones(1000)),
        ("gauss_nd", np.ones(500)),
        ("constant_nd", np.ones(500)),
    ):
        points = x.reshape(500, 2) if name.endswith("_nd") else x
        seconds = floor.time_loop(name, points, parameters, repeats=3)
        assert len(seconds) == 3 and all(s > 0 for s in seconds), name


def test_time_loop_checks_its_arguments_once_and_names_them():
    with pytest.raises(ValueError, match="integrand"):
        floor.time_loop("exp", [1.0], [1.0])
    with pytest.raises(ValueError, match="repeats"):
        floor.time_loop("gauss", [1.0], [1.0], repeats=0)
    with pytest.raises(TypeError, match="repeats"):
        floor.time_loop("gauss", [1.0], [1.0], repeats=True)
    with pytest.raises(ValueError, match=r"a\[0\]"):
        floor.time_loop("gauss", [1.0], [-1.0])
    with pytest.raises(ValueError, match=r"a\[0\]"):
        floor.time_loop("gauss_nd", [[1.0, 2.0]], [-1.0])
    with pytest.raises(ValueError, match="x has 2 values"):
        floor.time_loop("constant", [1.0, 2.0], [1.0])
