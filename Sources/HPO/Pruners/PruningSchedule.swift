/// Helpers shared by the step-based pruners (Optuna `_percentile.py` module functions).
enum PruningSchedule {
  /// Optuna's checks of the warmup and interval options, with its messages.
  static func validate(nWarmupSteps: Int, intervalSteps: Int) throws {
    guard nWarmupSteps >= 0 else {
      throw PrunerError("Number of warmup steps cannot be negative but got \(nWarmupSteps).")
    }
    guard intervalSteps >= 1 else {
      throw PrunerError("Pruning interval steps must be at least 1 but got \(intervalSteps).")
    }
  }

  /// Whether `step` is the first report at or after the latest pruning point
  /// (`warmup + k·interval`), Optuna's `_is_first_in_interval_step`.
  static func isFirstInInterval<S: Sequence>(step: Int, steps: S, warmup: Int, interval: Int) -> Bool
  where S.Element == Int {
    let d = step - warmup
    // Python's floor division (d ≥ 0 here since step ≥ warmup).
    let floorDiv = d >= 0 ? d / interval : -((-d + interval - 1) / interval)
    let nearestLowerPruningStep = floorDiv * interval + warmup
    var secondLast = -1
    for s in steps where s > secondLast && s != step { secondLast = s }
    return secondLast < nearestLowerPruningStep
  }

  /// The best of a trial's intermediate values, ignoring NaN (`np.nanmin` / `np.nanmax`);
  /// NaN when there is no non-NaN value.
  static func bestIntermediate(_ trial: FrozenTrial, direction: StudyDirection) -> Double {
    var best = Double.nan
    for v in trial.intermediateValues.values where !v.isNaN {
      if best.isNaN || direction.isBetter(v, than: best) { best = v }
    }
    return best
  }

  /// `np.nanpercentile(values, q)` with linear interpolation; NaN when every value is NaN.
  static func nanPercentile(_ values: [Double], _ q: Double) -> Double {
    let sorted = values.filter { !$0.isNaN }.sorted()
    guard !sorted.isEmpty else { return .nan }
    let rank = q / 100 * Double(sorted.count - 1)
    let lo = Int(rank.rounded(.down))
    let hi = min(lo + 1, sorted.count - 1)
    let frac = rank - Double(lo)
    if frac == 0 || sorted[lo] == sorted[hi] { return sorted[lo] }
    // numpy's lerp: a + (b - a)·t, switched to b - (b - a)·(1 - t) for t ≥ 0.5.
    let a = sorted[lo], b = sorted[hi]
    return frac >= 0.5 ? b - (b - a) * (1 - frac) : a + (b - a) * frac
  }
}
