"""A %%cython notebook cell can cimport the installed kernels package."""

import textwrap

import pytest


def test_cython_cell_cimports_kernels_and_runs_its_callback(ipython_shell):
    ipython_shell.run_cell_magic(
        "cython",
        "",
        textwrap.dedent("""
        from kernels.gaussian cimport gauss
        from kernels.capsules cimport double_capsule, doubles_of

        def gauss_at(double x, double a):
            user_data = double_capsule(a)
            return gauss(x, doubles_of(user_data))
    """),
    )
    gauss_at = ipython_shell.user_ns["gauss_at"]
    assert gauss_at(1.5, 2.0) == pytest.approx(2.718281828459045**-4.5, rel=1e-15)


def test_cython_cell_compile_error_defines_nothing(ipython_shell, capsys):
    # %%cython prints a compile error instead of raising: the names the cell
    # should define are missing, so the next cell that uses them fails.
    result = ipython_shell.run_cell_magic("cython", "", "def broken(:\n    pass\n")
    assert result is None
    assert "broken" not in ipython_shell.user_ns
    assert "Error compiling Cython file" in capsys.readouterr().err
