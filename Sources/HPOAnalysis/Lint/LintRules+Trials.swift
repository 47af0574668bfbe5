import Foundation
import HPO

/// Rules about what the trials show: params that do not matter, winners within seed noise,
/// out-of-memory failures above a param value.
extension LintRule {
  /// A param whose total Sobol index (`ForestSobol`, with its bootstrap interval) stays near zero
  /// after enough trials: said only when the interval's upper end is below `negligibleImportance`,
  /// so a param the data cannot judge yet is not called useless.
  public static let unimportantParam = LintRule(
    id: "unimportant-param", summary: "a param with near-zero importance (upper end of its interval) after enough trials"
  ) { c in
    guard c.directions.count == 1, let best = c.ranked.first else { return [] }
    let data = ImportanceDataset(AnalysisInput(trials: c.trials, directions: c.directions))
    let d = data.encodedParams.count
    guard d >= 2, data.targets.count >= max(minImportanceTrials, 10 * d) else { return [] }
    let sobol = ForestSobol().evaluate(data)
    return zip(sobol.params, sobol.total).compactMap { name, total in
      // A seed param is meant not to matter: freezing it is no advice.
      guard total.high < negligibleImportance, !SeedGroups.seedParamNames.contains(name), let v = best.params[name] else { return nil }
      let pct = max(total.high * 100, 0.1)
      return LintFinding(
        id: "unimportant-param", severity: .hint,
        message: "\(name) barely matters after \(data.targets.count) trials (total importance ≤ \(formatNumber((pct * 10).rounded() / 10))%, "
          + "\(Int(sobol.level * 100))% interval): freeze \(name) at \(v.displayText)?",
        fix: "hpotop fix \(name)=\(v.displayText) (or make it a constant in the study file) to search the other params")
    }
  }

  /// The upper end of a total-importance interval below which a param counts as not mattering.
  static let negligibleImportance = 0.05
  /// The fewest complete trials before importances are judged (and at least 10 per param).
  static let minImportanceTrials = 30

  /// The seed pitfall: the best trial beats the runner-up (the best trial of another
  /// configuration) by less than one configuration's values spread between repeated runs
  /// (`SeedGroups.pooledSD`), so the ranking may be luck. Quiet once the best configuration ran
  /// `enoughRuns` times, or when no configuration was repeated (nothing to measure the spread by).
  public static let seedSpread = LintRule(
    id: "seed-spread", summary: "the best trial beats the runner-up by less than the spread between repeated runs"
  ) { c in
    guard c.directions.count == 1, let direction = c.directions.first else { return [] }
    let groups = SeedGroups(c.trials, direction: direction)
    guard let spread = groups.pooledSD, spread > 0 else { return [] }
    let ranked = c.ranked
    guard let best = ranked.first, let bestGroup = groups.groupOfTrial[best.number],
      let runnerUp = ranked.first(where: { groups.groupOfTrial[$0.number] != bestGroup }),
      let bv = best.value, let rv = runnerUp.value
    else { return [] }
    let gap = abs(bv - rv)
    guard gap < spread, groups.groups[bestGroup].runs < enoughRuns else { return [] }
    return [LintFinding(
      id: "seed-spread", severity: .warning,
      message: "best #\(best.number) (\(formatNumber(bv))) beats runner-up #\(runnerUp.number) (\(formatNumber(rv))) by \(formatNumber(gap)), "
        + "less than the spread between repeated runs (sd \(formatNumber(spread))): the winner may be luck",
      fix: "hpotop rerun --top 3 --seeds 3, then pick by mean ± sd (hpotop best)")]
  }

  /// Runs of the best configuration after which `seed-spread` trusts its mean.
  static let enoughRuns = 3

  /// Out-of-memory failures (`GPUOutOfMemory`'s fail reason) concentrated above one value of a
  /// numeric param: every OOM trial has the param at or above a threshold, most trials there ran
  /// out of memory, and trials below it exist ("trials with width ≥ 2048 run out of memory").
  public static let gpuOutOfMemory = LintRule(
    id: "gpu-oom", summary: "GPU out-of-memory failures concentrated above a param value"
  ) { c in
    let finished = c.trials.filter(\.state.isFinished)
    let oom = Set(finished.filter { $0.state == .fail && ($0.hpotop.failReason.map(GPUOutOfMemory.isReason) ?? false) }.map(\.number))
    guard oom.count >= minOutOfMemoryTrials else { return [] }
    var found: [(name: String, threshold: Double, share: Double, count: Int, above: Int)] = []
    for (name, d) in c.distributions {
      if case .categorical = d { continue }
      let oomValues = finished.filter { oom.contains($0.number) }.compactMap { $0.params[name]?.doubleValue }
      guard oomValues.count == oom.count, let threshold = oomValues.min() else { continue }
      let above = finished.filter { ($0.params[name]?.doubleValue ?? -.infinity) >= threshold }
      let below = finished.count - above.count
      let share = Double(oom.count) / Double(above.count)
      guard below >= 2, share >= 0.75 else { continue }
      found.append((name, threshold, share, oom.count, above.count))
    }
    guard let f = found.max(by: { $0.share < $1.share }) else { return [] }
    let value = formatNumber(f.threshold)
    return [LintFinding(
      id: "gpu-oom", severity: .warning,
      message: "trials with \(f.name) ≥ \(value) run out of GPU memory (\(f.count) of \(f.above))",
      fix: "keep \(f.name) below \(value) (lower its high bound), or give those trials a smaller batch or a larger GPU")]
  }

  static let minOutOfMemoryTrials = 3
}
