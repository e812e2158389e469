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


def new_capsule(address, name):
    """A capsule of ``address`` (a nonzero int) named ``name``, without destructor.

    ``name`` must be bytes (or None): PyCapsule_New keeps a pointer to it, not
    a copy, so the caller must keep that bytes object alive as long as the
    capsule lives (a module-level constant does).  A str is refused, since
    the bytes encoded from it here would die at once.
    """
    if not (name is None or isinstance(name, bytes)):
        raise TypeError(
            "name must be bytes that outlive the capsule (PyCapsule_New keeps "
            f"a pointer to them), got {type(name).__name__}"
        )
    return _new(address, name, None)
