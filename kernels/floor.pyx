"""The floor under every quad path: what no callback can go below.

Integrating one parameter costs at least one ``quad`` call, ``quad``'s own
work at every point it asks for, and the integrand's arithmetic there.  This
module measures the parts:

- ``constant`` (``double (double, void *)``) returns ``*user_data`` and does
  nothing else; ``constant_callable(value)`` wraps it, so timing ``quad`` with
  it gives the fixed cost of one call.
- ``replay`` (and ``replay_nd`` for nquad) returns recorded values, one per
  call, in order, whatever ``x``: ``record_values`` records what a compiled
  integrand gives at the points quad asks for, and ``replay_callable`` plays
  them back.  quad then takes the very path it took with the real integrand
  (same values, same decisions), at the cost of a memory read per point: its
  time is quad's own work on that path.
- ``time_loop`` calls a compiled integrand in a C loop, through the same kind
  of function pointer ``quad`` calls, and times only the loop: the cost of
  one evaluation.  ``sum_gauss`` and ``sum_lorentz`` are the same loops,
  untimed, returning the sum.  They check their parameters as the factories
  do (``gaussian_callable``, ``lorentz_callable``), so that the C loop only
  ever sees parameters the integrands compute right.
"""
import operator
import sys
import time

from cpython.pycapsule cimport (
    PyCapsule_CheckExact,
    PyCapsule_GetName,
    PyCapsule_GetPointer,
    PyCapsule_IsValid,
)
from libc.float cimport DBL_MAX
from libc.math cimport NAN
from libc.stdint cimport uint64_t
from libc.string cimport memcpy

from kernels.capsules cimport alloc_doubles, new_block, own_ranged_doubles, slot_range
from kernels.gaussian cimport gauss, gauss_nd
from kernels.lorentz cimport lorentz

import numpy as np
from scipy import LowLevelCallable

from kernels._validate import finite_real, real_array, short_repr
from kernels.gaussian import A_RANGE
from kernels.lorentz import C_RANGE, WIDTH_RANGE, check_centre, check_width

ctypedef double (*integrand_1d)(double, void *) noexcept nogil
ctypedef double (*integrand_nd)(int, double *, void *) noexcept nogil

SIGNATURE_1D = "double (double, void *)"
SIGNATURE_ND = "double (int, double *, void *)"


# What set_double accepts in the slot of a constant_callable's user_data.
cdef slot_range RANGES[1]
RANGES[0].name = b"value"
RANGES[0].low = -DBL_MAX
RANGES[0].high = DBL_MAX


# start-constant
cdef api double constant(double x, void *user_data) noexcept nogil:
    if user_data == NULL:  # no user_data: NaN, so that quad warns
        return NAN
    return (<double *>user_data)[0]
# end-constant


def constant_callable(value=0.0):
    """Return a ``scipy.LowLevelCallable`` for the constant function ``value``.

    With ``value = 0`` (the default) ``quad`` stops after its first rule
    (30 evaluations on an infinite range, 21 on a finite one): what it then
    costs is the fixed cost of a ``quad`` call.
    """
    cdef double checked = finite_real("value", value)  # before allocating
    cdef double *buffer = alloc_doubles(1)
    buffer[0] = checked
    user_data = own_ranged_doubles(buffer, 1, RANGES, b"constant_callable")
    return LowLevelCallable.from_cython(sys.modules[__name__], "constant", user_data)


# --- the tape: record an integrand's values, play them back ------------------

# Every tape starts with this tag: a callback given another block (or none)
# returns NaN instead of reading or writing it.  Its bits are a NaN whose
# payload spells "KFTAPE": kernels.capsules stores every NaN as C's NAN, so
# no block of doubles can start with it (a finite tag could be forged by
# double_capsule of the double with the same bits, and replay, which writes
# its position into the tape, would then write past that block).
cdef uint64_t TAPE_TAG = 0x7FF44B4654415045
cdef const char *TAPE_NAME = b"kernels.floor.tape"
cdef Py_ssize_t _live_tapes = 0
cdef Py_ssize_t AHEAD = 64  # values: eight cache lines of 64 bytes

