"""The copyable templates of book/template.md work as the page says.

The tests read the two template cells from the page itself (each begins with a
``# template: ...`` line), compile them with IPython's ``%%cython`` magic, as a
reader's notebook would, and check them: the integral against its closed form,
the setter's errors, the live counters back where they were, the filter
against NumPy and its error path.
"""

import gc
import math
import pathlib
import re

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from scipy import integrate, ndimage

PAGE = pathlib.Path(__file__).resolve().parents[1] / "book" / "template.md"
QUAD_MARKER = "# template: quad integrand"
FILTER_MARKER = "# template: generic_filter callback"


def cython_cell(marker):
    """The body of the page's %%cython cell whose first line is marker."""
    cells = re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", PAGE.read_text(), re.S)
    found = [
        cell.split("\n", 1)[1]
        for cell in cells
        if cell.startswith("%%cython\n") and cell.split("\n")[1] == marker
    ]
    assert len(found) == 1, f"{PAGE.name} needs exactly one cell marked {marker!r}"
    return found[0]


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """The names each template cell defines, compiled once for the module."""
    # As the shared ipython_shell fixture does, but once for all tests here.
    # %%cython caches compiled cells in get_ipython_cache_dir(), which on
    # Linux is $XDG_CACHE_HOME/ipython, not IPYTHONDIR: a private cache folder
    # makes it really compile the cells the page has now.
    monkeypatch = pytest.MonkeyPatch()
    folder = tmp_path_factory.mktemp("template")
    monkeypatch.setenv("IPYTHONDIR", str(folder / "ipython"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder / "cache"))
    monkeypatch.chdir(folder)
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "cython")
    names = {}
    for key, marker, defines in [
        ("quad", QUAD_MARKER, "make_callable"),
        ("filter", FILTER_MARKER, "make_filter"),
    ]:
        shell.user_ns.pop(defines, None)
        shell.run_cell_magic("cython", "", cython_cell(marker))
        assert defines in shell.user_ns, f"the {key} template did not compile"
        names[key] = dict(shell.user_ns)
    yield names
    InteractiveShell.clear_instance()
    monkeypatch.undo()


@pytest.fixture
def quad_template(templates):
    return templates["quad"]


@pytest.fixture
def filter_template(templates):
    return templates["filter"]


@pytest.mark.parametrize("a, b", [(1.5, 2.0), (0.5, 5.0), (3.0, 0.0)])
def test_quad_template_matches_its_closed_form(quad_template, a, b):
    llc = quad_template["make_callable"](a, b)
    assert llc.signature == "double (double, void *)"
    value, _ = integrate.quad(llc, 0, np.inf)
    assert value == pytest.approx(a / (a * a + b * b), rel=1.49e-8, abs=1.49e-8)


def test_setter_changes_the_integral_in_place(quad_template):
    t = quad_template
    llc = t["make_callable"](1.5, 2.0)
    t["set_param"](llc, "b", 5.0)
    t["set_param"](llc, 0, 0.5)
    assert t["params"](llc) == {"a": 0.5, "b": 5.0}
    value, _ = integrate.quad(llc, 0, np.inf)
    assert value == pytest.approx(0.5 / (0.25 + 25.0), rel=1.49e-8)


@pytest.mark.parametrize(
    "which, value, error, words",
    [
        ("c", 1.0, ValueError, "no parameter 'c'"),
        (2, 1.0, IndexError, "parameter index 2 out of range"),
        (-1, 1.0, IndexError, "parameter index -1 out of range"),
        (1.0, 1.0, TypeError, "by name or index"),
        ("a", -1.0, ValueError, "a must be > 0"),
        ("a", 0.0, ValueError, "a must be > 0"),
        ("b", "2", TypeError, "b must be a real number"),
        ("b", True, TypeError, "b must be a real number"),
        ("b", math.nan, ValueError, "b must be finite"),
        ("b", math.inf, ValueError, "b must be finite"),
    ],
)
def test_setter_refuses_a_mistake_and_names_it(
    quad_template, which, value, error, words
):
    t = quad_template
    llc = t["make_callable"](1.5, 2.0)
    with pytest.raises(error, match=re.escape(words)):
        t["set_param"](llc, which, value)
    assert t["params"](llc) == {"a": 1.5, "b": 2.0}


def test_setter_refuses_a_foreign_callable(quad_template, filter_template):
    foreign = filter_template["make_filter"](9, 0.0, 1.0)
    for wrong in (foreign, 42, None):
        with pytest.raises(TypeError, match="made by make_callable"):
            quad_template["set_param"](wrong, "a", 1.0)


def test_factory_checks_the_number_of_parameters(quad_template):
    with pytest.raises(TypeError, match=r"expected 2 parameters \('a', 'b'\), got 1"):
        quad_template["make_callable"](1.0)


def test_every_parameter_block_is_freed(quad_template):
    t = quad_template
    gc.collect()
    before = t["live_blocks"]()
    callables = [t["make_callable"](1.0 + i, 2.0) for i in range(100)]
    assert t["live_blocks"]() - before == 100
    for llc in callables[:10]:
        integrate.quad(llc, 0, np.inf)
    del callables, llc
    gc.collect()
    assert t["live_blocks"]() == before


def test_filter_template_matches_numpy(filter_template):
    image = np.random.default_rng(0).normal(size=(30, 40))
    low, high = -0.5, 0.8
    got = ndimage.generic_filter(
        image, filter_template["make_filter"](9, low, high), size=3
    )
    windows = sliding_window_view(np.pad(image, 1, mode="symmetric"), (3, 3))
    expected = np.clip(windows, low, high).mean(axis=(-2, -1))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-14)


def test_filter_reports_a_wrong_window_size_with_its_own_message(filter_template):
    t = filter_template
    before = t["failures"]()
    with pytest.raises(ValueError, match="made for windows of 25 values, .* gave 9"):
        ndimage.generic_filter(np.zeros((5, 5)), t["make_filter"](25, 0, 1), size=3)
    # Once if SciPy stops at the first failure, once per pixel while the bug
    # in ni_filters.c (CASE_FILTER_POINT) makes it go on: never more.
    assert 1 <= t["failures"]() - before <= 25


@pytest.mark.parametrize(
    "args, error, words",
    [
        ((0, 0.0, 1.0), ValueError, "filter_size must be a positive integer"),
        ((9.0, 0.0, 1.0), ValueError, "filter_size must be a positive integer"),
        ((9, 1.0, 0.0), ValueError, "low must be <= high"),
        ((9, "0", 1.0), TypeError, "low must be a real number"),
        ((9, 0.0, math.inf), ValueError, "high must be finite"),
    ],
)
def test_filter_factory_refuses_a_mistake_and_names_it(
    filter_template, args, error, words
):
    with pytest.raises(error, match=re.escape(words)):
        filter_template["make_filter"](*args)


def test_every_filter_block_is_freed(filter_template):
    t = filter_template
    gc.collect()
    before = t["live_filter_blocks"]()
    for _ in range(50):
        ndimage.generic_filter(np.ones((4, 4)), t["make_filter"](9, 0, 1), size=3)
    gc.collect()
    assert t["live_filter_blocks"]() == before
