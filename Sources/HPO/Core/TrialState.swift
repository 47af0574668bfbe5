/// A trial's lifecycle state; raw values are Optuna's enum names as stored in `trials.state`.
public enum TrialState: String, CaseIterable, Hashable, Sendable, Codable {
  case running = "RUNNING"
  case complete = "COMPLETE"
  case pruned = "PRUNED"
  case fail = "FAIL"
  case waiting = "WAITING"

  /// COMPLETE, PRUNED and FAIL: the trial will not change again.
  public var isFinished: Bool { self == .complete || self == .pruned || self == .fail }
}

/// Whether an objective is minimized or maximized; raw values as in `study_directions.direction`.
public enum StudyDirection: String, CaseIterable, Hashable, Sendable, Codable {
  case minimize = "MINIMIZE"
  case maximize = "MAXIMIZE"

  /// True if `a` is strictly better than `b` in this direction. NaN is never better.
  public func isBetter(_ a: Double, than b: Double) -> Bool {
    self == .minimize ? a < b : a > b
  }

  /// The value turned so that smaller is better (for ranking and dominance).
  public func normalized(_ v: Double) -> Double { self == .minimize ? v : -v }
}
