"""The package that book/packaging.md writes builds and works as the page says.

The tests read the project's files from the page itself (each is a
``%%writefile PATH`` cell; the exercises' ``%%writefile -a`` cells are not part
of it), build a wheel from them the way the page does (pip, no build
isolation, no network), and check what the page claims: the wheel holds the
``.pxd`` and ``__init__.py`` beside the compiled module, the module exports
the integrand in ``__pyx_capi__`` under the signature quad takes, the
package's own tests pass against the installed wheel, and ``%%cython -I`` does
not make a ``cimport`` find the ``.pxd`` while ``sys.path`` does.

It also checks the commands the page shows: `python -m pytest` from the
project's root imports the source folder (`-P` fixes it), and pip reads a
bare folder name as a package name. One build is shared by the module's
tests (about 10 s of CPU time).
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

PAGE = pathlib.Path(__file__).resolve().parents[1] / "book" / "packaging.md"
BIN = str(pathlib.Path(sys.executable).parent)
ENV = {
    **os.environ,
    "PATH": BIN + os.pathsep + os.environ.get("PATH", ""),
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
}
CIMPORT = "from mycallbacks.integrands cimport gauss\n"


def project_files():
    """{relative path: text} of every %%writefile cell of the page."""
    cells = re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", PAGE.read_text(), re.S)
    files = {}
    for cell in cells:
        first, _, body = cell.partition("\n")
        match = re.fullmatch(r"%%writefile (\S+)", first)
        if match:
            files[match[1]] = body
    return files


def pip(*args, cwd):
    result = subprocess.run(
        [sys.executable, "-m", "pip", *map(str, args)],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The page's project, its wheel and the wheel installed with --target."""
    if shutil.which("meson", path=ENV["PATH"]) is None:
        pytest.skip("meson is not installed (the build dependency group)")
    root = tmp_path_factory.mktemp("packaging")
    project = root / "mycallbacks-project"
    for name, text in project_files().items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    pip(
        "wheel", "--no-build-isolation", "--no-deps", "--no-index",
        "--no-cache-dir", "--wheel-dir", root / "dist", project,
        cwd=root,
    )  # fmt: skip
    (wheel,) = (root / "dist").glob("mycallbacks-*.whl")
    site = root / "site"
    pip("install", "--no-deps", "--no-index", "--no-cache-dir", "--target", site,
        wheel, cwd=root)  # fmt: skip
    empty = root / "empty"
    empty.mkdir()
    return {"project": project, "wheel": wheel, "site": site, "empty": empty}


def run_python(code, built, *args):
    """Run code in a fresh Python that sees only the installed wheel."""
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=built["empty"],
        env={**ENV, "PYTHONPATH": str(built["site"])},
        capture_output=True,
        text=True,
    )


def test_page_writes_a_complete_project():
    assert set(project_files()) == {
        "pyproject.toml",
        "meson.build",
        "mycallbacks/__init__.py",
        "mycallbacks/integrands.pxd",
        "mycallbacks/integrands.pyx",
        "tests/test_integrands.py",
    }
    assert 'build-backend = "mesonpy"' in project_files()["pyproject.toml"]


def test_pxd_declares_the_signature_as_scipy_spells_it():
    pxd = project_files()["mycallbacks/integrands.pxd"]
    assert "cdef api double gauss(double x, void *user_data) noexcept nogil" in pxd
    assert '"double (double, void *)"' in pxd


def test_wheel_holds_the_pxd_init_and_compiled_module(built):
    names = zipfile.ZipFile(built["wheel"]).namelist()
    assert "mycallbacks/integrands.pxd" in names
    assert "mycallbacks/__init__.py" in names
    assert any(re.fullmatch(r"mycallbacks/integrands\..*(so|pyd)", n) for n in names)


def test_installed_module_exports_gauss_with_quads_signature(built):
    code = (
        "import re\n"
        "from mycallbacks import integrands\n"
        "for name, capsule in integrands.__pyx_capi__.items():\n"
        "    print(name, re.search(r'\"(.*)\"', repr(capsule))[1], sep=': ')\n"
    )
    result = run_python(code, built)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["gauss: double (double, void *)"]


def test_package_tests_pass_against_the_installed_wheel(built):
    code = (
        "import sys, pytest\n"
        "sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', sys.argv[1]]))\n"
    )
    result = run_python(code, built, built["project"] / "tests")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b\d+ passed\b", result.stdout), result.stdout
    assert "failed" not in result.stdout


def test_cython_magic_include_option_does_not_find_the_pxd(built, ipython_shell, capfd):
    # -I goes to the C compiler's include_dirs, not to Cython's search path
    # (Cython/Build/IpythonMagic.py), so the cimport fails to compile.
    shell = ipython_shell
    assert (built["site"] / "mycallbacks" / "integrands.pxd").is_file()
    assert str(built["site"]) not in sys.path
    shell.run_cell_magic(
        "cython", f"-I {built['site']}", CIMPORT + "def probe(): pass\n"
    )
    assert "probe" not in shell.user_ns
    assert "'mycallbacks/integrands.pxd' not found" in capfd.readouterr().err


def test_cython_finds_the_pxd_through_sys_path(built, tmp_path, monkeypatch):
    from Cython.Build import cythonize

    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(built["site"]))
    (tmp_path / "use.pyx").write_text(CIMPORT)
    cythonize([str(tmp_path / "use.pyx")], quiet=True, force=True)
    assert "gauss" in (tmp_path / "use.c").read_text()


def test_pytest_keeps_the_root_off_sys_path_and_python_m_does_not(built):
    # Without tests/__init__.py pytest inserts only tests/ (in either import
    # mode); `python -m` inserts the current folder, the project's root, where
    # the uncompiled source folder shadows the installed package. -P fixes it.
    env = {**ENV, "PYTHONPATH": str(built["site"])}
    outcomes = {}
    for name, command in {
        "pytest": [str(pathlib.Path(BIN, "pytest"))],
        "python -m pytest": [sys.executable, "-m", "pytest"],
        "python -P -m pytest": [sys.executable, "-P", "-m", "pytest"],
    }.items():
        for mode in ("prepend", "importlib"):
            done = subprocess.run(
                [*command, "-q", "-p", "no:cacheprovider", f"--import-mode={mode}",
                 "tests"],
                cwd=built["project"], env=env, capture_output=True, text=True,
            )  # fmt: skip
            outcomes[name, mode] = done.returncode
    assert outcomes == {
        ("pytest", "prepend"): 0,
        ("pytest", "importlib"): 0,
        ("python -m pytest", "prepend"): 2,
        ("python -m pytest", "importlib"): 2,
        ("python -P -m pytest", "prepend"): 0,
        ("python -P -m pytest", "importlib"): 0,
    }


def test_pip_reads_a_bare_folder_name_as_a_package_name(built):
    root = built["project"].parent
    bare = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index",
         "--wheel-dir", root / "bare", "mycallbacks-project"],
        cwd=root, env=ENV, capture_output=True, text=True,
    )  # fmt: skip
    assert bare.returncode != 0
    assert "No matching distribution found for mycallbacks-project" in bare.stderr
