import Foundation
import OrderedCollections
import Synchronization

/// `sampler: auto`, the default: runs GP, TPE, NSGA-II, CMA-ES or BOHB as `AutoRules` choose, deciding
/// again at `AutoRules.checkpoints`. Each decision is written to the study (`HpotopKey.autoChoices`,
/// with the trial number it applies from) before the trial samples, and every worker and every
/// resume runs the recorded choice for a trial, so a seed reproduces the trials given the same
/// records. Each trial also carries the sampler it ran (`HpotopKey.sampler`).
///
/// Two workers reaching a checkpoint at once may both write a decision; the later write stands.
public struct AutoSampler: Sampler {
  public let seed: UInt64
  public var name: String { "auto" }
  /// Whether the sampler run for the last trial writes to it in `beforeTrial` (CMA-ES claims
  /// its individual, NSGA-II its generation).
  public var beforeTrialWrites: Bool { state.lastWrites.withLock { $0 } }

  /// The space's shape and the study file's budget and pruner; the launcher sets them.
  public var facts: AutoFacts
  /// Overrides the measured trial cost (`trial_seconds`; the bench tells `auto` trials are slow).
  public var assumedTrialSeconds: Double?

  private var gp: GPSampler
  private var tpe: TPESampler
  private var nsga2: NSGAIISampler
  private var bohb: BOHBSampler
  private var cmaes: CMAESSampler
  private let state = Box()

  final class Box: Sendable {
    let choices = Mutex<[AutoChoice]>([])
    let lastWrites = Mutex(false)
  }

  public init(seed: UInt64? = nil, facts: AutoFacts, assumedTrialSeconds: Double? = nil) {
    let s = seed ?? UInt64.random(in: .min ... .max)
    self.seed = s
    self.facts = facts
    self.assumedTrialSeconds = assumedTrialSeconds
    gp = GPSampler(seed: s)
    tpe = TPESampler(seed: s)
    nsga2 = NSGAIISampler(seed: s)
    bohb = BOHBSampler(seed: s)
    cmaes = CMAESSampler(seed: s)
  }

  /// The choices known to this process (the recorded ones as of the last trial start).
  public var choices: [AutoChoice] { state.choices.withLock { $0 } }

  /// What `auto` runs now, as the log shows it.
  public var current: AutoChoice? { choices.last }

  /// Reads the recorded choices and, at a checkpoint with no decision yet, decides and records.
  public func beforeTrial(_ context: SamplingContext, trial: FrozenTrial) async throws {
    var recorded = try await context.storage.hpotopState(study: context.studyID).autoChoices
    let checkpoint = AutoRules.checkpoints.last { $0 <= trial.number } ?? 0
    let next = AutoRules.checkpoints.first { $0 > checkpoint } ?? .max
    if !recorded.contains(where: { $0.fromTrial >= checkpoint && $0.fromTrial < next }) {
      var f = facts
      f.objectives = context.directions.count
      f.trialNumber = trial.number
      f.trialSeconds = assumedTrialSeconds ?? Self.medianSeconds(context)
      f.maxSteps = f.maxSteps ?? Self.largestStep(context)
      let (sampler, why) = AutoRules.choose(f)
      recorded.append(AutoChoice(fromTrial: trial.number, sampler: sampler, why: why))
      try await context.storage.setAutoChoices(study: context.studyID, recorded)
    }
    let snapshot = recorded
    state.choices.withLock { $0 = snapshot }
    // The chosen sampler's own preparation (CMA-ES's generation and individual, NSGA-II's
    // generation), which may write to the trial.
    let chosen: any Sampler
    switch samplerName(for: trial) {
    case "gp": chosen = gp
    case "nsga2": chosen = nsga2
    case "bohb": chosen = bohb
    case "cmaes": chosen = cmaes
    default: chosen = tpe
    }
    try await chosen.beforeTrial(context, trial: trial)
    state.lastWrites.withLock { $0 = chosen.beforeTrialWrites }
  }

