import Foundation
import HPO

/// Rules about how the study file sets the search up (sampler, grid, startup, pruner, timeouts).
extension LintRule {
  /// A grid over a float range: a grid tries a handful of values of each param however many
  /// trials run, where random or TPE sampling tries a new value in every trial.
  public static let gridOverContinuous = LintRule(
    id: "grid-continuous", summary: "a grid over a continuous (float) range"
  ) { c in
    guard c.samplerName == "grid", let spec = c.spec else { return [] }
    let grid = gridValues(spec)
    return spec.searchSpace.params.compactMap { p in
      guard case .float(let f) = p.distribution, !p.distribution.isSingle else { return nil }
      let n = grid?[p.name]?.count
      let tried = n.map { "only \($0) values" } ?? "a few values"
      return LintFinding(
        id: "grid-continuous", severity: .warning,
        message: "the grid tries \(tried) of the continuous range \(p.name) [\(formatNumber(f.low)), \(formatNumber(f.high))]",
        fix: "use sampler: random or tpe for \(p.name) (each trial then tries a new value), or list the values worth a grid")
    }
  }

  /// A grid with more points than `n_trials` runs: the study ends on a random part of it.
  public static let gridOverBudget = LintRule(
    id: "grid-over-budget", summary: "a grid larger than the trial budget"
  ) { c in
    guard c.samplerName == "grid", let spec = c.spec, let n = spec.nTrials, let grid = gridValues(spec) else { return [] }
    let points = grid.values.reduce(1) { $0.multipliedReportingOverflow(by: $1.count).partialValue }
    guard points > n else { return [] }
    let pct = Double(n) / Double(points) * 100
    return [LintFinding(
      id: "grid-over-budget", severity: .warning,
      message: "the grid has \(points) points but n_trials is \(n): only \(pct < 1 ? "<1" : String(Int(pct.rounded())))% of it will run",
      fix: "set n_trials: \(points), or use fewer values per param, or sampler: tpe to spend \(n) trials where they pay")]
  }

  /// A space of ints, stepped floats and choices with fewer configurations than `n_trials`: past
  /// that many trials every trial repeats one (TPE and the GP repeat none before; random may).
  public static let spaceUnderBudget = LintRule(
    id: "space-under-budget", summary: "a finite space with fewer configurations than n_trials"
  ) { c in
    guard let spec = c.spec, let n = spec.nTrials, c.samplerName != "grid", c.samplerName != "pbt" else { return [] }
    var configs = 1.0
    var conditional = false
    for p in spec.searchSpace.params {
      guard let count = p.distribution.isSingle ? 1 : p.distribution.pointCount else { return [] }
      // An inactive conditional param is one more way for it to be.
      if p.condition != nil { conditional = true }
      configs *= p.condition == nil ? count : count + 1
      if configs >= Double(n) { return [] }
    }
    let points = Int(configs)
    return [LintFinding(
      id: "space-under-budget", severity: .warning,
      message: "the space has \(conditional ? "at most " : "")\(points) configurations but n_trials is \(n): \(n - points) trials or more repeat one",
      fix: "set n_trials: \(points) with sampler: grid to run each once, or give a param more values (a float range without step has no end of them)")]
  }

  /// TPE and the GP fit a model after `n_startup_trials` random trials; with fewer than two per
  /// param the model starts from too little.
  public static let startupTrials = LintRule(
    id: "startup-trials", summary: "n_startup_trials below 2·d for TPE or GP"
  ) { c in
    guard let spec = c.spec, let name = c.samplerName else { return [] }
    // The count the built sampler uses (its option, or its default).
    let built = try? ComponentFactory.sampler(spec.sampler, directions: spec.directions, space: spec.searchSpace)
    let startup: Int
    switch built {
    case let tpe as TPESampler: startup = tpe.options.nStartupTrials
    case let gp as GPSampler: startup = gp.options.nStartupTrials
    default: return []
    }
    let d = spec.searchSpace.params.filter { !$0.distribution.isSingle }.count
    guard d > 0, startup < 2 * d else { return [] }
    return [LintFinding(
      id: "startup-trials", severity: .hint,
      message: "\(name) starts its model after \(startup) random trials, fewer than 2·d = \(2 * d) for \(d) params",
      fix: "set n_startup_trials: \(2 * d) under sampler:")]
  }

