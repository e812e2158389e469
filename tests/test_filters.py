"""Claims the book's ndimage chapter makes about kernels.filters."""

import gc
import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from scipy import LowLevelCallable, ndimage, signal

from kernels import capsules, filters, gaussian
from kernels.pycapsule import capsule_name

SIGNATURES = {
    "trimmed_mean": "int (double *, intptr_t, double *, void *)",
    "ema": "int (double *, intptr_t, double *, intptr_t, void *)",
    "polar_unwrap": "int (intptr_t *, double *, int, int, void *)",
}


@pytest.fixture(scope="module")
def image():
    # A smooth gradient plus noise, with impulses like the chapter's
    # salt-and-pepper noise.
    rng = np.random.default_rng(1)
    rows, cols = np.mgrid[0:48, 0:56]
    picture = (rows + 2 * cols) / 160 + 0.05 * rng.normal(size=rows.shape)
    impulses = rng.random(rows.shape) < 0.05
    picture[impulses] = rng.integers(0, 2, impulses.sum())
    return picture


# The Python versions, written as the chapter writes them.
def trimmed_mean_py(trim):
    def trimmed_mean(values):
        return np.sort(values)[trim : len(values) - trim].mean()

    return trimmed_mean


def ema_py(alpha):
    def ema(input_line, output_line):
        average = input_line[0]
        for i in range(len(output_line)):
            average = alpha * input_line[i] + (1 - alpha) * average
            output_line[i] = average

    return ema


def polar_py(centre, radius_step, angle_step):
    def mapping(output_coordinates):
        radius = output_coordinates[0] * radius_step
        angle = output_coordinates[1] * angle_step
        return (
            centre[0] + radius * math.sin(angle),
            centre[1] + radius * math.cos(angle),
        )

    return mapping


# Signatures


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_capsule_names_spell_intptr_t_as_scipy_does(name):
    assert capsule_name(filters.__pyx_capi__[name]) == SIGNATURES[name]


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_factories_return_callables_with_scipys_signature(name):
    factory = {
        "trimmed_mean": lambda: filters.trimmed_mean_callable(9, 2),
        "ema": lambda: filters.ema_callable(0.5),
        "polar_unwrap": lambda: filters.polar_callable((1, 1), 1, 0.1),
    }[name]
    llc = factory()
    assert isinstance(llc, LowLevelCallable)
    assert llc.signature == SIGNATURES[name]


def test_integrand_is_refused_by_generic_filter_with_the_accepted_list():
    with pytest.raises(ValueError, match=r"Expected one of.*intptr_t"):
        ndimage.generic_filter(np.zeros((4, 4)), gaussian.gaussian_callable(1.0), 3)


# Same arrays as the Python versions


@pytest.mark.parametrize(("size", "trim"), [(3, 0), (3, 2), (5, 5), (5, 12), (7, 10)])
def test_trimmed_mean_matches_python_version(image, size, trim):
    compiled = ndimage.generic_filter(
        image, filters.trimmed_mean_callable(size * size, trim), size=size
    )
    python = ndimage.generic_filter(image, trimmed_mean_py(trim), size=size)
    np.testing.assert_allclose(compiled, python, rtol=0, atol=1e-14)


def test_trimmed_mean_without_trim_is_the_uniform_filter(image):
    compiled = ndimage.generic_filter(
        image, filters.trimmed_mean_callable(25, 0), size=5, mode="nearest"
    )
    expected = ndimage.uniform_filter(image, size=5, mode="nearest")
    np.testing.assert_allclose(compiled, expected, rtol=0, atol=1e-14)


def test_trimmed_mean_with_maximal_trim_is_the_median_filter(image):
    compiled = ndimage.generic_filter(image, filters.trimmed_mean_callable(9, 4), 3)
    np.testing.assert_array_equal(compiled, ndimage.median_filter(image, 3))


def test_trimmed_mean_accepts_any_footprint_of_its_size(image):
    cross = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool)
    compiled = ndimage.generic_filter(
        image, filters.trimmed_mean_callable(5, 1), footprint=cross
    )
    python = ndimage.generic_filter(image, trimmed_mean_py(1), footprint=cross)
    np.testing.assert_allclose(compiled, python, rtol=0, atol=1e-14)


def test_trimmed_mean_does_not_reorder_scipys_buffer(image):
    # The callback sorts a copy; the input array is untouched either way.
    before = image.copy()
    ndimage.generic_filter(image, filters.trimmed_mean_callable(9, 1), size=3)
    np.testing.assert_array_equal(image, before)


