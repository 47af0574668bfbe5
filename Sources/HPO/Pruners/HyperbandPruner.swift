/// Asynchronous Hyperband (Li et al., JMLR 2018, arXiv:1603.06560) as Optuna's `HyperbandPruner`
/// runs it: several successive-halving pruners ("brackets") side by side, bracket `b` being a
/// `SuccessiveHalvingPruner` with `min_early_stopping_rate = b`, so bracket 0 prunes the most.
///
/// **Bracket assignment** is deterministic and stateless, exactly as Optuna does it:
/// `crc32("<study name>_<trial number>") % total`, then walk the cumulative bracket weights.
/// The weights are the bracket sizes of `rule`; with the default `.paperAlgorithm` they are
/// Optuna's (`⌈n_brackets·η^s/(s+1)⌉`, [81, 34, 15, 8, 5] for 5 brackets at η = 3), so the same
/// study name puts each trial in the same bracket as Optuna would. `.paperTable` weighs the
/// brackets as the paper's Table 1 and HpBandSter ([81, 27, 9, 6, 5]).
///
/// **Bracket count** `⌊log_η(max/min)⌋ + 1` is computed exactly; Optuna's float logarithm loses
/// a bracket at ratios such as 243 (η = 3) or 1000 (η = 10).
///
/// **Sampler view.** As Optuna's `_filter_study`, a sampler sees only the trials of the bracket
/// of the trial it samples, unless `filtersSamplerView` is false (BOHB shares its models across
/// brackets, as HpBandSter does).
public struct HyperbandPruner: Pruner {
  public let minResource: Int
  /// `nil` is Optuna's `"auto"`: the largest last step of the COMPLETE trials + 1, fixed the
  /// first time a trial has completed.
  public let maxResource: Int?
  public let reductionFactor: Int
  public let bootstrapCount: Int
  public let rule: HyperbandBracketTable.Rule
  public let filtersSamplerView: Bool
  /// hpotop extension passed to every bracket's `SuccessiveHalvingPruner` (`nil` = Optuna).
  public let promotionWindow: Int?
  /// hpotop extension passed to every bracket (`nil` = Optuna), judged on all brackets' trials.
  public let rungTrust: RungTrust?
  /// hpotop extension (`nil` = Optuna): also stop a trial, in any bracket, whose extrapolated
  /// curve cannot beat the best value at the largest step (`CurveStop`, docs/bohb.md §12).
  public let curveStop: CurveStop?
  /// hpotop extension (`false` = Optuna): a trial that reported the maximum resource (under
  /// `"auto"`, the last step of the trial that fixed it) has spent its budget and finishes, as every run at BOHB's largest budget does in HpBandSter; Optuna's
  /// rungs can still prune it at that last report.
  public let finishesAtMaxResource: Bool
  private let resolved: ResolvedOnce<Brackets>

  public var name: String { "hyperband" }

  /// The brackets once the maximum resource is known.
  public struct Brackets: Sendable {
    public let maxResource: Int
    public let table: HyperbandBracketTable
    public let budgets: [Int]
    public let totalBudget: Int
    public let pruners: [SuccessiveHalvingPruner]
  }

  /// Validates as Optuna does (`bootstrapCount > 0` needs an explicit `maxResource`).
  public init(
    minResource: Int = 1, maxResource: Int? = nil, reductionFactor: Int = 3, bootstrapCount: Int = 0,
    rule: HyperbandBracketTable.Rule = .paperAlgorithm, filtersSamplerView: Bool = true,
    promotionWindow: Int? = nil, rungTrust: RungTrust? = nil, curveStop: CurveStop? = nil,
    finishesAtMaxResource: Bool = false
  ) throws {
    guard minResource >= 1 else { throw PrunerError("min_resource must be >= 1 but got \(minResource).") }
    guard reductionFactor >= 2 else {
      throw PrunerError("reduction_factor must be >= 2 but got \(reductionFactor).")
    }
    if let maxResource, maxResource < minResource {
      throw PrunerError("max_resource (\(maxResource)) must be >= min_resource (\(minResource)).")
    }
    if bootstrapCount > 0 && maxResource == nil {
      throw PrunerError(
        "bootstrap_count > 0 and max_resource == 'auto' are mutually incompatible, bootstrap_count is \(bootstrapCount)")
    }
    self.minResource = minResource
    self.maxResource = maxResource
    self.reductionFactor = reductionFactor
    self.bootstrapCount = bootstrapCount
    self.rule = rule
    self.filtersSamplerView = filtersSamplerView
    self.promotionWindow = promotionWindow
    self.rungTrust = rungTrust
    self.curveStop = curveStop
    self.finishesAtMaxResource = finishesAtMaxResource
    let fixed = try maxResource.map { try Self.makeBrackets(
      min: minResource, max: $0, eta: reductionFactor, bootstrap: bootstrapCount, rule: rule,
      window: promotionWindow, trust: rungTrust) }
    self.resolved = ResolvedOnce(fixed)
  }

