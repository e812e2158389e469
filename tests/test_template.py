"""The copyable templates of book/template.md work as the page says.

The tests read the four template cells from the page itself (each begins with
a ``# template: ...`` line), compile them with IPython's ``%%cython`` magic, as
a reader's notebook would, and check each against a reference that shares no
code with it: closed forms, or SciPy with a Python integrand or with
coordinates computed by NumPy. They check the setters' and factories' errors,
the NULL ``user_data`` path, and the live counters back where they were.
"""

import gc
import math
import pathlib
import re
import sys
import tracemalloc
import warnings

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from scipy import LowLevelCallable, integrate, ndimage

PAGE = pathlib.Path(__file__).resolve().parents[1] / "book" / "template.md"
QUAD_TOL = 1.49e-8  # quad's default epsabs and epsrel
MARKERS = {
    # key: (the cell's first line, a name the cell defines)
    "quad": ("# template: quad integrand", "make_callable"),
    "nd": ("# template: nquad integrand", "make_nd_callable"),
    "filter": ("# template: generic_filter callback", "make_filter"),
    "mapping": ("# template: geometric_transform mapping", "make_mapping"),
}


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
    for key, (marker, defines) in MARKERS.items():
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
def nd_template(templates):
    return templates["nd"]


@pytest.fixture
def filter_template(templates):
    return templates["filter"]


@pytest.fixture
def mapping_template(templates):
    return templates["mapping"]


def without_user_data(factory, name):
    """A LowLevelCallable for the template's callback, with no user_data."""
    return LowLevelCallable.from_cython(sys.modules[factory.__module__], name)


def blocks_left(live, action, repeat=50):
    """How many blocks repeat calls of action() leave behind, per live()."""
    gc.collect()
    before = live()
    for _ in range(repeat):
        action()
    gc.collect()
    return live() - before


# The quad template: double (double, void *).


@pytest.mark.parametrize("a, b", [(1.5, 2.0), (0.5, 5.0), (3.0, 0.0)])
def test_quad_template_matches_its_closed_form(quad_template, a, b):
    llc = quad_template["make_callable"](a, b)
    assert llc.signature == "double (double, void *)"
    value, _ = integrate.quad(llc, 0, np.inf)
    assert value == pytest.approx(a / (a * a + b * b), rel=QUAD_TOL, abs=QUAD_TOL)


def test_setters_change_the_integral_in_place(quad_template):
    t = quad_template
    llc = t["make_callable"](1.5, 2.0)
    t["set_params"](llc, np.float64(0.5), np.float64(5.0))  # NumPy floats
    assert t["params"](llc) == {"a": 0.5, "b": 5.0}
    value, _ = integrate.quad(llc, 0, np.inf)
    assert value == pytest.approx(0.5 / (0.25 + 25.0), rel=QUAD_TOL)
    t["set_param"](llc, "b", 1)  # an int is a real number too
    t["set_param"](llc, 0, 2.0)
    assert t["params"](llc) == {"a": 2.0, "b": 1.0}
    value, _ = integrate.quad(llc, 0, np.inf)
    assert value == pytest.approx(2.0 / 5.0, rel=QUAD_TOL)


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
def test_set_param_refuses_a_mistake_and_names_it(
    quad_template, which, value, error, words
):
    t = quad_template
    llc = t["make_callable"](1.5, 2.0)
    with pytest.raises(error, match=re.escape(words)):
        t["set_param"](llc, which, value)
    assert t["params"](llc) == {"a": 1.5, "b": 2.0}


