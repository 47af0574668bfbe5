import Foundation
import HPO

/// Keeps an in-memory mirror of one study and turns each poll into a `StudySnapshot`.
///
/// Each poll loads only trials that are new (id above the largest seen) or were unfinished at
/// the last poll, as Optuna's `_CachedStorage` does, plus the study's attrs. Now and then it
/// also fails RUNNING trials whose heartbeat is stale, so dead workers' trials turn FAIL.
public actor StudyPoller {
  public nonisolated let storage: any Storage
  public nonisolated let studyID: Int64
  private var name: String?
  private var directions: [StudyDirection] = []
  private var trials: [FrozenTrial] = []
  private var indexByID: [Int64: Int] = [:]
  private var unfinished: Set<Int64> = []
  private var maxID: Int64 = 0
  private var revision = 0
  private var lastAttrs: String = ""
  private var lastStaleCheck: Date?
  private var last: StudySnapshot?
  /// Seconds between stale-trial checks; nil never checks.
  public var staleCheckInterval: TimeInterval?
  /// The heartbeat grace given to `failStaleTrials`.
  public var staleGrace: TimeInterval

  public init(
    storage: any Storage, studyID: Int64, staleCheckInterval: TimeInterval? = 10,
    staleGrace: TimeInterval = 60
  ) {
    self.storage = storage
    self.studyID = studyID
    self.staleCheckInterval = staleCheckInterval
    self.staleGrace = staleGrace
  }

  /// Sets the heartbeat grace for stale-trial checks.
  public func setStaleGrace(_ g: TimeInterval) { staleGrace = g }

  /// Loads what changed and returns the new snapshot.
  public func poll(now: Date = Date()) async throws -> StudySnapshot {
    if name == nil {
      name = try await storage.studyName(id: studyID)
      directions = try await storage.studyDirections(id: studyID)
    }
    if let every = staleCheckInterval, lastStaleCheck.map({ now.timeIntervalSince($0) >= every }) ?? true {
      lastStaleCheck = now
      _ = try? await storage.failStaleTrials(study: studyID, grace: staleGrace)
    }
    let changed = try await storage.trials(
      study: studyID, filter: TrialFilter(ids: unfinished, idGreaterThan: maxID))
    let system = try await storage.studySystemAttrs(study: studyID)
    let user = try await storage.studyUserAttrs(study: studyID)
    var dirty = merge(changed)
    let attrsKey = JSONValue.object(system).compactJSON + JSONValue.object(user).compactJSON
    if attrsKey != lastAttrs {
      lastAttrs = attrsKey
      dirty = true
    }
    // Nothing changed: reuse the last snapshot (building one is O(trials)).
    if !dirty, revision > 0, var same = last {
      same.takenAt = now
      return same
    }
    revision += 1
    let snap = StudySnapshot(
      studyID: studyID, studyName: name ?? "", directions: directions, trials: trials,
      systemAttrs: system, userAttrs: user, takenAt: now, revision: revision)
    last = snap
    return snap
  }

  /// Merges changed trials; true when anything differs from the mirror.
  private func merge(_ changed: [FrozenTrial]) -> Bool {
    var dirty = false
    var appended = false
    for t in changed {
      if let i = indexByID[t.id] {
        if trials[i] != t {
          trials[i] = t
          dirty = true
        }
      } else {
        indexByID[t.id] = trials.count
        trials.append(t)
        appended = true
        dirty = true
      }
      if t.state.isFinished { unfinished.remove(t.id) } else { unfinished.insert(t.id) }
      maxID = max(maxID, t.id)
    }
    if appended && zip(trials, trials.dropFirst()).contains(where: { $0.number > $1.number }) {
      trials.sort { $0.number < $1.number }
      indexByID = Dictionary(uniqueKeysWithValues: trials.enumerated().map { ($1.id, $0) })
    }
    return dirty
  }
}
