/// Asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel
/// Hyperparameter Tuning", MLSys 2020, arXiv:1810.05934), as Optuna's
/// `SuccessiveHalvingPruner` implements it.
///
/// Rung `k` ends at step `minResource · η^(minEarlyStoppingRate + k)`. When a trial's last step
/// reaches it, the value at that step is stored in the trial system attr `completed_rung_<k>`
/// (Optuna's key, so Optuna workers on the same storage compete in the same rungs), and the trial
/// goes on only if it is in the top `⌊n/η⌋` of the `n` trials that completed that rung (itself
/// included), or is the best of them while `⌊n/η⌋ = 0`. There is no suspend/resume.
public struct SuccessiveHalvingPruner: Pruner {
  /// `nil` is Optuna's `"auto"`: `max(largest last step of COMPLETE trials // 100, 1)`,
  /// fixed the first time a trial has completed.
  public let minResource: Int?
  public let reductionFactor: Int
  public let minEarlyStoppingRate: Int
  public let bootstrapCount: Int
  /// hpotop extension (`nil` = Optuna): compare a trial only with the `promotionWindow` most
  /// recent trials (by number) that completed the rung, itself included, so that a sampler that
  /// improves over time still sees about 1/η of its trials promoted (docs/bohb.md §10).
  public let promotionWindow: Int?
  /// hpotop extension (`nil` = Optuna): a rung whose step does not rank trials as the largest
  /// reported step does (`RungTrust`) promotes every trial (docs/bohb.md §11).
  public let rungTrust: RungTrust?
  private let resolvedMinResource: ResolvedOnce<Int>

  public var name: String { "successive-halving" }

  /// Validates as Optuna does (`bootstrapCount > 0` needs an explicit `minResource`).
  public init(minResource: Int? = nil, reductionFactor: Int = 4, minEarlyStoppingRate: Int = 0,
              bootstrapCount: Int = 0, promotionWindow: Int? = nil, rungTrust: RungTrust? = nil) throws {
    if let minResource, minResource < 1 {
      throw PrunerError(
        "The value of `min_resource` is \(minResource), but must be either `min_resource >= 1` or 'auto'")
    }
    guard reductionFactor >= 2 else {
      throw PrunerError(
        "The value of `reduction_factor` is \(reductionFactor), but must be `reduction_factor >= 2`")
    }
    guard minEarlyStoppingRate >= 0 else {
      throw PrunerError(
        "The value of `min_early_stopping_rate` is \(minEarlyStoppingRate), but must be `min_early_stopping_rate >= 0`")
    }
    guard bootstrapCount >= 0 else {
      throw PrunerError(
        "The value of `bootstrap_count` is \(bootstrapCount), but must be `bootstrap_count >= 0`")
    }
    if bootstrapCount > 0 && minResource == nil {
      throw PrunerError(
        "bootstrap_count > 0 and min_resource == 'auto' are mutually incompatible, bootstrap_count is \(bootstrapCount)")
    }
    self.minResource = minResource
    self.reductionFactor = reductionFactor
    self.minEarlyStoppingRate = minEarlyStoppingRate
    self.bootstrapCount = bootstrapCount
    self.promotionWindow = promotionWindow.map { Swift.max($0, 1) }
    self.rungTrust = rungTrust
    self.resolvedMinResource = ResolvedOnce(minResource)
  }

  /// The system attr key of rung `k` (Optuna's `_completed_rung_key`).
  public static func rungKey(_ rung: Int) -> String { "completed_rung_\(rung)" }

  /// The first rung the trial has not completed yet (Optuna's `_get_current_rung`).
  public static func currentRung(of trial: FrozenTrial) -> Int {
    var rung = 0
    while trial.systemAttrs[rungKey(rung)] != nil { rung += 1 }
    return rung
  }

  /// The step at which rung `k` ends, once the min resource is known.
  public func promotionStep(rung: Int, minResource r: Int) -> Int {
    var p = r
    for _ in 0..<(minEarlyStoppingRate + rung) { p *= reductionFactor }
    return p
  }

