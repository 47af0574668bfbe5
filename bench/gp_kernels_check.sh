#!/usr/bin/env bash
# The GP's C kernels (Sources/CGPKernels) give bit-identical results whichever build runs: this
# compiles one harness against the kernels four ways (baseline x86-64, -mavx2, -mavx2 -mfma, and
# the shipped target_clones build) and compares every output byte. Needs clang; x86-64 only.
#   bash bench/gp_kernels_check.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
K="$ROOT/Sources/CGPKernels"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cat > "$TMP/same.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include "CGPKernels.h"
static double u(void){ return rand() / (double)RAND_MAX; }
int main(void){
  srand(7); enum { N = 37, M = 203, D = 5 };
  static double a[N*N], l[N*N], m[(N+3)*N], g[N*N], ks[N*M], var[M], r2[M], der[M], pts[D*M], x[D], rho[D], y[M];
  unsigned char cat[D] = {0, 1, 0, 0, 1};
  for (int i = 0; i < N; i++) for (int j = 0; j <= i; j++) { double v = 0.3 * u(); a[i*N+j] = v; a[j*N+i] = v; }
  for (int i = 0; i < N; i++) a[i*N+i] += N;
  gpk_cholesky(a, l, N); gpk_inverse_lower(l, m, N); gpk_gram_lower(m, g, N, 1);
  for (int i = 0; i < N*M; i++) ks[i] = u();
  for (int q = 0; q < M; q++) { var[q] = 1; r2[q] = 40 * u() * u(); y[q] = u(); }
  gpk_subtract_explained_variance(m, ks, N, M, var);
  gpk_matern52(r2, M, 1.3, der);
  for (int i = 0; i < D*M; i++) pts[i] = (i % 3) ? u() : (double)(rand() % 3);
  for (int c = 0; c < D; c++) { x[c] = cat[c] ? 1 : u(); rho[c] = 3 * u(); }
  double dist[M]; gpk_scaled_squared_distances(pts, M, x, rho, cat, D, dist);
  gpk_axpy(0.7, dist, y, M);
  double d = gpk_dot(ks, ks + 5, 203), e = gpk_exp_negative(3.7);
  fwrite(l, sizeof l, 1, stdout); fwrite(m, sizeof m, 1, stdout); fwrite(g, sizeof g, 1, stdout);
  fwrite(var, sizeof var, 1, stdout); fwrite(r2, sizeof r2, 1, stdout); fwrite(der, sizeof der, 1, stdout);
  fwrite(dist, sizeof dist, 1, stdout); fwrite(y, sizeof y, 1, stdout); fwrite(&d, 8, 1, stdout); fwrite(&e, 8, 1, stdout);
  return 0;
}
C
for build in "base:-DGPK_NO_CLONES" "avx2:-DGPK_NO_CLONES -mavx2" "fma:-DGPK_NO_CLONES -mavx2 -mfma" "clones:"; do
  name="${build%%:*}"
  # shellcheck disable=SC2086
  clang -O2 ${build#*:} -I"$K/include" "$TMP/same.c" "$K/kernels.c" -o "$TMP/$name"
  "$TMP/$name" > "$TMP/$name.bin"
done
for name in avx2 fma clones; do
  cmp "$TMP/base.bin" "$TMP/$name.bin"
done
echo "CGPKernels: baseline, AVX2, AVX2+FMA and target_clones builds bit-identical ($(wc -c < "$TMP/base.bin") bytes of output)"
