/// Prunes a trial whose latest intermediate value is below `lower`, above `upper`, or NaN
/// (Optuna `ThresholdPruner`), checked at the first report of each interval after the warm-up.
public struct ThresholdPruner: Pruner {
  public let lower: Double
  public let upper: Double
  public let nWarmupSteps: Int
  public let intervalSteps: Int
  public var name: String { "threshold" }

  /// At least one of `lower` and `upper` is required, as in Optuna.
  public init(lower: Double? = nil, upper: Double? = nil, nWarmupSteps: Int = 0, intervalSteps: Int = 1)
    throws
  {
    guard lower != nil || upper != nil else {
      throw PrunerError("Either lower or upper must be specified.")
    }
    let lo = lower ?? -.infinity, hi = upper ?? .infinity
    guard lo <= hi else { throw PrunerError("lower should be smaller than upper.") }
    try PruningSchedule.validate(nWarmupSteps: nWarmupSteps, intervalSteps: intervalSteps)
    self.lower = lo
    self.upper = hi
    self.nWarmupSteps = nWarmupSteps
    self.intervalSteps = intervalSteps
  }

  public func shouldPrune(_ context: SamplingContext, trial: FrozenTrial) async throws -> Bool {
    guard let step = trial.lastStep, step >= nWarmupSteps else { return false }
    if !PruningSchedule.isFirstInInterval(
      step: step, steps: trial.intermediateValues.keys, warmup: nWarmupSteps, interval: intervalSteps)
    {
      return false
    }
    guard let latest = trial.intermediateValues[step] else { return false }
    return latest.isNaN || latest < lower || latest > upper
  }
}