  public func shouldPrune(_ context: SamplingContext, trial: FrozenTrial) async throws -> Bool {
    try await shouldPrune(context, trial: trial, trustContext: context)
  }

  /// `shouldPrune`, with the rung trust judged on `trustContext`'s trials (Hyperband passes the
  /// whole study, not the bracket).
  func shouldPrune(_ context: SamplingContext, trial: FrozenTrial, trustContext: SamplingContext) async throws
    -> Bool
  {
    guard let step = trial.lastStep, let reported = trial.intermediateValues[step] else { return false }
    guard let r = resolvedMinResource.get(orResolve: { Self.estimateMinResource(context.trials) }) else {
      return false
    }
    var rung = Self.currentRung(of: trial)
    let direction = context.directions.first ?? .minimize
    if step < promotionStep(rung: rung, minResource: r) { return false }
    // The value the trial competes with: its report, or with an extrapolating rung trust, where
    // its curve is heading at the largest step any other trial reached.
    var value = reported
    if let rungTrust, rungTrust.extrapolates, !reported.isNaN,
       let top = RungTrust.referenceStep(trustContext.trials.filter { $0.id != trial.id }),
       let predicted = rungTrust.judgedValue(trial, step: step, top: top)
    {
      value = predicted
    }
    while true {
      if step < promotionStep(rung: rung, minResource: r) { return false }
      if value.isNaN { return true }
      let key = Self.rungKey(rung)
      try await context.storage.setTrialSystemAttr(trial: trial.id, key: key, value: .double(value))
      var competing: [Double]
      if let w = promotionWindow {
        let earlier = context.trials.compactMap { t -> (Int, Double)? in
          guard t.id != trial.id, let v = t.systemAttrs[key]?.doubleValue else { return nil }
          return (t.number, v)
        }
        competing = earlier.sorted { $0.0 < $1.0 }.suffix(w - 1).map(\.1)
      } else {
        competing = context.trials.compactMap { t -> Double? in
          t.id == trial.id ? nil : t.systemAttrs[key]?.doubleValue
        }
      }
      competing.append(value)
      if let rungTrust, !trusts(rungTrust, step: promotionStep(rung: rung, minResource: r), trial: trial,
                                context: trustContext) {
        rung += 1
        continue
      }
      if competing.count <= bootstrapCount { return true }
      if !Self.isPromotable(value, competing: competing, reductionFactor: reductionFactor, direction: direction) {
        return true
      }
      rung += 1
    }
  }

  /// Whether the rung ending at `step` may prune: `rungTrust` on the other trials, against the
  /// largest step they reported.
  func trusts(_ rungTrust: RungTrust, step: Int, trial: FrozenTrial, context: SamplingContext) -> Bool {
    let others = context.trials.filter { $0.id != trial.id }
    guard let top = RungTrust.referenceStep(others) else { return rungTrust.presumed }
    return rungTrust.trusts(step: step, top: top, trials: others)
  }

  /// Optuna's `_estimate_min_resource`: `max(max last step of COMPLETE trials // 100, 1)`.
  static func estimateMinResource(_ trials: [FrozenTrial]) -> Int? {
    let steps = trials.filter { $0.state == .complete }.compactMap(\.lastStep)
    guard let m = steps.max() else { return nil }
    return max(m / 100, 1)
  }

  /// Whether `value` is within the top `⌊n/η⌋` of the competing values (the best one when that
  /// is 0), Optuna's `_is_trial_promotable_to_next_rung`.
  static func isPromotable(_ value: Double, competing: [Double], reductionFactor: Int,
                           direction: StudyDirection) -> Bool {
    var idx = competing.count / reductionFactor - 1
    if idx == -1 { idx = 0 }
    let sorted = competing.sorted()
    if direction == .maximize { return value >= sorted[sorted.count - 1 - idx] }
    return value <= sorted[idx]
  }
}
