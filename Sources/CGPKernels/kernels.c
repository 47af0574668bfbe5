// See include/CGPKernels.h. No FMA contraction, so every build rounds the same way.
#pragma clang fp contract(off)

#include <limits.h>  // defines __GLIBC__ on glibc

#include "CGPKernels.h"

typedef double d4 __attribute__((ext_vector_type(4)));
typedef __typeof__((d4){0} > (d4){0}) i4;  // the 64-bit lanes a comparison gives

// target_clones needs the loader's ifunc support: glibc on x86-64 Linux (not musl). GPK_NO_CLONES
// builds one version (bench/gp_kernels_check.sh compiles it several ways and compares).
#if defined(__x86_64__) && defined(__linux__) && defined(__GLIBC__) && defined(__has_attribute) && \
    !defined(GPK_NO_CLONES)
#if __has_attribute(target_clones)
#define GPK_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef GPK_CLONES
#define GPK_CLONES
#endif

// Four-lane helpers as macros: a function taking or returning a 32-byte vector by value may not
// be called from the AVX2 build (the two builds pass it differently).
#define LOAD4(p) ({ d4 v_; __builtin_memcpy(&v_, (p), sizeof v_); v_; })
#define STORE4(p, v) do { d4 v_ = (v); __builtin_memcpy((p), &v_, sizeof v_); } while (0)
#define SPLAT(x) ((d4){(x), (x), (x), (x)})

static inline double dot4(const double *a, const double *b, long count) {
  d4 s = SPLAT(0);
  long k = 0;
  for (; k + 4 <= count; k += 4) s += LOAD4(a + k) * LOAD4(b + k);
  double s0 = s[0];
  for (; k < count; k++) s0 += a[k] * b[k];
  return (s0 + s[1]) + (s[2] + s[3]);
}

GPK_CLONES double gpk_dot(const double *a, const double *b, long count) { return dot4(a, b, count); }

