import CProcessSupervisor
import Foundation
import OrderedCollections
import Subprocess
import SystemPackage

#if canImport(Glibc)
  import Glibc
#endif

extension CommandObjective {
  /// Runs the program for one trial whose params are already suggested, and returns its
  /// objective values. Intermediate reports go to the study as they arrive, and the pruner is
  /// asked after each one. The program runs under the objective supervisor (`hpotop
  /// __supervise`), which no process of the trial outlives. A prune (pruner or user), a timeout
  /// or a cancellation stops it: SIGTERM to its process group, then SIGKILL to every process of
  /// the trial after `killGrace`.
  ///
  /// A trial FAILs (a `RunnerError` is thrown) on a non-zero exit, a signal, a timeout, a
  /// missing value, or a log that cannot be written (a full disk); the reason and the tail of
  /// stderr are kept in system attrs. If the program exits 0 without a final value, its last
  /// intermediate value counts.
  public func run(_ trial: Trial, params: OrderedDictionary<String, ParamValue>) async throws -> [Double] {
    let dir = (trialsDirectory as NSString).appendingPathComponent(String(trial.number))
    var gpu: GPUTrialSession?
    if let gpuLeases { gpu = try await GPUTrialSession.start(gpuLeases, trial: trial, sampleInterval: gpuSampleInterval) }
    do {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    } catch {
      throw RunnerError(argv: argv, reason: "cannot create the trial folder \(dir): \(Self.reason(error))", exitCode: nil, stderrTail: "")
    }
    try? await trial.study.setSystemAttr(trialID: trial.id, key: HpotopKey.trialDirectory.rawValue, value: .string(dir))
    let paramsJSON = JSONValue.object(OrderedDictionary(uniqueKeysWithValues: params.map { ($0.key, $0.value.json) }))
    do {
      let file = try FileDescriptor.open(
        FilePath(dir + "/params.json"), .writeOnly, options: [.create, .truncate, .closeOnExec],
        permissions: [.ownerReadWrite, .groupRead, .otherRead])
      try file.closeAfter { _ = try file.writeAll(Array((paramsJSON.pythonJSON + "\n").utf8)) }
    } catch {
      throw RunnerError(argv: argv, reason: "cannot write params.json: \(Self.reason(error))", exitCode: nil, stderrTail: "")
    }
    // The checkpoint protocol (HPOTOP_CHECKPOINT_DIR, HPOTOP_RESTORE_FROM; see TrialCheckpoint).
    let checkpoint: TrialCheckpoint
    do {
      checkpoint = try TrialCheckpoint.prepare(try await trial.study.storage.trial(id: trial.id), trialsDirectory: trialsDirectory)
    } catch let failure as TrialCheckpoint.Failure {
      throw RunnerError(argv: argv, reason: failure.description, exitCode: nil, stderrTail: "")
    }
    let stdoutLog = try TrialLogWriter(path: dir + "/stdout.log", limit: logLimit, argv: argv)
    let stderrLog = try TrialLogWriter(path: dir + "/stderr.log", limit: logLimit, argv: argv)
    defer {
      try? stdoutLog.file.close()
      try? stderrLog.file.close()
    }

    let args = arguments(params: params, trialNumber: trial.number, trialDir: dir, studyName: trial.study.name)
    guard let program = args.first, !program.isEmpty else {
      throw RunnerError(argv: argv, reason: "the command is empty", exitCode: nil, stderrTail: "")
    }
    var env: [Environment.Key: String] = [
      "HPOTOP_TRIAL_NUMBER": String(trial.number),
      "HPOTOP_TRIAL_DIR": dir,
      "HPOTOP_PARAMS": paramsJSON.pythonJSON,
      "HPOTOP_STUDY_NAME": trial.study.name,
      "PYTHONUNBUFFERED": "1",
    ]
    // A seed re-run (`hpotop rerun`) gets its seed; the objective's own env may still set one.
    // The study knows the trial it started (attrs included); storage is read only for one it did not.
    let known: FrozenTrial?
    if let running = await trial.study.runningTrial(id: trial.id) { known = running } else {
      known = try? await trial.study.storage.trial(id: trial.id)
    }
    if let seed = known?.hpotop.seed { env["HPOTOP_SEED"] = String(seed) }
    for (k, v) in checkpoint.environment { env[Environment.Key(stringLiteral: k)] = v }
    for (k, v) in gpu?.environment ?? [:] { env[Environment.Key(stringLiteral: k)] = v }
    for (k, v) in environment { env[Environment.Key(stringLiteral: k)] = v }
    if !pythonPathFiles.isEmpty {
      let folder = dir + "/python"
      do {
        for (file, text) in pythonPathFiles {
          let target = (folder as NSString).appendingPathComponent(file)
          try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
          try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        }
      } catch {
        throw RunnerError(argv: argv, reason: "cannot write \(folder): \(Self.reason(error))", exitCode: nil, stderrTail: "")
      }
      let inherited = environment["PYTHONPATH"] ?? ProcessInfo.processInfo.environment["PYTHONPATH"] ?? ""
      env["PYTHONPATH"] = inherited.isEmpty ? folder : folder + ":" + inherited
    }
    guard let path = Self.resolve(program, environment: environment, cwd: workingDirectory) else {
      throw RunnerError(argv: args, reason: "cannot start \(program): not found on PATH", exitCode: nil, stderrTail: "")
    }
    // The supervisor's lifeline: it reads the other end as its stdin, and end of file there (this
    // process is gone, even by SIGKILL) makes it kill the trial's processes. Close-on-exec, so
    // no other child holds it open.
    var lifeline: [Int32] = [-1, -1]
    guard hpo_pipe_cloexec(&lifeline) == 0 else {
      throw RunnerError(argv: args, reason: "cannot create a pipe: \(String(cString: strerror(errno)))", exitCode: nil, stderrTail: "")
    }
    defer { close(lifeline[1]) }
    var options = PlatformOptions()
    options.processGroupID = 0  // away from the terminal's Ctrl-C: the worker decides when to stop
    // The supervisor turns SIGTERM into SIGTERM, grace, SIGKILL for the trial's processes; the
    // SIGKILL here only ends a supervisor that did not finish by then.
    let graceMS = Int(killGrace * 1000)
    let stopSequence: [TeardownStep] = [
      .send(signal: .terminate, toProcessGroup: false, allowedDurationToNextStep: .milliseconds(Int64(graceMS + 3000))),
      .send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .seconds(1)),
    ]
    options.teardownSequence = stopSequence
    let configuration = Configuration(
      executable: .path(FilePath(supervisorExecutable)),
      arguments: Arguments(ObjectiveSupervisor.arguments(graceMilliseconds: graceMS, path: path, argv: args)),
      environment: .inherit.updating(env),
      workingDirectory: workingDirectory.map { FilePath($0) }, platformOptions: options)

