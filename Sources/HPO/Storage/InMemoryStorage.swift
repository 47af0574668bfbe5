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
  }

  private var studyRecords: OrderedDictionary<Int64, StudyRecord> = [:]
  private var trialRecords: [Int64: FrozenTrial] = [:]
  private var trialStudy: [Int64: Int64] = [:]
  private var heartbeats: [Int64: Date] = [:]
  private var nextStudyID: Int64 = 1
  private var nextTrialID: Int64 = 1

  public init() {}

  public nonisolated var displayURL: String { "inmemory://" }

  private func study(_ id: Int64) throws -> StudyRecord {
    guard let s = studyRecords[id] else { throw StorageError(.studyNotFound, "no study with id \(id)") }
    return s
  }

  private func record(_ id: Int64) throws -> FrozenTrial {
    guard let t = trialRecords[id] else { throw StorageError(.trialNotFound, "no trial with id \(id)") }
    return t
  }

  private func updatable(_ id: Int64) throws -> FrozenTrial {
    let t = try record(id)
    if t.state.isFinished {
      throw StorageError(.trialFinished, "Trial#\(t.number) has already finished and can not be updated.")
    }
    return t
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
      trialStudy[t] = nil
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
        datetimeStart: s.trialIDs.compactMap { trialRecords[$0]?.datetimeStart }.min())
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
    trialRecords[trialID] = t
    trialStudy[trialID] = id
    return t
  }

  public func popWaitingTrial(study id: Int64) throws -> FrozenTrial? {
    var s = try study(id)
    defer { studyRecords[id] = s }
    while s.waitingHead < s.waitingQueue.count {
      let tid = s.waitingQueue[s.waitingHead]
      s.waitingHead += 1
      guard trialRecords[tid]?.state == .waiting else { continue }
      trialRecords[tid]?.state = .running
      trialRecords[tid]?.datetimeStart = Date()
      s.nonWaitingCount += 1
      return trialRecords[tid]
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
    let t = try updatable(id)
    if let existing = t.distributions[name], !existing.isCompatible(with: distribution) {
      throw StorageError(.invalidValue, "Cannot set different distribution kind to the same parameter name.")
    }
    trialRecords[id]?.params[name] = distribution.toExternal(internalValue)
    trialRecords[id]?.distributions[name] = distribution
  }

  public func setTrialState(
    trial id: Int64, state: TrialState, values: [Double]?, systemAttrs: OrderedDictionary<String, JSONValue>
  ) throws -> Bool {
    let t = try updatable(id)
    if state == .running && t.state != .waiting { return false }
    for (k, v) in systemAttrs { trialRecords[id]?.systemAttrs[k] = v }
    if t.state == .waiting && state != .waiting, let sid = trialStudy[id] {
      studyRecords[sid]?.nonWaitingCount += 1
    }
    trialRecords[id]?.state = state
    if let values { trialRecords[id]?.values = values }
    if state == .running { trialRecords[id]?.datetimeStart = Date() }
    if state.isFinished { trialRecords[id]?.datetimeComplete = Date() }
    return true
  }

  public func setTrialIntermediateValue(trial id: Int64, step: Int, value: Double) throws {
    _ = try updatable(id)
    trialRecords[id]?.intermediateValues[step] = value
    trialRecords[id]?.intermediateValues.sort { $0.key < $1.key }
  }

  public func setTrialUserAttr(trial id: Int64, key: String, value: JSONValue) throws {
    _ = try updatable(id)
    trialRecords[id]?.userAttrs[key] = value
  }

  public func setTrialSystemAttr(trial id: Int64, key: String, value: JSONValue) throws {
    _ = try updatable(id)
    trialRecords[id]?.systemAttrs[key] = value
  }

  public func claimTrialSystemAttr(trial id: Int64, study sid: Int64, key: String, value: JSONValue)
    throws -> Bool
  {
    _ = try updatable(id)
    for other in try study(sid).trialIDs where other != id {
      if trialRecords[other]?.systemAttrs[key] == value { return false }
    }
    trialRecords[id]?.systemAttrs[key] = value
    return true
  }

  public func trial(id: Int64) throws -> FrozenTrial { try record(id) }

  public func trialIDs(study id: Int64) throws -> [Int64]? { try study(id).trialIDs }

  public func trials(study id: Int64, filter: TrialFilter) throws -> [FrozenTrial] {
    let ids = try study(id).trialIDs
    if filter.ids == nil && filter.idGreaterThan == nil {
      return ids.compactMap { tid in
        guard let t = trialRecords[tid], filter.matches(id: tid, state: t.state) else { return nil }
        return t
      }
    }
    // Only the listed ids and the ids above the bound: positions (= numbers) found by lookup and
    // binary search, so a poll costs what changed, not the study's size.
    var positions: [Int] = []
    var start = ids.count
    if let g = filter.idGreaterThan {
      var lo = 0, hi = ids.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if ids[mid] > g { hi = mid } else { lo = mid + 1 }
      }
      start = lo
    }
    for tid in filter.ids ?? [] {
      guard let n = trialRecords[tid]?.number, n < start, n < ids.count, ids[n] == tid else { continue }
      positions.append(n)
    }
    positions.sort()
    positions.append(contentsOf: start..<ids.count)
    var out: [FrozenTrial] = []
    out.reserveCapacity(positions.count)
    for p in positions {
      let tid = ids[p]
      guard let t = trialRecords[tid], filter.matches(id: tid, state: t.state) else { continue }
      out.append(t)
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
      guard let t = trialRecords[tid], t.state == .running, let beat = heartbeats[tid],
        now.timeIntervalSince(beat) > grace
      else { continue }
      trialRecords[tid]?.state = .fail
      trialRecords[tid]?.datetimeComplete = now
      trialRecords[tid]?.systemAttrs[HpotopKey.failReason.rawValue] = .string(HpotopKey.staleReason)
      failed.append(tid)
    }
    return failed
  }
}