// e^{−s} = 2ᵏ e^r with k = round(−s/ln 2) (by the 1.5·2⁵² addition, exact in round-to-nearest),
// r = −s − k ln 2 in two parts (Cody & Waite) so |r| ≤ ln 2 / 2, e^r by its Taylor polynomial to
// degree 13 (truncation error below 5e−18; Estrin's scheme), and 2ᵏ from its exponent bits.
static inline void exp_negative4(const double *in, double *out) {
  d4 s = LOAD4(in);
  i4 over = s > SPLAT(708.0);
  d4 x = -(d4)(((i4)s & ~over) | ((i4)SPLAT(708.0) & over));
  const double magic = 6755399441055744.0;
  d4 t = x * 1.4426950408889634 + magic;
  d4 k = t - magic;
  d4 r = (x - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10;
  // e^r ≈ 1 + r + r² P(r), P of degree 11 by Estrin's scheme (pairs, then powers r², r⁴, r⁸):
  // ten steps deep where Horner's rule is twenty-six, so the vector units overlap more of them,
  // and the leading 1 + r added last, to within about one ulp.
  d4 r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  d4 u0 = 1.0 / 2 + 1.0 / 6 * r, u1 = 1.0 / 24 + 1.0 / 120 * r, u2 = 1.0 / 720 + 1.0 / 5040 * r;
  d4 u3 = 1.0 / 40320 + 1.0 / 362880 * r, u4 = 1.0 / 3628800 + 1.0 / 39916800 * r;
  d4 u5 = 1.0 / 479001600 + 1.0 / 6227020800.0 * r;
  d4 poly = ((u0 + u1 * r2) + (u2 + u3 * r2) * r4) + (u4 + u5 * r2) * r8;
  d4 p = 1.0 + (r + r2 * poly);
  i4 e = (i4)t - (i4)SPLAT(magic);
  STORE4(out, p * (d4)((e + 1023) << 52));
}

double gpk_exp_negative(double s) {
  double in[4] = {s, s, s, s}, out[4];
  exp_negative4(in, out);
  return out[0];
}

// Four squared distances at `r2` to kernel values there (and derivatives at `derivative`).
static inline void matern4(double *r2, double scale, double *derivative) {
  d4 d2 = LOAD4(r2);
  d4 s = __builtin_elementwise_sqrt(5 * d2);
  double sv[4], ev[4];
  STORE4(sv, s);
  exp_negative4(sv, ev);
  d4 e = scale * LOAD4(ev);
  STORE4(r2, (1 + s + 5.0 / 3.0 * d2) * e);
  if (derivative) STORE4(derivative, -5.0 / 6.0 * (1 + s) * e);
}

GPK_CLONES void gpk_matern52(double *r2, long count, double scale, double *derivative) {
  long q = 0;
  for (; q + 4 <= count; q += 4) matern4(r2 + q, scale, derivative ? derivative + q : 0);
  if (q < count) {
    double pad[4] = {0, 0, 0, 0}, dpad[4];
    for (long l = 0; l < count - q; l++) pad[l] = r2[q + l];
    matern4(pad, scale, dpad);
    for (long l = 0; l < count - q; l++) {
      r2[q + l] = pad[l];
      if (derivative) derivative[q + l] = dpad[l];
    }
  }
}

// Column by column: the pivot, then the entries below it, each (aᵢⱼ − Lᵢ·Lⱼ)/Lⱼⱼ with the dot
// product as `dot4`'s; four rows at a time share each load of row j (every row's sums are the
// ones `dot4` forms, in its order).
GPK_CLONES int gpk_cholesky(const double *a, double *l, long n) {
  for (long j = 0; j < n; j++) {
    const double *lj = l + j * n;
    double d = a[j * n + j] - dot4(lj, lj, j);
    if (!(d > 0) || d - d != 0) return -1;
    double ljj = __builtin_elementwise_sqrt(d);
    l[j * n + j] = ljj;
    double inv = 1 / ljj;
    long i = j + 1;
    long vector_end = j / 4 * 4;
    for (; i + 4 <= n; i += 4) {
      const double *l0 = l + i * n, *l1 = l0 + n, *l2 = l1 + n, *l3 = l2 + n;
      d4 s0 = SPLAT(0), s1 = s0, s2 = s0, s3 = s0;
      for (long k = 0; k < vector_end; k += 4) {
        d4 v = LOAD4(lj + k);
        s0 += LOAD4(l0 + k) * v;
        s1 += LOAD4(l1 + k) * v;
        s2 += LOAD4(l2 + k) * v;
        s3 += LOAD4(l3 + k) * v;
      }
      d4 sums[4] = {s0, s1, s2, s3};
      for (long r = 0; r < 4; r++) {
        const double *li = l + (i + r) * n;
        double t = sums[r][0];
        for (long k = vector_end; k < j; k++) t += li[k] * lj[k];
        double dot = (t + sums[r][1]) + (sums[r][2] + sums[r][3]);
        l[(i + r) * n + j] = (a[(i + r) * n + j] - dot) * inv;
      }
    }
    for (; i < n; i++) l[i * n + j] = (a[i * n + j] - dot4(l + i * n, lj, j)) * inv;
  }
  return 0;
}

// Row i of L⁻¹ as (eᵢ − Σ_{k<i} Lᵢₖ Mₖ)/Lᵢᵢ over the earlier rows, summed in k order. Four rows at
// a time: their sums over the rows before the four run in registers, four columns at a time
// (each earlier row's four entries loaded once for the four rows), then each of the four rows in
// turn takes the rows within the four. Entries of M above its diagonal are never written (zero).
static inline void inverse_row_tail(const double *l, double *m, long n, long i, long from) {
  double *row = m + i * n;
  for (long k = from; k < i; k++) {
    double lik = l[i * n + k];
    if (lik == 0) continue;
    const double *src = m + k * n;
    for (long c = 0; c <= k; c++) row[c] -= lik * src[c];
  }
  row[i] += 1;
  double inv = 1 / l[i * n + i];
  for (long c = 0; c <= i; c++) row[c] *= inv;
}

GPK_CLONES void gpk_inverse_lower(const double *l, double *m, long n) {
  long i0 = 0;
  for (; i0 + 4 <= n; i0 += 4) {
    const double *l0 = l + i0 * n, *l1 = l0 + n, *l2 = l1 + n, *l3 = l2 + n;
    double *m0 = m + i0 * n, *m1 = m0 + n, *m2 = m1 + n, *m3 = m2 + n;
    for (long c0 = 0; c0 < i0; c0 += 4) {
      d4 a0 = SPLAT(0), a1 = a0, a2 = a0, a3 = a0;
      for (long k = c0; k < i0; k++) {
        d4 mk = LOAD4(m + k * n + c0);  // zero right of row k's diagonal
        a0 -= l0[k] * mk;
        a1 -= l1[k] * mk;
        a2 -= l2[k] * mk;
        a3 -= l3[k] * mk;
      }
      STORE4(m0 + c0, a0);
      STORE4(m1 + c0, a1);
      STORE4(m2 + c0, a2);
      STORE4(m3 + c0, a3);
    }
    for (long r = 0; r < 4; r++) {
      double *row = m + (i0 + r) * n;
      for (long c = i0; c <= i0 + r; c++) row[c] = 0;
      inverse_row_tail(l, m, n, i0 + r, i0);
    }
  }
  for (long i = i0; i < n; i++) {
    double *row = m + i * n;
    for (long c = 0; c <= i; c++) row[c] = 0;
    inverse_row_tail(l, m, n, i, 0);
  }
}

// (MᵀM)ᵢ꜀ = Σ_k Mₖᵢ Mₖ꜀, summed in k order (terms with k below i or c are zero: M is lower
// triangular). Four rows i at a time against four columns c, sixteen sums in registers, each row
// k's four entries loaded once for the four rows; leftover rows one at a time.
GPK_CLONES void gpk_gram_lower(const double *m, double *out, long n, int symmetric) {
  long i0 = 0;
  for (; i0 + 4 <= n; i0 += 4) {
    for (long c0 = 0; c0 <= i0; c0 += 4) {
      d4 a0 = SPLAT(0), a1 = a0, a2 = a0, a3 = a0;
      for (long k = i0; k < n; k++) {
        const double *mk = m + k * n;
        d4 v = LOAD4(mk + c0);
        a0 += mk[i0] * v;
        a1 += mk[i0 + 1] * v;
        a2 += mk[i0 + 2] * v;
        a3 += mk[i0 + 3] * v;
      }
      d4 acc[4] = {a0, a1, a2, a3};
      for (long r = 0; r < 4; r++)
        for (long j = 0; j < 4 && c0 + j <= i0 + r; j++) out[(i0 + r) * n + c0 + j] = acc[r][j];
    }
  }
  for (long i = i0; i < n; i++)
    for (long c = 0; c <= i; c++) {
      double s = 0;
      for (long k = i; k < n; k++) s += m[k * n + i] * m[k * n + c];
      out[i * n + c] = s;
    }
  if (symmetric)
    for (long i = 0; i < n; i++)
      for (long j = 0; j < i; j++) out[j * n + i] = out[i * n + j];
}

// Four rows of L⁻¹ against eight points at a time, thirty-two running sums (eight vectors, so
// each sum's additions are a vector latency apart), each cross-covariance row loaded once per
// four rows; L⁻¹ is zero right of its diagonal and below its n rows.
GPK_CLONES void gpk_subtract_explained_variance(
    const double *linv, const double *kstar, long n, long m, double *variance) {
  for (long i = 0; i < n; i += 4) {
    const double *r0 = linv + i * n, *r1 = r0 + n, *r2 = r1 + n, *r3 = r2 + n;
    long end = i + 4 < n ? i + 4 : n;
    long q = 0;
    for (; q + 8 <= m; q += 8) {
      d4 a0 = SPLAT(0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
      for (long k = 0; k < end; k++) {
        const double *row = kstar + k * m + q;
        d4 ka = LOAD4(row), kb = LOAD4(row + 4);
        d4 l0 = SPLAT(r0[k]), l1 = SPLAT(r1[k]), l2 = SPLAT(r2[k]), l3 = SPLAT(r3[k]);
        a0 += l0 * ka;
        b0 += l0 * kb;
        a1 += l1 * ka;
        b1 += l1 * kb;
        a2 += l2 * ka;
        b2 += l2 * kb;
        a3 += l3 * ka;
        b3 += l3 * kb;
      }
      STORE4(variance + q, LOAD4(variance + q) - ((a0 * a0 + a1 * a1) + (a2 * a2 + a3 * a3)));
      STORE4(variance + q + 4, LOAD4(variance + q + 4) - ((b0 * b0 + b1 * b1) + (b2 * b2 + b3 * b3)));
    }
    for (; q < m; q++) {
      double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (long k = 0; k < end; k++) {
        double kq = kstar[k * m + q];
        a0 += r0[k] * kq;
        a1 += r1[k] * kq;
        a2 += r2[k] * kq;
        a3 += r3[k] * kq;
      }
      variance[q] -= (a0 * a0 + a1 * a1) + (a2 * a2 + a3 * a3);
    }
  }
}

GPK_CLONES void gpk_scaled_squared_distances(
    const double *points, long count, const double *x, const double *rho, const unsigned char *categorical,
    long dim, double *out) {
  for (long c = 0; c < dim; c++) {
    const double *col = points + c * count;
    double xc = x[c], rc = rho[c];
    if (categorical[c]) {
      if (c == 0)
        for (long q = 0; q < count; q++) out[q] = col[q] != xc ? rc : 0;
      else
        for (long q = 0; q < count; q++) out[q] += col[q] != xc ? rc : 0;
    } else if (c == 0) {
      for (long q = 0; q < count; q++) {
        double d = col[q] - xc;
        out[q] = d * d * rc;
      }
    } else {
      for (long q = 0; q < count; q++) {
        double d = col[q] - xc;
        out[q] += d * d * rc;
      }
    }
  }
}

GPK_CLONES void gpk_axpy(double a, const double *x, double *y, long count) {
  for (long q = 0; q < count; q++) y[q] += a * x[q];
}
