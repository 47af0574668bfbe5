import Foundation
import HPO
import HPOAnalysis
import Terminal

/// The header's advice, each computed once per snapshot (`ViewCache`), not per frame: the range
/// advisor's hint (`RangeAdvice`: "hint: the 10 best lr are within 5% of the upper bound 0.1:
/// widen it") and the return on search (`ReturnOnSearch`: "return 0.012/h"). Both are the first
/// segments to go when the line is short.
func adviceHeaderSegments(_ state: AppState) -> [HeaderSegment] {
  let snap = state.snapshot
  let theme = state.theme
  let (advice, ros) = state.cache.value(slot: "headerAdvice", key: cacheKey(state)) { () -> (RangeAdvice?, ReturnOnSearch?) in
    let distributions = state.info.searchSpace ?? snap.distributions
    return (RangeAdvice.advise(trials: snap.trials, directions: snap.directions, distributions: distributions).first,
            ReturnOnSearch(snap.trials, directions: snap.directions))
  }
  var out: [HeaderSegment] = []
  if let ros {
    out.append(HeaderSegment("return", priority: 4, [
      Span("return "), Span(String(format: "%.3g", ros.perHour) + "/h", style: theme.fg("accent")),
      Span(" (last \(formatDuration(ros.stretchHours * 3600)) compute)", style: theme.dim),
    ]))
  }
  if let advice {
    out.append(HeaderSegment("range", priority: 9, [
      Span("hint: ", style: theme.fg("accent").adding(.bold)), Span(advice.message, style: theme.fg("accent")),
    ], elidable: true))
  }
  return out
}

extension AppState {
  /// The snapshot's configurations that ran more than once (`SeedGroups`), once per snapshot;
  /// empty for several objectives.
  var seedGroups: SeedGroups {
    let snap = snapshot
    return cache.value(slot: "seedGroups", key: cacheKey(self)) {
      SeedGroups(snap.directions.count == 1 ? snap.trials : [], direction: snap.directions.first ?? .minimize, repeatedOnly: true)
    }
  }
}

/// The table's `seeds` column: each trial's configuration as mean ± sd over its runs (`×n`),
/// shown only when some configuration ran more than once.
func seedsColumnCells(_ trials: [FrozenTrial], _ state: AppState) -> [Line]? {
  let groups = state.seedGroups
  guard groups.hasRepeats else { return nil }
  let shown = trials.map { t in groups.group(ofTrial: t.number).flatMap { $0.runs > 1 ? $0 : nil } }
  let numbers = shown.compactMap { $0?.mean }
  let digits = NumberFormat.digitsToSeparate(numbers, minDigits: 3, maxDigits: 6)
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
