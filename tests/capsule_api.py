"""CPython's capsule API through ctypes, for tests that look inside capsules.

Each function object comes from indexing ``ctypes.pythonapi``, which builds a
new one, so setting its ``restype`` and ``argtypes`` here changes nothing for
other code. Attribute access (``ctypes.pythonapi.PyCapsule_GetName``) would
return one cached object shared with every other user in the process.
"""

import ctypes


def _function(name, restype, argtypes):
    function = ctypes.pythonapi[name]
    function.restype = restype
    function.argtypes = argtypes
    return function


_get_name = _function("PyCapsule_GetName", ctypes.c_char_p, [ctypes.py_object])
_get_pointer = _function(
    "PyCapsule_GetPointer", ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
)
_get_context = _function("PyCapsule_GetContext", ctypes.c_void_p, [ctypes.py_object])
_get_destructor = _function(
    "PyCapsule_GetDestructor", ctypes.c_void_p, [ctypes.py_object]
)
_new = _function(
    "PyCapsule_New",
    ctypes.py_object,
    [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p],
)


def capsule_name(capsule) -> str:
    """The capsule's name (for a function capsule, its C signature)."""
    return _get_name(capsule).decode()


def capsule_pointer(capsule, name=None) -> int:
    """The pointer the capsule holds.

    ``name`` (str or bytes) must be the capsule's name, or PyCapsule_GetPointer
    raises ValueError; None asks with the capsule's own name.
    """
    if name is None:
        name = _get_name(capsule)
    elif isinstance(name, str):
        name = name.encode()
    return _get_pointer(capsule, name)


def capsule_context(capsule) -> int | None:
    """The capsule's context pointer, None when it has none."""
    return _get_context(capsule)


def capsule_has_destructor(capsule) -> bool:
    """Whether the capsule frees something when it dies."""
    return _get_destructor(capsule) is not None


def new_capsule(address, name: bytes):
    """A capsule of ``address`` named ``name``, with no destructor.

    PyCapsule_New keeps the pointer to ``name``, not a copy: the caller must
    keep ``name`` alive as long as the capsule lives.
    """
    return _new(address, name, None)
