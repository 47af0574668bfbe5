#ifndef CGPKERNELS_H
#define CGPKERNELS_H

// The Gaussian-process sampler's dense numeric kernels (Sources/HPO/Samplers/GP), in C so that
// on x86-64 Linux with glibc each is built twice, for AVX2 and for the baseline, and the loader
// picks one (`target_clones`); Swift has no per-function target. Every kernel computes each
// output with the same operations in the same order on every build (four-lane vectors, no FMA
// contraction), so the AVX2 and baseline builds give bit-identical results. Matrices are
// row-major.

/// `Σ a[k] b[k]` over `count` entries in four running sums (lanes k mod 4), the tail added to
/// the first, then `(s0 + s1) + (s2 + s3)`.
double gpk_dot(const double *a, const double *b, long count);

/// The Matérn-5/2 kernel over `count` squared distances in place: `r² ↦ scale · (1 + s + 5r²/3)
/// e^{−s}` with `s = √(5r²)`; with `derivative`, `−5/6 scale (1 + s) e^{−s}` goes there.
void gpk_matern52(double *r2, long count, double scale, double *derivative);

/// `e^{−s}` for `s ≥ 0` (one lane of the kernel's vector code; `s` above 708 counts as 708).
double gpk_exp_negative(double s);

/// The lower triangle of the Cholesky factor `l` of the symmetric positive-definite `a` (`n × n`,
/// its lower triangle read); returns 0, or −1 when a pivot is not positive and finite.
int gpk_cholesky(const double *a, double *l, long n);

/// The lower triangle of `m = L⁻¹` for a lower-triangular `l` (reads `l`'s lower triangle;
/// writes no entry of `m` above the diagonal).
void gpk_inverse_lower(const double *l, double *m, long n);

/// The lower triangle of `out = MᵀM` for a lower-triangular `m` (`(L Lᵀ)⁻¹` from `L⁻¹`),
/// mirrored to the upper one when `symmetric`.
void gpk_gram_lower(const double *m, double *out, long n, int symmetric);

/// `variance[q] −= ‖(L⁻¹ K*)[:, q]‖²` for `q < m`: `linv` is `L⁻¹` with three zero rows after
/// its `n` (`(n + 3) × n`), `kstar` the `n × m` cross-covariances.
void gpk_subtract_explained_variance(const double *linv, const double *kstar, long n, long m, double *variance);

/// `out[q] = Σ_c ρ_c (points[c·count + q] − x[c])²` over `count` points stored dim-major, a
/// categorical dim (`categorical[c]` non-zero) counting ρ_c where the values differ.
void gpk_scaled_squared_distances(
    const double *points, long count, const double *x, const double *rho, const unsigned char *categorical,
    long dim, double *out);

/// `y[q] += a · x[q]`.
void gpk_axpy(double a, const double *x, double *y, long count);

#endif
