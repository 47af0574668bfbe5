import Foundation

/// The dense linear algebra the Gaussian-process sampler needs, written here (no Swift linear
/// algebra package builds in this project; see docs/DECISIONS.md): a symmetric positive-definite
/// matrix's Cholesky factor, triangular solves with it, and the inverse it gives.
///
/// Matrices are row-major `[Double]` of `n * n` entries.
enum LinearAlgebra {
  /// `Σ a[k] b[k]` over `count` entries, with four running sums so the additions overlap (a single
  /// sum waits on each previous addition; the compiler may not reorder floating-point sums).
  @inline(__always) static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var k = 0
    while k + 4 <= count {
      s0 += a[k] * b[k]
      s1 += a[k + 1] * b[k + 1]
      s2 += a[k + 2] * b[k + 2]
      s3 += a[k + 3] * b[k + 3]
      k += 4
    }
    while k < count {
      s0 += a[k] * b[k]
      k += 1
    }
    return (s0 + s1) + (s2 + s3)
  }

  /// `e^{−s}` for `s ≥ 0` in four lanes (an `s` above 708 counts as 708, `e^{−708}` ≈ 3e−308),
  /// within about one ulp of `Foundation.exp(−s)`: `e^{−s} = 2ᵏ e^r` with `k = round(−s/ln 2)`
  /// (by the 1.5·2⁵² addition, exact in round-to-nearest), `r = −s − k ln 2` in two parts (Cody &
  /// Waite) so `|r| ≤ ln 2 / 2`, `e^r` by its Taylor polynomial to degree 13 (truncation error
  /// below 5e−18), and `2ᵏ` built from its exponent bits. Vector code where libm's `exp` is a call
  /// per value.
  @inline(__always) static func expNegative(_ s: SIMD4<Double>) -> SIMD4<Double> {
    let x = -s.replacing(with: 708, where: s .> 708)
    let magic = 6755399441055744.0
    let t = x * 1.4426950408889634 + magic
    let k = t - magic
    let r = (x - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10
    var p = SIMD4<Double>(repeating: 1.0 / 6227020800.0)
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    let e = unsafeBitCast(t, to: SIMD4<Int64>.self) &- Int64(bitPattern: magic.bitPattern)
    return p * unsafeBitCast((e &+ 1023) &<< 52, to: SIMD4<Double>.self)
  }

  /// `expNegative` of one value (lane 0 of the four-lane version, so both agree bit for bit).
  @inline(__always) static func expNegative(_ s: Double) -> Double {
    expNegative(SIMD4<Double>(repeating: s))[0]
  }

  /// The Matérn-5/2 kernel over `count` squared distances in place: `r² ↦ scale · (1 + s + 5r²/3)
  /// e^{−s}` with `s = √(5r²)`; when `derivative` is given, `scale · ∂matern/∂r² = −5/6 scale
  /// (1 + s) e^{−s}` goes there. Four values at a time; the tail padded.
  static func matern52(
    _ r2: UnsafeMutablePointer<Double>, _ count: Int, scale: Double, derivative: UnsafeMutablePointer<Double>? = nil
  ) {
    @inline(__always) func kernel(_ d2: SIMD4<Double>) -> (value: SIMD4<Double>, derivative: SIMD4<Double>) {
      let s = (5 * d2).squareRoot()
      let e = scale * expNegative(s)
      return ((1 + s + 5.0 / 3.0 * d2) * e, -5.0 / 6.0 * (1 + s) * e)
    }
    var q = 0
    while q + 4 <= count {
      let k = kernel(UnsafeRawPointer(r2 + q).loadUnaligned(as: SIMD4<Double>.self))
      UnsafeMutableRawPointer(r2 + q).storeBytes(of: k.value, as: SIMD4<Double>.self)
      if let derivative { UnsafeMutableRawPointer(derivative + q).storeBytes(of: k.derivative, as: SIMD4<Double>.self) }
      q += 4
    }
    if q < count {
      var d2 = SIMD4<Double>(repeating: 0)
      for l in 0..<(count - q) { d2[l] = r2[q + l] }
      let k = kernel(d2)
      for l in 0..<(count - q) {
        r2[q + l] = k.value[l]
        derivative?[q + l] = k.derivative[l]
      }
    }
  }

  /// The lower Cholesky factor `L` of a symmetric positive-definite `a` (`a = L Lᵀ`), or `nil`
  /// when a pivot is not positive (the matrix is not positive definite in floating point).
  static func cholesky(_ a: [Double], n: Int) -> [Double]? {
    var l = [Double](repeating: 0, count: n * n)
    l.withUnsafeMutableBufferPointer { lp in
      a.withUnsafeBufferPointer { ap in
        let base = lp.baseAddress!
        for j in 0..<n {
          let rj = j * n
          let d = ap[rj + j] - dot(base + rj, base + rj, j)
          guard d > 0, d.isFinite else { lp[0] = .nan; return }
          let ljj = d.squareRoot()
          lp[rj + j] = ljj
          let inv = 1 / ljj
          for i in (j + 1)..<max(j + 1, n) {
            let ri = i * n
            lp[ri + j] = (ap[ri + j] - dot(base + ri, base + rj, j)) * inv
          }
        }
      }
    }
    return l[0].isNaN ? nil : l
  }

  /// Solves `L x = b` for a lower-triangular `L`.
  static func solveLower(_ l: [Double], n: Int, _ b: [Double]) -> [Double] {
    var x = b
    l.withUnsafeBufferPointer { lp in
      x.withUnsafeMutableBufferPointer { xp in
        for i in 0..<n {
          let ri = i * n
          xp[i] = (xp[i] - dot(lp.baseAddress! + ri, xp.baseAddress!, i)) / lp[ri + i]
        }
      }
    }
    return x
  }

  /// Solves `Lᵀ x = b` for a lower-triangular `L`.
  static func solveLowerTransposed(_ l: [Double], n: Int, _ b: [Double]) -> [Double] {
    var x = b
    for i in stride(from: n - 1, through: 0, by: -1) {
      var s = x[i]
      for k in (i + 1)..<max(i + 1, n) { s -= l[k * n + i] * x[k] }
      x[i] = s / l[i * n + i]
    }
    return x
  }

  /// Solves `(L Lᵀ) x = b`.
  static func solveCholesky(_ l: [Double], n: Int, _ b: [Double]) -> [Double] {
    solveLowerTransposed(l, n: n, solveLower(l, n: n, b))
  }

  /// `(L Lᵀ)⁻¹` from the Cholesky factor: `M = L⁻¹` row by row (row i is `(eᵢ − Σₖ Lᵢₖ Mₖ)/Lᵢᵢ`
  /// over the earlier rows), then `Mᵀ M` as a sum of outer products of M's rows, lower triangle
  /// first. Every inner loop is a long update of contiguous memory, which the compiler
  /// vectorises.
  static func inverseFromCholesky(_ l: [Double], n: Int) -> [Double] {
    var m = [Double](repeating: 0, count: n * n)  // M = L⁻¹, row-major, zero above the diagonal
    var out = [Double](repeating: 0, count: n * n)
    l.withUnsafeBufferPointer { lp in
      m.withUnsafeMutableBufferPointer { mp in
        let mb = mp.baseAddress!
        for i in 0..<n {
          let row = mb + i * n
          for k in 0..<i {
            let lik = lp[i * n + k]
            if lik == 0 { continue }
            let src = UnsafePointer(mb + k * n)
            for c in 0...k { row[c] -= lik * src[c] }
          }
          row[i] += 1
          let inv = 1 / lp[i * n + i]
          for c in 0...i { row[c] *= inv }
        }
        out.withUnsafeMutableBufferPointer { op in
          let ob = op.baseAddress!
          for k in 0..<n {
            let r = UnsafePointer(mb + k * n)
            for i in 0...k {
              let ri = r[i]
              if ri == 0 { continue }
              let dst = ob + i * n
              for c in 0...i { dst[c] += ri * r[c] }
            }
          }
          for i in 0..<n {
            for j in 0..<i { ob[j * n + i] = ob[i * n + j] }
          }
        }
      }
    }
    return out
  }
}

