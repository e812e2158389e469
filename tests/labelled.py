"""Inputs labelled by hand with what a parameter of kernels must make of them.

The fuzz suites' oracles: each strategy here draws ``(value, label)``, where
``label`` is what the documented parameter must turn ``value`` into (a float,
an int or a float64 array), or the exception class it must raise for it.  The
labels are written per kind of input, from the documentation (a real number
is a float, an int, a Fraction or a NumPy real scalar; ``bool``, strings,
``None``, complex numbers, ``Decimal`` and containers are not; an integer
too large for a float is a ValueError), never by calling the checks of
``kernels._validate`` or restating their logic, so that the checks are tested
against something other than themselves.
"""

import decimal
import fractions
import re

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# The largest integers that float() still rounds to a finite double are below
# 2**1024 - 2**970; everything from 2**1024 on overflows.  Labelled ints stay
# clear of the boundary on either side (hand-computed cases test it).
FLOAT_SAFE_INT = 2**1000
FLOAT_OVERFLOW_INT = 2**1024


def is_error(label):
    return isinstance(label, type) and issubclass(label, Exception)


def _labelled(strategy, label):
    """``strategy``'s values, each with the same label (an exception class)."""
    return strategy.map(lambda value: (value, label))


def _as_float(strategy):
    return strategy.map(lambda value: (value, float(value)))


# Things that are not real numbers, whatever the parameter: also refused by
# a parameter that takes arrays (each becomes a 0-d array of a refused dtype).
non_reals = st.one_of(
    _labelled(st.none(), TypeError),
    _labelled(st.text(max_size=3), TypeError),
    _labelled(st.binary(max_size=3), TypeError),
    _labelled(st.complex_numbers(max_magnitude=1e6), TypeError),
    _labelled(hnp.from_dtype(np.dtype("complex128")), TypeError),
    _labelled(st.decimals(allow_nan=False, places=2), TypeError),
    _labelled(st.just(decimal.Decimal("1.5")), TypeError),
    _labelled(st.just(object()), TypeError),
    _labelled(st.booleans(), TypeError),
    _labelled(st.sampled_from([np.True_, np.False_]), TypeError),
)
# Containers of reals: refused where one real number is documented.
containers = st.one_of(
    _labelled(st.floats(-10, 10).map(np.array), TypeError),  # a 0-d array
    _labelled(st.lists(st.floats(0.1, 1), min_size=1, max_size=2), TypeError),
    _labelled(st.tuples(st.floats(0.1, 1)), TypeError),
)
not_numbers = st.one_of(non_reals, containers)

huge_ints = st.one_of(
    st.integers(FLOAT_OVERFLOW_INT, 10**400),
    st.integers(-(10**400), -FLOAT_OVERFLOW_INT),
)

# A documented real-number parameter: the float it must become, before any
# range check (NaN and the infinities are real numbers; the function's range
# decides about them).
real_numbers = st.one_of(
    _as_float(st.floats(allow_nan=False, allow_infinity=False)),
    _as_float(st.sampled_from([np.nan, np.inf, -np.inf, 0.0, -0.0, 5e-324])),
    _as_float(st.integers(-FLOAT_SAFE_INT, FLOAT_SAFE_INT)),
    _as_float(st.integers(-(2**70), 2**70)),
    _labelled(huge_ints, ValueError),
    _as_float(st.fractions(max_denominator=10**6)),
    _labelled(st.just(fractions.Fraction(10**400, 3)), ValueError),
    *(
        _as_float(hnp.from_dtype(np.dtype(d)))
        for d in ("float64", "float32", "float16", "int8", "int64", "uint64")
    ),
    _as_float(st.floats(-1e300, 1e300).map(np.longdouble)),
)
real_inputs = st.one_of(real_numbers, not_numbers)

# A documented integer parameter (a count, a size): an int or a NumPy
# integer, never a bool or a float, even 9.0.
integers = st.one_of(
    st.integers(-3, 70).map(lambda i: (i, i)),
    st.integers(-(10**30), 10**30).map(lambda i: (i, i)),
    st.integers(-(10**400), 10**400).map(lambda i: (i, i)),
    hnp.from_dtype(np.dtype("int64")).map(lambda i: (i, int(i))),
    st.integers(0, 70).map(lambda i: (np.uint8(i), i)),
    _labelled(st.floats(-10, 70).map(round).map(float), TypeError),  # 9.0
    _labelled(hnp.from_dtype(np.dtype("float64")), TypeError),
    _labelled(st.just(fractions.Fraction(4, 1)), TypeError),
)
integer_inputs = st.one_of(integers, not_numbers)


