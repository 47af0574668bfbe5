import Foundation

/// The acquisition functions the GP sampler maximises, on standardised outputs where larger is
/// better: each gives its value and its derivatives in the posterior mean and variance.
///
/// - Ament, Daulton, Eriksson, Balandat & Bakshy, "Unexpected improvements to expected
///   improvement for Bayesian optimization", NeurIPS 2023 (LogEI, eq. 9).
/// - Snoek, Larochelle & Adams, NeurIPS 2012 (EI, PI and UCB).
public enum Acquisition: String, Sendable, CaseIterable {
  /// log expected improvement (Optuna's default).
  case logei
  /// expected improvement.
  case ei
  /// upper confidence bound `μ + √(β σ²)`.
  case ucb
  /// probability of improvement, as its logarithm (Optuna's `LogPI`).
  case pi

  /// The stabilising variance Optuna adds before taking σ.
  static let stabilizingNoise = 1e-12

  /// Value and `∂/∂μ`, `∂/∂σ²` at posterior `mean`, `variance` against the incumbent `best`.
  func evaluate(mean: Double, variance: Double, best: Double, beta: Double)
    -> (value: Double, dMean: Double, dVariance: Double)
  {
    switch self {
    case .ucb:
      let s = (beta * variance).squareRoot()
      return (mean + s, 1, variance > 0 ? 0.5 * beta / s : 0)
    case .logei, .ei, .pi:
      let sigma = (variance + Self.stabilizingNoise).squareRoot()
      let z = (mean - best) / sigma
      switch self {
      case .logei:
        let (lh, g) = Self.logH(z)
        let dSigma = (1 - g * z) / sigma
        return (lh + Foundation.log(sigma), g / sigma, dSigma / (2 * sigma))
      case .ei:
        let cdf = Self.normalCDF(z), pdf = Self.normalPDF(z)
        return (sigma * (pdf + z * cdf), cdf, pdf / (2 * sigma))
      default:
        let (lc, r) = Self.logCDF(z)
        return (lc, r / sigma, -r * z / sigma / (2 * sigma))
      }
    }
  }

  static func normalPDF(_ z: Double) -> Double { Foundation.exp(-0.5 * z * z) / (2 * Double.pi).squareRoot() }
  static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

  /// `log h(z)` with `h(z) = φ(z) + zΦ(z)` (the expected improvement of a standard normal over
  /// −z), and `d log h/dz = Φ(z)/h(z)`; an asymptotic series below z = −25, as LogEI's paper.
  static func logH(_ z: Double) -> (Double, Double) {
    if z > -25 {
      let cdf = normalCDF(z)
      let h = normalPDF(z) + z * cdf
      return (Foundation.log(h), cdf / h)
    }
    let t = -z, t2 = t * t
    // h = φ(z)(1 − tR(t)) with Mills' ratio R; 1 − tR ≈ t⁻²(1 − 3t⁻² + 15t⁻⁴ − 105t⁻⁶).
    let r = (1 - 3 / t2 + 15 / (t2 * t2) - 105 / (t2 * t2 * t2)) / t2
    let mills = (1 - 1 / t2 + 3 / (t2 * t2) - 15 / (t2 * t2 * t2)) / t
    return (-0.5 * z * z - Foundation.log((2 * Double.pi).squareRoot()) + Foundation.log(r), mills / r)
  }

  /// `log Φ(z)` and `φ(z)/Φ(z)`, stable for very negative z.
  static func logCDF(_ z: Double) -> (Double, Double) {
    if z > -25 {
      let cdf = normalCDF(z)
      return (Foundation.log(cdf), normalPDF(z) / cdf)
    }
    let t = -z, t2 = t * t
    let mills = (1 - 1 / t2 + 3 / (t2 * t2) - 15 / (t2 * t2 * t2)) / t
    return (-0.5 * z * z - Foundation.log((2 * Double.pi).squareRoot()) + Foundation.log(mills), 1 / mills)
  }
}

/// An acquisition function on a fitted GP, with constraints by probability of feasibility
/// (Gardner et al., ICML 2014: `log a(x) + Σ log P(cᵢ(x) ≤ 0)`, as Optuna's `LogCEI`).
struct AcquisitionFunction: Sendable {
  let gp: GaussianProcess
  let kind: Acquisition
  /// The incumbent (standardised, larger is better); `nil` when no trial is feasible yet and only
  /// feasibility counts.
  let best: Double?
  let beta: Double
  /// One GP per constraint with the standardised threshold a feasible value stays below.
  let constraints: [(gp: GaussianProcess, threshold: Double)]

  /// The values at `m` normalised points (row-major `m × dim`).
  func values(batch points: [Double], count m: Int) -> [Double] {
    var out = [Double](repeating: 0, count: m)
    if let best {
      let post = gp.posterior(batch: points, count: m)
      for q in 0..<m {
        out[q] += kind.evaluate(mean: post.mean[q], variance: post.variance[q], best: best, beta: beta).value
      }
    }
    for c in constraints {
      let post = c.gp.posterior(batch: points, count: m)
      for q in 0..<m {
        let sigma = (post.variance[q] + Acquisition.stabilizingNoise).squareRoot()
        out[q] += Acquisition.logCDF((c.threshold - post.mean[q]) / sigma).0
      }
    }
    return out
  }

  /// The value at a normalised point, and its gradient over `dims` when given.
  func value(_ point: [Double], gradientDims dims: [Int] = []) -> (value: Double, gradient: [Double]) {
    var total = 0.0
    var grad = [Double](repeating: 0, count: dims.count)
    if let best {
      let post = gp.posterior(point, gradientDims: dims)
      let a = kind.evaluate(mean: post.mean, variance: post.variance, best: best, beta: beta)
      total += a.value
      for g in grad.indices { grad[g] += a.dMean * post.dMean[g] + a.dVariance * post.dVariance[g] }
    }
    for c in constraints {
      // log P(c ≤ t) = log Φ((t − μ)/σ).
      let post = c.gp.posterior(point, gradientDims: dims)
      let sigma = (post.variance + Acquisition.stabilizingNoise).squareRoot()
      let z = (c.threshold - post.mean) / sigma
      let (lc, r) = Acquisition.logCDF(z)
      total += lc
      for g in grad.indices {
        let dz = -post.dMean[g] / sigma - z / sigma * post.dVariance[g] / (2 * sigma)
        grad[g] += r * dz
      }
    }
    return (total, grad)
  }
}