@pytest.mark.parametrize(
    "values, error, words",
    [
        ((1.0,), TypeError, "expected 2 parameters ('a', 'b'), got 1"),
        ((1.0, 2.0, 3.0), TypeError, "expected 2 parameters ('a', 'b'), got 3"),
        ((-1.0, 2.0), ValueError, "a must be > 0"),
        ((1.0, "2"), TypeError, "b must be a real number"),
        ((1.0, math.nan), ValueError, "b must be finite"),
    ],
)
def test_set_params_writes_all_or_nothing(quad_template, values, error, words):
    # (1.0, nan) has a valid first value: it must not be written either.
    t = quad_template
    llc = t["make_callable"](1.5, 2.0)
    with pytest.raises(error, match=re.escape(words)):
        t["set_params"](llc, *values)
    assert t["params"](llc) == {"a": 1.5, "b": 2.0}
    with pytest.raises(error, match=re.escape(words)):
        t["make_callable"](*values)


def test_setters_refuse_a_foreign_callable(quad_template, filter_template):
    foreign = filter_template["make_filter"](9, 0.0, 1.0)
    for wrong in (foreign, 42, None):
        with pytest.raises(TypeError, match="made by make_callable"):
            quad_template["set_param"](wrong, "a", 1.0)
        with pytest.raises(TypeError, match="made by make_callable"):
            quad_template["set_params"](wrong, 1.0, 2.0)


def test_quad_integrand_without_user_data_gives_nan(quad_template):
    llc = without_user_data(quad_template["make_callable"], "integrand")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value, _ = integrate.quad(llc, 0, 1)
    assert math.isnan(value)
    assert caught, "quad should warn about the NaN"


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


# The several-variable template: double (int, double *, void *).


def half_chord(*outer):
    return math.sqrt(max(0.0, 1.0 - sum(u * u for u in outer)))


def over_ball(f):
    """tplquad of f(z, y, x) over the unit ball."""
    return integrate.tplquad(
        f,
        -1,
        1,
        lambda x: -half_chord(x),
        half_chord,
        lambda x, y: -half_chord(x, y),
        half_chord,
    )[0]


@pytest.mark.parametrize("a", [0.5, 1.0, 3.0])
def test_nd_template_over_the_ball_matches_the_radial_closed_form(nd_template, a):
    # 4 pi int_0^1 r^2 exp(-a r^2) dr, integrated by hand.
    exact = (
        math.pi**1.5 * math.erf(math.sqrt(a)) / a**1.5 - 2 * math.pi * math.exp(-a) / a
    )
    llc = nd_template["make_nd_callable"](a, a, a)
    assert llc.signature == "double (int, double *, void *)"
    assert over_ball(llc) == pytest.approx(exact, rel=1e-7)


def test_nd_template_reads_each_variable_in_its_place(nd_template):
    # A box with three different sides and three different widths: only the
    # right pairing of xx[0], xx[1], xx[2] with c, b, a gives the product of
    # the one-dimensional closed forms sqrt(pi / w) erf(sqrt(w) L).
    a, b, c = 0.5, 1.0, 2.0
    halves = {"x": 3.0, "y": 2.0, "z": 1.0}
    llc = nd_template["make_nd_callable"](a, b, c)
    # nquad's first range is the innermost variable, xx[0] = z.
    value, _ = integrate.nquad(
        llc, [[-halves["z"], halves["z"]], [-halves["y"], halves["y"]], [-3.0, 3.0]]
    )
    exact = math.prod(
        math.sqrt(math.pi / w) * math.erf(math.sqrt(w) * half)
        for w, half in ((a, halves["x"]), (b, halves["y"]), (c, halves["z"]))
    )
    assert value == pytest.approx(exact, rel=1e-7)


def test_nd_template_matches_a_python_integrand_over_the_ball(nd_template):
    t = nd_template
    llc = t["make_nd_callable"](1.0, 1.0, 1.0)
    t["set_nd_params"](llc, np.float64(0.3), 1.2, 2)
    assert t["nd_params"](llc) == {"a": 0.3, "b": 1.2, "c": 2.0}
    expected = over_ball(
        lambda z, y, x: math.exp(-(0.3 * x * x + 1.2 * y * y + 2 * z * z))
    )
    assert over_ball(llc) == pytest.approx(expected, rel=1e-9)


