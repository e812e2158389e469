"""Callbacks that defend themselves: every crash of issue 21, in a child process.

Each call that could crash runs in a forked child (``tests/forked.py``), so a
segfault fails one test instead of the run.  Run these also with
``PYTHONMALLOC=debug``: CPython's debug allocator then checks the guard bytes
around every block when it is freed, so a write past a block aborts the child.

- Every exported callback that reads ``user_data`` checks it for NULL: quad's
  integrands return NaN (quad returns nan and warns), ndimage's callbacks
  return 0 with a TypeError set.
- A callback that writes (``record_nd``) and the cheap readers (``normal_pdf``)
  recognise their block by a tag in its first 8 bytes and give NaN for any
  other block, writing nothing.
- ``pycapsule.new_capsule`` keeps its name alive and checks its address.
- The ``from_cython`` route, fuzzed: every exported callback with no
  ``user_data``, another kind of block, or a foreign capsule.
"""

import ctypes
import datetime
import importlib
import math
import os
import struct
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from hypothesis import assume, event, given
from hypothesis import strategies as st
from scipy import LowLevelCallable, integrate, ndimage

import kernels
from forked import run_forked
from kernels import capsules, filters, multidim, normal, pycapsule
from kernels.pycapsule import capsule_name

INF = math.inf

# Every exported callback that takes user_data, with the routine that calls it.
QUAD = "quad"  # double (double, void *)
NQUAD = "dblquad"  # double (int, double *, void *)
CALLBACKS = {
    ("gaussian", "gauss"): QUAD,
    ("gaussian", "gauss_nd"): NQUAD,
    ("lorentz", "lorentz"): QUAD,
    ("normal", "normal_pdf"): QUAD,
    ("floor", "constant"): QUAD,
    ("floor", "replay"): QUAD,
    ("floor", "replay_nd"): NQUAD,
    ("floor", "tee"): QUAD,
    ("floor", "tee_nd"): NQUAD,
    ("multidim", "correlated_gauss"): NQUAD,
    ("multidim", "record_nd"): NQUAD,
    ("filters", "trimmed_mean"): "generic_filter",
    ("filters", "ema"): "generic_filter1d",
    ("filters", "polar_unwrap"): "geometric_transform",
}


def test_every_exported_callback_with_user_data_is_covered_here():
    found = {
        (name, key)
        for name in kernels.__all__
        for key, capsule in getattr(getattr(kernels, name), "__pyx_capi__", {}).items()
        if capsule_name(capsule).endswith("void *)")
        and not capsule_name(capsule).startswith("PyObject")
    }
    assert found == set(CALLBACKS)


def _call(module_name, name, user_data):
    """Call the callback through its routine; return plain data for the parent.

    ``user_data`` is None (no user_data: SciPy passes NULL) or a capsule.
    Returns ("value", result, warning category names) for the integrands and
    ("raised", exception type name, message) or ("value", image) for ndimage.
    """
    module = importlib.import_module(f"kernels.{module_name}")
    if user_data is None:
        llc = LowLevelCallable.from_cython(module, name)
    else:
        llc = LowLevelCallable.from_cython(module, name, user_data)
    routine = CALLBACKS[module_name, name]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if routine == QUAD:
                value = integrate.quad(llc, -INF, INF)[0]
            elif routine == NQUAD:
                value = integrate.dblquad(llc, 0, 1, 0, 1)[0]
            elif routine == "generic_filter":
                value = ndimage.generic_filter(np.ones((4, 4)), llc, size=3)
            elif routine == "generic_filter1d":
                value = ndimage.generic_filter1d(np.ones((4, 4)), llc, 1)
            else:
                value = ndimage.geometric_transform(np.ones((4, 4)), llc)
        except Exception as exc:  # noqa: BLE001 - the parent judges it
            return ("raised", type(exc).__name__, str(exc))
    categories = sorted({w.category.__name__ for w in caught})
    return ("value", value, categories)


# Crash 1: a callback without its user_data -------------------------------


