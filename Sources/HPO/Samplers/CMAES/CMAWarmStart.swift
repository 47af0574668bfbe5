import Foundation

/// Warm starting CMA-ES from another study (Nomura, Watanabe, Akimoto, Ozaki & Onishi, "Warm
/// Starting CMA-ES for Hyperparameter Optimization", AAAI 2021), as `cmaes`' `get_warm_start_mgd`
/// and Optuna's `source_trials`: the top γ of the source solutions give a Gaussian whose
/// covariance is Σ = α²I + (1/k)Σᵢ xᵢxᵢᵀ − μμᵀ; the run starts at μ with σ = det(Σ)^(1/2n) and
/// C = Σ / det(Σ)^(1/n).
public struct CMAWarmStart: Sendable, Equatable {
  public let mean: [Double]
  public let sigma: Double
  /// n×n row-major.
  public let cov: [Double]

  /// `solutions`: points in the [0, 1] scale and values to minimise. Nil when the top γ holds
  /// no solution (fewer than 1/γ of them) or Σ is singular.
  public init?(solutions: [(x: [Double], value: Double)], gamma: Double = 0.1, alpha: Double = 0.1) {
    // Ascending by value, ties in the given order (Python's stable sort).
    let order = solutions.indices.sorted { (solutions[$0].value, $0) < (solutions[$1].value, $1) }
    let k = Int((Double(solutions.count) * gamma).rounded(.down))
    guard k >= 1 else { return nil }
    let n = solutions[order[0]].x.count
    let top = order.prefix(k).map { solutions[$0].x }
    var mu = [Double](repeating: 0, count: n)
    for x in top { for i in 0..<n { mu[i] += x[i] / Double(k) } }
    var s = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n {
        var second = 0.0
        for x in top { second += x[i] * x[j] }
        s[i * n + j] = (i == j ? alpha * alpha : 0) + second / Double(k) - mu[i] * mu[j]
      }
    }
    let det = SymmetricEigen(s, n: n).values.reduce(1, *)
    guard det > 0, det.isFinite else { return nil }
    mean = mu
    sigma = pow(det, 1 / (2 * Double(n)))
    let scale = pow(det, 1 / Double(n))
    cov = s.map { $0 / scale }
  }
}
