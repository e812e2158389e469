import pathlib

import pytest

import kernels

ROOT = pathlib.Path(__file__).resolve().parents[1]


def pytest_report_header(config):
    return f"kernels imported from {pathlib.Path(kernels.__file__).parent}"


@pytest.fixture(scope="session", autouse=True)
def _kernels_is_the_installed_package():
    # The uncompiled sources in kernels/ must never stand in for the package.
    assert ROOT / "kernels" != pathlib.Path(kernels.__file__).resolve().parent
