"""kernels.require_installed, the check every chapter runs first."""

import os
import pathlib
import shutil
import subprocess
import sys

import kernels

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHECK = "import kernels; kernels.require_installed(); print('ok')"


def run_check(cwd, *options, env=None):
    return subprocess.run(
        [sys.executable, *options, "-c", CHECK],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_installed_package_passes():
    assert kernels.require_installed() is None
    result = run_check(ROOT, "-P")  # -P: the installed package, not ./kernels
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"


def test_the_uncompiled_sources_fail_with_what_to_do():
    # From the project's root, without -P, `kernels` is the source folder.
    result = run_check(ROOT)
    assert result.returncode != 0
    assert "ImportError: kernels' compiled modules cannot be imported" in result.stderr
    assert f"(imported from {ROOT / 'kernels'})" in result.stderr
    assert "`make install`" in result.stderr


def test_an_install_without_its_pxd_files_fails_naming_them(tmp_path):
    # A copy of the installed package with two .pxd files gone: it imports,
    # but a %%cython cell could not cimport those modules.
    copy = tmp_path / "kernels"
    shutil.copytree(pathlib.Path(kernels.__file__).parent, copy)
    (copy / "gaussian.pxd").unlink()
    (copy / "normal.pxd").unlink()
    result = run_check(tmp_path, "-P", env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(
        f"ImportError: kernels (imported from {copy}) has no gaussian.pxd, "
        "normal.pxd beside its compiled modules"
    ), last_line
    assert "`make install`" in last_line