def test_nd_template_ignores_nquad_args_after_its_variables(nd_template):
    llc = nd_template["make_nd_callable"](1.0, 1.0, 1.0)
    ranges = [[-1, 1]] * 3
    with_args, _ = integrate.nquad(llc, ranges, args=(7.0, 8.0))
    without, _ = integrate.nquad(llc, ranges)
    assert (
        with_args
        == without
        == pytest.approx((math.sqrt(math.pi) * math.erf(1.0)) ** 3, rel=1e-7)
    )


def test_nd_template_gives_nan_for_too_few_variables_or_no_user_data(nd_template):
    too_few = nd_template["make_nd_callable"](1.0, 1.0, 1.0)
    bare = without_user_data(nd_template["make_nd_callable"], "integrand_nd")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert math.isnan(integrate.dblquad(too_few, 0, 1, 0, 1)[0])
        assert math.isnan(integrate.nquad(bare, [[0, 1]] * 3)[0])


@pytest.mark.parametrize(
    "values, error, words",
    [
        ((1.0, 1.0), TypeError, "expected 3 parameters ('a', 'b', 'c'), got 2"),
        ((1.0, -1.0, 1.0), ValueError, "b must be finite and >= 0"),
        ((1.0, 1.0, math.inf), ValueError, "c must be finite and >= 0"),
        (("1", 1.0, 1.0), TypeError, "a must be a real number"),
        ((1.0, False, 1.0), TypeError, "b must be a real number"),
    ],
)
def test_nd_setter_refuses_a_mistake_and_writes_nothing(
    nd_template, values, error, words
):
    t = nd_template
    llc = t["make_nd_callable"](1.0, 2.0, 3.0)
    with pytest.raises(error, match=re.escape(words)):
        t["set_nd_params"](llc, *values)
    assert t["nd_params"](llc) == {"a": 1.0, "b": 2.0, "c": 3.0}
    for foreign in (t["make_callable"](1.0, 2.0), 42):  # the quad template's
        with pytest.raises(TypeError, match="made by make_nd_callable"):
            t["set_nd_params"](foreign, 1, 1, 1)


def test_every_nd_block_is_freed(nd_template):
    t = nd_template

    def one():
        integrate.nquad(t["make_nd_callable"](1.0, 1.0, 1.0), [[0, 1]] * 3)

    assert blocks_left(t["live_nd_blocks"], one, repeat=5) == 0


# The generic_filter template: int (double *, intptr_t, double *, void *).


def test_filter_template_matches_numpy(filter_template):
    image = np.random.default_rng(0).normal(size=(30, 40))
    low, high = -0.5, 0.8
    llc = filter_template["make_filter"](9, low, high)
    assert llc.signature == "int (double *, intptr_t, double *, void *)"
    got = ndimage.generic_filter(image, llc, size=3)
    windows = sliding_window_view(np.pad(image, 1, mode="symmetric"), (3, 3))
    expected = np.clip(windows, low, high).mean(axis=(-2, -1))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-14)


def test_filter_reports_a_wrong_window_size_with_its_own_message(filter_template):
    with pytest.raises(ValueError, match="made for windows of 25 values, .* gave 9$"):
        ndimage.generic_filter(
            np.zeros((5, 5)), filter_template["make_filter"](25, 0, 1), size=3
        )


def test_filter_without_user_data_raises_a_type_error(filter_template):
    bare = without_user_data(filter_template["make_filter"], "clipped_mean")
    with pytest.raises(TypeError, match="user_data is NULL"):
        ndimage.generic_filter(np.zeros((5, 5)), bare, size=3)


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


def test_filter_factory_leaks_nothing_on_a_size_c_cannot_hold(filter_template):
    # filter_size passes the Python checks but not the conversion to
    # intptr_t: the factory must fail before it allocates. PyMem_Malloc is
    # traced by tracemalloc; a leaked Params is 24 bytes a call.
    make, calls = filter_template["make_filter"], 1_000
    tracemalloc.start()
    try:
        for _ in range(2):  # the first round warms up
            gc.collect()
            before = tracemalloc.get_traced_memory()[0]
            for _ in range(calls):
                with pytest.raises(OverflowError):
                    make(2**70, 0.0, 1.0)
            gc.collect()
            grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < calls * 8, f"{grown} bytes left after {calls} refused sizes"


