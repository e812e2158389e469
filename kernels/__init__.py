"""Compiled integrands and capsule helpers for the book *SciPy with compiled callbacks*.

The running example and its plumbing:

- ``kernels.gaussian``: the integrand exp(-a x**2) as ``double (double, void *)``
  and ``gaussian_callable(a)``, a ready ``scipy.LowLevelCallable``;
  ``gauss_nd`` and ``gaussian_nd_callable(a)`` do the same in n dimensions.
- ``kernels.capsules``: PyCapsules that own a ``PyMem_Malloc``'d buffer of doubles,
  for ``user_data``, and ``live_buffers()`` to count the buffers alive.
- ``kernels.seed``: the same callable from two capsules built by hand.
- ``kernels.native``: the integrand in plain C, through ctypes or cffi.
- ``kernels.pycapsule``: CPython's ``PyCapsule_*`` functions through ctypes,
  to read a capsule's name, pointer and context.
- ``kernels.signatures``: exp(-x**2) as ``double (double)`` and exp(-a |x|**2) as
  ``double (int, double *)``, with ``a`` from ``args``.

Ownership, more dimensions, images:

- ``kernels.normal``: the normal density, its (mu, sigma) in a C struct that a
  capsule owns; ``normal_callable(mu, sigma)`` and ``set_normal_params``.
- ``kernels.leaky``: WRONG on purpose, a capsule without a destructor that leaks;
  only for the ownership chapter's demonstration.
- ``kernels.multidim``: a correlated 2-D Gaussian whose covariance lives in
  ``user_data``, and a callback that records what SciPy passes in ``xx``.
- ``kernels.filters``: image filters for ``scipy.ndimage`` as C callbacks
  (``generic_filter``, ``generic_filter1d``, ``geometric_transform``) and
  factories that put their parameters in ``user_data``.

Performance:

- ``kernels.lorentz``: a narrow peak at a parameter c, width / ((x - c)**2 +
  width**2), and ``lorentz_callable(c, width)``.
- ``kernels.floor``: a constant integrand and C loops over the integrands, to
  measure the fixed cost of a quad call and the cost of one evaluation.
- ``kernels.bench``: the benchmark of every path (``python -m kernels.bench``);
  imported on demand, not here.

Scaling out:

- ``kernels.sweep``: the sweep as a task for worker processes or a cluster,
  ``integrate_chunk(a_values)``, which builds its callable inside the worker;
  imported on demand, not here.

``require_installed()``, which every chapter calls first, checks that the
package is a regular, compiled install.
"""

import pathlib

try:
    from kernels import (
        capsules,
        filters,
        floor,
        gaussian,
        leaky,
        lorentz,
        multidim,
        native,
        normal,
        pycapsule,
        seed,
        signatures,
    )
except ImportError as exc:  # tests/test_require_installed.py runs it
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
    "floor",
    "gaussian",
    "leaky",
    "lorentz",
    "multidim",
    "native",
    "normal",
    "pycapsule",
    "require_installed",
    "seed",
    "signatures",
]


def require_installed():
    """Check that ``kernels`` is a regular, compiled install; ImportError if not.

    Every chapter calls it first.  ``import kernels`` itself fails, saying
    what to do, when the compiled modules are missing (the uncompiled sources
    of a clone, or a failed build).  This checks what importing cannot: that
    each compiled module with C declarations has its ``.pxd`` beside it, where
    a ``%%cython`` cell's ``cimport`` looks.  An editable install imports
    fine but loads its modules from a build folder without them.
    """
    missing = [
        f"{name}.pxd"
        for name in __all__
        if hasattr(module := globals()[name], "__pyx_capi__")
        and not pathlib.Path(module.__file__).with_name(f"{name}.pxd").is_file()
    ]
    if missing:
        raise ImportError(
            f"kernels (imported from {__path__[0]}) has no {', '.join(missing)} "
            "beside its compiled modules, so %%cython cells cannot cimport it: "
            "install it with `make install` or `pip install .` from the "
            "project's root, not as an editable install, then restart the kernel"
        )