    let monitor = RunMonitor(metricNames: metricNames, constraintNames: constraintNames)
    let poll = pollInterval, limit = timeout
    let started = Date()
    let result: ExecutionResult<Void, SequenceOutput, SequenceOutput>
    do {
      result = try await Subprocess.run(
        configuration, input: .fileDescriptor(FileDescriptor(rawValue: lifeline[0]), closeAfterSpawningProcess: true),
        output: .sequence, error: .sequence
      ) { execution in
        await withTaskGroup(of: Void.self) { group in
          group.addTask {  // watchdog: timeout, user prune requests, cancellation, unwritable logs
            var lastPoll = Date()
            while true {
              // The readers cancel the group when both streams end: finished wins over cancelled.
              if await monitor.finished { return }
              if Task.isCancelled { await monitor.stop(.interrupted) }
              if await monitor.stopReason != nil { break }
              if let limit, Date().timeIntervalSince(started) > limit { await monitor.stop(.timeout); break }
              if Date().timeIntervalSince(lastPoll) >= poll {
                lastPoll = Date()
                if (try? await trial.shouldPrune()) == true { await monitor.stop(.pruned); break }
              }
              try? await Task.sleep(for: .milliseconds(100))
            }
            await execution.teardown(using: stopSequence)
          }
          group.addTask {  // stdout: log every byte (up to the limit), act on [hpotop] lines
            var log = stdoutLog
            var splitter = LineSplitter(maxLine: 64 * 1024)
            do {
              for try await chunk in execution.standardOutput {
                let bytes = chunk.withUnsafeBytes { Array($0) }
                if let failure = log.write(bytes) { await monitor.stop(.logUnwritable(failure)) }
                for line in splitter.push(bytes) { await monitor.handle(line, trial: trial) }
              }
            } catch {
              // The pipe broke (the process was killed): what was read is kept.
            }
            if let last = splitter.finish() { await monitor.handle(last, trial: trial) }
            await monitor.markStreamEnded()
          }
          group.addTask {  // stderr: log every byte (up to the limit), keep the tail
            var log = stderrLog
            var tail: [UInt8] = []
            do {
              for try await chunk in execution.standardError {
                let bytes = chunk.withUnsafeBytes { Array($0) }
                if let failure = log.write(bytes) { await monitor.stop(.logUnwritable(failure)) }
                tail.append(contentsOf: bytes)
                if tail.count > 4096 { tail.removeFirst(tail.count - 2048) }
              }
            } catch {
              // As for stdout.
            }
            await monitor.setStderrTail(String(decoding: tail.suffix(2048), as: UTF8.self))
            await monitor.markStreamEnded()
          }
          // When both streams end, wake the watchdog from its sleep instead of waiting up to
          // 100 ms (that wait capped a worker at ~10 trials/s).
          for await _ in group {
            if await monitor.finished, await monitor.stopReason == nil { group.cancelAll() }
          }
        }
      }
    } catch {
      if Task.isCancelled || error is CancellationError { throw CancellationError() }
      throw RunnerError(argv: args, reason: "cannot start \(program): \(error)", exitCode: nil, stderrTail: "")
    }
    let tail = await monitor.stderrTail.trimmingCharacters(in: .whitespacesAndNewlines)
    let gpuReadings = await gpu?.finish(trial: trial) ?? [:]
    let outOfMemory = GPUOutOfMemory.find(in: tail, gpus: gpu?.lease.gpus ?? [], readings: gpuReadings)
    if !tail.isEmpty { try? await trial.study.setSystemAttr(trialID: trial.id, key: HpotopKey.stderrTail.rawValue, value: .string(tail)) }
    let unreadable = await monitor.unreadableLines
    if unreadable.count > 0 {
      try? await trial.study.setSystemAttr(
        trialID: trial.id, key: HpotopKey.unreadableReportLines.rawValue,
        value: .object(["count": .int(unreadable.count), "first": .string(unreadable.first ?? "")]))
    }

