import Foundation

/// The eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method (Golub & Van
/// Loan, "Matrix Computations", §8.5): plane rotations zero the off-diagonal entries one by one
/// until they vanish. O(n³) per sweep and a handful of sweeps; exact to rounding for the small
/// matrices CMA-ES keeps (n ≤ a few hundred), with no LAPACK needed.
public struct SymmetricEigen: Sendable, Equatable {
  /// Eigenvalues, ascending.
  public let values: [Double]
  /// Eigenvectors as the columns of an n×n row-major matrix: `vectors[i * n + j]` is component i
  /// of the eigenvector for `values[j]`. Each column has unit length and its largest-magnitude
  /// component positive (so the result does not depend on rotation order).
  public let vectors: [Double]
  public let n: Int

  /// Decomposes the symmetric n×n row-major matrix `a` (only its symmetric part is used).
  public init(_ a: [Double], n: Int) {
    precondition(a.count == n * n, "matrix must be n×n")
    var m = a
    for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { let s = (m[i * n + j] + m[j * n + i]) / 2; m[i * n + j] = s; m[j * n + i] = s } }
    var v = [Double](repeating: 0, count: n * n)
    for i in 0..<n { v[i * n + i] = 1 }
    var scale = 0.0
    for x in m { scale += x * x }
    for _ in 0..<100 {
      var off = 0.0
      for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { off += m[i * n + j] * m[i * n + j] } }
      if off == 0 || off <= scale * 1e-32 { break }
      for p in 0..<max(0, n - 1) {
        for q in (p + 1)..<n {
          let apq = m[p * n + q]
          if apq == 0 { continue }
          let theta = (m[q * n + q] - m[p * n + p]) / (2 * apq)
          let t: Double = abs(theta) > 1e150
            ? 1 / (2 * theta)
            : (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
          let c = 1 / (t * t + 1).squareRoot(), s = t * c
          for k in 0..<n {  // A ← A·J
            let akp = m[k * n + p], akq = m[k * n + q]
            m[k * n + p] = c * akp - s * akq
            m[k * n + q] = s * akp + c * akq
          }
          for k in 0..<n {  // A ← Jᵀ·A
            let apk = m[p * n + k], aqk = m[q * n + k]
            m[p * n + k] = c * apk - s * aqk
            m[q * n + k] = s * apk + c * aqk
          }
          m[p * n + q] = 0
          m[q * n + p] = 0
          for k in 0..<n {  // V ← V·J
            let vkp = v[k * n + p], vkq = v[k * n + q]
            v[k * n + p] = c * vkp - s * vkq
            v[k * n + q] = s * vkp + c * vkq
          }
        }
      }
    }
    let order = (0..<n).sorted { m[$0 * n + $0] != m[$1 * n + $1] ? m[$0 * n + $0] < m[$1 * n + $1] : $0 < $1 }
    var vectors = [Double](repeating: 0, count: n * n)
    for (j, col) in order.enumerated() {
      var big = 0
      for i in 0..<n where abs(v[i * n + col]) > abs(v[big * n + col]) { big = i }
      let sign: Double = v[big * n + col] < 0 ? -1 : 1
      for i in 0..<n { vectors[i * n + j] = sign * v[i * n + col] }
    }
    self.values = order.map { m[$0 * n + $0] }
    self.vectors = vectors
    self.n = n
  }
}
