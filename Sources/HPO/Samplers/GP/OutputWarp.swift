import Foundation

/// A monotone warp of the GP's standardised outputs toward a normal shape: the Yeo-Johnson power
/// transform with λ by maximum likelihood, then standardised again. A heavy tail of bad values
/// (Rosenbrock's, spanning six orders of magnitude) is compressed, so the GP's length scales
/// follow the region near the optimum instead of the worst points; near-normal outputs get
/// λ ≈ 1, the identity. The order of values, and so the incumbent, is unchanged.
///
/// - Yeo & Johnson, "A new family of power transformations to improve normality or symmetry",
///   Biometrika 2000 (the transform and its profile likelihood).
/// - Cowen-Rivers et al., "HEBO: pushing the limits of sample-efficient hyperparameter
///   optimisation", JAIR 2022 (power-transformed outputs for GP-BO).
///
/// Optuna's GPSampler standardises only; this warp is hpotop's (docs/DECISIONS.md).
struct OutputWarp: Sendable, Equatable {
  /// The transform's λ (1: identity up to a shift).
  let lambda: Double
  /// The mean and standard deviation of the transformed values, removed after the transform.
  let mean: Double
  let std: Double

  /// The λ range searched (symmetric about the identity, λ = 1).
  static let lambdaRange = (-1.0, 3.0)

  /// Fits λ on standardised `values` (larger is better) by golden-section search of the profile
  /// log-likelihood `−n/2 log σ̂²(λ) + (λ − 1) Σ sign(z) log(|z| + 1)`.
  init(fitting values: [Double]) {
    func logLikelihood(_ l: Double) -> Double {
      let t = values.map { Self.transform($0, l) }
      let m = t.reduce(0, +) / Double(t.count)
      var v = 0.0
      for x in t { v += (x - m) * (x - m) }
      v = max(v / Double(t.count), 1e-300)
      var jac = 0.0
      for z in values { jac += (z < 0 ? -1 : 1) * Foundation.log(abs(z) + 1) }
      return -0.5 * Double(t.count) * Foundation.log(v) + (l - 1) * jac
    }
    var (a, b) = Self.lambdaRange
    let g = (5.0.squareRoot() - 1) / 2
    var c = b - g * (b - a), d = a + g * (b - a)
    var fc = logLikelihood(c), fd = logLikelihood(d)
    for _ in 0..<40 {
      if fc > fd {
        b = d; d = c; fd = fc
        c = b - g * (b - a); fc = logLikelihood(c)
      } else {
        a = c; c = d; fc = fd
        d = a + g * (b - a); fd = logLikelihood(d)
      }
    }
    let l = values.count < 3 ? 1 : (a + b) / 2
    let t = values.map { Self.transform($0, l) }
    let m = t.reduce(0, +) / Double(max(1, t.count))
    var v = 0.0
    for x in t { v += (x - m) * (x - m) }
    lambda = l
    mean = m
    std = max(1e-10, (v / Double(max(1, t.count))).squareRoot())
  }

  /// `log |dw/dz|` summed over `values`: the warp's Jacobian, which turns the GP's likelihood of
  /// the warped values into a likelihood of the values themselves (Snelson et al. 2004).
  func logJacobian(_ values: [Double]) -> Double {
    var s = 0.0
    for z in values { s += (lambda - 1) * (z < 0 ? -1 : 1) * Foundation.log(abs(z) + 1) }
    return s - Double(values.count) * Foundation.log(std)
  }

  /// The warped, standardised value of a standardised `z`.
  func callAsFunction(_ z: Double) -> Double { (Self.transform(z, lambda) - mean) / std }

  /// The standardised value whose warp is `w` (the inverse).
  func inverse(_ w: Double) -> Double { Self.inverseTransform(w * std + mean, lambda) }

  static func transform(_ z: Double, _ l: Double) -> Double {
    if z >= 0 {
      return abs(l) < 1e-12 ? Foundation.log1p(z) : (Foundation.pow(z + 1, l) - 1) / l
    }
    return abs(l - 2) < 1e-12 ? -Foundation.log1p(-z) : -(Foundation.pow(1 - z, 2 - l) - 1) / (2 - l)
  }

  /// The inverse of `transform`; a value past the transform's range (a posterior mean or
  /// bound beyond every observed value, where λ < 0 or λ > 2 bounds the range) maps to the
  /// range's edge at 1e-9, a large but finite value.
  static func inverseTransform(_ t: Double, _ l: Double) -> Double {
    if t >= 0 {
      return abs(l) < 1e-12 ? Foundation.expm1(t) : Foundation.pow(max(l * t + 1, 1e-9), 1 / l) - 1
    }
    return abs(l - 2) < 1e-12
      ? -Foundation.expm1(-t) : 1 - Foundation.pow(max(1 - (2 - l) * t, 1e-9), 1 / (2 - l))
  }
}
