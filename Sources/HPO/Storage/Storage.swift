import Foundation
import OrderedCollections

/// Where studies and trials live. Every backend (in memory, SQLite, PostgreSQL) implements the
/// same operations as Optuna's `BaseStorage`, with Optuna's RDB schema where there is a schema.
///
/// Every state change is one transaction. Trial numbers are allocated inside the transaction
/// that inserts the trial, so concurrent writers never share a number.
public protocol Storage: Sendable {
  /// The storage URL with any password removed, for headers and messages.
  var displayURL: String { get }

  // MARK: Studies
  func createStudy(name: String, directions: [StudyDirection]) async throws -> Int64
  func deleteStudy(id: Int64) async throws
  /// The id of the study with this name, or `nil` when there is none.
  func studyID(named name: String) async throws -> Int64?
  func studyName(id: Int64) async throws -> String
  func studyDirections(id: Int64) async throws -> [StudyDirection]
  func studies() async throws -> [StudySummary]
  func setStudyUserAttr(study: Int64, key: String, value: JSONValue) async throws
  /// Sets a study system attr; `nil` removes it.
  func setStudySystemAttr(study: Int64, key: String, value: JSONValue?) async throws
  func studyUserAttrs(study: Int64) async throws -> OrderedDictionary<String, JSONValue>
  func studySystemAttrs(study: Int64) async throws -> OrderedDictionary<String, JSONValue>

  // MARK: Trials
  /// Inserts a trial. With no template it is RUNNING and started now; a template gives the state
  /// (WAITING for `enqueue`, or a finished state for `add_trial`) and the rest of its content.
  func createTrial(study: Int64, template: FrozenTrial?) async throws -> FrozenTrial
  /// Moves the oldest WAITING trial to RUNNING (start time now) and returns it, or `nil` when
  /// none waits. Two callers never get the same trial.
  func popWaitingTrial(study: Int64) async throws -> FrozenTrial?
  /// Starts a trial in one transaction: the oldest WAITING trial becomes RUNNING, or else a new
  /// RUNNING trial is inserted, unless the study already holds `budget` trials that are not
  /// WAITING (then `nil`), so concurrent workers never overshoot `n_trials`. WAITING trials
  /// (enqueued by a user, or retries) are popped whatever the budget. With `heartbeat`, the
  /// trial's first heartbeat is written in the same transaction, so a trial whose worker dies at
  /// once (or whose COMMIT reply was lost and is retried) still turns stale.
  func startTrial(study: Int64, budget: Int?, heartbeat: Bool) async throws -> FrozenTrial?
  func setTrialParam(trial: Int64, name: String, internalValue: Double, distribution: Distribution)
    async throws
  /// Sets the state (and values) and the given system attrs (a fail or prune reason), in one
  /// transaction. Returns false when a WAITING→RUNNING move lost a race (nothing is written).
  /// Throws `StorageError.trialFinished` when the trial has already finished.
  @discardableResult
  func setTrialState(
    trial: Int64, state: TrialState, values: [Double]?, systemAttrs: OrderedDictionary<String, JSONValue>
  ) async throws -> Bool
  func setTrialIntermediateValue(trial: Int64, step: Int, value: Double) async throws
  func setTrialUserAttr(trial: Int64, key: String, value: JSONValue) async throws
  func setTrialSystemAttr(trial: Int64, key: String, value: JSONValue) async throws
  /// Sets a trial system attr only if no other trial of the study holds the same key and value,
  /// atomically. Returns false if one does. (Grid points are claimed this way.)
  func claimTrialSystemAttr(trial: Int64, study: Int64, key: String, value: JSONValue) async throws
    -> Bool
  func trial(id: Int64) async throws -> FrozenTrial
  /// Trials of a study that match the filter, by ascending number.
  func trials(study: Int64, filter: TrialFilter) async throws -> [FrozenTrial]

  // MARK: Heartbeats
  func recordHeartbeat(trial: Int64) async throws
  /// Marks FAIL every RUNNING trial of the study whose last heartbeat is older than `grace`
  /// seconds, with the fail reason "stale" (`HpotopKey.failReason`). Returns the ids it failed;
  /// when several processes race, each trial is failed once.
  func failStaleTrials(study: Int64, grace: TimeInterval) async throws -> [Int64]

  // MARK: Paging (a reader's newest-first load of a big study)
  /// The ids of the study's trials, ascending, where the backend reads them cheaply (one
  /// indexed column); `nil` where it cannot, and then a reader loads the study at once.
  func trialIDs(study: Int64) async throws -> [Int64]?

