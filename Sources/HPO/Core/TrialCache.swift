import Foundation

/// The in-memory copy of one study's trials, refreshed incrementally as Optuna's
/// `_CachedStorage` does: each refresh loads only trials that are new (id above the largest
/// seen) or were unfinished at the last refresh (`changedFilter`), and `merge` folds them in.
/// `Study` (and so every worker) and the dashboard's `StudyPoller` keep their trials in one.
public struct TrialCache: Sendable {
  /// The trials, by ascending number.
  public private(set) var trials: [FrozenTrial] = []
  /// Each trial's position in `trials`, less `indexBase` (so trials put in front by
  /// `mergeOlder` shift every position without a rewrite of this table).
  private var indexByID: [Int64: Int] = [:]
  private var indexBase = 0
  /// Ids of the trials that were not finished when last loaded.
  public private(set) var unfinishedIDs: Set<Int64> = []
  /// The largest trial id loaded.
  public private(set) var maxID: Int64 = 0
  /// The distribution each param name was first seen with, for compatibility checks.
  public var distributionByName: [String: Distribution] = [:]

  /// The best COMPLETE single-objective trial (non-NaN value), by id: over all such trials, and
  /// over the feasible ones; kept as trials arrive so `bestTrial` does not rescan the study.
  private var bestAllID: Int64?
  private var bestFeasibleID: Int64?
  /// Whether some COMPLETE trial with a non-NaN value carries constraints.
  public private(set) var anyConstrained = false
  /// The direction the best trial is kept for (the first objective's).
  public let bestDirection: StudyDirection
  /// Ids of the trials that are retries (they carry Optuna's `retry_history`).
  private var retryIDs: Set<Int64> = []
  /// The compute-budget usage of the finished trials (a finished trial's usage never changes).
  private var finishedUsage = ComputeBudget.Usage()

  public init(bestDirection: StudyDirection = .minimize) { self.bestDirection = bestDirection }

  /// What the next refresh loads: trials unfinished at the last one, and new ones.
  public var changedFilter: TrialFilter { TrialFilter(ids: unfinishedIDs, idGreaterThan: maxID) }

  /// The trial with this id, if the cache holds it.
  public func trial(id: Int64) -> FrozenTrial? {
    indexByID[id].map { trials[$0 + indexBase] }
  }

  /// The trial with this number, if the cache holds it.
  public func trial(number: Int) -> FrozenTrial? {
    if number >= 0 && number < trials.count && trials[number].number == number { return trials[number] }
    return trials.first { $0.number == number }
  }

  /// The best COMPLETE trial as `Study.bestTrial` defines it (feasible ones first).
  public var bestSingle: FrozenTrial? {
    let id = anyConstrained ? bestFeasibleID : bestAllID
    return id.flatMap { trial(id: $0) }
  }

  /// How many trials are retries (made by re-queueing a failed trial: they carry
  /// `retry_history`), kept as trials arrive.
  public var retryCount: Int { retryIDs.count }

  /// The compute-budget usage of all trials at `now`: the finished ones' sum, kept as trials
  /// arrive, plus the unfinished ones' (few), so it costs what is running, not the study's size.
  public func budgetUsage(now: Date = Date()) -> ComputeBudget.Usage {
    var u = ComputeBudget.usage(of: unfinishedIDs.compactMap { trial(id: $0) }, now: now)
    u.steps += finishedUsage.steps
    u.trialSeconds += finishedUsage.trialSeconds
    return u
  }