    switch await monitor.stopReason {
    case .pruned?:
      // The reason is written with the PRUNED state when the trial is told (Study.record).
      let current = try? await trial.study.storage.trial(id: trial.id)
      throw TrialPruned(HpotopAttrs.pruneReason(
        requestedByUser: current?.hpotop.pruneRequested ?? false, prunerName: await trial.study.pruner.name,
        step: current?.lastStep))
    case .timeout?:
      throw RunnerError(argv: args, reason: "timed out after \(formatNumber(limit ?? 0)) s", exitCode: nil, stderrTail: tail)
    case .logUnwritable(let failure)?:
      throw RunnerError(argv: args, reason: failure, exitCode: nil, stderrTail: tail)
    case .interrupted?:
      throw CancellationError()
    case nil:
      break
    }
    switch result.terminationStatus {
    case .exited(0):
      if let stop = checkpoint.stopStep, let last = await monitor.lastStep, last > stop {
        throw RunnerError(argv: args, reason: "reported step \(last) past HPOTOP_STOP_STEP=\(stop): a PBT segment must save its checkpoint and exit at that step",
                          exitCode: 0, stderrTail: tail)
      }
      if !constraintNames.isEmpty {
        let constraints = await monitor.values(of: constraintNames)
        guard let constraints else {
          throw RunnerError(argv: args, reason: Self.missingReportReason(
                              constraintNames, constraints: true, unprefixed: await monitor.unprefixedMetricLine),
                            exitCode: 0, stderrTail: tail)
        }
        try await trial.setConstraints(constraints)
      }
      if let values = await monitor.finalValues() { return values }
      throw RunnerError(argv: args, reason: Self.missingReportReason(
                          metricNames, unprefixed: await monitor.unprefixedMetricLine),
                        exitCode: 0, stderrTail: tail)
    case .exited(127) where tail.hasPrefix("hpotop: cannot start"):
      // The supervisor could not execute the program (its message is the stderr).
      throw RunnerError(argv: args, reason: String(tail.dropFirst("hpotop: ".count)), exitCode: 127, stderrTail: "")
    case .exited(let code):
      throw RunnerError(argv: args, reason: outOfMemory?.reason ?? "exited with code \(code)", exitCode: code,
                        stderrTail: outOfMemory == nil ? tail : "")  // the OOM reason is one line; the tail has its own attr
    case .signaled(let signal):
      throw RunnerError(argv: args, reason: outOfMemory?.reason ?? "killed by signal \(signal)\(Self.signalName(signal))", exitCode: nil,
                        stderrTail: outOfMemory == nil ? tail : "")
    }
  }

  /// The file a program name runs: itself when it contains a `/` (relative to the working
  /// directory), else the first executable file of that name on `PATH` (the objective's own
  /// `PATH` when its `env` sets one).
  static func resolve(_ program: String, environment: [String: String], cwd: String?) -> String? {
    if program.contains("/") { return program }
    let searchPath = environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    let base = cwd ?? FileManager.default.currentDirectoryPath
    for entry in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
      let directory = entry.isEmpty ? "." : String(entry)
      let candidate = directory.hasPrefix("/") ? directory + "/" + program : (base as NSString).appendingPathComponent(directory + "/" + program)
      var isDirectory: ObjCBool = false
      if access(candidate, X_OK) == 0, FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory),
        !isDirectory.boolValue
      {
        return candidate
      }
    }
    return nil
  }

  /// An error's reason in words (`No space left on device`), without Foundation's domain noise.
  static func reason(_ error: Error) -> String {
    if let errno = error as? Errno { return String(cString: strerror(errno.rawValue)) }
    let ns = error as NSError
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
      return String(cString: strerror(Int32(underlying.code)))
    }
    if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
    return ns.localizedDescription
  }

  /// Why a trial that exited 0 failed: the metrics it did not report, and how to report them,
  /// naming the line that looks like a report without its `[hpotop]` prefix when there was one.
  static func missingReportReason(_ names: [String], constraints: Bool = false, unprefixed: String?) -> String {
    let what = (constraints ? "the constraints " : "") + names.joined(separator: ", ")
    let example = "\(MetricLine.prefix) " + names.map { "\($0)=<value>" }.joined(separator: " ")
    if let unprefixed {
      return "exited 0 without reporting \(what): it printed '\(unprefixed)', which lacks the "
        + "'\(MetricLine.prefix) ' prefix of a report line ('\(example)')"
    }
    return "exited 0 without reporting \(what) (a report is a stdout line '\(example)')"
  }

  static func signalName(_ s: Int32) -> String {
    let names: [Int32: String] = [SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT",
                                  SIGINT: "SIGINT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGILL: "SIGILL"]
    return names[s].map { " (\($0))" } ?? ""
  }
}

