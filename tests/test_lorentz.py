"""Claims the book makes about kernels.lorentz, the narrow-peak integrand."""

import math

import numpy as np
import pytest
from scipy import LowLevelCallable, integrate

from kernels import capsules, lorentz
from kernels.pycapsule import capsule_name

SIGNATURE = "double (double, void *)"


def test_lorentz_capsule_is_named_by_its_c_signature():
    assert capsule_name(lorentz.__pyx_capi__["lorentz"]) == SIGNATURE


def test_factory_returns_a_callable_owning_c_and_width():
    llc = lorentz.lorentz_callable(0.25, 1e-3)
    assert isinstance(llc, LowLevelCallable)
    assert llc.signature == SIGNATURE
    assert capsules.read_doubles(llc.user_data).tolist() == [0.25, 1e-3]


@pytest.mark.parametrize("c", [0.1, 0.3337, 0.5, 0.9])
@pytest.mark.parametrize("width", [1e-1, 1e-2, 1e-3])
def test_quad_matches_the_arctan_closed_form(c, width):
    value, _ = integrate.quad(lorentz.lorentz_callable(c, width), 0.0, 1.0)
    exact = math.atan((1.0 - c) / width) - math.atan(-c / width)
    assert value == pytest.approx(exact, rel=1e-10)
    assert lorentz.lorentz_integral(c, width, 0.0, 1.0) == pytest.approx(exact)


def test_closed_form_tends_to_pi_for_a_peak_well_inside():
    assert lorentz.lorentz_integral(0.5, 1e-9, 0.0, 1.0) == pytest.approx(math.pi)


def test_closed_form_broadcasts_over_arrays_of_centres():
    centres = np.linspace(0.1, 0.9, 5)
    values = lorentz.lorentz_integral(centres, 1e-3, 0.0, 1.0)
    assert values.shape == (5,)
    expected = [lorentz.lorentz_integral(c, 1e-3, 0.0, 1.0) for c in centres]
    np.testing.assert_allclose(values, expected, rtol=1e-15)


def test_callable_evaluates_the_formula_at_the_peak_and_beside_it():
    # On [c - h, c + h] the integral is 2 arctan(h / width).
    c, width, h = 0.4, 1e-2, 3e-2
    value, _ = integrate.quad(lorentz.lorentz_callable(c, width), c - h, c + h)
    assert value == pytest.approx(2 * math.atan(h / width), rel=1e-12)


def test_set_double_moves_the_peak_of_a_reused_callable():
    llc = lorentz.lorentz_callable(0.5, 1e-3)
    for c in (0.2, 0.7):
        capsules.set_double(llc.user_data, 0, c)
        value, _ = integrate.quad(llc, 0.0, 1.0)
        assert value == pytest.approx(
            lorentz.lorentz_integral(c, 1e-3, 0.0, 1.0), rel=1e-10
        )


@pytest.mark.parametrize("c", ["0.5", None, 1j, True, [0.5], object()])
def test_non_real_c_raises_type_error(c):
    with pytest.raises(TypeError, match="c must be a real number"):
        lorentz.lorentz_callable(c, 1e-3)


@pytest.mark.parametrize("c", [math.nan, math.inf, -math.inf])
def test_non_finite_c_raises_value_error(c):
    with pytest.raises(ValueError, match="c must be finite"):
        lorentz.lorentz_callable(c, 1e-3)


@pytest.mark.parametrize("width", [0.0, -0.0, -1e-3])
def test_non_positive_width_raises_value_error(width):
    with pytest.raises(ValueError, match="width must be > 0"):
        lorentz.lorentz_callable(0.5, width)


@pytest.mark.parametrize("width", [math.nan, math.inf])
def test_non_finite_width_raises_value_error(width):
    with pytest.raises(ValueError, match="width must be finite"):
        lorentz.lorentz_callable(0.5, width)


@pytest.mark.parametrize("width", ["1e-3", None, False])
def test_non_real_width_raises_type_error(width):
    with pytest.raises(TypeError, match="width must be a real number"):
        lorentz.lorentz_callable(0.5, width)


def test_bad_input_allocates_nothing():
    before = capsules.live_buffers()
    for c, width in ((0.5, 0.0), (math.nan, 1e-3), ("x", 1e-3), (0.5, None)):
        with pytest.raises((TypeError, ValueError)):
            lorentz.lorentz_callable(c, width)
    assert capsules.live_buffers() == before


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((0.5, 0.0, 0.0, 1.0), ValueError),
        ((0.5, [1e-3, -1e-3], 0.0, 1.0), ValueError),
        ((math.nan, 1e-3, 0.0, 1.0), ValueError),
        ((0.5, 1e-3, math.nan, 1.0), ValueError),  # an infinite bound is fine
        (("a", 1e-3, 0.0, 1.0), TypeError),
        (([0.1, 0.2], [1e-3, 1e-3, 1e-3], 0.0, 1.0), ValueError),
    ],
)
def test_closed_form_rejects_bad_input(args, error):
    with pytest.raises(error):
        lorentz.lorentz_integral(*args)