@pytest.mark.parametrize(
    ("module_name", "name"),
    [key for key, routine in CALLBACKS.items() if routine in (QUAD, NQUAD)],
)
def test_integrand_without_user_data_gives_nan_and_a_warning(module_name, name):
    # Before issue 21's fix: the child died with SIGSEGV for each of them.
    outcome = run_forked(_call, module_name, name, None)
    kind, value, categories = outcome
    assert kind == "value"
    assert math.isnan(value)
    # quad (and dblquad's inner quads) warn on a NaN integrand: QUADPACK
    # reports "roundoff error", and SciPy turns it into IntegrationWarning.
    assert "IntegrationWarning" in categories


def test_quad_on_a_nan_integrand_returns_nan_and_warns():
    # What "fails in quad's way" means, shown on a Python integrand.
    with pytest.warns(integrate.IntegrationWarning):
        value, error = integrate.quad(lambda x: math.nan, -INF, INF)
    assert math.isnan(value)
    assert math.isnan(error)


@pytest.mark.parametrize(
    ("module_name", "name"),
    [key for key, routine in CALLBACKS.items() if routine not in (QUAD, NQUAD)],
)
def test_filter_without_user_data_raises_type_error(module_name, name):
    kind, error, message = run_forked(_call, module_name, name, None)
    assert (kind, error) == ("raised", "TypeError")
    assert "needs the user_data" in message


def _native_without_user_data(route):
    from kernels import native

    if route == "ctypes":
        function = native.ctypes_gauss()
    else:
        function = native.cffi_gauss()[1]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = integrate.quad(LowLevelCallable(function), -INF, INF)[0]
    return value, sorted({w.category.__name__ for w in caught})


@pytest.mark.parametrize("route", ["ctypes", "cffi"])
def test_gauss_c_without_user_data_gives_nan_and_a_warning(route):
    if route == "cffi":
        pytest.importorskip("cffi")
    # Before: SIGSEGV in the child.
    value, categories = run_forked(_native_without_user_data, route)
    assert math.isnan(value)
    assert "IntegrationWarning" in categories


# Crash 2: a block of another kind -----------------------------------------


def _record_on_a_double():
    block = capsules.double_capsule(1.0)
    llc = LowLevelCallable.from_cython(multidim, "record_nd", block)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = integrate.dblquad(llc, 0, 1, 0, 1)[0]
    return value, capsules.read_doubles(block).tolist()


def test_record_nd_refuses_a_block_that_is_not_a_record_and_writes_nothing():
    # Before: dblquad returned 1.0, the double became 1.0 + the number of
    # calls, and record_nd wrote ~1 KiB past the 8-byte block.
    value, after = run_forked(_record_on_a_double)
    assert math.isnan(value)
    assert after == [1.0]