  static func makeBrackets(min: Int, max: Int, eta: Int, bootstrap: Int, rule: HyperbandBracketTable.Rule,
                           window: Int? = nil, trust: RungTrust? = nil) throws -> Brackets
  {
    let table = HyperbandBracketTable(maxResource: Double(max) / Double(min), eta: eta, rule: rule)
    let budgets = table.allocationBudgets
    let pruners = try budgets.indices.map {
      try SuccessiveHalvingPruner(minResource: min, reductionFactor: eta, minEarlyStoppingRate: $0,
                                  bootstrapCount: bootstrap, promotionWindow: window, rungTrust: trust)
    }
    return Brackets(maxResource: max, table: table, budgets: budgets, totalBudget: budgets.reduce(0, +),
                    pruners: pruners)
  }

  /// The brackets, resolving `maxResource` "auto" from the study when it can.
  public func brackets(_ context: SamplingContext) -> Brackets? {
    resolved.get {
      let steps = context.trials([.complete]).compactMap(\.lastStep)
      guard let m = steps.max() else { return nil }
      return try? Self.makeBrackets(min: minResource, max: Swift.max(m + 1, minResource), eta: reductionFactor,
                                    bootstrap: bootstrapCount, rule: rule, window: promotionWindow,
                                    trust: rungTrust)
    }
  }

  /// The bracket of a trial: `crc32("<study>_<number>") % total`, then the cumulative weights.
  public static func bracketID(studyName: String, trialNumber: Int, budgets: [Int]) -> Int {
    let total = budgets.reduce(0, +)
    guard total > 0 else { return 0 }
    var n = Int(CRC32.checksum(Array("\(studyName)_\(trialNumber)".utf8))) % total
    for (b, w) in budgets.enumerated() {
      n -= w
      if n < 0 { return b }
    }
    return budgets.count - 1
  }

  /// The bracket of a trial in this study, or 0 before the brackets are known (as Optuna).
  public func bracketID(_ context: SamplingContext, trialNumber: Int) -> Int {
    guard let br = brackets(context) else { return 0 }
    return Self.bracketID(studyName: context.studyName, trialNumber: trialNumber, budgets: br.budgets)
  }

  public func shouldPrune(_ context: SamplingContext, trial: FrozenTrial) async throws -> Bool {
    guard let br = brackets(context) else { return false }
    let others = curveStop == nil ? [] : context.trials.filter { $0.id != trial.id }
    let direction = context.directions.first ?? .minimize
    if let curveStop, curveStop.shouldStop(trial, others: others, direction: direction) { return true }
    let b = Self.bracketID(studyName: context.studyName, trialNumber: trial.number, budgets: br.budgets)
    let view = context.restricted {
      Self.bracketID(studyName: context.studyName, trialNumber: $0.number, budgets: br.budgets) == b
    }
    let pruned = try await br.pruners[b].shouldPrune(view, trial: trial, trustContext: context)
    // A full run's last step: R, or under `"auto"` (R = the largest last step + 1) that last step.
    if pruned, finishesAtMaxResource, let step = trial.lastStep, step >= (maxResource ?? br.maxResource - 1) {
      return false
    }
    if pruned, let curveStop, curveStop.keepsLeaders, curveStop.leads(trial, others: others, direction: direction) {
      return false
    }
    return pruned
  }

  public func samplerView(_ context: SamplingContext, trial: FrozenTrial) -> SamplingContext {
    guard filtersSamplerView, let br = brackets(context) else { return context }
    let b = Self.bracketID(studyName: context.studyName, trialNumber: trial.number, budgets: br.budgets)
    return context.restricted {
      Self.bracketID(studyName: context.studyName, trialNumber: $0.number, budgets: br.budgets) == b
    }
  }
}