cdef extern from *:
    # GCC and Clang: a hint, never a fault, whatever the address.
    void __builtin_prefetch(const void *address) noexcept nogil

# start-tape
ctypedef struct tape_block:
    uint64_t tag
    Py_ssize_t n          # how many values the tape holds
    Py_ssize_t position   # the next value to play (or to record)
    int kind              # 0: a player; 1, 2: records a 1-D, n-D integrand
    void *integrand       # what a recorder calls, and its user_data
    void *integrand_data
    Py_ssize_t dims       # a recorder of points: coordinates per point
    Py_ssize_t every      # a recorder keeps every every-th call
    double *values        # n values, in the same block, after the struct


cdef api double replay(double x, void *user_data) noexcept nogil:
    cdef tape_block *tape = <tape_block *>user_data
    if tape == NULL or tape.tag != TAPE_TAG or tape.position >= tape.n:
        return NAN  # quad warns: the tape ran out, or it is not a tape
    if tape.position + AHEAD < tape.n:
        # Ask for the values a few cache lines on, so that quad's work between
        # two calls hides part of the wait for memory, which the real
        # integrand does not have (its parameters stay in the cache).
        __builtin_prefetch(&tape.values[tape.position + AHEAD])
    tape.position += 1
    return tape.values[tape.position - 1]
# end-tape


cdef api double replay_nd(int n, double *xx, void *user_data) noexcept nogil:
    return replay(0.0, user_data)


cdef inline void _keep(tape_block *tape, int n, double *xx,
                       double value) noexcept nogil:
    # Keeps the value (dims 0) or the point of every every-th call while
    # there is room, and counts every call: record_values sees overflow.
    cdef Py_ssize_t slot, j
    if tape.position % tape.every == 0:
        slot = tape.position // tape.every
        if tape.dims == 0 and slot < tape.n:
            tape.values[slot] = value
        elif tape.dims > 0 and slot < tape.n // tape.dims:
            for j in range(tape.dims):
                tape.values[slot * tape.dims + j] = xx[j] if j < n else NAN
    tape.position += 1


cdef api double tee(double x, void *user_data) noexcept nogil:
    # Calls the recorded integrand, and keeps what the tape asks for.
    cdef tape_block *tape = <tape_block *>user_data
    if tape == NULL or tape.tag != TAPE_TAG or tape.kind != 1:
        return NAN
    cdef double value = (<integrand_1d>tape.integrand)(x, tape.integrand_data)
    _keep(tape, 1, &x, value)
    return value


cdef api double tee_nd(int n, double *xx, void *user_data) noexcept nogil:
    cdef tape_block *tape = <tape_block *>user_data
    if tape == NULL or tape.tag != TAPE_TAG or tape.kind != 2:
        return NAN
    cdef double value = (<integrand_nd>tape.integrand)(n, xx, tape.integrand_data)
    _keep(tape, n, xx, value)
    return value


cdef object _new_tape(Py_ssize_t n, int kind):
    if n < 1:
        raise ValueError(f"a tape needs room for at least one value, got {n}")
    if <size_t>n > ((<size_t>-1) - sizeof(tape_block)) // sizeof(double):
        raise MemoryError(f"cannot allocate a tape of {n} values")
    capsule = new_block(sizeof(tape_block) + <size_t>n * sizeof(double),
                        TAPE_NAME, &_live_tapes)
    cdef tape_block *tape = <tape_block *>PyCapsule_GetPointer(capsule, TAPE_NAME)
    tape.tag = TAPE_TAG
    tape.n = n
    tape.kind = kind
    tape.every = 1
    tape.values = <double *>(<char *>tape + sizeof(tape_block))
    return capsule


cdef tape_block *_tape_of(llc, name) except NULL:
    user_data = llc.user_data if isinstance(llc, LowLevelCallable) else None
    if not (PyCapsule_CheckExact(user_data)
            and PyCapsule_IsValid(user_data, TAPE_NAME)):
        raise TypeError(
            f"{name} must be a callable made by replay_callable, got "
            f"{type(llc).__name__} {short_repr(llc)}"
        )
    return <tape_block *>PyCapsule_GetPointer(user_data, TAPE_NAME)