def test_record_nd_on_a_double_leaves_the_heap_intact_under_debug_malloc(tmp_path):
    # CPython's debug allocator checks the pad bytes after each block when it
    # frees it: before the fix this child aborted with "bad trailing pad byte".
    code = textwrap.dedent(
        """
        import gc, math, warnings
        from scipy import LowLevelCallable, integrate
        from kernels import capsules, multidim
        block = capsules.double_capsule(1.0)
        llc = LowLevelCallable.from_cython(multidim, "record_nd", block)
        warnings.simplefilter("ignore")
        value = integrate.dblquad(llc, 0, 1, 0, 1)[0]
        del llc, block
        gc.collect()
        print(math.isnan(value))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not the repository's root, whose kernels/ is uncompiled
        env={**os.environ, "PYTHONMALLOC": "debug"},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "True"


def _normal_on(values):
    block = capsules.array_capsule(values)
    llc = LowLevelCallable.from_cython(normal, "normal_pdf", block)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return integrate.quad(llc, -INF, INF)[0]


@pytest.mark.parametrize("values", [[1.0], [0.0, 1.0]])
def test_normal_pdf_refuses_a_block_of_doubles(values):
    # Before: [0.0, 1.0] passed for a struct {mu, sigma} (quad gave 1.0), and
    # [1.0] was read 8 bytes past its end (-1.0e-299, or anything).
    assert math.isnan(run_forked(_normal_on, values))


def test_read_only_callbacks_document_the_blocks_they_read():
    # lorentz and correlated_gauss read two and three doubles from any
    # pointer they are given, as floor.sum_lorentz's C loop and a reader's own
    # C code pass them: no tag is possible in a plain double *, so the hazard
    # is stated where a reader of the declaration looks.
    root = os.path.dirname(kernels.__file__)
    for pxd, words in [
        ("lorentz.pxd", "reads two doubles"),
        ("multidim.pxd", "reads three doubles"),
    ]:
        with open(os.path.join(root, pxd)) as file:
            text = " ".join(file.read().split())
        assert words in text, pxd
        assert "past its end" in text, pxd
    from kernels import lorentz

    assert "reads two doubles" in " ".join(lorentz.__doc__.split())
    assert "reads three doubles" in " ".join(multidim.__doc__.split())


# Crash 3: new_capsule's name ----------------------------------------------


def _long_temporary_name():
    address = ctypes.addressof(_DOUBLE)
    capsule = pycapsule.new_capsule(address, b"x" * (1 << 20) + b"y")
    # The temporary bytes object is gone; a 1 MiB one goes back to the OS.
    filler = [bytes(1 << 20) for _ in range(4)]
    name = capsule_name(capsule)
    del filler
    return len(name), name[-1]


_DOUBLE = ctypes.c_double(2.0)


def test_new_capsule_keeps_a_temporary_name_alive():
    # Before: SIGSEGV (the name was read from freed, unmapped memory).
    assert run_forked(_long_temporary_name) == ((1 << 20) + 1, "y")


def _encoded_signature():
    from kernels import gaussian

    address = pycapsule.capsule_pointer(gaussian.__pyx_capi__["gauss"])
    signature = "double (double, void *)"
    function = pycapsule.new_capsule(address, signature.encode())
    # The encoded bytes died at once; the next bytes of their size reuse them.
    _churn = [bytes(len(signature)) for _ in range(100)]  # noqa: F841
    llc = LowLevelCallable(function, capsules.double_capsule(1.0))
    return llc.signature, integrate.quad(llc, -INF, INF)[0]


def test_new_capsule_with_an_encoded_signature_works_with_quad():
    # Before: SciPy often read the freed name as "" ("Invalid signature").
    signature, value = run_forked(_encoded_signature)
    assert signature == "double (double, void *)"
    assert value == pytest.approx(math.sqrt(math.pi), rel=1e-12)


@pytest.mark.parametrize(
    ("address", "error"),
    [
        (1.5, TypeError),
        ("1", TypeError),
        (True, TypeError),
        (None, TypeError),
        (0, ValueError),
        (-1, ValueError),
        (2**64, ValueError),
        (2**200, ValueError),
    ],
)
def test_new_capsule_checks_its_address(address, error):
    # Before: 1.5 gave ctypes.ArgumentError, 2**64 a "null pointer"
    # ValueError, and -1 and "1" made capsules.
    with pytest.raises(error, match="address"):
        pycapsule.new_capsule(address, b"tests.address")


def test_new_capsule_takes_any_pointer_sized_int():
    value = ctypes.c_double(3.0)
    address = ctypes.addressof(value)
    for given_address in (address, np.uint64(address)):
        capsule = pycapsule.new_capsule(given_address, "tests.str-name")
        assert pycapsule.capsule_pointer(capsule) == address
        assert capsule_name(capsule) == "tests.str-name"


# The from_cython route, fuzzed ----------------------------------------------


def _block(kind, value):
    """A capsule of one kind, made in the child (capsules do not pickle)."""
    from kernels import floor, gaussian, lorentz

    makers = {
        "none": lambda: None,
        "double": lambda: capsules.double_capsule(value),
        "array3": lambda: capsules.array_capsule([value, 1.0, 2.0]),
        "gaussian": lambda: gaussian.gaussian_callable(abs(value) + 1).user_data,
        "lorentz": lambda: lorentz.lorentz_callable(value, 1.0).user_data,
        "normal": lambda: normal.normal_params_capsule(value, 1.0),
        "record": lambda: multidim.recording_callable(3).user_data,
        "correlated": lambda: (
            multidim.correlated_gaussian_callable([[1.0, 0.0], [0.0, 1.0]]).user_data
        ),
        "trimmed": lambda: filters.trimmed_mean_callable(9, 1).user_data,
        "ema": lambda: filters.ema_callable(0.5).user_data,
        "polar": lambda: filters.polar_callable((1.0, 1.0), 1.0, 0.5).user_data,
        "tape": lambda: floor.replay_callable([value, 1.0, 2.0]).user_data,
        "datetime": lambda: datetime.datetime_CAPI,
        "numpy": lambda: np._core.multiarray._ARRAY_API,
    }
    return makers[kind]()


def _snapshot(block):
    """What the block holds, to check that a callback wrote nothing."""
    if block is None:
        return None
    for reader in (
        capsules.read_doubles,
        normal.read_normal_params,
        filters.parameters,
    ):
        try:
            result = reader(block)
        except TypeError:
            continue
        return result.tolist() if isinstance(result, np.ndarray) else result
    return pycapsule.capsule_pointer(block)


def _fuzz_one(module_name, name, kind, value):
    block = _block(kind, value)
    before = _snapshot(block)
    outcome = _call(module_name, name, block)
    if outcome[0] == "value" and not isinstance(outcome[1], float):
        outcome = ("value", "an image", outcome[2])
    return outcome, before, _snapshot(block), _own_kind(module_name, name)


def _own_kind(module_name, name):
    return {
        "gauss": ("double", "array3", "gaussian"),
        "gauss_nd": ("double", "array3", "gaussian"),
        "constant": ("double", "array3", "gaussian"),
        "lorentz": ("array3", "lorentz"),
        "normal_pdf": ("normal",),
        "correlated_gauss": ("array3", "correlated"),
        "record_nd": ("record",),
        "trimmed_mean": ("trimmed",),
        "ema": ("ema",),
        "polar_unwrap": ("polar",),
        "replay": ("tape",),
        "replay_nd": ("tape",),
        # A recorder's own block is made inside floor.record_values: a
        # player's tape, like every other block here, is not its kind.
        "tee": (),
        "tee_nd": (),
    }[name]


# The callbacks that recognise their block by a tag: any other block, a
# foreign capsule or none gives NaN (or a TypeError for ndimage).
TAGGED = {
    "normal_pdf",
    "record_nd",
    "trimmed_mean",
    "ema",
    "polar_unwrap",
    "replay",
    "replay_nd",
    "tee",
    "tee_nd",
}
KINDS = [
    "none",
    "double",
    "array3",
    "gaussian",
    "lorentz",
    "normal",
    "record",
    "correlated",
    "trimmed",
    "ema",
    "polar",
    "tape",
    "datetime",
    "numpy",
]


# The bytes that the plain double * readers read (lorentz: c and width;
# correlated_gauss: three entries of the precision matrix), and the kinds of
# block on the heap that hold fewer bytes than one of them reads. Handing such
# a reader a smaller block is the hazard their docstrings state: a read past
# the block, which `make test-asan` rightly reports, so the fuzz leaves it out.
READS = {"lorentz": 16, "correlated_gauss": 24}
SMALL_BLOCKS = {"double": 8, "gaussian": 8, "lorentz": 16, "ema": 16}


@given(
    callback=st.sampled_from(sorted(CALLBACKS)),
    kind=st.sampled_from(KINDS),
    value=st.floats(-10, 10, allow_nan=False),
)
def test_from_cython_with_any_user_data_never_crashes(callback, kind, value):
    module_name, name = callback
    assume(SMALL_BLOCKS.get(kind, 1 << 30) >= READS.get(name, 0))
    outcome, before, after, own = run_forked(_fuzz_one, module_name, name, kind, value)
    event(f"user_data kind: {'own' if kind in own else 'other'}")
    # No callback writes into a block that is not its own.
    if kind not in own:
        assert after == before
    if kind == "none" or (name in TAGGED and kind not in own):
        event("result checked: refused")
        if CALLBACKS[callback] in (QUAD, NQUAD):
            assert outcome[0] == "value"
            assert math.isnan(outcome[1])
            assert "IntegrationWarning" in outcome[2]
        else:
            assert outcome[:2] == ("raised", "TypeError")
    elif kind in own:
        event("result checked: accepted")
        assert outcome[0] == "value"
    else:
        # A plain double * reader given another block of 8 bytes or more: its
        # value is whatever the bytes say; only "nothing written" is checked.
        event("result checked: nothing written (a plain reader, another block)")


def _integrate_own(name, p, q):
    """The callback through from_cython with its own user_data, and the exact value."""
    from kernels import gaussian, lorentz

    if name == "gauss":
        llc = LowLevelCallable.from_cython(gaussian, name, capsules.double_capsule(p))
        return integrate.quad(llc, -INF, INF)[0], math.sqrt(math.pi / p)
    if name == "gauss_nd":
        llc = LowLevelCallable.from_cython(gaussian, name, capsules.double_capsule(p))
        side = math.sqrt(math.pi / p) / 2 * math.erf(math.sqrt(p))
        return integrate.dblquad(llc, 0, 1, 0, 1)[0], side * side
    if name == "lorentz":
        block = capsules.array_capsule([p, q])
        llc = LowLevelCallable.from_cython(lorentz, name, block)
        return integrate.quad(llc, 0, 1, points=[p] if 0 < p < 1 else None)[0], (
            math.atan((1 - p) / q) - math.atan(-p / q)
        )
    if name == "normal_pdf":
        block = normal.normal_params_capsule(p, q)
        llc = LowLevelCallable.from_cython(normal, name, block)
        return integrate.quad(llc, -INF, p)[0], 0.5
    if name == "correlated_gauss":
        rho = 0.7 * math.sin(3 * p)  # a correlation in [-0.7, 0.7]
        cov = [[q, rho * q], [rho * q, q]]
        block = multidim.correlated_gaussian_callable(cov).user_data
        llc = LowLevelCallable.from_cython(multidim, name, block)
        exact = 2 * math.pi * math.sqrt(q * q * (1 - rho * rho))
        return integrate.dblquad(llc, -INF, INF, -INF, INF)[0], exact
    # record_nd: the area of [0, p] x [0, q], and every call recorded.
    llc = multidim.recording_callable(2)
    llc = LowLevelCallable.from_cython(multidim, name, llc.user_data)
    area = integrate.dblquad(llc, 0, p, 0, q)[0]
    record = multidim.read_record(llc)
    assert record.calls > 0 and 0 <= record.low[0] <= record.high[0] <= q
    return area, p * q


@given(
    name=st.sampled_from(
        ["gauss", "gauss_nd", "lorentz", "normal_pdf", "correlated_gauss", "record_nd"]
    ),
    p=st.floats(0.1, 5.0),
    q=st.floats(0.2, 5.0),
)
def test_from_cython_with_its_own_user_data_gives_the_exact_integral(name, p, q):
    # The valid side of the route: every example checks the integral against
    # a closed form (no example ends in an expected error).
    value, exact = run_forked(_integrate_own, name, p, q)
    event(f"result checked: {name}")
    # dblquad over the plane: each inner quad to its default 1.5e-8.
    rel = 1e-6 if name == "correlated_gauss" else 1e-8
    assert value == pytest.approx(exact, rel=rel, abs=0)


# A tag that a block of doubles could hold ---------------------------------

# The bits of the tags as multidim.pyx and normal.pyx define them (NaNs with a
# payload), and of the finite tags they replaced ("KM-RECD1", "KN-NORM1"):
# double_capsule(the double with those bits) was taken for a record, and
# record_nd wrote past its 8 bytes (PYTHONMALLOC=debug: "bad trailing pad
# byte").
RECORD_TAG_BITS = 0x7FF44B4D52454344
NORMAL_TAG_BITS = 0x7FF44B4E4F524D4C
FORGERIES = [RECORD_TAG_BITS, NORMAL_TAG_BITS, 0x4B4D2D5245434431, 0x4B4E2D4E4F524D31]


def _double_with_bits(bits):
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def _forged(route, bits):
    """Callbacks handed a block of doubles whose first 8 bytes are ``bits``."""
    value = _double_with_bits(bits)
    if route == "double_capsule":
        block = capsules.double_capsule(value)
    elif route == "array_capsule":
        block = capsules.array_capsule(np.array([value]))
    else:
        block = capsules.double_capsule(0.0)
        capsules.set_double(block, 0, value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        record = LowLevelCallable.from_cython(multidim, "record_nd", block)
        recorded = integrate.dblquad(record, 0, 1, 0, 1)[0]
        pdf = LowLevelCallable.from_cython(normal, "normal_pdf", block)
        density = integrate.quad(pdf, 0, 1)[0]
    return recorded, density


@pytest.mark.parametrize("route", ["double_capsule", "array_capsule", "set_double"])
@pytest.mark.parametrize("bits", FORGERIES, ids=hex)
def test_no_block_of_doubles_passes_for_a_record_or_normal_params(route, bits):
    # Before: 1.0 from record_nd (and a write past the block) and a number
    # read past the block from normal_pdf, for the finite tags.
    recorded, density = run_forked(_forged, route, bits)
    assert math.isnan(recorded)
    assert math.isnan(density)


@given(bits=st.integers(0, 2**64 - 1) | st.sampled_from(FORGERIES))
def test_a_double_of_any_bits_is_refused_by_the_tagged_callbacks(bits):
    event("result checked: refused")
    recorded, density = run_forked(_forged, "double_capsule", bits)
    assert math.isnan(recorded)
    assert math.isnan(density)


def test_every_nan_is_stored_as_one_nan():
    # What makes a NaN tag safe: kernels.capsules keeps no NaN payload.
    canonical = struct.unpack("<Q", struct.pack("<d", math.nan))[0] & ~(1 << 63)
    for bits in (RECORD_TAG_BITS, NORMAL_TAG_BITS, 0xFFF8000000000001):
        value = _double_with_bits(bits)
        block = capsules.array_capsule([1.0, value])
        capsules.set_double(block, 0, value)
        for stored in capsules.read_doubles(block):
            bits_stored = struct.unpack("<Q", struct.pack("<d", stored))[0]
            assert bits_stored & ~(1 << 63) == canonical


FILTER_TAGS = {  # filters.pyx's tags, and the finite ones they replaced
    "trimmed_mean": [0x7FF44B465452494D, 0x4B462D5452494D31],
    "ema": [0x7FF44B46454D4131, 0x4B462D454D412D31],
    "polar_unwrap": [0x7FF44B46504F4C41, 0x4B462D504F4C4131],
}


def _filter_on_forged(name, bits):
    block = capsules.double_capsule(_double_with_bits(bits))
    return _call("filters", name, block)[:2]


@pytest.mark.parametrize(
    ("name", "bits"),
    [(name, bits) for name, tags in FILTER_TAGS.items() for bits in tags],
    ids=lambda v: hex(v) if isinstance(v, int) else v,
)
def test_no_block_of_doubles_passes_for_a_filter_block(name, bits):
    # Before: double_capsule(4.248e54) passed polar_unwrap's tag check, and
    # its struct was read past the 8-byte block.
    assert run_forked(_filter_on_forged, name, bits) == ("raised", "TypeError")


# floor.pyx's tape tag, and the finite one it replaced ("KF-TAPE1"): replay
# writes its position into the block, so a block of doubles taken for a tape
# would be written past its end.
TAPE_TAGS = [0x7FF44B4654415045, 0x4B462D5441504531]


def _replay_on_forged(name, bits):
    from kernels import floor

    block = capsules.double_capsule(_double_with_bits(bits))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        llc = LowLevelCallable.from_cython(floor, name, block)
        if name in ("replay", "tee"):
            value = integrate.quad(llc, 0, 1)[0]
        else:
            value = integrate.dblquad(llc, 0, 1, 0, 1)[0]
    return value


@pytest.mark.parametrize("name", ["replay", "replay_nd", "tee", "tee_nd"])
@pytest.mark.parametrize("bits", TAPE_TAGS, ids=hex)
def test_no_block_of_doubles_passes_for_a_tape(name, bits):
    assert math.isnan(run_forked(_replay_on_forged, name, bits))
