import ArgumentParser
import Foundation
import HPO

/// Options shared by `run`, `worker` and `demo`.
struct EngineOptions: ParsableArguments {
  @Option(help: "Storage URL; overrides the study file's (default: <name>.db beside the file).")
  var storage: String?
  @Option(name: [.customLong("workers"), .customShort("j")], help: "Trials to run at once (overrides parallelism).")
  var workers: Int?
  @Option(help: "Study trial budget (overrides n_trials).") var nTrials: Int?
  @Option(help: "Seconds after which no new trial starts (overrides timeout).") var timeout: Double?
  @Flag(help: "Run headless: log lines instead of the dashboard.") var noTui = false
  @Option(help: "Seconds between heartbeats of running trials.") var heartbeatInterval: Double = 5
  @Option(help: "Seconds without a heartbeat before a RUNNING trial is failed as stale (default 4 heartbeats).")
  var staleGrace: Double?
  @Option(help: "Retry a stale trial (a killed worker's) up to this many times, as Optuna's RetryFailedTrialCallback.")
  var maxRetry: Int?
  @Option(help: "GPUs trials run on: 'auto' (every GPU nvidia-smi lists) or indices such as 0,1,2,3 (overrides resources.gpus).")
  var gpus: String?
  @Option(help: "GPUs per trial: a whole number, or 1/n such as 0.5 to share a GPU (overrides resources.gpus_per_trial).")
  var gpusPerTrial: Double?

  func validate() throws {
    if let gpus, GPUResources.parseSelection(gpus).0 == nil { throw ValidationError(GPUResources.parseSelection(gpus).1 ?? "bad --gpus") }
    if let gpusPerTrial, let problem = GPUResources.problem(perTrial: gpusPerTrial) {
      throw ValidationError(problem.replacingOccurrences(of: "gpus_per_trial", with: "--gpus-per-trial"))
    }
    if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
    if let workers, workers > StudySpec.maxParallelism {
      throw ValidationError("--workers must be at most \(StudySpec.maxParallelism) (run several workers for more)")
    }
    if let nTrials, nTrials < 1 { throw ValidationError("--n-trials must be at least 1") }
    if !(heartbeatInterval > 0) { throw ValidationError("--heartbeat-interval must be positive") }
    if let staleGrace, !(staleGrace > heartbeatInterval) {
      throw ValidationError("--stale-grace must be longer than --heartbeat-interval")
    }
  }
}

struct Run: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a study file: the dashboard with the engine inside (headless when not on a terminal).")
  @Argument(help: "The study file (YAML).") var studyFile: String
  @OptionGroup var engine: EngineOptions
  @OptionGroup var tui: TUIOptions

  func run() async throws {
    let spec = try loadSpec(studyFile)
    if wantsTUI(noTui: engine.noTui) {
      if let problem = terminalProblem() {
        printError("note: \(problem); running headless (log lines instead of the dashboard)")
      } else {
        try await runStudyWithDashboard(spec: spec, engine: engine, tui: tui, mode: .run)
        return
      }
    }
    try await runStudy(spec: spec, engine: engine)
  }
}

struct Worker: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run one more headless worker on a study file's storage; any number may cooperate.")
  @Argument(help: "The study file (YAML).") var studyFile: String
  @OptionGroup var engine: EngineOptions

  func run() async throws {
    var options = engine
    options.noTui = true
    try await runStudy(spec: try loadSpec(studyFile), engine: options)
  }
}

extension EngineOptions {
  /// The study file's limits with this command line's heartbeat, grace and retry settings.
  func limits(_ spec: StudySpec) -> OptimizeLimits {
    var limits = spec.limits
    limits.heartbeatInterval = heartbeatInterval
    limits.staleGrace = staleGrace ?? OptimizeLimits.defaultStaleGrace(heartbeatInterval: heartbeatInterval)
    limits.maxRetry = maxRetry
    return limits
  }
}

