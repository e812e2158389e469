"""Regression tests for the defects of issue 14, each one reproduced as filed.

The crash reproductions run in a fresh interpreter (``run_python``), so that a
segfault fails one test, with its output, instead of killing the run.
"""

import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from scipy import integrate

from kernels import capsules, floor, gaussian, leaky, lorentz, multidim, normal

# Children start in the tests' folder, never in the project root, whose
# uncompiled kernels/ would hide the installed package.
TESTS = os.path.dirname(os.path.abspath(__file__))


def run_python(code, timeout=120):
    """Run ``code`` in a fresh interpreter; return the CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-P", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=TESTS,
    )


def assert_ran_cleanly(result):
    assert result.returncode == 0, (
        f"child exited with {result.returncode} "
        f"(negative: killed by signal {-result.returncode})\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    # A C callback cannot raise: an exception inside one is printed as
    # "Exception ignored" and the callback returns garbage.
    assert "Exception ignored" not in result.stderr, result.stderr


# Defect 1: set_double wrote into the recorder's structured block.


def test_set_double_on_a_recorder_cannot_crash_dblquad():
    result = run_python(
        """
        from scipy import integrate
        from kernels import capsules, multidim
        rec = multidim.recording_callable(1)
        try:
            capsules.set_double(rec.user_data, 2, 1e6)
        except TypeError as exc:
            print("refused:", exc)
        print(integrate.dblquad(rec, 0, 1, 0, 1)[0])
        """
    )
    assert_ran_cleanly(result)
    assert "refused:" in result.stdout
    assert float(result.stdout.split()[-1]) == pytest.approx(1.0)


def test_set_double_and_read_doubles_refuse_the_recorder_with_a_clear_error():
    rec = multidim.recording_callable(2)
    with pytest.raises(TypeError, match="recording_callable"):
        capsules.set_double(rec.user_data, 0, 1.0)
    with pytest.raises(TypeError, match="recording_callable"):
        capsules.read_doubles(rec.user_data)
    integrate.dblquad(rec, 0, 1, 0, 2)
    record = multidim.read_record(rec)
    assert record.n == 2
    assert record.low[0] >= 0 and record.high[1] <= 2


def test_correlated_precision_block_is_read_only():
    llc = multidim.correlated_gaussian_callable([[1.0, 0.5], [0.5, 2.0]])
    before = capsules.read_doubles(llc.user_data).tolist()
    with pytest.raises(TypeError, match="read-only"):
        capsules.set_double(llc.user_data, 0, -5.0)
    assert capsules.read_doubles(llc.user_data).tolist() == before


# Defect 2: the cffi function pointer outlived its library.

CFFI_AFTER_GC = """
    import gc, math, sys
    from scipy import LowLevelCallable, integrate
    from kernels import capsules, native
    function = native.cffi_gauss()[1]      # the ffi is dropped at once
    gc.collect()
    assert "_ctypes" not in sys.modules or {ctypes_first}
    llc = LowLevelCallable(function, capsules.double_capsule(2.0))
    del function
    gc.collect()
    value = integrate.quad(llc, -math.inf, math.inf)[0]
    print(value)
    assert abs(value - math.sqrt(math.pi / 2.0)) < 1e-10
