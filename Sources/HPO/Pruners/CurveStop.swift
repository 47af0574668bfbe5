/// Stops a trial whose extrapolated learning curve cannot beat the incumbent at the largest step
/// (Domhan, Springenberg & Hutter, IJCAI 2015: "terminate a run that is unlikely to beat the best
/// one seen so far"), hpotop's multi-fidelity default on top of Hyperband's rungs (docs/bohb.md §12).
///
/// At checkpoints of a trial's report count (`minReports`, then ×√2 rounded up: 5, 8, 12, 17,
/// 25, …), `CurveExtrapolation.lowerBound` gives the best value its curve could plausibly reach at
/// the reference step (the largest step any other trial reported): the best prediction among the
/// fits that explain its reports about as well as the best fit, so a curve still near its start,
/// which fits slow rates as well as fast ones, keeps a low bound and goes on. A **safety margin**
/// is learned from the study: the same bound, from as many reports, for the most recent
/// `calibrationTrials` trials that reached the reference step, against the value they then
/// reported there; the most favourable error (where one ended below its bound) is added. The trial
/// stops when that is still worse than the best value reported at the reference step. With fewer
/// than `minCalibration` such trials nothing stops.
///
/// Domhan et al. fit eleven curve families by MCMC and stop when the probability of beating the
/// incumbent is under 5%; hpotop fits two families by least squares (`CurveExtrapolation`) and
/// replaces the posterior by the errors the same fit made on this study's finished curves.
public struct CurveStop: Sendable, Hashable {
  /// The fewest reports before a trial can be stopped (the first checkpoint).
  public let minReports: Int
  /// The fewest calibration trials (reached the reference step, with a prediction) to stop at all.
  public let minCalibration: Int
  /// How many of the most recent trials that reached the reference step calibrate the margin.
  public let calibrationTrials: Int

  /// Whether a trial whose extrapolated curve (`CurveExtrapolation.predict`) ends below the best
  /// value at the reference step goes on even where its Hyperband rung would stop it.
  public let keepsLeaders: Bool

  /// hpotop's BOHB default: checkpoints from 5 reports, calibrated on the last 10 trials that
  /// reached the reference step, at least 5 of them.
  public static let bohbDefault = CurveStop()

  public init(minReports: Int = CurveExtrapolation.minPoints, minCalibration: Int = 5, calibrationTrials: Int = 10,
              keepsLeaders: Bool = true) {
    self.keepsLeaders = keepsLeaders
    self.minReports = max(minReports, CurveExtrapolation.minPoints)
    self.minCalibration = max(minCalibration, 1)
    self.calibrationTrials = max(calibrationTrials, self.minCalibration)
  }

  /// Whether `count` reports is a checkpoint: `minReports`, then each ⌈previous·√2⌉.
  public func isCheckpoint(_ count: Int) -> Bool {
    var c = minReports
    while c < count { c = Int((Double(c) * 2.0.squareRoot()).rounded(.up)) }
    return c == count
  }

  /// Whether `trial` should stop, given the other trials of the study and the direction.
  public func shouldStop(_ trial: FrozenTrial, others: [FrozenTrial], direction: StudyDirection) -> Bool {
    guard let step = trial.lastStep else { return false }
    let count = trial.intermediateValues.count
    guard count >= minReports, isCheckpoint(count),
          let top = RungTrust.referenceStep(others), step < top
    else { return false }
    let atTop = others.filter { $0.intermediateValues[top].map(\.isFinite) ?? false }
    guard atTop.count >= minCalibration,
          let best = atTop.map({ direction.normalized($0.intermediateValues[top]!) }).min(),
          let bound = Self.bound(trial, upTo: step, at: top, direction: direction)
    else { return false }
    // Calibration: how far below the same bound the newest trials that got to `top` ended.
    var errors: [Double] = []
    for t in atTop.sorted(by: { $0.number > $1.number }) {
      guard errors.count < calibrationTrials else { break }
      guard let upTo = Self.step(t, reaching: count), upTo < top,
            let b = Self.bound(t, upTo: upTo, at: top, direction: direction)
      else { continue }
      errors.append(direction.normalized(t.intermediateValues[top]!) - b)
    }
    guard errors.count >= minCalibration, let favourable = errors.min() else { return false }
    return bound + min(favourable, 0) > best
  }

  /// Whether `trial`'s curve, extrapolated to the reference step, ends below the best value
  /// reported there (needs `CurveExtrapolation.minPoints` reports and a finite last one; `false`
  /// otherwise, so a rung still stops a trial that reported NaN).
  public func leads(_ trial: FrozenTrial, others: [FrozenTrial], direction: StudyDirection) -> Bool {
    guard let step = trial.lastStep, trial.intermediateValues[step]?.isFinite == true,
          let top = RungTrust.referenceStep(others), step < top,
          let best = others.compactMap({ $0.intermediateValues[top] }).filter(\.isFinite)
            .map(direction.normalized).min(),
          let predicted = CurveExtrapolation.predict(trial, upTo: step, at: top)
    else { return false }
    return direction.normalized(predicted) < best
  }

  /// The optimistic bound (`CurveExtrapolation.lowerBound`) at `target` from `trial`'s reports up
  /// to `step`, as a loss (normalized to minimize).
  static func bound(_ trial: FrozenTrial, upTo step: Int, at target: Int, direction: StudyDirection) -> Double? {
    let pts = CurveExtrapolation.points(trial, upTo: step).map { (step: $0.step, value: direction.normalized($0.value)) }
    return CurveExtrapolation.lowerBound(pts, at: target)
  }

  /// The step at which `trial` made its `count`-th report, `nil` when it made fewer.
  static func step(_ trial: FrozenTrial, reaching count: Int) -> Int? {
    let steps = trial.intermediateValues.keys.sorted()
    return steps.count >= count ? steps[count - 1] : nil
  }
}
