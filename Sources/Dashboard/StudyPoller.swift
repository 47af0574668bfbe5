import Foundation
import HPO
import OrderedCollections

/// Keeps one study's trials in a `TrialCache` and turns each poll into a `StudySnapshot`.
///
/// Each poll loads only trials that are new or were unfinished at the last poll (the cache's
/// `changedFilter`), plus the study's attrs. Now and then it
/// also fails RUNNING trials whose heartbeat is stale, so dead workers' trials turn FAIL.
///
/// A big study loads newest first: the first poll reads the newest `firstPage` trials, and each
/// later poll one more page of older ones (doubling, at most `largestPage`), so the first
/// screen has rows at once. Until the last page is in, snapshots carry `loading` (their counts
/// cover the loaded trials only) and `needsAnotherPoll` is true.
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
  /// Trials the first poll of a big study loads (the newest).
  public var firstPage: Int
  /// The most trials one later page loads (pages double up to it).
  public var largestPage: Int
  /// Ids of older trials not loaded yet, ascending (the newest-first load's backlog).
  private var pendingIDs: [Int64] = []
  private var started = false
  /// Each param name with its distribution, keyed by the first trial (number, then position
  /// among its params) that has it: the snapshot's `distributions` without a scan of every trial.
  private var firstSeen: [String: (number: Int, position: Int, distribution: Distribution)] = [:]
  private var distributions = OrderedDictionary<String, Distribution>()

  /// Whether the study is still loading: poll again at once rather than after the interval.
  public var needsAnotherPoll: Bool { !pendingIDs.isEmpty }

  public init(
    storage: any Storage, studyID: Int64, staleCheckInterval: TimeInterval? = 10,
    staleGrace: TimeInterval = 60, firstPage: Int = 2000, largestPage: Int = 500_000
  ) {
    self.storage = storage
    self.studyID = studyID
    self.staleCheckInterval = staleCheckInterval
    self.staleGrace = staleGrace
    self.firstPage = max(1, firstPage)
    self.largestPage = max(1, largestPage)
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
    var changed: [FrozenTrial]
    var dirty = false
    if !started {
      started = true
      // A big study: only the newest page now, the older trials in later polls.
      if let ids = try await storage.trialIDs(study: studyID), ids.count > firstPage {
        pendingIDs = Array(ids.dropLast(firstPage))
        changed = try await storage.trials(study: studyID, filter: TrialFilter(idGreaterThan: pendingIDs.last))
      } else {
        changed = try await storage.trials(study: studyID, filter: cache.changedFilter)
      }
      dirty = cache.merge(changed)
      noteDistributions(changed)
    } else {
      changed = try await storage.trials(study: studyID, filter: cache.changedFilter)
      dirty = cache.merge(changed)
      noteDistributions(changed)
      if !pendingIDs.isEmpty {
        let n = min(pendingIDs.count, largestPage, max(firstPage, cache.trials.count))
        let page = try await storage.trials(study: studyID, filter: TrialFilter(ids: Set(pendingIDs.suffix(n))))
        pendingIDs.removeLast(n)
        dirty = cache.mergeOlder(page) || dirty
        noteDistributions(page)
        if pendingIDs.isEmpty { dirty = true }  // the snapshot loses its `loading` mark
      }
    }
    let system = try await storage.studySystemAttrs(study: studyID)
    let user = try await storage.studyUserAttrs(study: studyID)
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
      systemAttrs: system, userAttrs: user, takenAt: now, revision: revision, distributions: distributions)
    snap.gpuReadings = await gpuSource.readings(now: now)
    if !pendingIDs.isEmpty {
      snap.loading = LoadProgress(loaded: cache.trials.count, total: cache.trials.count + pendingIDs.count)
    } else {
      // Here, not on the UI thread: a pass over every trial (tenths of a second at a million).
      snap.analysis = SnapshotAnalysis(snap)
    }
    last = snap
    return snap
  }

  /// Folds the param names of loaded trials into `distributions` (first-seen order: by the
  /// first trial that has the name, then its place among that trial's params).
  private func noteDistributions(_ trials: [FrozenTrial]) {
    var moved = false
    for i in trials.indices {
      // Trials come by number: one with the params of the one before adds nothing.
      if i > 0, trials[i].distributions.keys == trials[i - 1].distributions.keys { continue }
      let number = trials[i].number
      for (position, (name, d)) in trials[i].distributions.enumerated() {
        if let seen = firstSeen[name], (seen.number, seen.position) <= (number, position) { continue }
        firstSeen[name] = (number, position, d)
        moved = true
      }
    }
    guard moved else { return }
    let order = firstSeen.sorted { ($0.value.number, $0.value.position, $0.key) < ($1.value.number, $1.value.position, $1.key) }
    distributions = OrderedDictionary(uniqueKeysWithValues: order.map { ($0.key, $0.value.distribution) })
  }
}