  /// Trials that report many steps run to the end however bad they look when nothing prunes.
  public static let noPruner = LintRule(
    id: "no-pruner", summary: "no pruner while trials report many steps"
  ) { c in
    guard let spec = c.spec else { return [] }
    let pruner = (try? ComponentFactory.pruner(spec.pruner, samplerName: c.samplerName ?? "")).map(\.name) ?? "nop"
    guard pruner == "nop" else { return [] }
    let steps = c.trials.filter(\.state.isFinished).map(\.intermediateValues.count).filter { $0 > 0 }.sorted()
    guard steps.count >= 5 else { return [] }
    let median = steps[steps.count / 2]
    guard median >= manySteps else { return [] }
    return [LintFinding(
      id: "no-pruner", severity: .warning,
      message: "trials report \(median) steps each (median) but no pruner stops the hopeless ones",
      fix: "add pruner: median (or hyperband) to the study file")]
  }

  /// Reports per trial from which stopping early pays (`no-pruner`).
  static let manySteps = 10

  /// A command timeout shorter than trials take: many trials fail at it, or the complete ones
  /// end just under it. Also a study timeout shorter than one typical trial.
  public static let timeoutShort = LintRule(
    id: "timeout-short", summary: "a timeout shorter than typical trials"
  ) { c in
    guard let spec = c.spec else { return [] }
    var out: [LintFinding] = []
    let durations = c.complete.compactMap(\.duration).sorted()
    let median = durations.isEmpty ? nil : durations[durations.count / 2]
    if case .command(let cmd) = spec.objective, let limit = cmd.timeout {
      let finished = c.trials.filter(\.state.isFinished)
      let timedOut = finished.filter { $0.state == .fail && ($0.hpotop.failReason?.hasPrefix("timed out") ?? false) }.count
      let share = finished.isEmpty ? 0 : Double(timedOut) / Double(finished.count)
      if finished.count >= 4, share >= 0.25 || (median ?? 0) >= 0.9 * limit {
        var m = "\(timedOut) of \(finished.count) trials hit the \(formatSeconds(limit)) objective timeout"
        if let median { m += "; complete ones take \(formatSeconds(median)) (median)" }
        out.append(LintFinding(
          id: "timeout-short", severity: .warning, message: m,
          fix: "raise objective timeout: to about \(formatSeconds(max(limit * 2, (median ?? limit) * 2)))"))
      }
    }
    if let limit = spec.timeout, let median, durations.count >= 3, limit < median {
      out.append(LintFinding(
        id: "timeout-short", severity: .warning,
        message: "the study's timeout \(formatSeconds(limit)) is shorter than one typical trial (\(formatSeconds(median)) median)",
        fix: "raise timeout: to at least \(formatSeconds(median * 20)) for about 20 trials per worker"))
    }
    return out
  }

  /// The grid a grid study file builds, nil when it cannot be built.
  static func gridValues(_ spec: StudySpec) -> [String: [ParamValue]]? {
    guard let g = try? ComponentFactory.sampler(spec.sampler, directions: spec.directions, space: spec.searchSpace)
      as? GridSampler
    else { return nil }
    return Dictionary(uniqueKeysWithValues: g.searchSpace.map { ($0.key, $0.value) })
  }
}

/// `90 s`, `12 min`, `2.5 h`.
func formatSeconds(_ s: Double) -> String {
  if s < 120 { return "\(formatNumber((s * 10).rounded() / 10)) s" }
  if s < 7200 { return "\(formatNumber((s / 6).rounded() / 10)) min" }
  return "\(formatNumber((s / 360).rounded() / 10)) h"
}
