import Foundation
import OrderedCollections

/// Storage in this process's memory: for tests, benchmarks and throwaway studies.
public actor InMemoryStorage: Storage {
  private struct StudyRecord {
    var name: String
    var directions: [StudyDirection]
    var userAttrs: OrderedDictionary<String, JSONValue> = [:]
    var systemAttrs: OrderedDictionary<String, JSONValue> = [:]
    /// Trial ids by number (ids grow with numbers, so this is sorted too).
    var trialIDs: [Int64] = []
    /// Ids of trials that were WAITING when queued, oldest first, from `waitingHead` on; entries
    /// whose trial left WAITING since are skipped when popped.
    var waitingQueue: [Int64] = []
    var waitingHead = 0
    /// Trials that are not WAITING (the `budget` of `startTrial` counts these).
    var nonWaitingCount = 0
    /// For each system-attr key ever claimed (`claimTrialSystemAttr`): which trials hold which
    /// value, kept on every write, so a claim does not scan the study.
    var claimIndex: [String: [JSONValue: Set<Int64>]] = [:]
  }

  /// A trial and its study, boxed: a write changes the trial in place after one lookup, and a
  /// check of its state reads one field instead of copying the whole trial.
  private final class TrialRecord {
    var trial: FrozenTrial
    let study: Int64
    init(_ trial: FrozenTrial, study: Int64) {
      self.trial = trial
      self.study = study
    }
  }

  private var studyRecords: OrderedDictionary<Int64, StudyRecord> = [:]
  private var trialRecords: [Int64: TrialRecord] = [:]
  private var heartbeats: [Int64: Date] = [:]
  private var nextStudyID: Int64 = 1
  private var nextTrialID: Int64 = 1

  public init() {}

  /// Keeps the claim index of a study up to date when a trial's system attr changes.
  private func indexSystemAttr(trial tid: Int64, study sid: Int64, key: String, old: JSONValue?, new: JSONValue?) {
    guard let i = studyRecords.index(forKey: sid),
          studyRecords.values[i].claimIndex[key] != nil, old != new else { return }
    // In place through the index (a keyed optional subscript would copy the index per write).
    if let old { studyRecords.values[i].claimIndex[key]?[old]?.remove(tid) }
    if let new { studyRecords.values[i].claimIndex[key]?[new, default: []].insert(tid) }
  }

  /// Sets a trial's system attr, keeping the claim index.
  private func setSystemAttr(_ r: TrialRecord, key: String, value: JSONValue) {
    indexSystemAttr(trial: r.trial.id, study: r.study, key: key, old: r.trial.systemAttrs[key], new: value)
    r.trial.systemAttrs[key] = value
  }

  public nonisolated var displayURL: String { "inmemory://" }

  private func study(_ id: Int64) throws -> StudyRecord {
    guard let s = studyRecords[id] else { throw StorageError(.studyNotFound, "no study with id \(id)") }
    return s
  }

  private func record(_ id: Int64) throws -> TrialRecord {
    guard let r = trialRecords[id] else { throw StorageError(.trialNotFound, "no trial with id \(id)") }
    return r
  }

  private func updatable(_ id: Int64) throws -> TrialRecord {
    let r = try record(id)
    if r.trial.state.isFinished {
      throw StorageError(.trialFinished, "Trial#\(r.trial.number) has already finished and can not be updated.")
    }
    return r
  }

  public func createStudy(name: String, directions: [StudyDirection]) throws -> Int64 {
    if studyRecords.values.contains(where: { $0.name == name }) {
      throw StorageError(.studyExists, "Another study with name '\(name)' already exists.")
    }
    let id = nextStudyID
    nextStudyID += 1
    studyRecords[id] = StudyRecord(name: name, directions: directions)
    return id
  }

  public func deleteStudy(id: Int64) throws {
    let s = try study(id)
    for t in s.trialIDs {
      trialRecords[t] = nil
      heartbeats[t] = nil
    }
    studyRecords[id] = nil
  }

  public func studyID(named name: String) -> Int64? {
    studyRecords.first { $0.value.name == name }?.key
  }

  public func studyName(id: Int64) throws -> String { try study(id).name }
  public func studyDirections(id: Int64) throws -> [StudyDirection] { try study(id).directions }

  public func studies() -> [StudySummary] {
    studyRecords.map { id, s in
      StudySummary(
        id: id, name: s.name, directions: s.directions, userAttrs: s.userAttrs,
        systemAttrs: s.systemAttrs, trialCount: s.trialIDs.count,
        datetimeStart: s.trialIDs.compactMap { trialRecords[$0]?.trial.datetimeStart }.min())
    }
  }

  public func setStudyUserAttr(study id: Int64, key: String, value: JSONValue) throws {
    _ = try study(id)
    studyRecords[id]?.userAttrs[key] = value
  }

  public func setStudySystemAttr(study id: Int64, key: String, value: JSONValue?) throws {
    _ = try study(id)
    studyRecords[id]?.systemAttrs[key] = value
  }

  public func studyUserAttrs(study id: Int64) throws -> OrderedDictionary<String, JSONValue> {
    try study(id).userAttrs
  }

  public func studySystemAttrs(study id: Int64) throws -> OrderedDictionary<String, JSONValue> {
    try study(id).systemAttrs
  }

  public func createTrial(study id: Int64, template: FrozenTrial?) throws -> FrozenTrial {
    let s = try study(id)
    let trialID = nextTrialID
    nextTrialID += 1
    var t: FrozenTrial
    if let template {
      t = template
      t.id = trialID
      if t.state == .running && t.datetimeStart == nil { t.datetimeStart = Date() }
    } else {
      t = FrozenTrial(id: trialID, number: 0, state: .running, datetimeStart: Date())
    }
    t.number = s.trialIDs.count
    studyRecords[id]?.trialIDs.append(trialID)
    if t.state == .waiting {
      studyRecords[id]?.waitingQueue.append(trialID)
    } else {
      studyRecords[id]?.nonWaitingCount += 1
    }
    trialRecords[trialID] = TrialRecord(t, study: id)
    for (k, v) in t.systemAttrs { indexSystemAttr(trial: trialID, study: id, key: k, old: nil, new: v) }
    return t
  }

  public func popWaitingTrial(study id: Int64) throws -> FrozenTrial? {
    var s = try study(id)
    defer { studyRecords[id] = s }
    while s.waitingHead < s.waitingQueue.count {
      let tid = s.waitingQueue[s.waitingHead]
      s.waitingHead += 1
      guard let r = trialRecords[tid], r.trial.state == .waiting else { continue }
      r.trial.state = .running
      r.trial.datetimeStart = Date()
      s.nonWaitingCount += 1
      return r.trial
    }
    if s.waitingHead > 0 {
      s.waitingQueue.removeAll()
      s.waitingHead = 0
    }
    return nil
  }

  public func startTrial(study id: Int64, budget: Int?, heartbeat: Bool) throws -> FrozenTrial? {
    let s = try study(id)
    var started = try popWaitingTrial(study: id)
    if started == nil {
      if let budget, s.nonWaitingCount >= budget { return nil }
      started = try createTrial(study: id, template: nil)
    }
    if heartbeat, let started { heartbeats[started.id] = Date() }
    return started
  }

  public func setTrialParam(trial id: Int64, name: String, internalValue: Double, distribution: Distribution)
    throws
  {
    let r = try updatable(id)
    if let existing = r.trial.distributions[name], !existing.isCompatible(with: distribution) {
      throw StorageError(.invalidValue, "Cannot set different distribution kind to the same parameter name.")
    }
    r.trial.params[name] = distribution.toExternal(internalValue)
    r.trial.distributions[name] = distribution
  }

  public func setTrialState(
    trial id: Int64, state: TrialState, values: [Double]?, systemAttrs: OrderedDictionary<String, JSONValue>
  ) throws -> Bool {
    let r = try updatable(id)
    if state == .running && r.trial.state != .waiting { return false }
    for (k, v) in systemAttrs { setSystemAttr(r, key: k, value: v) }
    if r.trial.state == .waiting && state != .waiting {
      studyRecords[r.study]?.nonWaitingCount += 1
    }
    r.trial.state = state
    if let values { r.trial.values = values }
    if state == .running { r.trial.datetimeStart = Date() }
    if state.isFinished { r.trial.datetimeComplete = Date() }
    return true
  }

  public func setTrialIntermediateValue(trial id: Int64, step: Int, value: Double) throws {
    let r = try updatable(id)
    r.trial.intermediateValues[step] = value
    r.trial.intermediateValues.sort { $0.key < $1.key }
  }

  public func setTrialUserAttr(trial id: Int64, key: String, value: JSONValue) throws {
    try updatable(id).trial.userAttrs[key] = value
  }

  public func setTrialSystemAttr(trial id: Int64, key: String, value: JSONValue) throws {
    setSystemAttr(try updatable(id), key: key, value: value)
  }

  public func claimTrialSystemAttr(trial id: Int64, study sid: Int64, key: String, value: JSONValue)
    throws -> Bool
  {
    let r = try updatable(id)
    if try study(sid).claimIndex[key] == nil {  // the first claim of this key: index the values held so far
      var holders: [JSONValue: Set<Int64>] = [:]
      for tid in try study(sid).trialIDs {
        if let v = trialRecords[tid]?.trial.systemAttrs[key] { holders[v, default: []].insert(tid) }
      }
      studyRecords[sid]?.claimIndex[key] = holders
    }
    if let holders = studyRecords[sid]?.claimIndex[key]?[value], holders.contains(where: { $0 != id }) { return false }
    setSystemAttr(r, key: key, value: value)
    return true
  }

  public func trial(id: Int64) throws -> FrozenTrial { try record(id).trial }

  public func trialIDs(study id: Int64) throws -> [Int64]? { try study(id).trialIDs }

  public func trials(study id: Int64, filter: TrialFilter) throws -> [FrozenTrial] {
    let ids = try study(id).trialIDs
    let positions = filter.candidatePositions(count: ids.count, idAt: { ids[$0] }, position: { trialRecords[$0]?.trial.number })
    var out: [FrozenTrial] = []
    out.reserveCapacity(positions.count)
    for p in positions {
      let tid = ids[p]
      guard let r = trialRecords[tid], filter.matches(id: tid, state: r.trial.state) else { continue }
      out.append(r.trial)
    }
    return out
  }

  public func recordHeartbeat(trial id: Int64) throws {
    _ = try record(id)
    heartbeats[id] = Date()
  }

  public func failStaleTrials(study id: Int64, grace: TimeInterval) throws -> [Int64] {
    let now = Date()
    var failed: [Int64] = []
    for tid in try study(id).trialIDs {
      guard let r = trialRecords[tid], r.trial.state == .running, let beat = heartbeats[tid],
        now.timeIntervalSince(beat) > grace
      else { continue }
      r.trial.state = .fail
      r.trial.datetimeComplete = now
      setSystemAttr(r, key: HpotopKey.failReason.rawValue, value: .string(HpotopKey.staleReason))
      failed.append(tid)
    }
    return failed
  }
}
