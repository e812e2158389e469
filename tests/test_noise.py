"""kernels.noise: one verdict for every chapter, checked on hand-made timings."""

import numpy as np
import pytest

from kernels import noise


def test_interval_is_best_and_median():
    assert noise.interval([3.0, 1.0, 2.0, 10.0]) == (1.0, 2.5)
    assert noise.interval({"best": 1.0, "median": 1.5, "max": 9}) == (1.0, 1.5)


@pytest.mark.parametrize(
    ("timing", "reference", "expected"),
    [
        ([1.0, 1.1, 1.2], [2.0, 2.1, 2.2], "faster than"),
        ([2.0, 2.1, 2.2], [1.0, 1.1, 1.2], "slower than"),
        # The medians differ, but each median lies above the other's best.
        ([1.0, 1.5, 3.0], [1.2, 1.6, 3.0], "within the noise of"),
        # Touching is not apart: median 2.0 equals the other's best.
        ([1.0, 2.0, 2.5], [2.0, 2.2, 2.4], "within the noise of"),
        # One slow outlier does not hide a clear gap (the median ignores it).
        ([1.0, 1.0, 1.0, 1.0, 50.0], [1.5, 1.5, 1.5], "faster than"),
        ({"best": 1.0, "median": 1.1}, {"best": 1.2, "median": 1.3}, "faster than"),
    ],
)
def test_verdict(timing, reference, expected):
    assert noise.verdict(timing, reference) == expected


def test_verdict_is_antisymmetric():
    rng = np.random.default_rng(1)
    flip = {"faster than": "slower than", "slower than": "faster than"}
    for _ in range(200):
        a, b = rng.uniform(1, 2, 5), rng.uniform(1, 2, 5)
        forward, back = noise.verdict(a, b), noise.verdict(b, a)
        assert back == flip.get(forward, forward)


def test_custom_words():
    words = ("shrinks", "does not change", "grows")
    assert noise.verdict([1.0], [2.0], words) == "shrinks"
    assert noise.verdict([3.0], [2.0], words) == "grows"


@pytest.mark.parametrize(
    ("timing", "error"),
    [
        ([], ValueError),
        ([1.0, 0.0], ValueError),
        ([1.0, float("nan")], ValueError),
        ([1.0, -2.0], ValueError),
        ([True, 1.0], TypeError),
        (["1"], TypeError),
        ("12", TypeError),
        (3.0, TypeError),
        ({"best": 1.0}, ValueError),
        ({"best": 2.0, "median": 1.0}, ValueError),
    ],
)
def test_bad_timing_is_refused_by_name(timing, error):
    with pytest.raises(error, match="timing"):
        noise.verdict(timing, [1.0])


def test_words_must_be_three():
    with pytest.raises(TypeError, match="words"):
        noise.verdict([1.0], [2.0], ("a", "b"))
