import Foundation

/// One recorded choice of `auto`: the sampler it runs from a trial number on, and why.
public struct AutoChoice: Sendable, Equatable, CustomStringConvertible {
  public var fromTrial: Int
  public var sampler: String
  public var why: String

  public init(fromTrial: Int, sampler: String, why: String) {
    self.fromTrial = fromTrial
    self.sampler = sampler
    self.why = why
  }

  /// The short phrase the log and the header show: `gp (6 numeric params, one objective)`.
  public var description: String { "\(sampler) (\(why))" }

  /// The recorded choice that applies to a trial: the newest one from at or before its number
  /// (the oldest when the trial predates every record).
  public static func applying(to trialNumber: Int, in choices: [AutoChoice]) -> AutoChoice? {
    choices.last { $0.fromTrial <= trialNumber } ?? choices.first
  }
}

/// Everything `auto` decides from.
public struct AutoFacts: Sendable, Equatable {
  /// Params in the declared search space, categorical ones, and whether any is conditional.
  public var dims: Int
  public var categoricalDims: Int
  public var conditional: Bool
  public var objectives: Int
  /// The study file's `n_trials` (nil: no budget given).
  public var budget: Int?
  /// The pruner the study file names (nil: none).
  public var pruner: String?
  /// The number of the trial the choice applies from.
  public var trialNumber: Int
  /// Median seconds of the COMPLETE trials so far (nil: fewer than three), or the cost the study
  /// file tells `auto` to assume (`trial_seconds`).
  public var trialSeconds: Double?

  public init(
    dims: Int, categoricalDims: Int = 0, conditional: Bool = false, objectives: Int = 1, budget: Int? = nil,
    pruner: String? = nil, trialNumber: Int = 0, trialSeconds: Double? = nil
  ) {
    self.dims = dims
    self.categoricalDims = categoricalDims
    self.conditional = conditional
    self.objectives = objectives
    self.budget = budget
    self.pruner = pruner
    self.trialNumber = trialNumber
    self.trialSeconds = trialSeconds
  }
}

/// `auto`'s rules, all of them, in order: the first that applies picks the sampler. Other issues
/// (CMA-ES, multi-fidelity, PBT) add their rules here with the evidence for them.
///
/// Evidence and sources: OptunaHub's `AutoSampler` (GP for small numeric single-objective
/// spaces, TPE for categorical/conditional ones and past a few hundred trials, NSGA-II for
/// several objectives); the GP bench in bench/README.md (GP ahead of TPE on the six public
/// functions at 25–100 trials); the GP's own cost (a fit grows as n³: past `gpTrialLimit`
/// trials, or when a trial costs less than `cheapTrialSeconds`, the model's time is better spent
/// on more trials).
public enum AutoRules {
  /// The trial numbers at which `auto` decides again: the start, after the random startup trials
  /// (trial cost measured), and the GP's size limit.
  public static let checkpoints = [0, 10, gpTrialLimit]
  /// Past this many trials `auto` leaves the GP for TPE.
  public static let gpTrialLimit = 300
  /// Below this median trial time TPE's speed beats the GP's sample efficiency.
  public static let cheapTrialSeconds = 1.0
  /// Above this many params the GP's local search and length scales do poorly.
  public static let gpMaxDims = 20

  /// The sampler name and the reason, in one short phrase.
  public static func choose(_ f: AutoFacts) -> (sampler: String, why: String) {
    if f.objectives > 1 { return ("nsga2", "\(f.objectives) objectives") }
    if f.pruner == "hyperband" { return ("bohb", "Hyperband pruner") }
    if f.conditional { return ("tpe", "conditional params") }
    if f.dims > 0 && 2 * f.categoricalDims > f.dims { return ("tpe", "mostly categorical params") }
    if f.dims > gpMaxDims { return ("tpe", "\(f.dims) params, over \(gpMaxDims) for the GP") }
    if let p = f.pruner, p != "nop" { return ("tpe", "pruner \(p): TPE learns from pruned trials") }
    if f.trialNumber >= gpTrialLimit { return ("tpe", "past \(gpTrialLimit) trials the GP is slow") }
    if let s = f.trialSeconds, s < cheapTrialSeconds {
      return ("tpe", String(format: "trials take %.2g s, cheap for a GP", s))
    }
    return ("gp", "\(f.dims) params, one objective" + (f.trialSeconds.map { String(format: ", trials take %.3g s", $0) } ?? ""))
  }
}