def test_every_filter_block_is_freed(filter_template):
    t = filter_template

    def one():
        ndimage.generic_filter(np.ones((4, 4)), t["make_filter"](9, 0, 1), size=3)

    assert blocks_left(t["live_filter_blocks"], one) == 0


# The geometric_transform template: int (intptr_t *, double *, int, int, void *).


def barrel_coordinates(shape, centre, radius, k1, k2):
    """Where each output pixel is read, computed with NumPy."""
    rows, cols = np.indices(shape, dtype=float)
    dy, dx = rows - centre[0], cols - centre[1]
    r2 = (dy * dy + dx * dx) / radius**2
    factor = 1 + r2 * (k1 + r2 * k2)
    return np.array([centre[0] + dy * factor, centre[1] + dx * factor])


@pytest.mark.parametrize(
    "centre, radius, k1, k2, order",
    [
        ((19.5, 24.5), 30.0, 0.2, 0.05, 3),
        ((10, 30), 15.0, -0.1, 0.0, 1),  # pincushion, off centre
        ((0.0, 0.0), 50.0, 0.3, -0.02, 0),
    ],
)
def test_mapping_template_matches_map_coordinates(
    mapping_template, centre, radius, k1, k2, order
):
    image = ndimage.gaussian_filter(np.random.default_rng(1).normal(size=(40, 50)), 2)
    llc = mapping_template["make_mapping"](centre, radius, k1, k2)
    assert llc.signature == "int (intptr_t *, double *, int, int, void *)"
    got = ndimage.geometric_transform(image, llc, order=order)
    expected = ndimage.map_coordinates(
        image, barrel_coordinates(image.shape, centre, radius, k1, k2), order=order
    )
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_mapping_without_distortion_is_the_identity(mapping_template):
    image = np.random.default_rng(2).normal(size=(20, 30))
    llc = mapping_template["make_mapping"]((7.0, 9.0), 10.0, 0.0)
    got = ndimage.geometric_transform(image, llc, order=1)
    np.testing.assert_array_equal(got, image)


def test_mapping_refuses_other_ranks_and_missing_user_data(mapping_template):
    image = np.zeros((6, 6))
    llc = mapping_template["make_mapping"]((2.0, 2.0), 3.0, 0.1)
    with pytest.raises(ValueError, match="ranks 3 and 2"):
        ndimage.geometric_transform(image, llc, output_shape=(2, 2, 2))
    bare = without_user_data(mapping_template["make_mapping"], "barrel")
    with pytest.raises(TypeError, match="user_data is NULL"):
        ndimage.geometric_transform(image, bare)


@pytest.mark.parametrize(
    "args, error, words",
    [
        (((1.0,), 1.0, 0.1), TypeError, "centre must be (row, column)"),
        (("ab", 1.0, 0.1), TypeError, "centre must be (row, column)"),
        (((1.0, "2"), 1.0, 0.1), TypeError, "centre[1] must be a real number"),
        (((1.0, 2.0), 0.0, 0.1), ValueError, "radius must be > 0"),
        (((1.0, 2.0), 1.0, math.nan), ValueError, "k1 must be finite"),
        (((1.0, 2.0), 1.0, 0.1, True), TypeError, "k2 must be a real number"),
    ],
)
def test_mapping_factory_refuses_a_mistake_and_names_it(
    mapping_template, args, error, words
):
    with pytest.raises(error, match=re.escape(words)):
        mapping_template["make_mapping"](*args)


def test_every_mapping_block_is_freed(mapping_template):
    t = mapping_template

    def one():
        ndimage.geometric_transform(np.ones((4, 4)), t["make_mapping"]((1, 1), 2, 0.1))

    assert blocks_left(t["live_mapping_blocks"], one) == 0
