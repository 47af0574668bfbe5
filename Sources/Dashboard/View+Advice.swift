import Foundation
import HPO
import HPOAnalysis
import Terminal

/// The header's advice, each computed once per snapshot (`ViewCache`), not per frame: the range
/// advisor's hint (`RangeAdvice`: "hint: the 10 best lr are within 5% of the upper bound 0.1:
/// widen it") and the return on search (`ReturnOnSearch`: "return 0.012/h"). Both are the first
/// segments to go when the line is short, and neither is shown while the study still loads.
/// The poller computes them with the snapshot (`StudySnapshot.analysis`), except over a study
/// file's search space, which only the view knows.
func adviceHeaderSegments(_ state: AppState) -> [HeaderSegment] {
  let snap = state.snapshot
  let theme = state.theme
  if snap.isPartial { return [] }
  let (advice, ros): (RangeAdvice?, ReturnOnSearch?)
  if let a = snap.analysis, state.info.searchSpace == nil {
    (advice, ros) = (a.advice, a.returnOnSearch)
  } else {
    (advice, ros) = state.cache.value(slot: "headerAdvice", key: cacheKey(state)) { () -> (RangeAdvice?, ReturnOnSearch?) in
      SnapshotAnalysis.advice(snap, distributions: state.info.searchSpace ?? snap.distributions)
    }
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
