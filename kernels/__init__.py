"""Compiled integrands and capsule helpers for the book *SciPy with compiled callbacks*.

- ``kernels.gaussian``: the integrand exp(-a x**2) as ``double (double, void *)``
  and ``gaussian_callable(a)``, a ready ``scipy.LowLevelCallable``.
  ``gauss_nd`` and ``gaussian_nd_callable(a)`` do the same in n dimensions.
- ``kernels.capsules``: PyCapsules that own a ``PyMem_Malloc``'d buffer of doubles,
  for ``user_data``, and ``live_buffers()`` to count the buffers alive.
- ``kernels.normal``: the normal density, its (mu, sigma) in a C struct that a
  capsule owns; ``normal_callable(mu, sigma)`` and ``set_normal_params``.
- ``kernels.multidim``: integrands for dblquad, tplquad and nquad: a correlated 2-D
  Gaussian whose covariance lives in ``user_data``, and a callback that records
  what SciPy passes in ``xx``.
- ``kernels.filters``: image filters for ``scipy.ndimage`` as C callbacks
  (``generic_filter``, ``generic_filter1d``, ``geometric_transform``) and
  factories that put their parameters in ``user_data``.
- ``kernels.seed``: the same callable from two capsules built by hand.
- ``kernels.signatures``: exp(-x**2) as ``double (double)`` and exp(-a |x|**2) as
  ``double (int, double *)``, with ``a`` from ``args``.
- ``kernels.leaky``: WRONG on purpose, a capsule without a destructor that leaks;
  only for the ownership chapter's demonstration.
- ``kernels.native``: the integrand in plain C, through ctypes or cffi.
"""

try:
    from kernels import (
        capsules,
        filters,
        gaussian,
        leaky,
        multidim,
        native,
        normal,
        seed,
        signatures,
    )
except ImportError as exc:  # pragma: no cover - exercised by hand
    raise ImportError(
        "kernels' compiled modules cannot be imported "
        f"(imported from {__path__[0]}). Install the package first, "
        "with `make install` or `pip install .` from the project's root, "
        "and do not run Python from the project's root folder, where the "
        "uncompiled sources in kernels/ hide the installed package."
    ) from exc

__all__ = [
    "capsules",
    "filters",
    "gaussian",
    "leaky",
    "multidim",
    "native",
    "normal",
    "seed",
    "signatures",
]
