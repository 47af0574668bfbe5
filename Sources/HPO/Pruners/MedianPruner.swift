/// Prunes a trial whose best intermediate value is worse than the median of COMPLETE trials at
/// the same step (Optuna `MedianPruner`, i.e. `PercentilePruner(50)`); the median stopping rule
/// of Golovin et al., "Google Vizier", KDD 2017.
public struct MedianPruner: Pruner {
  public let base: PercentilePruner
  public var name: String { "median" }

  public init(nStartupTrials: Int = 5, nWarmupSteps: Int = 0, intervalSteps: Int = 1, nMinTrials: Int = 1)
    throws
  {
    base = try PercentilePruner(
      percentile: 50, nStartupTrials: nStartupTrials, nWarmupSteps: nWarmupSteps,
      intervalSteps: intervalSteps, nMinTrials: nMinTrials)
  }

  public func shouldPrune(_ context: SamplingContext, trial: FrozenTrial) async throws -> Bool {
    base.decide(context, trial: trial)
  }
}
