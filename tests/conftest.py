import os
import pathlib

import pytest
from hypothesis import HealthCheck, Phase, settings

import kernels

ROOT = pathlib.Path(__file__).resolve().parents[1]


def pytest_report_header(config):
    return f"kernels imported from {pathlib.Path(kernels.__file__).parent}"


@pytest.fixture(scope="session", autouse=True)
def _kernels_is_the_installed_package():
    # The uncompiled sources in kernels/ must never stand in for the package.
    assert ROOT / "kernels" != pathlib.Path(kernels.__file__).resolve().parent


@pytest.fixture
def ipython_shell(tmp_path, monkeypatch):
    """An IPython shell with the cython extension loaded, for %%cython cells."""
    # A private IPython directory and cache: %%cython caches compiled cells
    # in $XDG_CACHE_HOME/ipython on Linux (IPython's get_ipython_cache_dir),
    # keyed by the cell's text only, so without a fresh cache a cell that
    # cimports a changed .pxd would load a module built against the old one.
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "cython")
    yield shell
    InteractiveShell.clear_instance()


# Hypothesis's example budget (tests/test_fuzz.py and other property tests):
# "default" keeps `make test` short and reproducible (derandomized: the same
# examples at every run, no database); "long" explores more, with new random
# examples each run: KERNELS_FUZZ_PROFILE=long make test.
settings.register_profile(
    "default",
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "long",
    max_examples=400,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
PROFILE = os.environ.get("KERNELS_FUZZ_PROFILE", "default")
settings.load_profile(PROFILE)
# The suite's profile without shrinking, for tests that run a property only to
# see it fail (a minimal failing example would only cost time).
settings.register_profile(
    "no-shrink",
    parent=settings.get_profile(PROFILE),
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    report_multiple_bugs=False,
)


@pytest.fixture
def without_shrinking(monkeypatch):
    """``without_shrinking(test)``: run an @given test with the no-shrink profile.

    @given reads its settings when it decorates, so they are replaced on the
    test (and put back afterwards by monkeypatch).
    """

    def run(test):
        monkeypatch.setattr(
            test, "_hypothesis_internal_use_settings", settings.get_profile("no-shrink")
        )
        test()

    return run