"""


def test_cffi_pointer_outlives_its_ffi_in_a_fresh_interpreter():
    # Nothing has loaded libgauss_c through ctypes in the child: before the
    # fix, cffi unloaded the library with its ffi and quad segfaulted.
    result = run_python(CFFI_AFTER_GC.format(ctypes_first="True"))
    assert_ran_cleanly(result)


def test_cffi_pointer_outlives_its_ffi_after_ctypes_loaded_the_library():
    code = "from kernels import native; native.ctypes_gauss()\n" + textwrap.dedent(
        CFFI_AFTER_GC.format(ctypes_first="True")
    )
    assert_ran_cleanly(run_python(code))


# Defect 3: a division by zero inside a noexcept nogil callback.


def test_sum_lorentz_with_an_underflowing_width_is_refused_not_zero():
    with pytest.raises(ValueError, match="width"):
        floor.sum_lorentz([0.5], [[0.5, 1e-200]])


@pytest.mark.parametrize("width", [1e-154, 1e-200, 5e-324])
def test_lorentz_callable_refuses_a_width_whose_square_underflows(width):
    with pytest.raises(ValueError, match="width"):
        lorentz.lorentz_callable(0.5, width)


def test_lorentz_at_the_smallest_width_gives_one_over_width_at_the_peak():
    width = lorentz.WIDTH_RANGE[0]
    assert width * width > 0
    assert floor.sum_lorentz([0.5], [[0.5, width]]) == pytest.approx(1 / width)
    assert floor.sum_lorentz([0.5], [[0.5, lorentz.WIDTH_RANGE[1]]]) == (
        pytest.approx(1 / lorentz.WIDTH_RANGE[1])
    )


def test_no_exception_is_ignored_inside_a_callback_at_the_edges():
    result = run_python(
        """
        import math
        from scipy import integrate
        from kernels import floor, lorentz, normal
        lo, hi = lorentz.WIDTH_RANGE
        for width in (lo, hi):
            print(floor.sum_lorentz([0.5, 1e308, -math.inf], [[0.5, width]] * 3))
        llc = normal.normal_callable(0.0, normal.SIGMA_RANGE[0])
        print(integrate.quad(llc, -1, 1, points=[0.0], limit=200)[0])
        """
    )
    assert_ran_cleanly(result)


def test_normal_refuses_a_sigma_whose_inverse_overflows():
    with pytest.raises(ValueError, match="sigma"):
        normal.normal_callable(0.0, 1e-310)


# Defect 4: huge integers gave an OverflowError that named nothing.

HUGE = 10**400


@pytest.mark.parametrize(
    ("factory", "name"),
    [
        (lambda v: gaussian.gaussian_callable(v), "a"),
        (lambda v: gaussian.gaussian_nd_callable(v), "a"),
        (lambda v: normal.normal_callable(v, 1.0), "mu"),
        (lambda v: normal.normal_callable(0.0, v), "sigma"),
        (
            lambda v: normal.set_normal_params(
                normal.normal_params_capsule(0, 1), 0, v
            ),
            "sigma",
        ),
        (lambda v: lorentz.lorentz_callable(v, 1.0), "c"),
        (lambda v: lorentz.lorentz_callable(0.0, v), "width"),
        (lambda v: floor.constant_callable(v), "value"),
        (lambda v: capsules.double_capsule(v), "value"),
        (lambda v: capsules.set_double(capsules.double_capsule(0), 0, v), "value"),
        (lambda v: leaky.leaky_double_capsule(v), "value"),
    ],
)
@pytest.mark.parametrize(
    # 10**5000: beyond the 4300 digits Python will convert to a string.
    "huge",
    [HUGE, -HUGE, 10**5000],
    ids=["1e400", "-1e400", "1e5000"],
)
def test_huge_integers_raise_a_value_error_that_names_the_parameter(
    factory, name, huge
):
    with pytest.raises(ValueError, match=rf"^{name} .*too large"):
        factory(huge)


# Defect 5: silent conversions and a width that set_double could break.


@pytest.mark.parametrize("width", [0.0, -1.0, math.nan, math.inf, 1e-200])
def test_set_double_cannot_break_the_lorentz_width(width):
    llc = lorentz.lorentz_callable(0.5, 0.1)
    with pytest.raises(ValueError, match="width"):
        capsules.set_double(llc.user_data, 1, width)
    assert capsules.read_doubles(llc.user_data).tolist() == [0.5, 0.1]


@pytest.mark.parametrize("c", [math.nan, math.inf, -math.inf])
def test_set_double_cannot_move_the_lorentz_centre_off_the_line(c):
    llc = lorentz.lorentz_callable(0.5, 0.1)
    with pytest.raises(ValueError, match="c "):
        capsules.set_double(llc.user_data, 0, c)


def test_set_double_still_moves_the_lorentz_centre():
    llc = lorentz.lorentz_callable(0.5, 0.1)
    capsules.set_double(llc.user_data, 0, 0.25)
    value, _ = integrate.quad(llc, 0, 1, points=[0.25])
    assert value == pytest.approx(lorentz.lorentz_integral(0.25, 0.1, 0, 1))


@pytest.mark.parametrize(
    "values",
    [
        np.array([1 + 2j]),
        np.array([1.0 + 0j]),
        ["1", "2"],
        np.array(["1", "2"]),
        [None],
        [1.0, None],
        np.array([1.0, 2.0], dtype=object),
        [True, False],
        np.array([True]),
        b"12",
        "12",
        None,
    ],
)
def test_array_capsule_refuses_what_is_not_real_numbers(values):
    before = capsules.live_buffers()
    with pytest.raises(TypeError, match="values"):
        capsules.array_capsule(values)
    assert capsules.live_buffers() == before


@pytest.mark.parametrize(
    "bad", [np.array([1 + 2j]), ["1"], [None], np.array([1.0], dtype=object)]
)
def test_floor_loops_refuse_what_is_not_real_numbers(bad):
    with pytest.raises(TypeError, match="x"):
        floor.sum_gauss(bad, [1.0])
    with pytest.raises(TypeError, match="a"):
        floor.sum_gauss([1.0], bad)
    with pytest.raises(TypeError, match="x"):
        floor.sum_lorentz(bad, [[0.5, 0.1]])


def test_sum_gauss_refuses_a_non_positive_a_like_the_factory():
    with pytest.raises(ValueError, match=r"a\[1\]"):
        floor.sum_gauss([0.0, 1.0], [1.0, -1.0])


# Defect 6: documented, not changed (SciPy appends args to xx). What is
# tested is what quad computes, against the closed form, not the docstring.


@pytest.mark.parametrize(("a", "b"), [(1.0, 5.0), (1.5, 0.5), (0.25, 2.0)])
def test_args_become_extra_coordinates_of_gauss_nd(a, b):
    # quad passes xx = [x, b]: gauss_nd integrates exp(-a (x**2 + b**2)).
    llc = gaussian.gaussian_nd_callable(a)
    value, _ = integrate.quad(llc, -np.inf, np.inf, args=(b,))
    assert value == pytest.approx(math.sqrt(math.pi / a) * math.exp(-a * b * b))
    assert value != pytest.approx(math.sqrt(math.pi / a), rel=1e-3)


def test_tplquad_ignores_the_third_variable_of_correlated_gauss():
    # Constant along the third variable: 3 (its range) times the 2-D
    # integral 2 pi sqrt(det cov), with det cov = 1.
    llc = multidim.correlated_gaussian_callable([[1.0, 0.0], [0.0, 1.0]])
    value, _ = integrate.tplquad(llc, 0, 3, -8, 8, -8, 8)
    assert value == pytest.approx(3 * 2 * math.pi, rel=1e-6)
