import Foundation

/// Standard-normal CDF, log-CDF, log-mass of an interval, inverse CDF and truncated-normal
/// draws, accurate in both tails. The TPE kernels are built on these.
///
/// Follows the structure of Optuna's `samplers/_tpe/_truncnorm.py` (itself after SciPy's
/// `truncnorm`): work in the left tail and flip by symmetry, take logs of masses with `log1p`
/// where they are close to 1, and use the asymptotic series of `log Φ` far in the left tail.
/// The inverse CDF is Acklam's rational approximation refined by one Halley step, falling back
/// to Newton on `log Φ` when the probability underflows.
enum TruncNorm {
  static let logSqrt2Pi = 0.5 * Foundation.log(2 * Double.pi)
  static let sqrt2Pi = (2 * Double.pi).squareRoot()
  static let invSqrt2 = 1 / 2.0.squareRoot()

  /// Φ(x), accurate in both tails (through `erfc`).
  @inline(__always) static func ndtr(_ x: Double) -> Double {
    0.5 * erfc(-x * invSqrt2)
  }

  /// log Φ(x).
  static func logNdtr(_ x: Double) -> Double {
    if x > 6 { return Foundation.log1p(-ndtr(-x)) }
    if x > -20 { return Foundation.log(ndtr(x)) }
    if x == -.infinity { return -.infinity }
    // Asymptotic series: Φ(x) ≈ φ(x)/(−x) · Σ (−1)^i (2i−1)!! / x^{2i}.
    let logLHS = -0.5 * x * x - Foundation.log(-x) - logSqrt2Pi
    var lastTotal = 0.0, total = 1.0, numerator = 1.0, denomFactor = 1.0, sign = 1.0
    let denomCons = 1 / (x * x)
    var i = 0.0
    while abs(lastTotal - total) > Double.ulpOfOne && i < 100 {
      i += 1
      lastTotal = total
      sign = -sign
      denomFactor *= denomCons
      numerator *= 2 * i - 1
      total += sign * numerator * denomFactor
    }
    return logLHS + Foundation.log(total)
  }

  /// log(exp(p) − exp(q)) for p ≥ q.
  @inline(__always) static func logDiff(_ p: Double, _ q: Double) -> Double {
    if p == -.infinity { return -.infinity }
    return p + Foundation.log1p(-Foundation.exp(q - p))
  }

  /// log(Φ(b) − Φ(a)) for a ≤ b: the log probability that a standard normal falls in [a, b].
  static func logGaussMass(_ a: Double, _ b: Double) -> Double {
    if b <= 0 { return logDiff(logNdtr(b), logNdtr(a)) }
    if a > 0 { return logDiff(logNdtr(-a), logNdtr(-b)) }
    // A tail beyond 8.5 holds less than 1e-17 (under half an ulp of 1), so it does not change
    // log1p(−tails) by more than 1e-17: skip its `erfc` (most kernels lie far from both bounds).
    let left = a < -8.5 ? 0 : ndtr(a)
    let right = b > 8.5 ? 0 : ndtr(-b)
    return Foundation.log1p(-left - right)
  }

  /// exp(x) for x ≤ 0, to within a few ulp, without branches or calls, so that loops
  /// over it vectorise: x = k·ln 2 + r with |r| ≤ ln 2 / 2 (Cody–Waite, fdlibm's split of ln 2),
  /// e^r by its Taylor series to r¹²/12! (remainder < 2e-16), times 2^k built in the exponent
  /// bits. Arguments below −708, −∞ and NaN are read as −708 (e^−708 ≈ 3e-308: nothing beside
  /// the e^0 = 1 of a log-sum-exp's largest term).
  @inline(__always) static func expNonPositive(_ x: Double) -> Double {
    let y = x > -708 ? x : -708
    let t = y * 1.4426950408889634
    let shifter = 6755399441055744.0  // 1.5 · 2^52: adding it rounds to an integer
    let kd = t + shifter
    let k = kd - shifter
    let r = (y - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10
    var p = 1.0 / 479001600
    p = p * r + 1.0 / 39916800
    p = p * r + 1.0 / 3628800
    p = p * r + 1.0 / 362880
    p = p * r + 1.0 / 40320
    p = p * r + 1.0 / 5040
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let scale = Double(bitPattern: (kd.bitPattern &+ 1023) &<< 52)
    return p * scale
  }

  /// log φ(z) of the standard normal.
  @inline(__always) static func normLogPdf(_ z: Double) -> Double {
    -0.5 * z * z - logSqrt2Pi
  }

  /// Φ⁻¹(p) for p in [0, 1].
  static func ndtri(_ p: Double) -> Double {
    if p <= 0 { return -.infinity }
    if p >= 1 { return .infinity }
    let pLow = 0.02425
    var x: Double
    if p < pLow {
      let q = (-2 * Foundation.log(p)).squareRoot()
      x = lowerTail(q)
    } else if p <= 1 - pLow {
      let q = p - 0.5, r = q * q
      let num = ((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02)
        * r + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239e+00
      let den = ((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02)
        * r + 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1
      x = num * q / den
    } else {
      let q = (-2 * Foundation.log1p(-p)).squareRoot()
      x = -lowerTail(q)
    }
    // One Halley step against the exact CDF brings the error near machine precision.
    let e = ndtr(x) - p
    let u = e * sqrt2Pi * Foundation.exp(0.5 * x * x)
    if u.isFinite { x -= u / (1 + 0.5 * x * u) }
    return x
  }

  @inline(__always) private static func lowerTail(_ q: Double) -> Double {
    let num = ((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00)
      * q - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00
    let den = (((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00)
      * q + 3.754408661907416e+00) * q + 1
    return num / den
  }

  /// The x with log Φ(x) = y (y ≤ 0), also where exp(y) underflows.
  static func ndtriExp(_ y: Double) -> Double {
    if y > -700 { return ndtri(Foundation.exp(y)) }
    var x = -(-2 * (y + logSqrt2Pi)).squareRoot()
    for _ in 0..<100 {
      let l = logNdtr(x)
      let dx = (l - y) * Foundation.exp(l - normLogPdf(x))
      x -= dx
      if abs(dx) < 1e-8 * abs(x) { break }
    }
    return x
  }

  /// A draw z of the standard normal truncated to [a, b], by inversion of the uniform `u`
  /// in [0, 1). Degenerate intervals give their left end.
  static func sample(_ a: Double, _ b: Double, _ u: Double) -> Double {
    if !(a < b) { return a }
    if a > 0 { return -sample(-b, -a, 1 - u) }
    var z: Double
    if b <= 0 {
      // Both ends in the left tail: p = Φ(a) + u (Φ(b) − Φ(a)), computed in log space.
      let la = logNdtr(a), lb = logNdtr(b)
      let lp: Double
      if la == -.infinity {
        lp = lb + Foundation.log(u)
      } else {
        lp = la + Foundation.log1p(u * Foundation.expm1(lb - la))
      }
      z = ndtriExp(lp)
    } else {
      let pa = ndtr(a), qb = ndtr(-b)
      let mass = 1 - pa - qb
      let p = pa + u * mass
      if p < 0.5 {
        z = ndtri(p)
      } else {
        z = -ndtri(qb + (1 - u) * mass)
      }
    }
    if z.isNaN { z = a }
    return min(max(z, a), b)
  }
}
