"""The C integrand of gauss_c.c, loaded through ctypes or cffi.

Both return a foreign function pointer that ``scipy.LowLevelCallable`` accepts;
SciPy reads the C signature from the pointer's declared types.

A function pointer keeps nothing alive: the library it points into must stay
loaded as long as the pointer may be called.  ctypes never unloads a library
(and each function keeps its ``CDLL`` alive); cffi unloads it when the ``lib``
of ``ffi.dlopen`` is garbage-collected, so ``cffi_gauss`` keeps its ``ffi`` and
``lib`` in a module-level cache, for the life of the process.
"""

import ctypes
import pathlib
import threading

__all__ = ["cffi_gauss", "ctypes_gauss", "library_path"]


def library_path():
    """Path of the shared library built from gauss_c.c (kernels ships it).

    Its name is ``libgauss_c.so.1`` on Linux, not ``libgauss_c.so``, so that
    Python's import system, which takes any ``<name>.so`` in a package for an
    extension module, never tries to import it (see meson.build).
    """
    here = pathlib.Path(__file__).parent
    found = sorted(p for p in here.glob("libgauss_c.*") if p.suffix != ".c")
    if not found:
        raise ImportError(
            f"no gauss_c shared library in {here}: reinstall kernels "
            "(`make install` or `pip install .`)"
        )
    return found[0]


def ctypes_gauss():
    """Return gauss_c as a ctypes function pointer: double (double, void *)."""
    lib = ctypes.CDLL(str(library_path()))
    function = lib.gauss_c
    function.restype = ctypes.c_double
    function.argtypes = [ctypes.c_double, ctypes.c_void_p]
    return function


# start-cffi
# cffi closes the library when its lib object dies, and then every pointer
# into it dangles: the one (ffi, lib) pair is kept here for good.
_cffi_cache = []
_cffi_lock = threading.Lock()


def cffi_gauss():
    """Return ``(ffi, gauss_c)``: gauss_c as a cffi function pointer.

    Every call returns the same ``ffi``; the library stays loaded for the
    life of the process, so the pointer stays valid even after the caller
    drops the ``ffi``.
    """
    with _cffi_lock:
        if not _cffi_cache:
            import cffi

            ffi = cffi.FFI()
            ffi.cdef("double gauss_c(double x, void *user_data);")
            lib = ffi.dlopen(str(library_path()))
            _cffi_cache.append((ffi, lib))
        ffi, lib = _cffi_cache[0]
    return ffi, lib.gauss_c


# end-cffi
