import Foundation
import HPO
import HPOAnalysis
import Terminal

// The dashboard's side of seed re-runs: configurations over their seeds (once per snapshot), the
// table's Mean±sd column and its sort key, and the `R` key.

extension AppState {
  /// The snapshot's configurations that ran more than once (`SeedGroups`): the poller's
  /// (`StudySnapshot.analysis`), else once per snapshot here; empty for several objectives and
  /// while the study is still loading.
  var seedGroups: SeedGroups {
    let snap = snapshot
    if let a = snap.analysis { return a.seedGroups }
    if snap.isPartial { return SeedGroups([], direction: snap.directions.first ?? .minimize, repeatedOnly: true) }
    return cache.value(slot: "seedGroups", key: cacheKey(self)) { .ofRepeats(snap) }
  }
}

/// The table's `seeds` column: each trial's configuration as mean ± sd over its runs (`×n`),
/// shown only when some configuration ran more than once.
func seedsColumnCells(_ trials: [FrozenTrial], _ state: AppState) -> [Line]? {
  let groups = state.seedGroups
  guard groups.hasRepeats else { return nil }
  let shown = trials.map { t in groups.group(ofTrial: t.number).flatMap { $0.runs > 1 ? $0 : nil } }
  // The value column's precision (it separates the rows' values and these means): a mean is
  // never shown with fewer digits than the values it averages.
  let numbers = shown.compactMap { $0?.mean } + trials.compactMap { $0.values?.first }.filter(\.isFinite)
  let digits = NumberFormat.digitsToSeparate(numbers, minDigits: 5, maxDigits: 8)
  return shown.map { g in
    guard let g else { return Line("") }
    let text = NumberFormat.significant(g.mean, digits: digits) + "±" + NumberFormat.significant(g.sd ?? 0, digits: 2) + " ×\(g.runs)"
    return Line(text)
  }
}

extension SeedGroups {
  /// The configuration mean of each trial whose configuration ran more than once (the `seeds`
  /// sort key; the others, blank in the column, sort last).
  var meanByTrial: [Int: Double] {
    groupOfTrial.compactMapValues { groups[$0].runs > 1 ? groups[$0].mean : nil }
  }
}

/// Re-runs the `R` key enqueues for the selected trial's configuration.
let rerunSeedCount = 3

/// The `R` key: enqueues `rerunSeedCount` more runs of the selected trial's configuration with
/// other seeds (`SeedReruns`), through `Command.enqueueReruns`.
func rerunSelected(_ state: inout AppState) {
  guard let t = state.selectedTrial, !t.params.isEmpty else { return }
  let seedParam = state.seedGroups.seedParam ?? SeedGroups.seedParam(in: t.params.keys)
  var configuration = t.state == .waiting ? t.fixedParams : t.params
  if let seedParam { configuration[seedParam] = nil }
  do {
    let runs = try SeedReruns.plan(
      configuration: configuration, trials: state.snapshot.trials, seeds: rerunSeedCount, seedParam: seedParam,
      distributions: state.info.searchSpace ?? state.snapshot.distributions)
    state.commands.append(.enqueueReruns(runs))
    state.say("re-running trial \(t.number)'s configuration with \(runs.count) more seed(s)")
  } catch {
    state.say("cannot re-run trial \(t.number): \(error)", error: true)
  }
}