  // MARK: Streaming (a writer's page-at-a-time read of a whole study)
  /// Reads a study's trials for a writer that streams them (`trials`, `export`), in one
  /// consistent snapshot: first `columns` gets the trials that first carry each param name,
  /// user-attr key or system-attr key (by number: what `TrialRowPlan` scans for its columns),
  /// then `page` gets every trial by ascending number, `pageSize` at a time. Returns false,
  /// calling neither, where the backend cannot; the caller then loads every trial at once.
  func readTrialPages(
    study: Int64, pageSize: Int, columns: ([FrozenTrial]) throws -> Void, page: ([FrozenTrial]) throws -> Void
  ) async throws -> Bool
}

extension Storage {
  public func trialIDs(study: Int64) async throws -> [Int64]? { nil }

  public func readTrialPages(
    study: Int64, pageSize: Int, columns: ([FrozenTrial]) throws -> Void, page: ([FrozenTrial]) throws -> Void
  ) async throws -> Bool { false }
}

extension Storage {
  /// Sets the state (and values) alone; see `setTrialState(trial:state:values:systemAttrs:)`.
  @discardableResult
  public func setTrialState(trial: Int64, state: TrialState, values: [Double]?) async throws -> Bool {
    try await setTrialState(trial: trial, state: state, values: values, systemAttrs: [:])
  }
}

/// Which trials to load: `(id in ids OR id > idGreaterThan) AND state in states`, where a
/// `nil` field does not restrict. The dashboard polls with the ids of unfinished trials and the
/// largest id it has seen, as Optuna's `_CachedStorage` does.
public struct TrialFilter: Sendable, Hashable {
  public var states: Set<TrialState>?
  public var ids: Set<Int64>?
  public var idGreaterThan: Int64?

  public init(states: Set<TrialState>? = nil, ids: Set<Int64>? = nil, idGreaterThan: Int64? = nil) {
    self.states = states
    self.ids = ids
    self.idGreaterThan = idGreaterThan
  }

  public static let all = TrialFilter()

  /// Whether a trial passes the filter (for backends that filter in Swift).
  public func matches(id: Int64, state: TrialState) -> Bool {
    if let states, !states.contains(state) { return false }
    switch (ids, idGreaterThan) {
    case (nil, nil): return true
    case (let ids?, nil): return ids.contains(id)
    case (nil, let g?): return id > g
    case (let ids?, let g?): return ids.contains(id) || id > g
    }
  }

  /// The places in a study's trial list (by number, so ids ascend) that may pass the filter,
  /// ascending: the listed ids (found by `position`, the number of a trial id) and every place
  /// whose id is above the bound, found by binary search; every place when neither is set. So
  /// a poll costs what changed, not the study's size. States are left to `matches`.
  public func candidatePositions(count: Int, idAt: (Int) -> Int64, position: (Int64) -> Int?) -> [Int] {
    if ids == nil && idGreaterThan == nil { return Array(0..<count) }
    var start = count
    if let g = idGreaterThan {
      var lo = 0, hi = count
      while lo < hi {
        let mid = (lo + hi) / 2
        if idAt(mid) > g { hi = mid } else { lo = mid + 1 }
      }
      start = lo
    }
    var positions: [Int] = []
    for tid in ids ?? [] {
      guard let n = position(tid), n >= 0, n < start, idAt(n) == tid else { continue }
      positions.append(n)
    }
    positions.sort()
    positions.append(contentsOf: start..<count)
    return positions
  }
}

/// One row of `hpotop studies`: what a study picker shows.
public struct StudySummary: Sendable, Hashable {
  public var id: Int64
  public var name: String
  public var directions: [StudyDirection]
  public var userAttrs: OrderedDictionary<String, JSONValue>
  public var systemAttrs: OrderedDictionary<String, JSONValue>
  public var trialCount: Int
  public var datetimeStart: Date?

  public init(
    id: Int64, name: String, directions: [StudyDirection],
    userAttrs: OrderedDictionary<String, JSONValue> = [:],
    systemAttrs: OrderedDictionary<String, JSONValue> = [:], trialCount: Int = 0,
    datetimeStart: Date? = nil
  ) {
    self.id = id
    self.name = name
    self.directions = directions
    self.userAttrs = userAttrs
    self.systemAttrs = systemAttrs
    self.trialCount = trialCount
    self.datetimeStart = datetimeStart
  }
}

/// A storage operation that failed, with the study and trial it concerned.
public struct StorageError: Error, CustomStringConvertible, Sendable {
  public enum Kind: Sendable, Equatable {
    case studyNotFound
    case studyExists
    case trialNotFound
    case trialFinished
    case invalidValue
    /// A write to a storage opened read-only (a read-only file or mount).
    case readOnly
    case incompatibleSchema
    case backend
  }
  public let kind: Kind
  public let message: String

  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }
}
