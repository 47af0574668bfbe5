/// Wraps another pruner with patience: the wrapped pruner is asked only once the objective has
/// not improved by more than `minDelta` for `patience` consecutive reports (Optuna
/// `PatientPruner`). Without a wrapped pruner, that condition alone prunes (plain early stopping).
public struct PatientPruner: Pruner {
  public let wrapped: (any Pruner)?
  public let patience: Int
  public let minDelta: Double

  public var name: String { "patient(\(wrapped?.name ?? "none"))" }

  public init(wrapped: (any Pruner)?, patience: Int, minDelta: Double = 0) throws {
    guard patience >= 0 else { throw PrunerError("patience cannot be negative but got \(patience).") }
    guard minDelta >= 0 else { throw PrunerError("min_delta cannot be negative but got \(minDelta).") }
    self.wrapped = wrapped
    self.patience = patience
    self.minDelta = minDelta
  }

  public func shouldPrune(_ context: SamplingContext, trial: FrozenTrial) async throws -> Bool {
    guard trial.lastStep != nil else { return false }
    let steps = trial.intermediateValues.keys.sorted()
    if steps.count <= patience + 1 { return false }
    let split = steps.count - patience - 1
    let before = steps[..<split].compactMap { trial.intermediateValues[$0] }
    let after = steps[split...].compactMap { trial.intermediateValues[$0] }
    let direction = context.directions.first ?? .minimize
    let maybePrune: Bool
    if direction == .minimize {
      maybePrune = Self.nanExtreme(before, min: true) + minDelta < Self.nanExtreme(after, min: true)
    } else {
      maybePrune = Self.nanExtreme(before, min: false) - minDelta > Self.nanExtreme(after, min: false)
    }
    guard maybePrune else { return false }
    guard let wrapped else { return true }
    return try await wrapped.shouldPrune(context, trial: trial)
  }

  /// The sampler sees what the wrapped pruner would show it (a wrapped Hyperband keeps brackets).
  public func samplerView(_ context: SamplingContext, trial: FrozenTrial) -> SamplingContext {
    wrapped?.samplerView(context, trial: trial) ?? context
  }

  /// `np.nanmin` / `np.nanmax`: NaN when every value is NaN.
  static func nanExtreme(_ values: [Double], min: Bool) -> Double {
    var out = Double.nan
    for v in values where !v.isNaN {
      if out.isNaN || (min ? v < out : v > out) { out = v }
    }
    return out
  }
}