/// Why the runner stopped a process before it ended by itself.
enum StopReason: Sendable {
  case pruned, timeout, interrupted
  /// A log file could not be written (a full disk, an I/O error): the reason.
  case logUnwritable(String)
}

/// What the runner learns from one trial's stdout while the process runs.
actor RunMonitor {
  let metricNames: [String]
  private(set) var stopReason: StopReason?
  private var endedStreams = 0
  private var finalFields = OrderedDictionary<String, JSONValue>()
  private var lastIntermediate: Double?
  /// The largest step reported.
  private(set) var lastStep: Int?
  /// `[hpotop]` lines that could not be read: how many, and the first one (cut to 200 characters).
  private(set) var unreadableLines: (count: Int, first: String?) = (0, nil)
  /// The last 2 KiB of the program's stderr.
  private(set) var stderrTail = ""
  /// The first stdout line that is no metric line but names a metric with a value after it
  /// (`val_loss=0.4`, `val_loss: 0.4`), cut to 120 characters: likely a metric line without
  /// its prefix, named in the reason when no value was reported.
  private(set) var unprefixedMetricLine: String?

  let constraintNames: [String]

  init(metricNames: [String], constraintNames: [String]) {
    self.metricNames = metricNames
    self.constraintNames = constraintNames
  }

  /// The final values of some named metrics, or nil when one is missing.
  func values(of names: [String]) -> [Double]? {
    let found = names.compactMap { finalFields[$0]?.doubleValue }
    return found.count == names.count ? found : nil
  }

  /// Whether both stdout and stderr have ended (the trial's processes are gone).
  var finished: Bool { endedStreams == 2 }

  func stop(_ reason: StopReason) { if stopReason == nil { stopReason = reason } }
  func markStreamEnded() { endedStreams += 1 }
  func setStderrTail(_ text: String) { stderrTail = text }

  /// Acts on one stdout line: intermediate values are reported (and the pruner asked), final
  /// values and extra keys are remembered. Lines that are not metric lines are ignored;
  /// `[hpotop]` lines that cannot be read are counted.
  func handle(_ line: Substring, trial: Trial) async {
    guard let parsed = MetricLine.parse(line) else {
      if unprefixedMetricLine == nil && Self.namesAValue(line, names: metricNames + constraintNames) {
        unprefixedMetricLine = String(line.trimmingCharacters(in: .whitespaces).prefix(120))
      }
      return
    }
    guard case .success(let m) = parsed else {
      unreadableLines.count += 1
      if unreadableLines.first == nil { unreadableLines.first = String(line.prefix(200)) }
      return
    }
    for (k, v) in m.fields where !metricNames.contains(k) && k != "value" && !constraintNames.contains(k) {
      try? await trial.setUserAttr(k, v)
    }
    if let step = m.step {
      guard metricNames.count == 1, let v = objective(in: m.fields, at: 0) else { return }
      lastIntermediate = v
      lastStep = max(lastStep ?? step, step)
      try? await trial.report(v, step: step)
      if stopReason == nil, (try? await trial.shouldPrune()) == true { stopReason = .pruned }
    } else {
      for (k, v) in m.fields { finalFields[k] = v }
    }
  }

  /// Whether `line` has one of `names` followed by `=` or `:` and then a number.
  static func namesAValue(_ line: Substring, names: [String]) -> Bool {
    for name in names where !name.isEmpty {
      var rest = line[...]
      while let r = rest.range(of: name) {
        var after = rest[r.upperBound...].drop { $0 == "\"" || $0 == "'" || $0 == " " }
        if let sep = after.first, sep == "=" || sep == ":" {
          after = after.dropFirst().drop { $0 == " " }
          if let c = after.first, c.isNumber || c == "-" || c == "." || c == "+" { return true }
        }
        rest = rest[r.upperBound...]
      }
    }
    return false
  }

  /// The value of objective `i` on a line: its metric name, or `value` for a single objective.
  private func objective(in fields: OrderedDictionary<String, JSONValue>, at i: Int) -> Double? {
    if let v = fields[metricNames[i]]?.doubleValue { return v }
    if metricNames.count == 1, let v = fields["value"]?.doubleValue { return v }
    return nil
  }

  /// The final values: from final lines, else (one objective) the last intermediate value.
  func finalValues() -> [Double]? {
    var values: [Double] = []
    for i in metricNames.indices {
      guard let v = objective(in: finalFields, at: i) else {
        if metricNames.count == 1, let last = lastIntermediate { return [last] }
        return nil
      }
      values.append(v)
    }
    return values
  }
}