def test_trimmed_mean_handles_the_largest_window():
    picture = np.arange(40 * 40, dtype=float).reshape(40, 40)
    compiled = ndimage.generic_filter(
        picture, filters.trimmed_mean_callable(1024, 100), size=32
    )
    python = ndimage.generic_filter(picture, trimmed_mean_py(100), size=32)
    np.testing.assert_allclose(compiled, python, rtol=1e-13)


@pytest.mark.parametrize("alpha", [0.05, 0.5, 1.0])
@pytest.mark.parametrize("axis", [0, 1])
def test_ema_is_bitwise_equal_to_python_version(image, alpha, axis):
    compiled = ndimage.generic_filter1d(image, filters.ema_callable(alpha), 1, axis)
    python = ndimage.generic_filter1d(image, ema_py(alpha), 1, axis)
    np.testing.assert_array_equal(compiled, python)


def test_ema_agrees_with_lfilter(image):
    alpha = 0.2
    compiled = ndimage.generic_filter1d(image, filters.ema_callable(alpha), 1)
    initial = (1 - alpha) * image[:, :1]
    expected, _ = signal.lfilter([alpha], [1, alpha - 1], image, axis=1, zi=initial)
    np.testing.assert_allclose(compiled, expected, rtol=1e-12)


def test_ema_with_alpha_one_copies_the_image(image):
    compiled = ndimage.generic_filter1d(image, filters.ema_callable(1), 1)
    np.testing.assert_array_equal(compiled, image)


@pytest.mark.parametrize("order", [0, 1, 3])
def test_polar_unwrap_is_bitwise_equal_to_python_mapping(image, order):
    centre, radius_step, angle_step = (23.5, 27.0), 0.5, 2 * math.pi / 90
    compiled = ndimage.geometric_transform(
        image,
        filters.polar_callable(centre, radius_step, angle_step),
        output_shape=(40, 90),
        order=order,
    )
    python = ndimage.geometric_transform(
        image,
        polar_py(centre, radius_step, angle_step),
        output_shape=(40, 90),
        order=order,
    )
    np.testing.assert_array_equal(compiled, python)


def test_polar_unwrap_agrees_with_map_coordinates(image):
    centre, radius_step, angle_step = (20.0, 30.0), 0.75, 2 * math.pi / 60
    radius, angle = np.mgrid[0:30, 0:60].astype(float)
    radius *= radius_step
    angle *= angle_step
    coordinates = [
        centre[0] + radius * np.sin(angle),
        centre[1] + radius * np.cos(angle),
    ]
    expected = ndimage.map_coordinates(image, coordinates, order=1)
    compiled = ndimage.geometric_transform(
        image,
        filters.polar_callable(centre, radius_step, angle_step),
        output_shape=(30, 60),
        order=1,
    )
    np.testing.assert_allclose(compiled, expected, rtol=0, atol=1e-12)


# Failures: a clear Python exception, never a crash


def test_window_of_the_wrong_size_raises_value_error_naming_both_sizes(image):
    with pytest.raises(ValueError, match=r"needs windows of 25 values, got 9"):
        ndimage.generic_filter(image, filters.trimmed_mean_callable(25, 5), size=3)


def test_ema_with_padded_lines_raises_value_error_asking_for_filter_size_1(image):
    message = "needs filter_size=1, got lines padded for filter_size=3"
    with pytest.raises(ValueError, match=message):
        ndimage.generic_filter1d(image, filters.ema_callable(0.5), 3)


@pytest.mark.parametrize(
    ("shape", "output_shape"), [((4, 5, 6), None), ((8, 8), (10,)), ((8,), (8, 8))]
)
def test_polar_unwrap_of_other_ranks_raises_value_error(shape, output_shape):
    with pytest.raises(ValueError, match="maps 2-D to 2-D, got output rank"):
        ndimage.geometric_transform(
            np.zeros(shape),
            filters.polar_callable((2, 2), 1, 0.1),
            output_shape=output_shape,
        )


def wrong_user_data():
    # No user_data at all (a NULL pointer), and the blocks of other callbacks.
    return {
        "none": None,
        "gaussian": capsules.double_capsule(25.0),
        "array": capsules.array_capsule(np.arange(8.0)),
        "ema": filters.ema_callable(0.5).user_data,
        "trimmed_mean": filters.trimmed_mean_callable(9, 1).user_data,
        "polar": filters.polar_callable((1, 1), 1, 1).user_data,
    }


@pytest.mark.parametrize("kind", ["none", "gaussian", "array", "ema", "polar"])
def test_trimmed_mean_refuses_other_user_data_with_type_error(image, kind):
    llc = LowLevelCallable.from_cython(filters, "trimmed_mean", wrong_user_data()[kind])
    with pytest.raises(TypeError, match="needs the user_data of trimmed_mean_callable"):
        ndimage.generic_filter(image, llc, size=3)


