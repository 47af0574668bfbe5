import Foundation
import HPO
import HPOAnalysis

/// A thread-safe inbox of messages posted by background work (polls, commands, the engine)
/// and drained by the UI loop.
public final class Mailbox: @unchecked Sendable {
  private let lock = NSLock()
  private var messages: [Msg] = []

  public init() {}

  public func post(_ m: Msg) { lock.withLock { messages.append(m) } }

  public func drain() -> [Msg] {
    lock.withLock {
      let m = messages
      messages.removeAll()
      return m
    }
  }

  public var isEmpty: Bool { lock.withLock { messages.isEmpty } }
}

/// Runs everything that touches storage or takes longer than a frame, off the UI thread:
/// polls (one at a time) and the commands `update` emits. Results arrive as `Msg`s.
public final class DashboardController: @unchecked Sendable {
  public let storage: any Storage
  public let studyID: Int64
  public let poller: StudyPoller
  public let mailbox: Mailbox
  /// The shared steering actions (the same writes `hpotop pause/prune/fix…` make).
  public let controls: StudyControls
  /// Stops (true) or restarts (false) new trials in this process's engine: the quit dialog's
  /// drain; returns the trials it still runs. Set by `run`/`demo` before the loop starts; nil in
  /// `watch`.
  public var drainEngine: (@Sendable (Bool) -> Int)?
  private let lock = NSLock()
  private var polling = false
  private var pollAgain = false

  public init(storage: any Storage, studyID: Int64, mailbox: Mailbox, staleCheckInterval: TimeInterval? = 10) {
    self.storage = storage
    self.studyID = studyID
    self.mailbox = mailbox
    self.controls = StudyControls(storage: storage, studyID: studyID)
    self.poller = StudyPoller(storage: storage, studyID: studyID, staleCheckInterval: staleCheckInterval)
  }

  /// Starts a poll unless one is running (then one more follows it).
  public func pollNow() {
    let start = lock.withLock { () -> Bool in
      if polling {
        pollAgain = true
        return false
      }
      polling = true
      return true
    }
    guard start else { return }
    Task.detached { [self] in
      while true {
        var loading = false
        do {
          let snap = try await poller.poll(now: Date())
          mailbox.post(.snapshot(snap))
          // A big study still loading: its next page at once.
          loading = await poller.needsAnotherPoll
        } catch {
          mailbox.post(.commandDone(message: "poll failed: \(error)", isError: true))
        }
        let again = lock.withLock { () -> Bool in
          if pollAgain || loading {
            pollAgain = false
            return true
          }
          polling = false
          return false
        }
        if !again { break }
      }
    }
  }

  /// Polls once and waits for the snapshot (for start-up and tests).
  public func pollOnce() async throws -> StudySnapshot {
    try await poller.poll(now: Date())
  }

  /// Performs a command in the background; its outcome is posted as a message.
  public func perform(_ command: Command) {
    Task.detached { [self] in
      let msg = await execute(command)
      mailbox.post(msg)
      pollNow()
    }
  }

  /// Performs a command and returns the message describing its outcome.
  public func execute(_ command: Command) async -> Msg {
    do {
      switch command {
      case .requestPrune(let id, let number):
        // StudyControls asks the worker first and prunes directly when nobody acts (a Python
        // Optuna worker or a dead one), as optuna-dashboard does.
        let state = try await controls.prune(trialID: id)
        return .commandDone(message: "trial \(number): \(state.rawValue.lowercased())", isError: false)
      case .markFailed(let id, let number):
        try await controls.markFailed(trialID: id)
        return .commandDone(message: "trial \(number) marked failed", isError: false)
      case .setPaused(let p):
        if p { try await controls.pause() } else { try await controls.resume() }
        return .commandDone(message: p ? "study paused: no new trial starts" : "study resumed", isError: false)
      case .fix(let name, let value, let distribution):
        guard let v = ParamValue(json: value) else {
          return .commandDone(message: "cannot fix \(name) to \(value.compactJSON)", isError: true)
        }
        try await controls.fix(name, v, distribution: distribution)
        return .commandDone(message: "fixed \(name) = \(value.compactJSON) for new trials", isError: false)
      case .unfix(let name):
        try await controls.unfix(name)
        return .commandDone(message: "unfixed \(name)", isError: false)
      case .enqueue(let params, let skip):
        let study = try await Study.load(name: try await storage.studyName(id: studyID), storage: storage)
        if let t = try await study.enqueue(params: params, skipIfExists: skip) {
          return .commandDone(message: "enqueued trial \(t.number): \(pythonDictRepr(params))", isError: false)
        }
        return .commandDone(message: "not enqueued: a trial with these params exists", isError: false)
      case .enqueueReruns(let runs):
        let study = try await Study.load(name: try await storage.studyName(id: studyID), storage: storage)
        var numbers: [Int] = []
        for r in runs { if let t = try await study.enqueue(params: r.params, systemAttrs: r.systemAttrs) { numbers.append(t.number) } }
        return .commandDone(message: "enqueued \(numbers.count) re-run(s): trials \(numbers.map(String.init).joined(separator: ", "))", isError: false)
      case .saveNote(let trialID, let number, let text):
        try await TrialNote.save(text, trialID: trialID, study: studyID, storage: storage)
        return .commandDone(message: "note saved on trial \(number)", isError: false)
      case .drain(let on):
        guard let drainEngine else { return .commandDone(message: "no engine runs here", isError: true) }
        let running = drainEngine(on)
        return on ? .drainProgress(running: running) : .commandDone(message: "new trials start again", isError: false)
      case .computeImportance(let kind, let trials, let directions, let completeCount):
        let input = AnalysisInput(trials: trials, directions: directions)
        if kind == .sobol {
          let sobol = ForestSobol().evaluate(ImportanceDataset(input))
          return .importance(ImportanceResult(kind: kind, completeCount: completeCount, info: nil, sobol: sobol))
        }
        let evaluator: ImportanceInfo.Evaluator =
          switch kind {
          case .mdi: .meanDecreaseImpurity(seed: 0)
          case .pedAnova: .pedAnova
          case .fanova, .sobol: .fanova(seed: 0)
          }
        let info = ImportanceInfo(input, evaluator: evaluator)
        return .importance(ImportanceResult(kind: kind, completeCount: completeCount, info: info))
      }
    } catch {
      if case .computeImportance(let kind, _, _, let n) = command {
        return .importance(ImportanceResult(kind: kind, completeCount: n, info: nil, error: "\(error)"))
      }
      return .commandDone(message: "failed: \(error)", isError: true)
    }
  }
}
