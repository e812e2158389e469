"""CPython's capsule functions (``PyCapsule_*``), called from Python through ctypes.

Python shows a capsule's name in its repr and nothing else; these read what a
capsule holds (its name, its pointer, its context pointer, whether it has a
destructor) and make a capsule around an address, for the chapters and the
tests that look inside the capsules SciPy is given.

Each C function gets a function object of its own, made from a ctypes
prototype: ``ctypes.pythonapi.PyCapsule_GetName`` is one cached object shared
by everything in the process, and setting its ``restype`` and ``argtypes``
would change it for all other code too.  The prototypes are ``PYFUNCTYPE``:
the GIL stays held during the call, and an exception that the C function sets
(a wrong name, for example) is raised here as that Python exception.
"""

import ctypes
import datetime
import numbers
import threading
import types

# types.CapsuleType is new in Python 3.13; datetime's C API is a capsule.
CapsuleType = getattr(types, "CapsuleType", type(datetime.datetime_CAPI))


def _c_function(name, restype, *argtypes):
    return ctypes.PYFUNCTYPE(restype, *argtypes)((name, ctypes.pythonapi))


_get_name = _c_function("PyCapsule_GetName", ctypes.c_char_p, ctypes.py_object)
_get_pointer = _c_function(
    "PyCapsule_GetPointer", ctypes.c_void_p, ctypes.py_object, ctypes.c_char_p
)
_get_context = _c_function("PyCapsule_GetContext", ctypes.c_void_p, ctypes.py_object)
_get_destructor = _c_function(
    "PyCapsule_GetDestructor", ctypes.c_void_p, ctypes.py_object
)
_is_valid = _c_function(
    "PyCapsule_IsValid", ctypes.c_int, ctypes.py_object, ctypes.c_char_p
)
_new = _c_function(
    "PyCapsule_New", ctypes.py_object, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p
)


def _checked(capsule):
    if type(capsule) is not CapsuleType:
        raise TypeError(f"expected a PyCapsule, got {type(capsule).__name__}")
    return capsule


def _name_bytes(name):
    if isinstance(name, str):
        return name.encode()
    if name is None or isinstance(name, bytes):
        return name
    raise TypeError(f"name must be str, bytes or None, got {type(name).__name__}")


def capsule_name(capsule) -> str | None:
    """The capsule's name (for a function capsule, its C signature).

    None for a capsule without a name; TypeError for any other object.
    """
    name = _get_name(_checked(capsule))
    return None if name is None else name.decode()


def capsule_pointer(capsule, name=None) -> int:
    """The address the capsule holds, as an int.

    ``name`` (str or bytes) must be the capsule's name, or CPython's
    PyCapsule_GetPointer refuses with ValueError; None asks with the
    capsule's own name.
    """
    _checked(capsule)
    name = _get_name(capsule) if name is None else _name_bytes(name)
    return _get_pointer(capsule, name)


def capsule_context(capsule) -> int | None:
    """The capsule's context pointer, as an int; None when it has none."""
    return _get_context(_checked(capsule))


def capsule_has_destructor(capsule) -> bool:
    """Whether the capsule calls a destructor when it dies."""
    return _get_destructor(_checked(capsule)) is not None


def capsule_is_valid(capsule, name) -> bool:
    """Whether ``capsule`` is a capsule named ``name`` (str, bytes or None).

    Never raises for the capsule: False for any object that is not a capsule.
    """
    return bool(_is_valid(capsule, _name_bytes(name)))


# Every name new_capsule was given, kept for the life of the process:
# PyCapsule_New keeps a pointer to its name, not a copy, so the bytes must
# outlive every capsule named with them.  One copy per distinct name.
_names = {}
_names_lock = threading.Lock()
# The largest address a pointer holds on this platform.
_ADDRESS_MAX = 2 ** (8 * ctypes.sizeof(ctypes.c_void_p)) - 1


def new_capsule(address, name):
    """A capsule of ``address`` named ``name`` (str, bytes or None), without destructor.

    ``address`` is an int from 1 to the largest pointer (2**64 - 1 on a
    64-bit platform): TypeError for anything that is not an integer (a
    float, a string, a bool), ValueError for 0 (PyCapsule_New refuses a null
    pointer), a negative or a too large int.  PyCapsule_New keeps a pointer
    to the name, not a copy: this keeps one copy of each distinct name for the
    life of the process, so a temporary such as ``signature.encode()`` is safe.
    """
    if isinstance(address, bool) or not isinstance(address, numbers.Integral):
        raise TypeError(
            f"address must be an int, got {type(address).__name__} {address!r:.60}"
        )
    address = int(address)
    if not 1 <= address <= _ADDRESS_MAX:
        raise ValueError(
            f"address must be between 1 and {_ADDRESS_MAX:#x} (a non-null "
            f"pointer), got {address:#x}"
            if abs(address) < 2**80
            else f"address must be between 1 and {_ADDRESS_MAX:#x}, got an "
            f"integer of {address.bit_length()} bits"
        )
    kept = _kept_name(name)
    return _new(address, kept, None)


def _kept_name(name):
    name = _name_bytes(name)
    if name is None:
        return None
    if b"\0" in name:
        raise ValueError("name must not contain a NUL byte: C would cut it there")
    with _names_lock:
        # bytes(name): a bytes subclass could change what it holds.
        return _names.setdefault(bytes(name), bytes(name))