/// Splits a byte stream into lines, never holding more than `maxLine` bytes of one line: a
/// longer line is cut (its rest is dropped), so a program printing megabytes without a newline
/// cannot exhaust memory.
struct LineSplitter {
  let maxLine: Int
  private var pending: [UInt8] = []
  private var overflowing = false

  init(maxLine: Int) { self.maxLine = maxLine }

  mutating func push(_ bytes: [UInt8]) -> [Substring] {
    var lines: [Substring] = []
    var start = 0
    for i in bytes.indices where bytes[i] == 0x0A {
      append(bytes[start..<i])
      lines.append(Substring(String(decoding: pending, as: UTF8.self)))
      pending.removeAll(keepingCapacity: true)
      overflowing = false
      start = i + 1
    }
    append(bytes[start...])
    return lines
  }

  mutating func finish() -> Substring? {
    defer { pending.removeAll() }
    return pending.isEmpty ? nil : Substring(String(decoding: pending, as: UTF8.self))
  }

  private mutating func append(_ slice: ArraySlice<UInt8>) {
    guard !overflowing else { return }
    let room = maxLine - pending.count
    if slice.count > room {
      pending.append(contentsOf: slice.prefix(room))
      overflowing = true
    } else {
      pending.append(contentsOf: slice)
    }
  }
}

