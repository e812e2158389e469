# Declarations of kernels.multidim, for LowLevelCallable.from_cython and for
# other Cython code to cimport.  In every signature below, ``xx`` holds what
# scipy.integrate passes: the innermost integration variable first, then the
# outer ones, then the values of ``args``; ``n`` counts them all.

# exp(-u^T P u / 2) with u = (xx[0], xx[1]) and P, the inverse covariance,
# read from user_data as three doubles [P00, P01, P11]; NaN if user_data is
# NULL.  It reads three doubles from any other pointer, unchecked (a plain
# double * has no room for a tag): a shorter block is read past its end.
# Taken by dblquad and nquad under "double (int, double *, void *)".
cdef api double correlated_gauss(int n, double *xx,
                                 void *user_data) noexcept nogil

# Records each call into user_data and returns 1.0 (so an integral of it is
# the area or volume of its region).  It writes only into a block that starts
# with its tag: NaN, and nothing written, for NULL or any other block (of 8
# bytes or more, as every block kernels makes: it reads the first 8).
# Taken under "double (int, double *, void *)".
cdef api double record_nd(int n, double *xx, void *user_data) noexcept nogil
