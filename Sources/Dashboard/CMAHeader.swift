import Foundation
import HPO
import Terminal

/// The header's CMA-ES segment (line 1, after the sampler): the newest run's generation, step
/// size σ (in the sampler's [0, 1] scale), population λ and restarts, decoded once per snapshot.
/// Shown when the study runs `cmaes` (named, or chosen by `auto`), or is watched with no sampler
/// known and holds a CMA-ES state.
func cmaHeaderSegments(_ state: AppState) -> [HeaderSegment] {
  guard let summary = cmaSummary(state) else { return [] }
  let theme = state.theme
  var spans = [Span("gen "), Span("\(summary.generation)", style: theme.fg("accent")),
               Span(" σ "), Span(formatNumber(summary.sigma), style: theme.fg("accent")),
               Span(" λ "), Span("\(summary.popsize)", style: theme.fg("accent"))]
  if summary.restarts > 0 { spans.append(Span(" restart \(summary.restarts)", style: theme.dim)) }
  return [HeaderSegment("cmaes", priority: 5, spans)]
}

/// The newest CMA-ES run's summary, decoded once per snapshot; nil when the study does not run
/// `cmaes` (named, or chosen by `auto`; a watched study's sampler is not known): none of its
/// newest trials belongs to a generation, or it has no state.
func cmaSummary(_ state: AppState) -> CMARun.Summary? {
  let s = state.info.samplerName
  guard s == nil || s == "cmaes" || state.snapshot.systemAttrs.hpotop.autoChoices.last?.sampler == "cmaes" else { return nil }
  let snap = state.snapshot
  // Checked first, so that another sampler's million trials are not scanned for a state.
  guard snap.trials.suffix(newestTrialsChecked).contains(where: { $0.systemAttrs[CMAKey.generation.rawValue] != nil })
  else { return nil }
  return state.cache.value(slot: "cmaRun", key: cacheKey(state)) { () -> CMARun.Summary? in
    CMARun.latest(in: snap.trials)?.summary
  }
}
