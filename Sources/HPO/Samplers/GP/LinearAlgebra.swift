import CGPKernels
import Foundation

/// The dense linear algebra the Gaussian-process sampler needs, written here (no Swift linear
/// algebra package builds in this project; see docs/DECISIONS.md): a symmetric positive-definite
/// matrix's Cholesky factor, triangular solves with it, the inverse it gives, and the Matérn
/// kernel. The O(n³) and O(n²m) loops are C kernels (`CGPKernels`: built for AVX2 and for the
/// baseline on x86-64 Linux with glibc, bit-identical results either way); this enum is their Swift face.
///
/// Matrices are row-major `[Double]` of `n * n` entries.
enum LinearAlgebra {
  /// `Σ a[k] b[k]` over `count` entries, in four running sums.
  @inline(__always) static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
    gpk_dot(a, b, count)
  }

  /// `e^{−s}` for `s ≥ 0` (an `s` above 708 counts as 708, `e^{−708}` ≈ 3e−308), within about one
  /// ulp of `Foundation.exp(−s)`: `e^{−s} = 2ᵏ e^r` with `k = round(−s/ln 2)`, `r = −s − k ln 2` in
  /// two parts (Cody & Waite) so `|r| ≤ ln 2 / 2`, `e^r` by its Taylor polynomial to degree 13,
  /// and `2ᵏ` built from its exponent bits: vector code where libm's `exp` is a call per value.
  static func expNegative(_ s: Double) -> Double { gpk_exp_negative(s) }

  /// The Matérn-5/2 kernel over `count` squared distances in place: `r² ↦ scale · (1 + s + 5r²/3)
  /// e^{−s}` with `s = √(5r²)`; when `derivative` is given, `scale · ∂matern/∂r² = −5/6 scale
  /// (1 + s) e^{−s}` goes there. Four values at a time; the tail padded.
  static func matern52(
    _ r2: UnsafeMutablePointer<Double>, _ count: Int, scale: Double, derivative: UnsafeMutablePointer<Double>? = nil
  ) {
    gpk_matern52(r2, count, scale, derivative)
  }

  /// The lower Cholesky factor `L` of a symmetric positive-definite `a` (`a = L Lᵀ`), or `nil`
  /// when a pivot is not positive (the matrix is not positive definite in floating point).
  static func cholesky(_ a: [Double], n: Int) -> [Double]? {
    var l = [Double](repeating: 0, count: n * n)
    let ok = l.withUnsafeMutableBufferPointer { lp in
      a.withUnsafeBufferPointer { gpk_cholesky($0.baseAddress!, lp.baseAddress!, n) == 0 }
    }
    return ok ? l : nil
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

  /// `M = L⁻¹` of a lower-triangular `L`, row by row (row i is `(eᵢ − Σₖ Lᵢₖ Mₖ)/Lᵢᵢ` over the
  /// earlier rows), with `paddingRows` zero rows after the `n` (for kernels that take four rows
  /// at a time).
  static func inverseLower(_ l: [Double], n: Int, paddingRows: Int = 0) -> [Double] {
    var m = [Double](repeating: 0, count: (n + paddingRows) * n)
    m.withUnsafeMutableBufferPointer { mp in
      l.withUnsafeBufferPointer { gpk_inverse_lower($0.baseAddress!, mp.baseAddress!, n) }
    }
    return m
  }

  /// `(L Lᵀ)⁻¹` from the Cholesky factor, by way of `L⁻¹`.
  static func inverseFromCholesky(_ l: [Double], n: Int) -> [Double] {
    inverse(lowerInverse: inverseLower(l, n: n), n: n)
  }

  /// `MᵀM` for a lower-triangular `M` (`L⁻¹`): `(L Lᵀ)⁻¹`, both triangles.
  static func inverse(lowerInverse m: [Double], n: Int) -> [Double] {
    var out = [Double](repeating: 0, count: n * n)
    out.withUnsafeMutableBufferPointer { op in
      m.withUnsafeBufferPointer { gpk_gram_lower($0.baseAddress!, op.baseAddress!, n, 1) }
    }
    return out
  }
}

/// Limited-memory BFGS with box bounds by projection (a projected quasi-Newton method in the
/// spirit of L-BFGS-B): variables at a bound whose gradient pushes outward are held fixed, the
/// two-loop recursion gives the direction on the free ones, and a backtracking Armijo search
/// (each shorter step from a quadratic fit) runs along the projected path. Without bounds it is plain L-BFGS.
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
    minimizeDeferringGradient(x0, bounds: bounds) { x in
      let r = f(x)
      return (r.value, { r.gradient })
    }
  }

  /// Minimises `f` from `x0` where `f` gives the value and a closure for the gradient, which is
  /// called only at the points the line search accepts (a rejected trial step needs no gradient).
  func minimizeDeferringGradient(
    _ x0: [Double], bounds: [(Double, Double)]? = nil,
    _ f: ([Double]) -> (value: Double, gradient: () -> [Double])
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
    let first = f(x)
    var fx = first.value
    guard fx.isFinite else { return Result(x: x, value: fx, iterations: 0) }
    var g = first.gradient()
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
        let (fn, gradient) = f(xn)
        if fn.isFinite && fn <= fx + 1e-4 * decrease && xn != x {
          accepted = (xn, fn, gradient())
          break
        }
        // The next step at the minimum of the parabola through f(x), the slope along the step
        // and f(xn), kept within [0.1, 0.5] of this one (Nocedal & Wright, §3.5).
        let curvature = fn - fx - decrease
        t *= fn.isFinite && curvature > 0 ? min(0.5, max(0.1, -decrease / (2 * curvature))) : 0.5
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
