/// Everything hpotop knows about one pruner a study file can name: the parser takes its name,
/// `ComponentFactory` builds it, docs/study-file.md's pruner table shows its options.
public struct PrunerKind: Sendable, CustomStringConvertible {
  /// The name a study file uses (`pruner: median`).
  public let name: String
  /// The options cell of the pruner table in docs/study-file.md (Optuna's defaults).
  public let optionsDoc: String
  /// Builds the pruner from the entry's options, for a study with this sampler (if known).
  let make: @Sendable (_ options: inout OptionReader, _ sampler: SamplerKind?) throws -> any Pruner

  public var description: String { name }
}

/// The pruners a study file can name, in the order messages and the docs list them.
public enum PrunerRegistry {
  public static let all: [PrunerKind] = [
    .nop, .median, .percentile, .threshold, .patient, .successiveHalving, .hyperband,
  ]

  /// The pruner of this name.
  public static func kind(named name: String) -> PrunerKind? { all.first { $0.name == name } }

  /// A resource option: an integer, or "auto" (nil).
  static func resource(_ value: JSONValue?, _ key: String) throws -> Int? {
    guard let value, value != .string("auto") else { return nil }
    guard case .int(let i) = value else { throw PrunerError("'\(key)' must be an integer or \"auto\"") }
    return i
  }
}

extension PrunerKind {
  public static let nop = PrunerKind(name: "nop", optionsDoc: "none") { _, _ in NopPruner() }

  public static let median = PrunerKind(
    name: "median", optionsDoc: "`n_startup_trials` 5, `n_warmup_steps` 0, `interval_steps` 1, `n_min_trials` 1"
  ) { options, _ in
    try MedianPruner(
      nStartupTrials: try options.int("n_startup_trials", min: 0) ?? 5,
      nWarmupSteps: try options.int("n_warmup_steps", min: 0) ?? 0,
      intervalSteps: try options.int("interval_steps", min: 1) ?? 1,
      nMinTrials: try options.int("n_min_trials", min: 1) ?? 1)
  }

  public static let percentile = PrunerKind(
    name: "percentile", optionsDoc: "`percentile` (required), and the median's options"
  ) { options, _ in
    guard let percentile = try options.double("percentile") else {
      throw PrunerError("the percentile pruner needs 'percentile' (0-100)")
    }
    return try PercentilePruner(
      percentile: percentile, nStartupTrials: try options.int("n_startup_trials", min: 0) ?? 5,
      nWarmupSteps: try options.int("n_warmup_steps", min: 0) ?? 0,
      intervalSteps: try options.int("interval_steps", min: 1) ?? 1,
      nMinTrials: try options.int("n_min_trials", min: 1) ?? 1)
  }

  public static let threshold = PrunerKind(
    name: "threshold", optionsDoc: "`lower`, `upper`, `n_warmup_steps` 0, `interval_steps` 1"
  ) { options, _ in
    try ThresholdPruner(
      lower: try options.double("lower"), upper: try options.double("upper"),
      nWarmupSteps: try options.int("n_warmup_steps", min: 0) ?? 0,
      intervalSteps: try options.int("interval_steps", min: 1) ?? 1)
  }

  public static let patient = PrunerKind(
    name: "patient", optionsDoc: "`patience`, `min_delta` 0, `wrapped` (a pruner name or `{name: …, options}`, not another `patient`)"
  ) { options, sampler in
    var wrapped: (any Pruner)? = nil
    if let inner = options.raw("wrapped") {
      guard let innerName = inner.stringValue ?? inner["name"]?.stringValue else {
        throw PrunerError("'wrapped' must name a pruner, e.g. wrapped: median")
      }
      if innerName == "patient" { throw PrunerError("a patient pruner cannot wrap another patient pruner") }
      let innerSpec = ComponentSpec(
        path: options.spec?.path ?? "", name: innerName,
        options: (inner.objectValue ?? [:]).filter { $0.key != "name" },
        position: options.spec?.optionPositions["wrapped"] ?? .start)
      wrapped = try ComponentFactory.pruner(innerSpec, samplerName: sampler?.name ?? "")
    }
    return try PatientPruner(
      wrapped: wrapped, patience: try options.int("patience", min: 0) ?? 0,
      minDelta: try options.double("min_delta") ?? 0)
  }

  public static let successiveHalving = PrunerKind(
    name: "successive_halving",
    optionsDoc: "`min_resource` auto, `reduction_factor` 4, `min_early_stopping_rate` 0, `bootstrap_count` 0"
  ) { options, _ in
    try SuccessiveHalvingPruner(
      minResource: try PrunerRegistry.resource(options.raw("min_resource"), "min_resource"),
      reductionFactor: try options.int("reduction_factor", min: 2) ?? 4,
      minEarlyStoppingRate: try options.int("min_early_stopping_rate", min: 0) ?? 0,
      bootstrapCount: try options.int("bootstrap_count", min: 0) ?? 0)
  }

  public static let hyperband = PrunerKind(
    name: "hyperband",
    optionsDoc: "`min_resource` 1, `max_resource` auto, `reduction_factor` 3, `bootstrap_count` 0, `brackets` `paper-algorithm` (default) or `paper-table`; hpotop's `rung_trust` false and `curve_stop` false (docs/bohb.md §11-12)"
  ) { options, sampler in
    let o = try HyperbandOptions(&options)
    return try HyperbandPruner(
      minResource: o.minResource, maxResource: o.maxResource, reductionFactor: o.reductionFactor,
      bootstrapCount: o.bootstrapCount ?? 0, rule: o.rule,
      filtersSamplerView: sampler?.seesOneHyperbandBracket ?? true,
      rungTrust: o.rungTrust == true ? .bohbDefault : nil,
      curveStop: o.curveStop == true ? .bohbDefault : nil)
  }
}

/// A `hyperband` entry's options; nil where the file leaves an hpotop extension unset.
struct HyperbandOptions {
  var minResource: Int
  var maxResource: Int?
  var reductionFactor: Int
  var bootstrapCount: Int?
  var rule: HyperbandBracketTable.Rule
  var rungTrust: Bool?
  var curveStop: Bool?

  init(_ options: inout OptionReader) throws {
    rule = .paperAlgorithm
    if let r = try options.string("brackets") {
      guard let parsed = HyperbandBracketTable.Rule(rawValue: r) else {
        throw PrunerError("brackets must be paper-algorithm or paper-table, not '\(r)'")
      }
      rule = parsed
    }
    minResource = try options.int("min_resource", min: 1) ?? 1
    maxResource = try PrunerRegistry.resource(options.raw("max_resource"), "max_resource")
    reductionFactor = try options.int("reduction_factor", min: 2) ?? 3
    bootstrapCount = try options.int("bootstrap_count", min: 0)
    rungTrust = try options.bool("rung_trust")
    curveStop = try options.bool("curve_stop")
  }
}
