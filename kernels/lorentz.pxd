# Declarations of kernels.lorentz, for LowLevelCallable.from_cython and for
# other Cython code to cimport.

# width / ((x - c)**2 + width**2), a peak of height 1/width centred at c, with
# user_data pointing at two doubles: [c, width].  NaN if user_data is NULL.
# Any other pointer it reads two doubles from, unchecked: a plain double *
# has no room for a tag (floor.sum_lorentz passes rows of an array), so a
# block of one double (a Gaussian's user_data) is read past its end.
# Taken by scipy.integrate.quad under the signature "double (double, void *)".
cdef api double lorentz(double x, void *user_data) noexcept nogil
