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
  /// The study file's `budget:` (steps over all trials, trial hours), nil when it sets none.
  public var stepBudget: Int?
  public var trialHours: Double?
  /// R, the most steps one trial reports: the Hyperband pruner's `max_resource`, else the largest
  /// step a finished trial reported (nil: not known yet).
  public var maxSteps: Int?

  public init(
    dims: Int, categoricalDims: Int = 0, conditional: Bool = false, objectives: Int = 1, budget: Int? = nil,
    pruner: String? = nil, trialNumber: Int = 0, trialSeconds: Double? = nil, stepBudget: Int? = nil,
    trialHours: Double? = nil, maxSteps: Int? = nil
  ) {
    self.dims = dims
    self.categoricalDims = categoricalDims
    self.conditional = conditional
    self.objectives = objectives
    self.budget = budget
    self.pruner = pruner
    self.trialNumber = trialNumber
    self.trialSeconds = trialSeconds
    self.stepBudget = stepBudget
    self.trialHours = trialHours
    self.maxSteps = maxSteps
  }

  /// Params that are not categorical.
  public var numericDims: Int { dims - categoricalDims }

  /// How many trials the study is expected to run: `n_trials`, else the trial-hours budget over
  /// the trial cost; nil when neither is known (a study run until stopped).
  public var expectedTrials: Int? {
    if let budget { return budget }
    if let h = trialHours, let s = trialSeconds, s > 0 { return Int((h * 3600 / s).rounded(.down)) }
    return nil
  }

  /// The steps the study may spend, in units of R: the step budget over R and `n_trials` (each
  /// trial may run R steps), the smaller; nil when unbounded or R is unknown with only a step
  /// budget.
  public var stepsInUnitsOfR: Double? {
    var bound: Double?
    if let budget { bound = Double(budget) }
    if let s = stepBudget, let r = maxSteps, r > 0 { bound = min(bound ?? .infinity, Double(s) / Double(r)) }
    return bound
  }
}

/// `auto`'s rules, all of them, in order: the first that applies picks the sampler. Other issues
/// (CMA-ES, multi-fidelity, PBT) add their rules here with the evidence for them.
///
/// Evidence and sources: OptunaHub's `AutoSampler` (GP for small numeric single-objective
/// spaces, TPE for categorical/conditional ones and past a few hundred trials, NSGA-II for
/// several objectives, CMA-ES for larger numeric spaces with many trials); the GP bench in
/// bench/README.md (GP ahead of TPE on the six public functions at 25–200 trials); the GP's own
/// cost (a fit grows as n³: past `gpTrialLimit` trials, or when a trial costs less than
/// `cheapTrialSeconds`, the model's time is better spent on more trials); the CMA-ES bench
/// (issue 21: sphere, Rosenbrock and Rastrigin at 10 and 20 dimensions, where CMA-ES passes TPE
/// once the study runs about 20·d trials); the multi-fidelity bench at equal steps (issue 17:
/// BOHB passes TPE + Hyperband once the study may spend about 75 × R steps, R the most steps one
/// trial reports).
public enum AutoRules {
  /// The trial numbers at which `auto` decides again: the start, after the random startup trials
  /// (trial cost and R measured), and the GP's size limit.
  public static let checkpoints = [0, 10, gpTrialLimit]
  /// Past this many trials `auto` leaves the GP for TPE.
  public static let gpTrialLimit = 300
  /// Below this median trial time TPE's speed beats the GP's sample efficiency.
  public static let cheapTrialSeconds = 1.0
  /// Above this many params the GP's local search and length scales do poorly.
  public static let gpMaxDims = 20
  /// CMA-ES from this many numeric params, when the study runs `cmaesTrialsPerDim`·d trials.
  public static let cmaesMinDims = 10
  public static let cmaesTrialsPerDim = 20
  /// Under a Hyperband pruner, BOHB when the study may spend this many times R steps.
  public static let bohbStepsPerR = 75.0

  /// The sampler name and the reason, in one short phrase.
  public static func choose(_ f: AutoFacts) -> (sampler: String, why: String) {
    if f.objectives > 1 { return ("nsga2", "\(f.objectives) objectives") }
    if f.pruner == "hyperband" {
      guard let units = f.stepsInUnitsOfR, units < bohbStepsPerR else {
        return ("bohb", "Hyperband pruner" + (f.stepsInUnitsOfR.map { String(format: ", budget %.0f×R steps", $0) } ?? ""))
      }
      return ("tpe", String(format: "Hyperband pruner, budget %.0f×R steps under %.0f×R", units, bohbStepsPerR))
    }
    if f.conditional { return ("tpe", "conditional params") }
    if f.dims > 0 && 2 * f.categoricalDims > f.dims { return ("tpe", "mostly categorical params") }
    if f.numericDims >= cmaesMinDims, let n = f.expectedTrials, n >= cmaesTrialsPerDim * f.numericDims {
      return ("cmaes", "\(f.numericDims) numeric params, \(n) trials")
    }
    if f.dims > gpMaxDims { return ("tpe", "\(f.dims) params, over \(gpMaxDims) for the GP") }
    if let p = f.pruner, p != "nop" { return ("tpe", "pruner \(p): TPE learns from pruned trials") }
    if f.trialNumber >= gpTrialLimit { return ("tpe", "past \(gpTrialLimit) trials the GP is slow") }
    if let s = f.trialSeconds, s < cheapTrialSeconds {
      return ("tpe", String(format: "trials take %.2g s, cheap for a GP", s))
    }
    return ("gp", "\(f.dims) params, one objective" + (f.trialSeconds.map { String(format: ", trials take %.3g s", $0) } ?? ""))
  }
}
