/// Whether the values trials report at an early step rank them as their final values do: the
/// test behind hpotop's multi-fidelity default (docs/bohb.md §11).
///
/// Successive halving and BOHB's model assume that a configuration that is better at a small
/// budget is better at the full budget. On tasks whose learning curves cross (a large learning
/// rate learns fast and ends worse) that is false at the early steps, and pruning or modelling on
/// them throws good slow starters away. The test: among the trials that reported at both `step`
/// and the reference step (the largest step any trial reached), the Spearman rank correlation of
/// the two values must be at least `minCorrelation`, with at least `minPairs` such trials. A
/// step that fails it is not trusted: a Hyperband rung there promotes every trial, and BOHB does
/// not build its model there. Until `minPairs` trials have reached the reference step an early
/// step gets `presumed` (trusted by default: HpBandSter's behaviour until the evidence says
/// otherwise).
///
/// The idea is learning-curve extrapolation's (Domhan, Springenberg & Hutter, IJCAI 2015: do not
/// stop a run on evidence that does not predict its final value) and MFES-HB's (Li et al., AAAI
/// 2021: weigh each fidelity by how well it ranks the highest fidelity's results), reduced to
/// the one statistic both need here. With `extrapolates`, a trial is judged at an early step by
/// where its curve so far is heading (`CurveExtrapolation`), and the test asks the same of those
/// predictions.
public struct RungTrust: Sendable, Hashable {
  /// The fewest trials observed at both steps before the early step can be trusted.
  public let minPairs: Int
  /// The smallest Spearman correlation that trusts an early step.
  public let minCorrelation: Double
  /// Whether a trial is judged at an early step by its extrapolated value at the reference step
  /// (`CurveExtrapolation`, where it has enough reports) instead of the value it reported there.
  public let extrapolates: Bool

  /// What an early step gets while fewer than `minPairs` trials reached the reference step:
  /// trust (HpBandSter's behaviour until the evidence says otherwise) or none.
  public let presumed: Bool

  /// BOHB's default (docs/bohb.md §11): 5 pairs, Spearman ≥ 0.5, extrapolated curves, trust
  /// presumed until 5 trials reached the reference step.
  public static let bohbDefault = RungTrust()

  public init(minPairs: Int = 5, minCorrelation: Double = 0.5, extrapolates: Bool = true, presumed: Bool = true) {
    self.minPairs = max(minPairs, 2)
    self.minCorrelation = minCorrelation
    self.extrapolates = extrapolates
    self.presumed = presumed
  }

  /// The value `trial` is judged by at `step` when `top` is the reference step: its extrapolation
  /// to `top` when `extrapolates` and it has enough reports, else its report at `step`.
  public func judgedValue(_ trial: FrozenTrial, step: Int, top: Int) -> Double? {
    if extrapolates, step < top, let p = CurveExtrapolation.predict(trial, upTo: step, at: top) { return p }
    return trial.intermediateValues[step]
  }

  /// The largest step any of `trials` reported (the reference step), `nil` when none reported.
  public static func referenceStep(_ trials: [FrozenTrial]) -> Int? {
    trials.compactMap(\.lastStep).max()
  }

  /// Whether `step` is trusted, given the trials and the reference step `top` (a step is always
  /// trusted at or above `top`).
  public func trusts(step: Int, top: Int, trials: [FrozenTrial]) -> Bool {
    guard step < top else { return true }
    var early: [Double] = []
    var final: [Double] = []
    for t in trials {
      guard let b = t.intermediateValues[top], b.isFinite, t.intermediateValues[step] != nil,
            let a = judgedValue(t, step: step, top: top), a.isFinite
      else { continue }
      early.append(a)
      final.append(b)
    }
    return trusts(early: early, final: final)
  }

  /// Whether paired values (one trial each: early step, reference step) pass the test.
  public func trusts(early: [Double], final: [Double]) -> Bool {
    early.count < minPairs ? presumed : Self.spearman(early, final) >= minCorrelation
  }

  /// The Spearman rank correlation of two equally long samples (average ranks for ties); 0 when
  /// either is constant.
  public static func spearman(_ x: [Double], _ y: [Double]) -> Double {
    let rx = ranks(x)
    let ry = ranks(y)
    let n = Double(x.count)
    let mx = rx.reduce(0, +) / n
    let my = ry.reduce(0, +) / n
    var sxy = 0.0
    var sxx = 0.0
    var syy = 0.0
    for i in rx.indices {
      sxy += (rx[i] - mx) * (ry[i] - my)
      sxx += (rx[i] - mx) * (rx[i] - mx)
      syy += (ry[i] - my) * (ry[i] - my)
    }
    guard sxx > 0, syy > 0 else { return 0 }
    return sxy / (sxx * syy).squareRoot()
  }

  /// Ranks 1…n, ties sharing their average rank.
  static func ranks(_ v: [Double]) -> [Double] {
    let order = v.indices.sorted { v[$0] < v[$1] }
    var out = [Double](repeating: 0, count: v.count)
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
      let r = Double(i + j) / 2 + 1
      for k in i...j { out[order[k]] = r }
      i = j + 1
    }
    return out
  }
}
