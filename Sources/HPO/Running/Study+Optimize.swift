import Foundation

/// An in-process objective: reads params from the trial, may report and prune, returns one
/// value per objective.
public typealias Objective = @Sendable (inout Trial) async throws -> [Double]

/// When an optimization run stops starting new trials.
public struct OptimizeLimits: Sendable {
  /// The study's trial budget: the sampler starts no new trial once the study holds this many
  /// trials that are not WAITING (whoever ran them), a retry counting in place of the failed
  /// trial it replaces (see `retryCount`). Resuming a study therefore tops it up to `nTrials`.
  /// Trials enqueued by hand still run after the budget is used up.
  public var nTrials: Int?
  /// Seconds after which no new trial starts.
  public var timeout: TimeInterval?
  /// Trials run at once by this process.
  public var parallelism: Int
  /// Seconds between heartbeats of a running trial (Optuna's `heartbeat_interval`).
  public var heartbeatInterval: TimeInterval
  /// Seconds without a heartbeat after which a RUNNING trial is failed as "stale"
  /// (Optuna's `grace_period`).
  public var staleGrace: TimeInterval
  /// How often a stale trial is retried as a new WAITING trial with the same params, as Optuna's
  /// `RetryFailedTrialCallback(max_retry:)` does; `nil` for never. Trials failed by an
  /// interruption (Ctrl-C) are always re-queued once so a resumed run retries them first.
  public var maxRetry: Int?
  /// Closed: start no new trial here, finish the running ones (nil: always open).
  public var gate: TrialGate?
  /// The study's compute budget (`budget:`): no new trial starts once its usage, counted from
  /// storage over every worker's trials, reaches it (nil: none).
  public var budget: ComputeBudget?

  public init(
    nTrials: Int? = nil, timeout: TimeInterval? = nil, parallelism: Int = 1, heartbeatInterval: TimeInterval = 5,
    staleGrace: TimeInterval? = nil, maxRetry: Int? = nil
  ) {
    self.nTrials = nTrials
    self.timeout = timeout
    self.parallelism = max(1, parallelism)
    self.heartbeatInterval = heartbeatInterval
    self.staleGrace = staleGrace ?? Self.defaultStaleGrace(heartbeatInterval: heartbeatInterval)
    self.maxRetry = maxRetry
  }

  /// The stale grace when none is given: four heartbeats.
  public static func defaultStaleGrace(heartbeatInterval: TimeInterval) -> TimeInterval { heartbeatInterval * 4 }
}

/// Something that happened in a run, for log lines, progress bars and the dashboard.
public enum OptimizeEvent: Sendable {
  case started(FrozenTrial)
  case finished(FrozenTrial, best: [FrozenTrial])
}