def _float_array(values):
    return np.asarray(values, dtype=np.float64)


def real_arrays(ndim, max_side=4, min_side=0):
    """Arrays (and nested lists) of real numbers with ``ndim`` dimensions.

    Labelled with the float64 array they must become.
    """
    shapes = hnp.array_shapes(
        min_dims=ndim, max_dims=ndim, min_side=min_side, max_side=max_side
    )
    if ndim == 0:
        shapes = st.just(())
    numeric = st.sampled_from(["float64", "float32", "int8", "int64", "uint8"])
    arrays = hnp.arrays(numeric.map(np.dtype), shapes)
    views = st.one_of(
        arrays,
        arrays.map(lambda a: a[::-1] if a.ndim else a),  # negative strides
        arrays.map(np.asfortranarray),
        arrays.map(lambda a: a.astype(a.dtype.newbyteorder(">"))),  # big-endian
    )
    lists = hnp.arrays(np.float64, shapes, elements=st.floats(-1e6, 1e6)).map(
        lambda a: a.tolist()
    )
    return st.one_of(
        views.map(lambda a: (a, _float_array(a))),
        lists.map(lambda v: (v, _float_array(v))),
    )


def refused_dtype_arrays(ndim):
    """Arrays of ``ndim`` dimensions of a dtype that is not real numbers."""
    shapes = hnp.array_shapes(min_dims=ndim, max_dims=ndim, max_side=3)
    refused = st.sampled_from(["bool", "complex128", "U2", "S2", "m8[s]"])
    return st.one_of(
        _labelled(hnp.arrays(refused.map(np.dtype), shapes), TypeError),
        _labelled(
            hnp.arrays(np.dtype(object), shapes, elements=st.floats(-1, 1)), TypeError
        ),
    )


_poison = st.one_of(
    _labelled(st.none(), TypeError),
    _labelled(st.text(max_size=2), TypeError),
    _labelled(st.complex_numbers(min_magnitude=1, max_magnitude=9), TypeError),
    _labelled(st.just(decimal.Decimal("2.5")), TypeError),
    _labelled(huge_ints, ValueError),
)
# A list of floats with one element that is not a real number (or too large
# for a float) in the middle.
poisoned_lists = st.builds(
    lambda pair, fill: ([fill, pair[0], fill], pair[1]), _poison, st.floats(-1, 1)
)
ragged = _labelled(st.sampled_from([[[1.0], [1.0, 2.0]], [1.0, [2.0]]]), ValueError)


def not_real_arrays(ndim):
    """What an array parameter with ``ndim`` (1 or 2) dimensions must refuse."""
    other_ndim = hnp.array_shapes(min_dims=1, max_dims=3, max_side=3).filter(
        lambda shape: len(shape) != ndim
    )
    kinds = [
        refused_dtype_arrays(ndim),
        _labelled(st.sampled_from([None, "1.0", b"1.0"]), TypeError),
        _labelled(hnp.arrays(np.float64, other_ndim), ValueError),
        ragged,
    ]
    if ndim == 1:
        kinds += [poisoned_lists, _labelled(st.floats(-10, 10), ValueError)]
    if ndim == 2:
        kinds += [_labelled(st.just([[1.0, None]]), TypeError)]
    return st.one_of(*kinds)


def names(message, name):
    """Whether an error message names the parameter ``name``.

    As the subject of its sentence: ``name`` (or ``name[i]``, or one of a
    list ``c, lower and upper``, or ``name (element 1 of ...)``) followed by
    must, is, has, are, needs or a colon, or ``index 5 out of range``: not
    merely the letter ``a`` somewhere in the text.
    """
    subject = (
        rf"(?<![\w.]){re.escape(name)}(\[[^\]]*\])?(\s*\([^)]*\))?"
        rf"(,\s+\w+)*(,?\s+and\s+\w+)?(\s+(must|is|has|are|needs)\b|:)"
    )
    return bool(
        re.search(subject, message)
        or re.search(rf"(?<![\w.]){re.escape(name)} \S+ out of range", message)
    )