@pytest.mark.parametrize("kind", ["none", "gaussian", "array", "trimmed_mean", "polar"])
def test_ema_refuses_other_user_data_with_type_error(image, kind):
    llc = LowLevelCallable.from_cython(filters, "ema", wrong_user_data()[kind])
    with pytest.raises(TypeError, match="needs the user_data of ema_callable"):
        ndimage.generic_filter1d(image, llc, 1)


@pytest.mark.parametrize("kind", ["none", "gaussian", "array", "trimmed_mean", "ema"])
def test_polar_unwrap_refuses_other_user_data_with_type_error(image, kind):
    llc = LowLevelCallable.from_cython(filters, "polar_unwrap", wrong_user_data()[kind])
    with pytest.raises(TypeError, match="needs the user_data of polar_callable"):
        ndimage.geometric_transform(image, llc)


def test_a_failed_filter_leaves_no_exception_pending(image):
    # The callback keeps the first message and does not stack others on it:
    # after the error, Python runs normally.
    with pytest.raises(ValueError):
        ndimage.generic_filter(image, filters.trimmed_mean_callable(25, 5), size=3)
    result = ndimage.generic_filter(image, filters.trimmed_mean_callable(9, 2), 3)
    assert np.isfinite(result).all()


@pytest.mark.parametrize(
    ("filter_size", "trim", "error", "match"),
    [
        (9.0, 2, TypeError, "filter_size must be an integer"),
        ("9", 2, TypeError, "filter_size must be an integer"),
        (True, 0, TypeError, "filter_size must be an integer"),
        (9, 2.0, TypeError, "trim must be an integer"),
        (9, None, TypeError, "trim must be an integer"),
        (0, 0, ValueError, "filter_size must be >= 1"),
        (1025, 0, ValueError, "<= 1024"),
        (9, -1, ValueError, "trim must be >= 0"),
        (9, 5, ValueError, "drops all 9 values"),
        (10, 5, ValueError, "drops all 10 values"),
    ],
)
def test_trimmed_mean_callable_refuses_bad_parameters(filter_size, trim, error, match):
    with pytest.raises(error, match=match):
        filters.trimmed_mean_callable(filter_size, trim)


def test_trimmed_mean_callable_accepts_numpy_integers(image):
    llc = filters.trimmed_mean_callable(np.int64(9), np.uint8(2))
    ndimage.generic_filter(image, llc, size=3)


@pytest.mark.parametrize(
    ("alpha", "error", "match"),
    [
        (math.nan, ValueError, "alpha must be finite"),
        (math.inf, ValueError, "alpha must be finite"),
        (0.0, ValueError, r"alpha must be in \(0, 1\]"),
        (-0.5, ValueError, r"alpha must be in \(0, 1\]"),
        (1.5, ValueError, r"alpha must be in \(0, 1\]"),
        ("0.5", TypeError, "alpha must be a real number"),
        (None, TypeError, "alpha must be a real number"),
        (0.5j, TypeError, "alpha must be a real number"),
        (np.array([0.5]), TypeError, "alpha must be a real number"),
    ],
)
def test_ema_callable_refuses_bad_alpha(alpha, error, match):
    with pytest.raises(error, match=match):
        filters.ema_callable(alpha)


@pytest.mark.parametrize(
    ("centre", "radius_step", "angle_step", "error", "match"),
    [
        ((1.0,), 1, 1, TypeError, "centre must be a pair"),
        (5.0, 1, 1, TypeError, "centre must be a pair"),
        ((1, 2, 3), 1, 1, TypeError, "centre must be a pair"),
        ((math.nan, 1), 1, 1, ValueError, "centre row must be finite"),
        ((1, "2"), 1, 1, TypeError, "centre column must be a real number"),
        ((1, 2), math.nan, 1, ValueError, "radius_step must be finite"),
        ((1, 2), 1, math.inf, ValueError, "angle_step must be finite"),
        ((1, 2), 0, 1, ValueError, "must be > 0"),
        ((1, 2), 1, -0.1, ValueError, "must be > 0"),
        ((1, 2), "1", 1, TypeError, "radius_step must be a real number"),
    ],
)
def test_polar_callable_refuses_bad_parameters(
    centre, radius_step, angle_step, error, match
):
    with pytest.raises(error, match=match):
        filters.polar_callable(centre, radius_step, angle_step)


