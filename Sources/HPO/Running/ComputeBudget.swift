import Foundation

/// A study's compute budget (`budget: {steps: N, trial_hours: H}` in the study file): total
/// reported steps over all trials, and total trial wall time (parallel trials counted
/// separately). It ends a run like `n_trials` and `timeout` do, whichever comes first: once it is
/// spent no new trial starts, and the running ones finish. Usage is counted from storage, so every
/// worker of the study shares one budget.
public struct ComputeBudget: Sendable, Equatable {
  /// Total steps: the sum over trials of the largest step each reported (a trial reporting at
  /// steps 1…81 uses 81; one pruned after reporting step 9 uses 9).
  public var steps: Int?
  /// Total trial wall time in hours: the sum over trials of start → end (now for running trials).
  public var trialHours: Double?

  public init(steps: Int? = nil, trialHours: Double? = nil) {
    self.steps = steps
    self.trialHours = trialHours
  }

  /// What the study's trials have used of a budget.
  public struct Usage: Sendable, Equatable {
    public var steps: Int
    public var trialSeconds: Double

    public init(steps: Int = 0, trialSeconds: Double = 0) {
      self.steps = steps
      self.trialSeconds = trialSeconds
    }

    mutating func add(_ u: Usage) {
      steps += u.steps
      trialSeconds += u.trialSeconds
    }

    mutating func subtract(_ u: Usage) {
      steps -= u.steps
      trialSeconds -= u.trialSeconds
    }
  }

  /// The usage of `trials` at `now`. WAITING trials have used nothing.
  public static func usage(of trials: some Sequence<FrozenTrial>, now: Date = Date()) -> Usage {
    var u = Usage()
    for t in trials {
      // A PBT segment reports from the step its checkpoint holds: it used the steps after that.
      u.steps += max(0, (t.lastStep ?? 0) - (t.hpotop.pbtSegment?.startStep ?? 0))
      if let start = t.datetimeStart {
        let end = t.state == .running ? now : (t.datetimeComplete ?? start)
        u.trialSeconds += max(0, end.timeIntervalSince(start))
      }
    }
    return u
  }

  /// The share of the budget used: the largest over its parts (0…, above 1 when overshot).
  public func fractionUsed(_ u: Usage) -> Double {
    var f = 0.0
    if let steps, steps > 0 { f = max(f, Double(u.steps) / Double(steps)) }
    if let trialHours, trialHours > 0 { f = max(f, u.trialSeconds / (trialHours * 3600)) }
    return f
  }

  /// Whether no new trial may start.
  public func isSpent(_ u: Usage) -> Bool {
    if let steps, u.steps >= steps { return true }
    if let trialHours, u.trialSeconds >= trialHours * 3600 { return true }
    return false
  }

  /// `steps 1200/5000, trial hours 0.52/96`: the usage of each part set.
  public func describe(_ u: Usage) -> String {
    var parts: [String] = []
    if let steps { parts.append("steps \(u.steps)/\(steps)") }
    if let trialHours { parts.append("trial hours \(Self.hours(u.trialSeconds / 3600))/\(Self.hours(trialHours))") }
    return parts.joined(separator: ", ")
  }

  /// `steps 5000, trial hours 96`: the budget as the study file gives it.
  public var description: String {
    var parts: [String] = []
    if let steps { parts.append("steps \(steps)") }
    if let trialHours { parts.append("trial hours \(Self.hours(trialHours))") }
    return parts.joined(separator: ", ")
  }

  static func hours(_ h: Double) -> String {
    h >= 10 || h == h.rounded() ? String(format: "%.0f", h) : String(format: h >= 1 ? "%.1f" : "%.2f", h)
  }
}

extension Study {
  /// The study's usage of a compute budget as of the last refresh (all workers' trials), kept
  /// by the trial cache as trials arrive.
  public func computeBudgetUsage(now: Date = Date()) -> ComputeBudget.Usage {
    mirror.budgetUsage(now: now)
  }
}
