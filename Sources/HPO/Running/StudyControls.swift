import Foundation
import OrderedCollections

/// The steering actions a user takes on a live study: pause, fix params, prune or fail a trial.
/// Every action is a storage write (DESIGN.md §3), so it reaches the embedded engine, `hpotop
/// worker` processes on other machines, and (where the meaning allows) Python Optuna workers.
public struct StudyControls: Sendable {
  public let storage: any Storage
  public let studyID: Int64

  public init(storage: any Storage, studyID: Int64) {
    self.storage = storage
    self.studyID = studyID
  }

  /// Opens the controls of a study by name.
  public static func open(storage: any Storage, studyName: String) async throws -> StudyControls {
    guard let id = try await storage.studyID(named: studyName) else {
      throw StorageError(.studyNotFound, "no study named '\(studyName)' in \(storage.displayURL)")
    }
    return StudyControls(storage: storage, studyID: id)
  }

  // MARK: Pause

  /// Workers finish their running trials but start no new ones until `resume`; the pause is
  /// stored, so it survives restarts and reaches every worker.
  public func pause() async throws {
    try await storage.setPaused(study: studyID, true)
  }

  public func resume() async throws {
    try await storage.setPaused(study: studyID, false)
  }

  public func isPaused() async throws -> Bool {
    try await storage.hpotopState(study: studyID).isPaused
  }

  // MARK: Fixed params

  /// The params every new trial takes as they are (as Optuna's `PartialFixedSampler`).
  public func fixedParams() async throws -> OrderedDictionary<String, ParamValue> {
    try await storage.hpotopState(study: studyID).fixedParams
  }

  /// Fixes a param for all new trials. The value is checked against the distribution the study
  /// uses for that param (known from its trials, or given).
  /// With `unchecked`, a param no trial has used yet is fixed as given (before the first trial).
  public func fix(_ name: String, _ value: ParamValue, distribution: Distribution? = nil, unchecked: Bool = false)
    async throws
  {
    // The study's trials are read only when the caller does not know the distribution (the
    // dashboard's form does: it comes from the trials it shows).
    let known = distribution == nil ? try await distributions() : [:]
    var coerced = value
    if let d = distribution ?? known[name] {
      coerced = Self.coerce(value, to: d)
      guard let internalValue = d.toInternal(coerced), d.contains(internal: internalValue) else {
        throw StorageError(.invalidValue, "\(coerced.pythonRepr) is not a value of \(name): \(d.summary)")
      }
    } else if !unchecked {
      let names = known.keys.joined(separator: ", ")
      throw StorageError(.invalidValue, "the study has no param \(name)"
        + (names.isEmpty ? " (no trial has params yet; --unchecked fixes it anyway)" : " (it has: \(names))"))
    }
    var fixed = try await fixedParams()
    fixed[name] = coerced
    try await storage.setFixedParams(study: studyID, fixed)
  }

  public func unfix(_ name: String) async throws {
    var fixed = try await fixedParams()
    guard fixed.removeValue(forKey: name) != nil else {
      throw StorageError(.invalidValue, "\(name) is not fixed")
    }
    try await storage.setFixedParams(study: studyID, fixed)
  }

  /// The last distribution each param name was used with in the study's trials.
  public func distributions() async throws -> OrderedDictionary<String, Distribution> {
    var out = OrderedDictionary<String, Distribution>()
    for t in try await storage.trials(study: studyID, filter: TrialFilter(states: [.complete, .pruned, .running, .fail])) {
      for (k, d) in t.distributions { out[k] = d }
    }
    return out
  }

  // MARK: Trials

  /// The trial with a number.
  public func trial(number: Int) async throws -> FrozenTrial {
    guard let t = try await storage.trials(study: studyID, filter: .all).first(where: { $0.number == number }) else {
      throw StorageError(.trialNotFound, "the study has no trial \(number)")
    }
    return t
  }

  /// Asks the worker running a trial to stop it as PRUNED ("pruned by user"). An hpotop worker
  /// sees the request within a second and stops the trial's process group. When nobody acts on
  /// it within `wait` (a Python Optuna worker, or a dead one), the trial is set PRUNED directly,
  /// as optuna-dashboard does. Returns the trial's final state.
  @discardableResult
  public func prune(trialID: Int64, wait: TimeInterval = 3) async throws -> TrialState {
    let t = try await storage.trial(id: trialID)
    guard t.state == .running else { throw StorageError(.invalidValue, "trial \(t.number) is not running") }
    try await storage.requestPrune(trial: trialID)
    let deadline = Date().addingTimeInterval(wait)
    while Date() < deadline {
      let now = try await storage.trial(id: trialID)
      if now.state.isFinished { return now.state }
      try await Task.sleep(for: .milliseconds(100))
    }
    do {
      try await storage.finishTrial(
        trial: trialID, state: .pruned, values: nil,
        reason: HpotopAttrs.pruneReason(requestedByUser: true, prunerName: "", step: nil))
      return .pruned
    } catch let e as StorageError where e.kind == .trialFinished {
      return try await storage.trial(id: trialID).state
    }
  }

  /// Marks a RUNNING or WAITING trial FAIL with a reason: for trials stuck in RUNNING, such as
  /// one from a dead worker before its heartbeat grace has passed.
  public func markFailed(trialID: Int64, reason: String = "marked failed by user") async throws {
    let t = try await storage.trial(id: trialID)
    guard !t.state.isFinished else { throw StorageError(.invalidValue, "trial \(t.number) has already finished (\(t.state.rawValue))") }
    try await storage.finishTrial(trial: trialID, state: .fail, values: nil, reason: reason)
  }

  // MARK: Helpers

  /// A value typed on a command line or in a form, read as the distribution expects (`3` for a
  /// float range is 3.0; `"16"` for an int categorical is 16).
  public static func coerce(_ value: ParamValue, to d: Distribution) -> ParamValue {
    switch (d, value) {
    case (.float, .int(let i)): return .float(Double(i))
    case (.int, .float(let x)) where x.rounded() == x: return .int(Int(x))
    case (.categorical(let c), .string(let s)):
      if c.index(of: value) != nil { return value }
      return c.choices.first { $0.displayText == s || $0.pythonRepr == s } ?? value
    default: return value
    }
  }

  /// A param value typed by a user: JSON scalars (`0.01`, `true`, `null`, `"adam"`) or bare text.
  public static func parseValue(_ text: String) -> ParamValue {
    if let json = try? JSONValue(parsing: text), let p = ParamValue(json: json) { return p }
    return .string(text)
  }
}

extension Distribution {
  /// A one-line description for messages and forms: `float in [1e-05, 0.1] (log)`.
  public var summary: String {
    switch self {
    case .float(let f):
      return "float in [\(formatNumber(f.low)), \(formatNumber(f.high))]" + (f.log ? " (log)" : "")
        + (f.step.map { " step \(formatNumber($0))" } ?? "")
    case .int(let i):
      return "int in [\(i.low), \(i.high)]" + (i.log ? " (log)" : "") + (i.step != 1 ? " step \(i.step)" : "")
    case .categorical(let c):
      return "one of " + c.choices.map(\.displayText).joined(separator: ", ")
    }
  }
}