def test_bad_parameters_allocate_nothing():
    before = filters.live_blocks()
    for make in (
        lambda: filters.trimmed_mean_callable(9, 9),
        lambda: filters.ema_callable(math.nan),
        lambda: filters.polar_callable((0, 0), -1, 1),
    ):
        with pytest.raises(ValueError):
            make()
    assert filters.live_blocks() == before


def test_each_callable_owns_its_parameters_and_frees_them():
    before = filters.live_blocks()
    made = [
        filters.trimmed_mean_callable(9, 1),
        filters.ema_callable(0.3),
        filters.polar_callable((1, 2), 1, 1),
    ]
    assert filters.live_blocks() == before + 3
    del made
    gc.collect()
    assert filters.live_blocks() == before


def test_nan_in_the_image_only_changes_the_windows_that_hold_it(image):
    spoiled = image.copy()
    spoiled[10, 10] = np.nan
    llc = filters.trimmed_mean_callable(9, 2)
    clean = ndimage.generic_filter(image, llc, size=3)
    result = ndimage.generic_filter(spoiled, llc, size=3)
    away = np.ones(image.shape, dtype=bool)
    away[9:12, 9:12] = False
    np.testing.assert_array_equal(result[away], clean[away])


# The selection algorithm: the trimmed mean of every size and trim


