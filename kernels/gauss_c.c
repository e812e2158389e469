/* The book's integrand in plain C, for ctypes and cffi.
 *
 * Built by meson into a shared library inside the installed package
 * (kernels/libgauss_c.so.1 on Linux: see meson.build); kernels.native loads it.
 * scipy.integrate.quad takes it under the signature "double (double, void *)",
 * with user_data pointing at the double a; NaN if user_data is NULL (a
 * LowLevelCallable made without it), so that quad returns nan and warns. */
#include <math.h>
#include <stddef.h>

/* start-gauss-c */
double gauss_c(double x, void *user_data)
{
    if (user_data == NULL)
        return NAN;
    double a = *(const double *)user_data;
    return exp(-a * x * x);
}
/* end-gauss-c */
