import Foundation

/// Prunes a trial whose best intermediate value so far is worse than a percentile of the values
/// COMPLETE trials reported at the same step (Optuna `PercentilePruner`).
///
/// Semantics follow Optuna 5.0 `optuna/pruners/_percentile.py`: no pruning before
/// `nStartupTrials` trials completed, before step `nWarmupSteps`, or except at the first report
/// of each `intervalSteps` interval after the warm-up; a NaN best value is pruned; with fewer than
/// `nMinTrials` values at the step nothing is pruned. For a maximised objective the percentile
/// is taken from the top (`100 - percentile`). Multi-objective studies use the first direction.
public struct PercentilePruner: Pruner {
  public let percentile: Double
  public let nStartupTrials: Int
  public let nWarmupSteps: Int
  public let intervalSteps: Int
  public let nMinTrials: Int

  public var name: String { "percentile" }

  /// Validates the arguments as Optuna does.
  public init(
    percentile: Double, nStartupTrials: Int = 5, nWarmupSteps: Int = 0, intervalSteps: Int = 1,
    nMinTrials: Int = 1
  ) throws {
    guard (0...100).contains(percentile) else {
      throw PrunerError("Percentile must be between 0 and 100 inclusive but got \(percentile).")
    }
    guard nStartupTrials >= 0 else {
      throw PrunerError("Number of startup trials cannot be negative but got \(nStartupTrials).")
    }
    try PruningSchedule.validate(nWarmupSteps: nWarmupSteps, intervalSteps: intervalSteps)
    guard nMinTrials >= 1 else {
      throw PrunerError("Number of trials for pruning must be at least 1 but got \(nMinTrials).")
    }
    self.percentile = percentile
    self.nStartupTrials = nStartupTrials
    self.nWarmupSteps = nWarmupSteps
    self.intervalSteps = intervalSteps
    self.nMinTrials = nMinTrials
  }

  public func shouldPrune(_ context: SamplingContext, trial: FrozenTrial) async throws -> Bool {
    decide(context, trial: trial)
  }

  /// The decision, synchronously (the percentile pruner never writes to storage).
  public func decide(_ context: SamplingContext, trial: FrozenTrial) -> Bool {
    let completed = context.trials([.complete])
    if completed.isEmpty || completed.count < nStartupTrials { return false }
    guard let step = trial.lastStep else { return false }
    if step < nWarmupSteps { return false }
    if !PruningSchedule.isFirstInInterval(
      step: step, steps: trial.intermediateValues.keys, warmup: nWarmupSteps, interval: intervalSteps)
    {
      return false
    }
    let direction = context.directions.first ?? .minimize
    let best = PruningSchedule.bestIntermediate(trial, direction: direction)
    if best.isNaN { return true }
    let atStep = completed.compactMap { $0.intermediateValues[step] }
    if atStep.count < nMinTrials { return false }
    let q = direction == .maximize ? 100 - percentile : percentile
    let p = PruningSchedule.nanPercentile(atStep, q)
    if p.isNaN { return false }
    return direction == .maximize ? best < p : best > p
  }
}

/// A pruner's arguments that Optuna would reject, with Optuna's message.
public struct PrunerError: Error, CustomStringConvertible, Sendable {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