def trimmed_mean_reference(line, size, trim):
    # np.sort puts NaN last, as the callback ranks it.
    padded = np.pad(line, (size // 2, (size - 1) // 2), mode="symmetric")
    windows = np.lib.stride_tricks.sliding_window_view(padded, size)
    return np.sort(windows, axis=-1)[:, trim : size - trim].mean(axis=-1)


@pytest.mark.parametrize("values", ["random", "ties", "sorted", "reversed", "inf"])
def test_trimmed_mean_matches_numpy_for_every_size_and_trim(values):
    rng = np.random.default_rng(7)
    line = {
        "random": rng.normal(size=80),
        "ties": rng.integers(0, 3, 80).astype(float),
        "sorted": np.arange(80.0),
        "reversed": np.arange(80.0)[::-1].copy(),
        "inf": np.where(rng.random(80) < 0.1, np.inf, rng.normal(size=80)),
    }[values]
    for size in [*range(1, 34), 64, 101]:
        for trim in range(0, (size + 1) // 2):
            llc = filters.trimmed_mean_callable(size, trim)
            compiled = ndimage.generic_filter(line, llc, size=size)
            expected = trimmed_mean_reference(line, size, trim)
            np.testing.assert_allclose(
                compiled, expected, rtol=1e-13, atol=1e-15, err_msg=f"{size=} {trim=}"
            )


@pytest.mark.parametrize("nans", [1, 2, 5])
def test_trimmed_mean_ranks_nan_last_as_numpy_sorts_it(nans):
    rng = np.random.default_rng(nans)
    line = rng.normal(size=60)
    line[rng.choice(60, nans, replace=False)] = np.nan
    for size, trim in [(9, 0), (9, 2), (9, 4), (15, 5), (25, 12)]:
        compiled = ndimage.generic_filter(
            line, filters.trimmed_mean_callable(size, trim), size=size
        )
        expected = trimmed_mean_reference(line, size, trim)
        np.testing.assert_allclose(compiled, expected, rtol=1e-13, equal_nan=True)


# Division: cdivision=True, and the divisor is never 0


@pytest.mark.parametrize(
    ("size", "trim", "reference"),
    [
        (1, 0, lambda x: x),
        (3, 1, lambda x: ndimage.median_filter(x, 3)),
        (1024, 511, lambda x: ndimage.median_filter(x, 1024)),
    ],
)
def test_trimmed_mean_at_the_edges_of_its_divisor(size, trim, reference):
    line = np.random.default_rng(3).normal(size=1100)
    compiled = ndimage.generic_filter(
        line, filters.trimmed_mean_callable(size, trim), size=size
    )
    if size == 1024:  # an even window: the mean of the two middle values
        expected = trimmed_mean_reference(line, size, trim)
    else:
        expected = reference(line)
    np.testing.assert_allclose(compiled, expected, rtol=1e-14)


# Each kind of parameter block is its own capsule (issue 14, defect 1)


def factories():
    return {
        "trimmed_mean": lambda: filters.trimmed_mean_callable(9, 1),
        "ema": lambda: filters.ema_callable(0.5),
        "polar_unwrap": lambda: filters.polar_callable((1, 1), 1, 0.1),
    }


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_each_kind_of_block_has_a_capsule_name_of_its_own(name):
    user_data = factories()[name]().user_data
    assert capsule_name(user_data) == filters.BLOCK_NAMES[name]
    assert capsule_name(user_data) != "kernels.capsules.doubles"


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_set_double_and_read_doubles_refuse_filter_blocks(name):
    user_data = factories()[name]().user_data
    with pytest.raises(TypeError, match="expected a capsule made by kernels.capsules"):
        capsules.set_double(user_data, 0, 1.0)
    with pytest.raises(TypeError, match="expected a capsule made by kernels.capsules"):
        capsules.read_doubles(user_data)


def test_parameters_reads_back_what_each_factory_stored():
    assert filters.parameters(filters.trimmed_mean_callable(25, 5).user_data) == {
        "filter_size": 25,
        "trim": 5,
    }
    assert filters.parameters(filters.ema_callable(0.25).user_data) == {"alpha": 0.25}
    assert filters.parameters(filters.polar_callable((1, 2), 0.5, 0.1).user_data) == {
        "centre": (1.0, 2.0),
        "radius_step": 0.5,
        "angle_step": 0.1,
    }


@pytest.mark.parametrize(
    "other",
    [None, 1.0, "x", capsules.double_capsule(1.0), gaussian.gaussian_callable(1)],
)
def test_parameters_refuses_anything_else(other):
    with pytest.raises(TypeError, match="user_data of a kernels.filters callable"):
        filters.parameters(other)


def run_python(code):
    """Run ``code`` in a fresh interpreter: a crash fails one test, not the run."""
    return subprocess.run(
        [sys.executable, "-P", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("value", [-1.0, 1.0])
def test_issue_14_reproduction_set_double_into_trimmed_mean_block(value):
    # Before the fix: -1.0 segfaulted, 1.0 made every pixel -0.0.
    result = run_python(f"""
        import numpy as np
        from scipy import ndimage
        from kernels import capsules, filters
        tm = filters.trimmed_mean_callable(9, 1)
        try:
            capsules.set_double(tm.user_data, 2, {value})
        except TypeError as error:
            print("TypeError:", error)
        out = ndimage.generic_filter(np.ones((5, 5)), tm, size=3)
        print("all ones:", bool((out == 1).all()))
    """)
    assert result.returncode == 0, result.stderr
    assert "TypeError: expected a capsule made by kernels.capsules" in result.stdout
    assert "all ones: True" in result.stdout


CORRUPTIONS = [(1, 0), (1, 5000), (1, -3), (2, -1), (2, 5), (2, 1 << 40), (2, 1 << 62)]


def test_a_block_corrupted_behind_the_api_is_refused_not_trusted():
    # Writing through a raw pointer bypasses every Python check; the callback
    # still indexes only inside its window and raises instead. One child
    # interpreter tries every corruption (field 1: filter_size, 2: trim).
    result = run_python(f"""
        import ctypes
        import numpy as np
        from scipy import ndimage
        from kernels import filters
        from kernels.pycapsule import capsule_pointer
        name = filters.BLOCK_NAMES["trimmed_mean"]
        for field, value in {CORRUPTIONS!r}:
            print("try", field, value, flush=True)
            tm = filters.trimmed_mean_callable(9, 1)
            address = capsule_pointer(tm.user_data, name)
            block = (ctypes.c_int64 * 3).from_address(address)
            block[field] = value
            try:
                ndimage.generic_filter(np.ones((5, 5)), tm, size=3)
            except ValueError as error:
                print("ValueError:", error)
    """)
    assert result.returncode == 0, result.stdout[-200:] + result.stderr
    refused = "ValueError: trimmed_mean: corrupted parameter block"
    assert result.stdout.count(refused) == len(CORRUPTIONS), result.stdout


# Numbers too large for a float (issue 14, defect 4)


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: filters.ema_callable(10**400), "alpha"),
        (lambda: filters.polar_callable((10**400, 1), 1, 1), "centre row"),
        (lambda: filters.polar_callable((1, -(10**400)), 1, 1), "centre column"),
        (lambda: filters.polar_callable((1, 1), 10**400, 1), "radius_step"),
        (lambda: filters.polar_callable((1, 1), 1, 10**400), "angle_step"),
    ],
)
def test_huge_integers_raise_value_error_naming_the_parameter(make, name):
    with pytest.raises(ValueError, match=f"{name} is too large for a float"):
        make()


@pytest.mark.parametrize(
    "huge", [10**400, 10**5000, -(10**5000)], ids=["1e400", "1e5000", "-1e5000"]
)
def test_huge_integer_sizes_raise_value_error_naming_the_parameter(huge):
    with pytest.raises(ValueError, match="filter_size must be >= 1 and <= 1024"):
        filters.trimmed_mean_callable(huge, 0)
    with pytest.raises(ValueError, match="trim"):
        filters.trimmed_mean_callable(9, huge)