extension Study {
  /// Runs the objective until the limits are reached, the sampler is exhausted, or the task is
  /// cancelled. A thrown `TrialPruned` ends the trial PRUNED; any other error (or NaN) ends it
  /// FAIL with its reason (`HpotopAttrs.failReason`), and the run goes on. While the study is
  /// paused (`HpotopAttrs.isPaused`), no new trial starts.
  public func optimize(
    limits: OptimizeLimits, onEvent: @escaping @Sendable (OptimizeEvent) -> Void = { _ in },
    objective: @escaping Objective
  ) async throws {
    let deadline = limits.timeout.map { Date().addingTimeInterval($0) }
    let ownTrials = TrialIDSet()
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<limits.parallelism {
        group.addTask {
          var lingerDeadline = Date.distantFuture
          var lingerWait = min(0.05, limits.heartbeatInterval)
          // Whether the trial cache was refreshed by this worker's last tell (nothing to reload).
          var refreshed = false
          while !Task.isCancelled {
            if let deadline, Date() >= deadline { return }
            // The gate counts this worker as busy from here to the end of the iteration, so a
            // drain never sees 0 while a trial is being asked.
            if let gate = limits.gate, !gate.enter() {
              refreshed = false
              try await Task.sleep(for: .milliseconds(200))
              continue
            }
            defer { limits.gate?.leave() }
            try await self.recoverStaleTrials(limits: limits)
            // One read of the study's hpotop attrs per trial: the pause here, the fixed params in `ask`.
            let studyState = try await self.storage.hpotopState(study: self.id)
            if studyState.isPaused {
              refreshed = false
              try await Task.sleep(for: .milliseconds(300))
              continue
            }
            if !refreshed { try await self.refresh() }
            refreshed = false
            guard await self.samplerHasMore() else { return }
            if await self.samplerIsWaiting() {  // PBT: every member with steps left is training
              try await Task.sleep(for: .milliseconds(200))
              continue
            }
            if let budget = limits.budget, budget.isSpent(await self.computeBudgetUsage()) { return }
            guard var trial = try await self.ask(
              budget: await self.budgetCountingRetriesOnce(limits.nTrials), heartbeat: true, studyState: studyState)
            else {
              if lingerDeadline == .distantFuture {
                lingerDeadline = Date().addingTimeInterval(limits.staleGrace + 2 * limits.heartbeatInterval)
              }
              // The budget is used up. While other processes still run trials, stay to fail them
              // if their worker dies, and to run their retries; the trials this run holds end
              // with their own workers. Bounded: a trial whose worker died before its first
              // heartbeat never turns stale. The wait grows from 50 ms to a heartbeat interval,
              // so a run ends soon after the last trial elsewhere does.
              guard try await self.hasRunningTrials(except: ownTrials.ids), Date() < lingerDeadline else { return }
              try await Task.sleep(for: .milliseconds(Int64(lingerWait * 1000)))
              lingerWait = min(lingerWait * 2, limits.heartbeatInterval)
              continue
            }
            lingerDeadline = .distantFuture  // a retry ran: the next wait for stale trials starts afresh
            lingerWait = min(0.05, limits.heartbeatInterval)
            ownTrials.insert(trial.id)
            defer { ownTrials.remove(trial.id) }
            if let started = await self.runningTrial(id: trial.id) { onEvent(.started(started)) }
            // `startTrial` wrote the first heartbeat; the next one is due an interval later.
            let heartbeat = Task { [storage = self.storage, id = trial.id] in
              while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int64(limits.heartbeatInterval * 1000)))
                if Task.isCancelled { break }
                try? await storage.recordHeartbeat(trial: id)
              }
            }
            defer { heartbeat.cancel() }
            let finished = try await self.run(&trial, objective: objective)
            refreshed = true  // `tell` refreshed the cache after writing the outcome
            let best = await self.bestForLog()
            onEvent(.finished(finished, best: best))
          }
        }
      }
      try await group.waitForAll()
    }
  }

  /// Runs the objective on one asked trial and tells the outcome.
  public func run(_ trial: inout Trial, objective: Objective) async throws -> FrozenTrial {
    let outcome: TrialOutcome
    do {
      outcome = .values(try await objective(&trial))
    } catch let pruned as TrialPruned {
      outcome = .pruned(pruned.message)
    } catch let error as StorageError where error.kind == .trialFinished {
      outcome = .finishedElsewhere
    } catch {
      outcome = Task.isCancelled || error is CancellationError ? .interrupted : .failed(String(describing: error))
    }
    // The outcome is written from a fresh task: storage calls made from a cancelled task (Ctrl-C)
    // are cancelled themselves, and a trial must never be left RUNNING.
    let id = trial.id
    return try await Task { try await self.record(outcome, trialID: id) }.value
  }

  /// How an objective ended, before it is written.
  enum TrialOutcome: Sendable {
    case values([Double])
    case pruned(String)
    case failed(String)
    /// Ctrl-C or cancellation: failed as "interrupted" and queued again, so that a resumed run
    /// retries the same params first.
    case interrupted
    /// Someone else finished the trial (a user marked it failed): what they wrote stays.
    case finishedElsewhere
  }

  private func record(_ outcome: TrialOutcome, trialID: Int64) async throws -> FrozenTrial {
    switch outcome {
    case .values(let values):
      return try await tell(trialID: trialID, values: values, state: .complete)
    case .pruned(let message):
      let current = try await storage.trial(id: trialID)
      let reason = current.hpotop.pruneReason ?? HpotopAttrs.pruneReason(
        requestedByUser: current.hpotop.pruneRequested, message: message, prunerName: pruner.name,
        step: current.lastStep)
      return try await finish(trialID: trialID, values: nil, state: .pruned, failReason: nil, pruneReason: reason)
    case .failed(let reason):
      return try await tell(trialID: trialID, state: .fail, failReason: reason)
    case .interrupted:
      let failed = try await tell(trialID: trialID, state: .fail, failReason: "interrupted")
      try await requeue(failed)
      return failed
    case .finishedElsewhere:
      return try await storage.trial(id: trialID)
    }
  }


  /// Fails RUNNING trials whose heartbeat stopped (a killed worker), at most once per heartbeat
  /// interval, and re-queues them when retries are on.
  func recoverStaleTrials(limits: OptimizeLimits) async throws {
    let now = Date()
    if let last = lastStaleCheck, now.timeIntervalSince(last) < limits.heartbeatInterval { return }
    lastStaleCheck = now
    let failed = try await storage.failStaleTrials(study: id, grace: limits.staleGrace)
    guard let maxRetry = limits.maxRetry else { return }
    for trialID in failed {
      let t = try await storage.trial(id: trialID)
      if (t.systemAttrs["retry_history"]?.arrayValue?.count ?? 0) < maxRetry { try await requeue(t) }
    }
  }

  /// Queues a failed trial's params again as a WAITING trial, with Optuna's
  /// `RetryFailedTrialCallback` attrs (`failed_trial`: the first failed number, `retry_history`).
  func requeue(_ failed: FrozenTrial) async throws {
    guard !failed.params.isEmpty else { return }
    // PBT trains a failed segment again itself, from the same checkpoint (PBTSampler.plan).
    guard failed.hpotop.pbtSegment == nil else { return }
    let history = (failed.systemAttrs["retry_history"]?.arrayValue ?? []) + [.int(failed.number)]
    let first = failed.systemAttrs["failed_trial"] ?? .int(failed.number)
    var system = failed.systemAttrs.filter { !HpotopAttrs.isHpotopKey($0.key) && $0.key != "grid_id" }
    system["failed_trial"] = first
    system["retry_history"] = .array(history)
    system.hpotop.seed = failed.hpotop.seed  // a retried re-run keeps its seed
    let template = FrozenTrial(
      id: 0, number: 0, state: .waiting, params: failed.params, distributions: failed.distributions,
      userAttrs: failed.userAttrs, systemAttrs: system)
    _ = try await storage.createTrial(study: id, template: template)
  }

  /// Whether the study is paused (`HpotopAttrs.isPaused`).
  public func isPaused() async throws -> Bool {
    try await storage.hpotopState(study: id).isPaused
  }

  /// Whether any trial of the study other than `except` is RUNNING (in any process).
  func hasRunningTrials(except: Set<Int64> = []) async throws -> Bool {
    try await refresh()
    return mirror.unfinishedIDs.contains { !except.contains($0) && mirror.trial(id: $0)?.state == .running }
  }

  /// False once the sampler has nothing left to propose (a used-up grid), as of the last refresh.
  func samplerHasMore() -> Bool {
    !sampler.isExhausted(samplingContext())
  }

  /// Whether the sampler waits for a running trial before it can propose (as of the last refresh).
  func samplerIsWaiting() -> Bool { sampler.isWaiting(samplingContext()) }

  /// The best trial(s) for log lines, as of the last refresh: the best trial, or the Pareto front.
  func bestForLog() -> [FrozenTrial] {
    if isMultiObjective { return paretoFront(of: mirror.trials) }
    return mirror.bestSingle.map { [$0] } ?? []
  }
}

/// The ids of the trials one `optimize` call runs now, shared by its workers.
final class TrialIDSet: @unchecked Sendable {
  private let lock = NSLock()
  private var set: Set<Int64> = []

  func insert(_ id: Int64) { _ = lock.withLock { set.insert(id) } }
  func remove(_ id: Int64) { _ = lock.withLock { set.remove(id) } }
  var ids: Set<Int64> { lock.withLock { set } }
}
