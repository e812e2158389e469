"""Compiled integrands and capsule helpers for the book *SciPy with compiled callbacks*.

- ``kernels.gaussian``: the integrand exp(-a x**2) as ``double (double, void *)``
  and ``gaussian_callable(a)``, a ready ``scipy.LowLevelCallable``.
- ``kernels.capsules``: PyCapsules that own a ``PyMem_Malloc``'d buffer of doubles,
  for ``user_data``, and ``live_buffers()`` to count the buffers alive.
"""

try:
    from kernels import capsules, gaussian
except ImportError as exc:  # pragma: no cover - exercised by hand
    raise ImportError(
        "kernels' compiled modules cannot be imported "
        f"(imported from {__path__[0]}). Install the package first, "
        "with `make install` or `pip install .` from the project's root, "
        "and do not run Python from the project's root folder, where the "
        "uncompiled sources in kernels/ hide the installed package."
    ) from exc

__all__ = ["capsules", "gaussian"]