  /// The largest step any finished trial reported (R when the pruner does not say).
  static func largestStep(_ context: SamplingContext) -> Int? {
    context.trials.lazy.filter { $0.state.isFinished }.compactMap { $0.intermediateValues.keys.max() }.max()
  }

  static func medianSeconds(_ context: SamplingContext) -> Double? {
    let d = context.trials.filter { $0.state == .complete }.compactMap(\.duration).sorted()
    guard d.count >= 3 else { return nil }
    return d[d.count / 2]
  }

  private func samplerName(for trial: FrozenTrial) -> String {
    AutoChoice.applying(to: trial.number, in: choices)?.sampler ?? "tpe"
  }

  private mutating func with<R>(_ trial: FrozenTrial, _ body: (inout any Sampler) -> R) -> R {
    switch samplerName(for: trial) {
    case "gp": var s: any Sampler = gp; defer { gp = s as! GPSampler }; return body(&s)
    case "nsga2": var s: any Sampler = nsga2; defer { nsga2 = s as! NSGAIISampler }; return body(&s)
    case "bohb": var s: any Sampler = bohb; defer { bohb = s as! BOHBSampler }; return body(&s)
    case "cmaes": var s: any Sampler = cmaes; defer { cmaes = s as! CMAESSampler }; return body(&s)
    default: var s: any Sampler = tpe; defer { tpe = s as! TPESampler }; return body(&s)
    }
  }

  public mutating func inferRelativeSearchSpace(_ context: SamplingContext, trial: FrozenTrial)
    -> OrderedDictionary<String, Distribution>
  {
    with(trial) { $0.inferRelativeSearchSpace(context, trial: trial) }
  }

  public mutating func sampleRelative(
    _ context: SamplingContext, trial: FrozenTrial, searchSpace: OrderedDictionary<String, Distribution>
  ) -> OrderedDictionary<String, ParamValue> {
    with(trial) { $0.sampleRelative(context, trial: trial, searchSpace: searchSpace) }
  }

  public mutating func sampleIndependent(
    _ context: SamplingContext, trial: FrozenTrial, name: String, distribution: Distribution
  ) -> ParamValue {
    with(trial) { $0.sampleIndependent(context, trial: trial, name: name, distribution: distribution) }
  }

  public mutating func sampledTrialAttrs(_ context: SamplingContext, trial: FrozenTrial)
    -> OrderedDictionary<String, JSONValue>
  {
    var attrs = with(trial) { $0.sampledTrialAttrs(context, trial: trial) }
    attrs.hpotop.autoSampler = AutoChoice.applying(to: trial.number, in: choices)?.description
    return attrs
  }

  public mutating func afterTrial(
    _ context: SamplingContext, trial: FrozenTrial, state: TrialState, values: [Double]?
  ) {
    with(trial) { $0.afterTrial(context, trial: trial, state: state, values: values) }
  }
}

extension AutoFacts {
  /// The shape of a study file's space, its budget and its pruner.
  public init(space: SearchSpace, budget: Int?, pruner: String?) {
    self.init(
      dims: space.params.count,
      categoricalDims: space.params.filter { if case .categorical = $0.distribution { return true }; return false }.count,
      conditional: space.params.contains { $0.condition != nil }, budget: budget, pruner: pruner)
  }
}

extension SamplerKind {
  public static let auto = SamplerKind(
    name: "auto",
    optionsDoc: "`trial_seconds` (the trial cost to assume; measured when absent); picks `gp`, `tpe`, `nsga2`, `cmaes` or `bohb` by the rules in docs/study-file.md",
    // The suite's trials are instant; it says so, so that a loaded machine's slower trials
    // cannot move `auto` to another branch between two seeded runs.
    conformanceSampler: { seed, _ in AutoSampler(seed: seed, facts: AutoFacts(dims: 2), assumedTrialSeconds: 0.001) }
  ) { seed, options, space, _ in
    let assumed = try options.double("trial_seconds")
    try options.finish()
    return AutoSampler(seed: seed, facts: AutoFacts(space: space, budget: nil, pruner: nil), assumedTrialSeconds: assumed)
  }
}
