import Foundation

/// Learning-curve extrapolation (after Domhan, Springenberg & Hutter, "Speeding up Automatic
/// Hyperparameter Optimization of Deep Neural Networks by Extrapolation of Learning Curves",
/// IJCAI 2015): the value a trial's reports are predicted to reach at a later step.
///
/// Two of Domhan et al.'s parametric families, each fitted by least squares (a grid over the
/// rate, the two linear coefficients exactly): `exp3` `a + b·exp(−t/c)` and `pow3`
/// `a + b·t^(−α)`. The family with the smaller squared error predicts. Domhan et al. combine
/// eleven families by MCMC; two families and a point prediction are enough to rank trials, which
/// is all hpotop asks of it (`RungTrust`). A prediction stays within one span of the observed
/// values from the last one, so a poor fit cannot rank a trial far beyond what it showed.
public enum CurveExtrapolation {
  /// The fewest reports a prediction needs (three parameters and some noise to average).
  public static let minPoints = 5

  /// The value predicted at `target` from `points` (step, value) with steps ascending, or `nil`
  /// with fewer than `minPoints` finite points.
  public static func predict(_ points: [(step: Int, value: Double)], at target: Int) -> Double? {
    let pts = points.filter { $0.value.isFinite && $0.step > 0 }
    guard pts.count >= minPoints, let last = pts.last else { return nil }
    if target <= last.step { return last.value }
    var best: Fit?
    for f in fits(pts, at: target) where best == nil || f.sse < best!.sse { best = f }
    guard let prediction = best?.prediction, prediction.isFinite else { return last.value }
    let y = pts.map(\.value)
    let span = (y.max() ?? 0) - (y.min() ?? 0)
    return min(max(prediction, last.value - span), last.value + span)
  }

  /// The lowest value at `target` among the fits that explain `points` about as well as the best
  /// one (squared error within `4·σ̂²` of the smallest, σ̂² = smallest error / (n − 3): a
  /// likelihood-ratio band of about two standard errors), not clipped: an optimistic bound for
  /// deciding that a curve cannot get below some value. A curve still near its start fits slow
  /// rates as well as fast ones, so its bound stays low. `nil` with fewer than `minPoints` points.
  public static func lowerBound(_ points: [(step: Int, value: Double)], at target: Int) -> Double? {
    let pts = points.filter { $0.value.isFinite && $0.step > 0 }
    guard pts.count >= minPoints, let last = pts.last else { return nil }
    if target <= last.step { return last.value }
    let all = fits(pts, at: target).filter { $0.prediction.isFinite }
    guard let minSSE = all.map(\.sse).min() else { return last.value }
    let noise = max(minSSE / Double(pts.count - 3), 1e-12)
    return all.filter { $0.sse <= minSSE + 4 * noise }.map(\.prediction).min()
  }

  /// One least-squares fit: its squared error and its value at the target.
  struct Fit {
    var sse: Double
    var prediction: Double
  }

  /// Every fit of the two families over their rate grids, in a fixed order.
  static func fits(_ pts: [(step: Int, value: Double)], at target: Int) -> [Fit] {
    let t = pts.map { Double($0.step) }
    let y = pts.map(\.value)
    let tLast = t[t.count - 1]
    let T = Double(target)
    var out: [Fit] = []
    out.reserveCapacity(64)
    func consider(_ basis: (Double) -> Double) {
      // y ≈ a + b·φ(t): ordinary least squares in closed form.
      let phi = t.map(basis)
      let n = Double(phi.count)
      let mp = phi.reduce(0, +) / n
      let my = y.reduce(0, +) / n
      var sxy = 0.0
      var sxx = 0.0
      for i in phi.indices {
        sxy += (phi[i] - mp) * (y[i] - my)
        sxx += (phi[i] - mp) * (phi[i] - mp)
      }
      guard sxx > 1e-300 else { return }
      let b = sxy / sxx
      let a = my - b * mp
      var sse = 0.0
      for i in phi.indices {
        let r = y[i] - a - b * phi[i]
        sse += r * r
      }
      out.append(Fit(sse: sse, prediction: a + b * basis(T)))
    }
    // exp3 with the time constant c on a log grid from tLast/50 to 20·tLast.
    for k in 0..<32 {
      let c = tLast / 50 * Foundation.pow(1000, Double(k) / 31)
      consider { Foundation.exp(-$0 / c) }
    }
    // pow3 with α on a log grid from 0.05 to 3.
    for k in 0..<32 {
      let alpha = 0.05 * Foundation.pow(60, Double(k) / 31)
      consider { Foundation.pow($0, -alpha) }
    }
    return out
  }

  /// The prediction at `target` from a trial's reports up to and including `step`.
  public static func predict(_ trial: FrozenTrial, upTo step: Int, at target: Int) -> Double? {
    predict(points(trial, upTo: step), at: target)
  }

  /// A trial's reports up to and including `step`, steps ascending.
  public static func points(_ trial: FrozenTrial, upTo step: Int) -> [(step: Int, value: Double)] {
    trial.intermediateValues.filter { $0.key <= step }.sorted { $0.key < $1.key }
      .map { (step: $0.key, value: $0.value) }
  }
}