/// Applies the command line's overrides to a study file, opens its storage and its study: what
/// `run`, `worker` and `demo` start from, with or without the dashboard.
func launch(_ spec: StudySpec, _ engine: EngineOptions) async throws
  -> (StudySpec, any Storage, StudyLauncher, Study)
{
  var spec = spec
  if let n = engine.nTrials { spec.nTrials = n }
  if let t = engine.timeout { spec.timeout = t }
  if let w = engine.workers { spec.parallelism = w }
  if engine.gpus != nil || engine.gpusPerTrial != nil {
    var resources = spec.resources ?? GPUResources()
    if let g = engine.gpus, let selection = GPUResources.parseSelection(g).0 { resources.gpus = selection }
    if let share = engine.gpusPerTrial { resources.perTrial = share }
    spec.resources = resources
  }
  // Trials at once follow the GPUs (their slots) unless the file or the command line says.
  let gpuLeases: GPULeases?
  do {
    gpuLeases = try await spec.resources?.leases()
  } catch let e as TooFewGPUs {
    throw BadInput(spec.error(e.description, at: "resources"))
  }
  if let gpuLeases, engine.workers == nil, spec.positions["parallelism"] == nil { spec.parallelism = gpuLeases.slots }
  let storage = try openStorage(engine.storage ?? spec.storage)
  let launcher: StudyLauncher
  do {
    launcher = try StudyLauncher(spec: spec, storage: storage, gpuLeases: gpuLeases)
  } catch let e as StudyFileError {
    throw BadInput(e)
  }
  // Processes of this study's trials whose supervisor is gone (killed with SIGKILL) are
  // leftovers of a dead predecessor: nothing records their work any more.
  let leftovers = ObjectiveSupervisor.killLeftovers(under: launcher.trialsDirectory)
  if !leftovers.isEmpty {
    printError("[W \(logTimestamp())] Stopped \(leftovers.count) process\(leftovers.count == 1 ? "" : "es") left by an earlier "
      + "worker's trials (pids \(leftovers.map(String.init).joined(separator: ", ")))")
  }
  return (spec, storage, launcher, try await launcher.openStudy())
}

/// Why the terminal cannot show the dashboard (TERM unset, `dumb`, or not in the terminfo
/// database), or nil when it can. `run` then runs headless instead of failing after its trials
/// have started.
func terminalProblem(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
  guard let term = environment["TERM"], !term.isEmpty else { return "TERM is not set" }
  if term == "dumb" { return "TERM=dumb cannot draw the dashboard" }
  // Where ncurses looks for compiled terminal descriptions: `<dir>/<first letter>/<name>`, or
  // `<dir>/<hex of the first letter>/<name>` on some systems.
  var directories: [String] = []
  if let dir = environment["TERMINFO"], !dir.isEmpty { directories.append(dir) }
  if let home = environment["HOME"] { directories.append(home + "/.terminfo") }
  for dir in (environment["TERMINFO_DIRS"] ?? "").split(separator: ":") { directories.append(String(dir)) }
  directories += ["/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo", "/usr/lib/terminfo", "/usr/local/share/terminfo"]
  let first = term.unicodeScalars.first.map { String($0) } ?? ""
  let hex = term.utf8.first.map { String(format: "%02x", $0) } ?? ""
  let known = !term.contains("/") && directories.contains { dir in
    FileManager.default.fileExists(atPath: "\(dir)/\(first)/\(term)") || FileManager.default.fileExists(atPath: "\(dir)/\(hex)/\(term)")
  }
  return known ? nil : "TERM=\(term) is not a terminal this system knows (no terminfo entry)"
}

/// Reads a study file; its errors are bad input (exit 2) with file:line:col.
func loadSpec(_ path: String) throws -> StudySpec {
  do {
    let spec = try StudySpec.loadChecked(path: path)
    for w in spec.warnings { printError(w.description) }
    return spec
  } catch let e as StudyFileError {
    throw BadInput(e)
  }
}

/// Runs a study headless (the dashboard is wired in by the TUI), printing Optuna-style log lines
/// and, on a terminal, a progress bar. Ctrl-C stops the running trials, records them as failed
/// ("interrupted") and queues their params again, then exits 130.
func runStudy(spec: StudySpec, engine: EngineOptions) async throws {
  let (spec, storage, launcher, study) = try await launch(spec, engine)
  let reporter = HeadlessReporter(study: study, total: spec.nTrials, directions: spec.directions)
  printError("[I \(logTimestamp())] Study '\(study.name)' on \(storage.displayURL): sampler \(launcher.sampler.name), "
    + "pruner \(launcher.pruner.name), \(spec.parallelism) at a time" + (spec.nTrials.map { ", budget \($0) trials" } ?? "")
    + (spec.budget.map { ", compute budget \($0.description)" } ?? ""))
  let run = Task {
    try await study.optimize(limits: engine.limits(spec), onEvent: { event in reporter.handle(event) },
                             objective: launcher.objective)
  }
  // SIGINT, SIGTERM and SIGHUP (the SSH session went away) stop the run cleanly: objectives are
  // stopped and running trials recorded and queued again. A second SIGINT/SIGTERM exits at once.
  // A signal ignored at start (`nohup`) stays ignored.
  let interrupted = InterruptFlag()
  let sources = [SIGINT, SIGTERM, SIGHUP].compactMap { sig -> DispatchSourceSignal? in
    let previous = signal(sig, SIG_IGN)
    guard previous.map({ unsafeBitCast($0, to: Int.self) != 1 }) ?? true else { return nil }  // 1: SIG_IGN
    let source = DispatchSource.makeSignalSource(signal: sig, queue: .main)
    source.setEventHandler {
      if interrupted.signal != nil {
        if sig == SIGHUP { return }  // a hang-up can arrive more than once
        printError("Stopping at once: trials still running are left RUNNING until their heartbeat goes stale.")
        Foundation.exit(128 + sig)
      }
      interrupted.set(sig)
      run.cancel()
    }
    source.resume()
    return source
  }
  defer { sources.forEach { $0.cancel() } }
  let result = await run.result
  reporter.finish()
  if let budget = spec.budget, interrupted.signal == nil { try await printBudgetEnd(study, budget) }
  try await printRunSummary(study, interrupted: interrupted)
  if case .failure(let error) = result, !(error is CancellationError) { throw error }
}

