import Foundation
import HPO

/// Keeps one study's trials in a `TrialCache` and turns each poll into a `StudySnapshot`.
///
/// Each poll loads only trials that are new or were unfinished at the last poll (the cache's
/// `changedFilter`), plus the study's attrs. Now and then it
/// also fails RUNNING trials whose heartbeat is stale, so dead workers' trials turn FAIL.
public actor StudyPoller {
  public nonisolated let storage: any Storage
  public nonisolated let studyID: Int64
  private var name: String?
  private var directions: [StudyDirection] = []
  private var cache = TrialCache()
  private var revision = 0
  private var lastAttrs: String = ""
  private var lastStaleCheck: Date?
  private var last: StudySnapshot?
  private let gpuSource = GPUReadingsSource()
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
    let changed = try await storage.trials(study: studyID, filter: cache.changedFilter)
    let system = try await storage.studySystemAttrs(study: studyID)
    let user = try await storage.studyUserAttrs(study: studyID)
    var dirty = cache.merge(changed)
    let attrsKey = JSONValue.object(system).compactJSON + JSONValue.object(user).compactJSON
    if attrsKey != lastAttrs {
      lastAttrs = attrsKey
      dirty = true
    }
    // Nothing changed: reuse the last snapshot (building one is O(trials)).
    if !dirty, revision > 0, var same = last {
      same.takenAt = now
      same.gpuReadings = await gpuSource.readings(now: now)
      return same
    }
    revision += 1
    var snap = StudySnapshot(
      studyID: studyID, studyName: name ?? "", directions: directions, trials: cache.trials,
      systemAttrs: system, userAttrs: user, takenAt: now, revision: revision)
    snap.gpuReadings = await gpuSource.readings(now: now)
    last = snap
    return snap
  }
}