/// One trial log file (stdout.log or stderr.log): writes everything up to `limit` bytes, then a
/// note and nothing more. A write that fails (ENOSPC, EIO) is reported once and ends the log.
struct TrialLogWriter: Sendable {
  let file: FileDescriptor
  let name: String
  let limit: Int?
  private var written = 0
  private var closed = false

  init(path: String, limit: Int?, argv: [String]) throws {
    name = (path as NSString).lastPathComponent
    self.limit = limit
    do {
      file = try FileDescriptor.open(
        FilePath(path), .writeOnly, options: [.create, .truncate, .closeOnExec],
        permissions: [.ownerReadWrite, .groupRead, .otherRead])
    } catch {
      throw RunnerError(argv: argv, reason: "cannot write \(path): \(CommandObjective.reason(error))", exitCode: nil, stderrTail: "")
    }
  }

  /// Appends bytes; returns the reason when the file cannot be written.
  mutating func write(_ bytes: [UInt8]) -> String? {
    guard !closed, !bytes.isEmpty else { return nil }
    var chunk = bytes[...]
    var reachedLimit = false
    if let limit, written + chunk.count > limit {
      chunk = chunk.prefix(max(0, limit - written))
      reachedLimit = true
    }
    do {
      if !chunk.isEmpty { written += try file.writeAll(chunk) }
      if reachedLimit {
        closed = true
        let note = "\nhpotop: \(name) reached its limit of \(formatByteCount(limit ?? 0)) (objective.log_limit); later output is not kept\n"
        _ = try file.writeAll(Array(note.utf8))
      }
      return nil
    } catch {
      closed = true
      return "cannot write \(name): \(CommandObjective.reason(error))"
    }
  }
}

/// `64 MiB`, `512 KiB`, `100 B`.
func formatByteCount(_ n: Int) -> String {
  if n >= 1 << 20, n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
  if n >= 1 << 10, n % (1 << 10) == 0 { return "\(n >> 10) KiB" }
  return "\(n) B"
}