  /// Folds in freshly loaded trials; returns whether any trial was added or differs from the
  /// copy held.
  @discardableResult
  public mutating func merge(_ changed: [FrozenTrial]) -> Bool {
    var dirty = false
    var unordered = false
    for t in changed {
      if t.systemAttrs["retry_history"] != nil { retryIDs.insert(t.id) } else { retryIDs.remove(t.id) }
      if let stored = indexByID[t.id] {
        let i = stored + indexBase
        if trials[i] != t {
          if trials[i].state.isFinished { finishedUsage.subtract(ComputeBudget.usage(of: CollectionOfOne(trials[i]))) }
          if t.state.isFinished { finishedUsage.add(ComputeBudget.usage(of: CollectionOfOne(t))) }
          trials[i] = t
          dirty = true
        }
      } else {
        if t.state.isFinished { finishedUsage.add(ComputeBudget.usage(of: CollectionOfOne(t))) }
        if let last = trials.last, last.number > t.number { unordered = true }
        indexByID[t.id] = trials.count - indexBase
        trials.append(t)
        dirty = true
      }
      if t.state.isFinished { unfinishedIDs.remove(t.id) } else { unfinishedIDs.insert(t.id) }
      maxID = max(maxID, t.id)
      for (k, d) in t.distributions where distributionByName[k] == nil { distributionByName[k] = d }
    }
    if unordered {
      trials.sort { $0.number < $1.number }
      indexByID = Dictionary(uniqueKeysWithValues: trials.enumerated().map { ($1.id, $0) })
      indexBase = 0
    }
    for t in changed where t.state == .complete {
      guard let v = t.value, !v.isNaN else { continue }
      if t.constraints != nil { anyConstrained = true }
      if isBetter(t, v, than: bestAllID) { bestAllID = t.id }
      if t.isFeasible && isBetter(t, v, than: bestFeasibleID) { bestFeasibleID = t.id }
    }
    return dirty
  }

  /// Whether `t` (value `v`) beats the trial `id`: a better value, or the same value and an
  /// earlier number (so the earliest trial wins ties, as `Study.best(of:direction:)`).
  private func isBetter(_ t: FrozenTrial, _ v: Double, than id: Int64?) -> Bool {
    guard let id, let b = trial(id: id), let bv = b.value else { return true }
    if bestDirection.isBetter(v, than: bv) { return true }
    return v == bv && t.number < b.number
  }
}

extension TrialCache {
  /// Folds in trials older than every trial held (a reader's newest-first load of a big study):
  /// they go in front, without re-sorting. Trials that are not all older, or already held, go
  /// through `merge` instead. Returns whether anything was added.
  @discardableResult
  public mutating func mergeOlder(_ older: [FrozenTrial]) -> Bool {
    guard !older.isEmpty else { return false }
    // (Fields are read by index: a `for t in older` loop would copy every trial.)
    let sorted = older.indices.dropFirst().allSatisfy { older[$0 - 1].number < older[$0].number }
    guard sorted, let first = trials.first?.number, older[older.count - 1].number < first,
      older.allSatisfy({ indexByID[$0.id] == nil })
    else { return merge(older) }
    // The held trials move up by `older.count`: one change of `indexBase`, not of every entry.
    var combined: [FrozenTrial] = []
    combined.reserveCapacity(older.count + trials.count)
    combined.append(contentsOf: older)
    combined.append(contentsOf: trials)
    trials = combined
    indexBase += older.count
    indexByID.reserveCapacity(trials.count)
    for i in older.indices { indexByID[older[i].id] = i - indexBase }
    for i in older.indices {
      let id = older[i].id
      if !older[i].state.isFinished { unfinishedIDs.insert(id) }
      maxID = max(maxID, id)
      // Most trials have the params of the one before: nothing new to note.
      if i == 0 || older[i].distributions.keys != older[i - 1].distributions.keys {
        for (k, d) in older[i].distributions where distributionByName[k] == nil { distributionByName[k] = d }
      }
      guard older[i].state == .complete, let v = older[i].value, !v.isNaN else { continue }
      if older[i].constraints != nil { anyConstrained = true }
      if isBetter(older[i], v, than: bestAllID) { bestAllID = id }
      if older[i].isFeasible && isBetter(older[i], v, than: bestFeasibleID) { bestFeasibleID = id }
    }
    return true
  }
}