/// Prints the end-of-run line (`Study 'x': 20 trials (18 complete, 2 pruned).`) for `run`,
/// `worker` and the dashboard's run; after a signal, says how to resume and exits 128 + signal.
func printRunSummary(_ study: Study, interrupted: InterruptFlag) async throws {
  let trials = try await study.trials()
  let counts = Dictionary(grouping: trials, by: \.state).mapValues(\.count)
  printError("[I \(logTimestamp())] Study '\(study.name)': \(trials.count) trials ("
    + TrialState.allCases.compactMap { s in counts[s].map { "\($0) \(s.rawValue.lowercased())" } }.joined(separator: ", ") + ").")
  if let sig = interrupted.signal {
    printError("Interrupted: running trials were recorded as FAIL (\"interrupted\") and queued again; "
      + "run the same command to resume.")
    Foundation.exit(128 + sig)
  }
}

/// Remembers which signal asked the run to stop.
final class InterruptFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Int32?
  func set(_ s: Int32) { lock.withLock { if value == nil { value = s } } }
  var signal: Int32? { lock.withLock { value } }
}

/// Prints trial log lines, and a progress bar when stderr is a terminal.
final class HeadlessReporter: @unchecked Sendable {
  private let lock = NSLock()
  private let directions: [StudyDirection]
  private let bar: ProgressBar
  private let started = Date()
  private let interactive = isatty(STDERR_FILENO) == 1
  private var done = 0
  private var best: Double?
  private var outputClosed = false
  private var autoChoice: String?

  init(study: Study, total: Int?, directions: [StudyDirection]) {
    self.directions = directions
    self.bar = ProgressBar(total: total)
  }

  func handle(_ event: OptimizeEvent) {
    guard case .finished(let trial, let bestTrials) = event else { return }
    lock.withLock {
      done += 1
      if directions.count == 1 { best = bestTrials.first?.value }
      var line = TrialLogLine.line(for: trial, best: bestTrials, directions: directions)
      if let choice = trial.hpotop.autoSampler, choice != autoChoice {  // what `auto` runs, when it changes
        autoChoice = choice
        line = "[I \(logTimestamp())] auto runs \(choice) from trial \(trial.number).\n" + line
      }
      if let unreadable = trial.systemAttrs[HpotopKey.unreadableReportLines.rawValue]?.objectValue,
        let n = unreadable["count"]?.doubleValue
      {
        line += "\n[W \(logTimestamp())] Trial \(trial.number) printed \(Int(n)) [hpotop] line\(n == 1 ? "" : "s") that could not be read"
          + (unreadable["first"]?.stringValue.map { "; the first: \($0)" } ?? "")
      }
      if interactive {
        write("\r\u{1B}[K" + line + "\n" + bar.render(done: trialCount(trial), elapsed: Date().timeIntervalSince(started), best: best))
      } else {
        write(line + "\n")
      }
    }
  }

  /// Writes to stderr. A closed log output (`hpotop worker … 2>&1 | head -1`: EPIPE, or EIO
  /// from a terminal that hung up) stops the log lines, not the run: trials go on and are
  /// recorded as usual.
  private func write(_ text: String) {
    guard !outputClosed else { return }
    do {
      try FileHandle.standardError.write(contentsOf: Data(text.utf8))
    } catch {
      outputClosed = true
    }
  }

  /// The bar counts the study's trials (its budget is the study's), approximated by the number
  /// of the trial that just finished.
  private func trialCount(_ t: FrozenTrial) -> Int { max(done, t.number + 1) }

  func finish() {
    if interactive { lock.withLock { write("\n") } }
  }
}