/// Limited-memory BFGS with box bounds by projection (a projected quasi-Newton method in the
/// spirit of L-BFGS-B): variables at a bound whose gradient pushes outward are held fixed, the
/// two-loop recursion gives the direction on the free ones, and a backtracking Armijo search
/// runs along the projected path. Without bounds it is plain L-BFGS.
///
/// - Nocedal, "Updating quasi-Newton matrices with limited storage", Math. Comp. 1980.
/// - Byrd, Lu, Nocedal & Zhu, "A limited memory algorithm for bound constrained optimization",
///   SIAM J. Sci. Comput. 1995 (the projected-gradient stopping test used here).
struct LBFGS {
  /// How many curvature pairs the inverse-Hessian estimate keeps.
  var memory = 10
  /// Stop when the projected gradient's largest entry is below this.
  var pgtol = 1e-5
  var maxIterations = 200

  struct Result {
    var x: [Double]
    var value: Double
    var iterations: Int
  }

  /// Minimises `f` (value and gradient) from `x0`, each coordinate kept in `bounds` when given.
  func minimize(
    _ x0: [Double], bounds: [(Double, Double)]? = nil,
    _ f: ([Double]) -> (value: Double, gradient: [Double])
  ) -> Result {
    let n = x0.count
    func project(_ x: [Double]) -> [Double] {
      guard let bounds else { return x }
      var y = x
      for i in 0..<n { y[i] = min(max(y[i], bounds[i].0), bounds[i].1) }
      return y
    }
    func projectedGradientNorm(_ x: [Double], _ g: [Double]) -> Double {
      var m = 0.0
      for i in 0..<n {
        var gi = g[i]
        if let bounds {
          // The step -g projected onto the box, as L-BFGS-B's test.
          let target = min(max(x[i] - gi, bounds[i].0), bounds[i].1)
          gi = x[i] - target
        }
        m = max(m, abs(gi))
      }
      return m
    }
    var x = project(x0)
    var (fx, g) = f(x)
    guard fx.isFinite else { return Result(x: x, value: fx, iterations: 0) }
    var sList: [[Double]] = [], yList: [[Double]] = [], rhoList: [Double] = []
    var iteration = 0
    while iteration < maxIterations {
      if projectedGradientNorm(x, g) <= pgtol { break }
      iteration += 1
      // Free variables: not at a bound with the gradient pushing out of the box.
      var free = [Bool](repeating: true, count: n)
      if let bounds {
        for i in 0..<n {
          if (x[i] <= bounds[i].0 && g[i] > 0) || (x[i] >= bounds[i].1 && g[i] < 0) { free[i] = false }
        }
      }
      var q = g
      for i in 0..<n where !free[i] { q[i] = 0 }
      var alphas = [Double](repeating: 0, count: sList.count)
      for k in stride(from: sList.count - 1, through: 0, by: -1) {
        var a = 0.0
        for i in 0..<n where free[i] { a += sList[k][i] * q[i] }
        a *= rhoList[k]
        alphas[k] = a
        for i in 0..<n where free[i] { q[i] -= a * yList[k][i] }
      }
      if let last = sList.indices.last {
        var sy = 0.0, yy = 0.0
        for i in 0..<n { sy += sList[last][i] * yList[last][i]; yy += yList[last][i] * yList[last][i] }
        let gamma = yy > 0 ? sy / yy : 1
        for i in 0..<n { q[i] *= gamma }
      } else {
        // First step: a unit-length move along the steepest descent.
        var gn = 0.0
        for i in 0..<n { gn += q[i] * q[i] }
        gn = gn.squareRoot()
        if gn > 0 { for i in 0..<n { q[i] /= max(gn, 1) } }
      }
      for k in 0..<sList.count {
        var b = 0.0
        for i in 0..<n where free[i] { b += yList[k][i] * q[i] }
        b *= rhoList[k]
        for i in 0..<n where free[i] { q[i] += sList[k][i] * (alphas[k] - b) }
      }
      var d = q.map { -$0 }
      for i in 0..<n where !free[i] { d[i] = 0 }
      var slope = 0.0
      for i in 0..<n { slope += g[i] * d[i] }
      if !(slope < 0) {
        // Not a descent direction: restart from steepest descent.
        sList = []; yList = []; rhoList = []
        d = g.map { -$0 }
        for i in 0..<n where !free[i] { d[i] = 0 }
        slope = 0
        for i in 0..<n { slope += g[i] * d[i] }
        if !(slope < 0) { break }
      }
      // Backtracking along the projected path.
      var t = 1.0
      var accepted: (x: [Double], f: Double, g: [Double])?
      for _ in 0..<40 {
        var xn = x
        for i in 0..<n { xn[i] += t * d[i] }
        xn = project(xn)
        var decrease = 0.0
        for i in 0..<n { decrease += g[i] * (xn[i] - x[i]) }
        let (fn, gn) = f(xn)
        if fn.isFinite && fn <= fx + 1e-4 * decrease && xn != x {
          accepted = (xn, fn, gn)
          break
        }
        t *= 0.5
      }
      guard let step = accepted else { break }
      var s = [Double](repeating: 0, count: n), y = s
      var sy = 0.0
      for i in 0..<n {
        s[i] = step.x[i] - x[i]
        y[i] = step.g[i] - g[i]
        sy += s[i] * y[i]
      }
      let relativeDecrease = (fx - step.f) / max(abs(fx), abs(step.f), 1)
      x = step.x; fx = step.f; g = step.g
      if sy > 1e-10 {
        sList.append(s); yList.append(y); rhoList.append(1 / sy)
        if sList.count > memory { sList.removeFirst(); yList.removeFirst(); rhoList.removeFirst() }
      }
      // scipy's factr=1e7 stopping test on the relative decrease.
      if relativeDecrease <= 1e7 * Double.ulpOfOne { break }
    }
    return Result(x: x, value: fx, iterations: iteration)
  }
}