def replay_callable(values, multivariate=False):
    """Return a ``scipy.LowLevelCallable`` that plays ``values`` back in order.

    Its integrand returns ``values[0]`` at its first call, ``values[1]`` at
    the next, and so on, whatever point it is asked for; NaN once they run
    out.  ``multivariate=True`` gives the signature
    ``double (int, double *, void *)`` (for nquad), otherwise
    ``double (double, void *)``.  The callable owns a copy of ``values`` (a
    non-empty 1-D sequence of real numbers); ``rewind`` moves its position.
    """
    cdef const double[::1] view = real_array("values", values)
    if view.shape[0] == 0:
        raise ValueError("values must hold at least one value, got none")
    capsule = _new_tape(view.shape[0], 0)
    cdef tape_block *tape = <tape_block *>PyCapsule_GetPointer(capsule, TAPE_NAME)
    memcpy(tape.values, &view[0], <size_t>view.shape[0] * sizeof(double))
    name = "replay_nd" if _flag("multivariate", multivariate) else "replay"
    return LowLevelCallable.from_cython(sys.modules[__name__], name, capsule)


def rewind(llc, position=0):
    """Make ``llc`` (from ``replay_callable``) play from ``values[position]``
    on; ``0 <= position <= len(values)``."""
    cdef tape_block *tape = _tape_of(llc, "llc")
    if isinstance(position, bool):
        raise TypeError("position must be an integer, got a bool")
    position = operator.index(position)
    if not 0 <= position <= tape.n:
        raise ValueError(
            f"position must be between 0 and {tape.n} (the values it holds), "
            f"got {position}"
        )
    tape.position = position


def tape_position(llc):
    """How many values ``llc`` (from ``replay_callable``) has played."""
    return _tape_of(llc, "llc").position


