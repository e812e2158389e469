"""The seed's recipe, correct for Cython 3: capsules built by hand.

Without a compiled module to give ``LowLevelCallable.from_cython``, a notebook
builds the two capsules itself: one whose pointer is the C function and whose
name is its C signature, and one for ``user_data`` that owns a copy of ``a``.
The book's ``%%cython`` chapter builds this step by step; this is the tested
version the benchmark times.
"""
from cpython.pycapsule cimport PyCapsule_New

from kernels.gaussian cimport gauss

from scipy import LowLevelCallable

from kernels.gaussian import gaussian_user_data


# start-seed
def capsule_callable(a):
    """Return a ``LowLevelCallable`` for exp(-a x**2) from two new capsules.

    The function capsule's pointer is ``gauss``, its name the C signature;
    it owns nothing, so it has no destructor. The ``user_data`` capsule owns
    a copy of ``a``, as ``gaussian_callable``'s does (``set_double`` keeps
    it finite and > 0).
    """
    function = PyCapsule_New(<void *>gauss, b"double (double, void *)", NULL)
    user_data = gaussian_user_data(a)
    return LowLevelCallable(function, user_data)
# end-seed
