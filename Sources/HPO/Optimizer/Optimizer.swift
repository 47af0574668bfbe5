import Foundation

/// An in-process objective: reads params from the trial, may report and prune, returns one
/// value per objective.
public typealias Objective = @Sendable (inout Trial) async throws -> [Double]

/// When an optimization run stops starting new trials.
public struct OptimizeLimits: Sendable {
  /// The study's trial budget: no new trial starts once the study holds this many trials that are
  /// not WAITING (whoever ran them). Resuming a study therefore tops it up to `nTrials`.
  public var nTrials: Int?
  /// Seconds after which no new trial starts.
  public var timeout: TimeInterval?
  /// Trials run at once by this process.
  public var parallelism: Int

  public init(nTrials: Int? = nil, timeout: TimeInterval? = nil, parallelism: Int = 1) {
    self.nTrials = nTrials
    self.timeout = timeout
    self.parallelism = max(1, parallelism)
  }
}

/// Something that happened in a run, for log lines, progress bars and the dashboard.
public enum OptimizeEvent: Sendable {
  case started(FrozenTrial)
  case finished(FrozenTrial, best: [FrozenTrial])
}

extension Study {
  /// Runs the objective until the limits are reached, the sampler is exhausted, or the task is
  /// cancelled. A thrown `TrialPruned` ends the trial PRUNED; any other error (or NaN) ends it
  /// FAIL with the reason in `hpotop:fail_reason`, and the run goes on. While the study system
  /// attr `hpotop:paused` is true, no new trial starts.
  public func optimize(
    limits: OptimizeLimits, onEvent: @escaping @Sendable (OptimizeEvent) -> Void = { _ in },
    objective: @escaping Objective
  ) async throws {
    let deadline = limits.timeout.map { Date().addingTimeInterval($0) }
    let gate = StartGate(limit: limits.nTrials)
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<limits.parallelism {
        group.addTask {
          while !Task.isCancelled {
            if let deadline, Date() >= deadline { return }
            if try await self.isPaused() {
              try await Task.sleep(for: .milliseconds(300))
              continue
            }
            guard try await self.reserveStart(gate) else { return }
            var trial: Trial
            do {
              trial = try await self.ask()
            } catch {
              await gate.release()
              throw error
            }
            await gate.release()
            onEvent(.started(try await self.storage.trial(id: trial.id)))
            let finished = try await self.run(&trial, objective: objective)
            let best = try await self.bestForLog()
            onEvent(.finished(finished, best: best))
          }
        }
      }
      try await group.waitForAll()
    }
  }

  /// Runs the objective on one asked trial and tells the outcome.
  public func run(_ trial: inout Trial, objective: Objective) async throws -> FrozenTrial {
    do {
      let values = try await objective(&trial)
      return try await tell(trialID: trial.id, values: values, state: .complete)
    } catch let pruned as TrialPruned {
      _ = pruned
      return try await tell(trialID: trial.id, state: .pruned)
    } catch is CancellationError {
      // Interrupted trials are failed with a reason, never left RUNNING.
      return try await tell(trialID: trial.id, state: .fail, failReason: "interrupted")
    } catch let error as StorageError where error.kind == .trialFinished {
      // Someone else finished the trial (a user marked it failed); keep what they wrote.
      return try await storage.trial(id: trial.id)
    } catch {
      return try await tell(trialID: trial.id, state: .fail, failReason: String(describing: error))
    }
  }

  /// Whether the study is paused (study system attr `hpotop:paused` = true).
  public func isPaused() async throws -> Bool {
    try await storage.studySystemAttrs(study: id)["hpotop:paused"]?.boolValue ?? false
  }

  /// Reserves a trial start against the study budget and the sampler; false when the run is done.
  func reserveStart(_ gate: StartGate) async throws -> Bool {
    try await refresh()
    let context = samplingContext()
    if sampler.isExhausted(context) { return false }
    let counted = context.trials.filter { $0.state != .waiting }.count
    let hasWaiting = context.trials.contains { $0.state == .waiting }
    return await gate.reserve(counted: counted, hasWaiting: hasWaiting)
  }

  /// The best trial(s) for log lines: the best trial, or the Pareto front.
  func bestForLog() async throws -> [FrozenTrial] {
    if isMultiObjective { return try await bestTrials() }
    return try await bestTrial().map { [$0] } ?? []
  }
}

/// Counts trials being started by this process so parallel workers do not overshoot the budget.
actor StartGate {
  let limit: Int?
  private var starting = 0

  init(limit: Int?) { self.limit = limit }

  func reserve(counted: Int, hasWaiting: Bool) -> Bool {
    if let limit, counted + starting >= limit { return false }
    starting += 1
    return true
  }

  func release() { starting -= 1 }
}