def record_values(llc, run, capacity=4096, dims=0, every=1):
    """Every value ``llc``'s integrand gives while ``run`` integrates, in order.

    ``llc`` is a ``scipy.LowLevelCallable`` of a compiled function of the
    signature ``double (double, void *)`` or ``double (int, double *,
    void *)`` with a capsule as its ``user_data``.  ``run(recorder)`` must
    integrate with ``recorder`` in place of ``llc`` (a callable that calls
    ``llc``'s function with ``llc``'s ``user_data``) and must do the same
    each time it is called: if more than ``capacity`` values come, it runs
    again with room for all of them.  Returns a 1-D float64 array.

    ``dims > 0`` records the points instead: the first ``dims`` coordinates
    of each (an array of shape (calls, dims)), and ``every > 1`` only every
    ``every``-th call's value or point.
    """
    if not isinstance(llc, LowLevelCallable):
        raise TypeError(
            f"llc must be a scipy.LowLevelCallable, got {type(llc).__name__}"
        )
    if not callable(run):
        raise TypeError(f"run must be callable, got {type(run).__name__}")
    if isinstance(capacity, bool):
        raise TypeError("capacity must be an integer, got a bool")
    capacity = operator.index(capacity)
    for name, value, low in (("dims", dims, 0), ("every", every, 1)):
        if isinstance(value, bool) or operator.index(value) < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    dims, every = operator.index(dims), operator.index(every)
    kind = {SIGNATURE_1D: 1, SIGNATURE_ND: 2}.get(llc.signature)
    if kind is None:
        raise ValueError(
            f"llc must have the signature {SIGNATURE_1D!r} or {SIGNATURE_ND!r}, "
            f"got {llc.signature!r}"
        )
    function, user_data = llc.function, llc.user_data
    if not (PyCapsule_CheckExact(function) and PyCapsule_CheckExact(user_data)):
        raise TypeError(
            "llc must hold a compiled function and a user_data in capsules "
            "(as from_cython and the kernels factories make it)"
        )
    cdef void *f = PyCapsule_GetPointer(function, PyCapsule_GetName(function))
    cdef void *data = PyCapsule_GetPointer(user_data, PyCapsule_GetName(user_data))
    cdef tape_block *tape
    cdef Py_ssize_t kept
    for _ in range(2):
        capsule = _new_tape(capacity * max(dims, 1), kind)
        tape = <tape_block *>PyCapsule_GetPointer(capsule, TAPE_NAME)
        tape.integrand = f
        tape.integrand_data = data
        tape.dims = dims
        tape.every = every
        recorder = LowLevelCallable.from_cython(
            sys.modules[__name__], "tee" if kind == 1 else "tee_nd", capsule
        )
        run(recorder)
        kept = -(-tape.position // every)  # the calls kept: 0, every, ...
        if kept <= capacity:
            out = np.empty(kept * max(dims, 1))
            if kept:
                memcpy(<double *><Py_ssize_t>out.ctypes.data, tape.values,
                       <size_t>out.shape[0] * sizeof(double))
            return out.reshape(kept, dims) if dims else out
        capacity = kept
    raise RuntimeError(
        "run asked for more values the second time than the first: it must "
        "do the same integrals each time it is called"
    )


def live_tapes():
    """How many tapes made here are alive (allocated, not yet freed)."""
    return _live_tapes


def _flag(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {short_repr(value)}")
    return bool(value)


# --- the cost of one evaluation: C loops -----------------------------------

# start-loop
cdef double _loop(integrand_1d f, const double[::1] xs,
                  const double[:, ::1] rows) noexcept nogil:
    # One call of f per point, through a function pointer as quad calls it,
    # with the parameters of row i as its user_data.
    cdef double total = 0.0
    cdef Py_ssize_t i
    for i in range(xs.shape[0]):
        total += f(xs[i], <void *>&rows[i, 0])
    return total


cdef double _first(int n, double *xx, void *user_data) noexcept nogil:
    return (<double *>user_data)[0]


cdef double _loop_nd(integrand_nd f, const double[:, ::1] points,
                     const double[:, ::1] rows) noexcept nogil:
    cdef double total = 0.0
    cdef Py_ssize_t i
    for i in range(points.shape[0]):
        total += f(<int>points.shape[1], <double *>&points[i, 0],
                   <void *>&rows[i, 0])
    return total


def time_loop(integrand, x, parameters, repeats=5):
    """Seconds of each of ``repeats`` runs of the C loop over ``x``.

    ``integrand`` is ``"gauss"`` (``parameters``: the a of each point),
    ``"lorentz"`` (rows [c, width]) or ``"constant"`` (either: it returns the
    first parameter, the cost of a call and a read); ``"gauss_nd"`` and
    ``"constant_nd"`` take points as rows of a 2-D ``x``, as nquad passes
    them, and the a of each.  The parameters are
    checked once, before the first run; only the loops are timed.
    """
    if isinstance(repeats, bool):
        raise TypeError("repeats must be an integer, got a bool")
    if operator.index(repeats) < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats!r}")
    if integrand in ("gauss_nd", "constant_nd"):
        return _time_loop_nd(integrand, x, parameters, operator.index(repeats))
    address, x_array, row_array = _prepared(integrand, x, parameters)
    cdef integrand_1d f = <integrand_1d><void *><Py_ssize_t>address
    cdef const double[::1] xs = x_array
    cdef const double[:, ::1] rows = row_array
    cdef double start, total = 0.0
    seconds = []
    for _ in range(operator.index(repeats)):
        start = time.perf_counter()
        with nogil:
            total += _loop(f, xs, rows)
        seconds.append(time.perf_counter() - start)
    return seconds
# end-loop


def _time_loop_nd(integrand, x, a, repeats):
    cdef const double[:, ::1] points = real_array("x", x, ndim=2)
    a_array = real_array("a", a)
    _same_length(points.shape[0], a_array.shape[0])
    _check_a(a_array)
    if points.shape[0] and not 1 <= points.shape[1] <= 2**31 - 1:
        raise ValueError(f"x must have one to 2**31 - 1 columns, got {points.shape[1]}")
    cdef const double[:, ::1] rows = a_array.reshape(-1, 1)
    cdef integrand_nd f = gauss_nd if integrand == "gauss_nd" else _first
    cdef double start, total = 0.0
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        with nogil:
            total += _loop_nd(f, points, rows)
        seconds.append(time.perf_counter() - start)
    return seconds


def sum_gauss(x, a):
    """Return the sum of gauss(x[i]) with parameter a[i], computed in C.

    ``x`` and ``a`` are 1-D sequences of real numbers of equal length; every
    ``a[i]`` must be finite and > 0, as for ``gaussian_callable`` (``x`` may
    hold any double: gauss gives 0.0 at +-inf and NaN at NaN).  Each term is
    one call of ``kernels.gaussian.gauss`` through a function pointer, as
    ``quad`` makes it.
    """
    address, xs, rows = _prepared("gauss", x, a)
    return _loop(<integrand_1d><void *><Py_ssize_t>address, xs, rows)


def sum_lorentz(x, parameters):
    """Return the sum of lorentz(x[i]) with [c, width] = parameters[i], in C.

    ``x`` is 1-D of length n, ``parameters`` of shape (n, 2), each row
    checked as ``lorentz_callable`` checks its ``c`` and ``width``.
    """
    address, xs, rows = _prepared("lorentz", x, parameters)
    return _loop(<integrand_1d><void *><Py_ssize_t>address, xs, rows)


def _prepared(integrand, x, parameters):
    """(the function's address, x, the parameters as rows), all checked."""
    xs = real_array("x", x)
    if integrand == "gauss":
        a = real_array("a", parameters)
        _same_length(xs.shape[0], a.shape[0])
        _check_a(a)
        rows = a.reshape(-1, 1)
        address = <Py_ssize_t><void *>gauss
    elif integrand == "lorentz":
        rows = _lorentz_rows(parameters)
        _same_length(xs.shape[0], rows.shape[0])
        _check_rows(rows)
        address = <Py_ssize_t><void *>lorentz
    elif integrand == "constant":
        array = real_array("parameters", parameters, ndim=None)
        if array.ndim not in (1, 2) or array.ndim == 2 and array.shape[1] < 1:
            raise ValueError(
                f"parameters must have shape (n,) or (n, k), got {array.shape}"
            )
        rows = np.ascontiguousarray(array.reshape(array.shape[0], -1)) if (
            array.size) else np.zeros((array.shape[0], 1))
        _same_length(xs.shape[0], rows.shape[0])
        address = <Py_ssize_t><void *>constant
    else:
        raise ValueError(
            "integrand must be 'gauss', 'lorentz', 'constant', 'gauss_nd' or "
            "'constant_nd', got "
            f"{short_repr(integrand)}"
        )
    return address, xs, rows


# The checks run as C loops before the loop's work: a NumPy check would cost
# a few passes over the arrays, as much as the evaluations the loops time.
def _check_a(const double[::1] a):
    cdef double low = A_RANGE[0], high = A_RANGE[1]
    cdef Py_ssize_t i, bad = -1
    with nogil:
        for i in range(a.shape[0]):
            if not low <= a[i] <= high:  # NaN included
                bad = i
                break
    if bad >= 0:
        raise ValueError(
            f"a[{bad}] must be finite and > 0, got {a[bad]!r}: exp(-a x**2) "
            "is integrable for a > 0 only"
        )


def _lorentz_rows(parameters):
    array = real_array("parameters", parameters, ndim=2)
    if array.shape[1] != 2:
        raise ValueError(
            f"parameters must have shape (n, 2) for [c, width], got {array.shape}"
        )
    return array


def _check_rows(const double[:, ::1] rows):
    cdef double c_low = C_RANGE[0], c_high = C_RANGE[1]
    cdef double w_low = WIDTH_RANGE[0], w_high = WIDTH_RANGE[1]
    cdef Py_ssize_t i, bad = -1
    with nogil:
        for i in range(rows.shape[0]):
            if not (c_low <= rows[i, 0] <= c_high
                    and w_low <= rows[i, 1] <= w_high):
                bad = i
                break
    if bad >= 0:
        try:
            check_centre(rows[bad, 0])
            check_width(rows[bad, 1])
        except ValueError as exc:
            raise ValueError(f"parameters[{bad}]: {exc}") from None


def _same_length(Py_ssize_t n, Py_ssize_t m):
    if n != m:
        raise ValueError(f"x has {n} values but the parameters have {m}")
