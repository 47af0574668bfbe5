import Foundation
import Yams

extension StudyFileParser {
  /// `budget: {steps: N, trial_hours: H}`: at least one part, each positive.
  func parseBudget(_ node: Node) throws -> ComputeBudget {
    let e = try reader.entries(node, of: "budget", known: ["steps", "trial_hours"])
    var budget = ComputeBudget()
    if let s = e["steps"] {
      let n = try reader.int(s.value, "budget steps")
      guard n > 0 else { throw reader.error(s.value, "budget steps must be a positive integer, got \(n)") }
      budget.steps = n
    }
    if let h = e["trial_hours"] {
      let x = try reader.number(h.value, "budget trial_hours")
      guard x > 0, x.isFinite else { throw reader.error(h.value, "budget trial_hours must be a positive number, got \(formatNumber(x))") }
      budget.trialHours = x
    }
    guard budget.steps != nil || budget.trialHours != nil else {
      throw reader.error(node, "budget needs 'steps' or 'trial_hours' (or both), for example 'budget: {steps: 5000}'")
    }
    return budget
  }
}
