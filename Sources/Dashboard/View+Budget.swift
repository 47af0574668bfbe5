import Foundation
import HPO
import Terminal

/// The header's `budget` segment (`budget steps 1200/5000 24%`) and the ETA the budget gives:
/// the time left at the rate the budget has been used so far (nil before any use).
func budgetHeader(_ state: AppState, elapsed: Double) -> (HeaderSegment, (seconds: Double, text: String)?)? {
  guard let budget = state.info.budget else { return nil }
  let snap = state.snapshot
  let now = studyEnd(state) ?? state.now
  // Finished trials change only with the revision; running trials' time grows with the clock.
  let (done, runningStarts) = state.cache.value(slot: "budgetUsage", key: "\(snap.studyID):\(snap.revision):\(snap.trials.count)") {
    (ComputeBudget.usage(of: snap.trials.filter { $0.state != .running }),
     snap.trials.filter { $0.state == .running }.map { ($0.datetimeStart, $0.lastStep ?? 0) })
  }
  var usage = done
  for (start, steps) in runningStarts {
    usage.steps += max(0, steps)
    if let start { usage.trialSeconds += max(0, now.timeIntervalSince(start)) }
  }
  let f = budget.fractionUsed(usage)
  let spent = budget.isSpent(usage)
  let theme = state.theme
  let segment = HeaderSegment("budget", priority: 1, [
    Span("budget "), Span(budget.describe(usage), style: spent ? theme.fg("accent").adding(.bold) : theme.fg("accent")),
    Span(spent ? " spent" : " \(Int((f * 100).rounded(.down)))%"),
  ])
  guard !spent, f > 0, elapsed > 1 else { return (segment, spent ? (0, "done (budget)") : nil) }
  let left = elapsed * (1 - f) / f
  return (segment, (left, formatDuration(left) + " (budget)"))
}
