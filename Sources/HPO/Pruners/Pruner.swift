/// Decides, after each intermediate report, whether a running trial should stop early
/// (Optuna `BasePruner`).
public protocol Pruner: Sendable {
  /// A short name for headers and logs ("nop", "median", …).
  var name: String { get }

  /// Whether `trial` (RUNNING, with its reports so far) should be pruned, given the study's trials.
  /// May write system attrs (successive halving records its rungs) through `context.storage`.
  func shouldPrune(_ context: SamplingContext, trial: FrozenTrial) async throws -> Bool

  /// The trials a sampler should learn from when it samples `trial` (Hyperband restricts a
  /// sampler to the trial's bracket). The default keeps them all.
  func samplerView(_ context: SamplingContext, trial: FrozenTrial) -> SamplingContext
}

extension Pruner {
  public func samplerView(_ context: SamplingContext, trial: FrozenTrial) -> SamplingContext { context }
}

/// Never prunes (Optuna `NopPruner`).
public struct NopPruner: Pruner {
  public init() {}
  public var name: String { "nop" }
  public func shouldPrune(_ context: SamplingContext, trial: FrozenTrial) async throws -> Bool { false }
}
