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
  /// asked after each one. A prune (pruner or user), a timeout or a cancellation stops the whole
  /// process group: SIGTERM, then SIGKILL after `killGrace`.
  ///
  /// A trial FAILs (a `RunnerError` is thrown) on a non-zero exit, a signal, a timeout or a
  /// missing value; the reason and the tail of stderr are kept in system attrs.
  /// If the program exits 0 without a final value, its last intermediate value counts.
  public func run(_ trial: Trial, params: OrderedDictionary<String, ParamValue>) async throws -> [Double] {
    let dir = (trialsDirectory as NSString).appendingPathComponent(String(trial.number))
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let paramsJSON = JSONValue.object(OrderedDictionary(uniqueKeysWithValues: params.map { ($0.key, $0.value.json) }))
    try Data((paramsJSON.pythonJSON + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/params.json"))
    let stdoutPath = dir + "/stdout.log", stderrPath = dir + "/stderr.log"
    FileManager.default.createFile(atPath: stdoutPath, contents: nil)
    guard let stdoutLog = FileHandle(forWritingAtPath: stdoutPath) else {
      throw RunnerError(argv: argv, reason: "cannot write \(stdoutPath)", exitCode: nil, stderrTail: "")
    }
    defer { try? stdoutLog.close() }
    let stderrFD = try FileDescriptor.open(
      FilePath(stderrPath), .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite, .groupRead, .otherRead])

    let args = arguments(params: params, trialNumber: trial.number, trialDir: dir, studyName: trial.study.name)
    guard let program = args.first else {
      try? stderrFD.close()
      throw RunnerError(argv: argv, reason: "the command is empty", exitCode: nil, stderrTail: "")
    }
    var env: [Environment.Key: String] = [
      "HPOTOP_TRIAL_NUMBER": String(trial.number),
      "HPOTOP_TRIAL_DIR": dir,
      "HPOTOP_PARAMS": paramsJSON.pythonJSON,
      "HPOTOP_STUDY_NAME": trial.study.name,
      "PYTHONUNBUFFERED": "1",
    ]
    for (k, v) in environment { env[Environment.Key(stringLiteral: k)] = v }
    var options = PlatformOptions()
    options.processGroupID = 0  // its own group, so a stop reaches grandchildren too
    // What swift-subprocess does when the run is cancelled (Ctrl-C): the same SIGTERM, grace,
    // SIGKILL as the watchdog's stop. Without it a cancelled run's objective gets SIGKILL at once.
    let stopSequence: [TeardownStep] = [
      .send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: .milliseconds(Int64(killGrace * 1000))),
      .send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .seconds(1)),
    ]
    options.teardownSequence = stopSequence
    let executable: Executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
    let configuration = Configuration(
      executable: executable, arguments: Arguments(Array(args.dropFirst())),
      environment: .inherit.updating(env),
      workingDirectory: workingDirectory.map { FilePath($0) }, platformOptions: options)

    let monitor = RunMonitor(metricNames: metricNames, constraintNames: constraintNames)
    let poll = pollInterval, limit = timeout
    let started = Date()
    let result: ExecutionResult<Void, SequenceOutput, FileDescriptorOutput>
    do {
      result = try await Subprocess.run(
        configuration, input: .none, output: .sequence, error: .fileDescriptor(stderrFD, closeAfterSpawningProcess: true)
      ) { execution in
        await monitor.setPID(execution.processIdentifier.value)
        await withTaskGroup(of: Void.self) { group in
          group.addTask {  // watchdog: timeout, user prune requests, cancellation
            var lastPoll = Date()
            while true {
              // The reader cancels the group when stdout ends: finished wins over cancelled.
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
          group.addTask {  // reader: log every byte, act on [hpotop] lines
            var splitter = LineSplitter(maxLine: 64 * 1024)
            do {
              for try await chunk in execution.standardOutput {
                let bytes = chunk.withUnsafeBytes { Array($0) }
                stdoutLog.write(Data(bytes))
                for line in splitter.push(bytes) { await monitor.handle(line, trial: trial) }
              }
            } catch {
              // The pipe broke (the process was killed): what was read is kept.
            }
            if let last = splitter.finish() { await monitor.handle(last, trial: trial) }
            await monitor.markFinished()
          }
          // When stdout ends, wake the watchdog from its sleep instead of waiting up to 100 ms
          // (that wait capped a worker at ~10 trials/s).
          for await _ in group {
            if await monitor.finished, await monitor.stopReason == nil { group.cancelAll() }
          }
        }
      }
    } catch {
      if Task.isCancelled || error is CancellationError { throw CancellationError() }
      throw RunnerError(argv: args, reason: "cannot start \(program): \(error)", exitCode: nil, stderrTail: "")
    }
    if let pid = await monitor.pid { _ = kill(-pid, SIGKILL) }  // leftover grandchildren
    let tail = Self.tail(ofFile: stderrPath, bytes: 2048)
    if !tail.isEmpty { try? await trial.study.setSystemAttr(trialID: trial.id, key: HpotopKey.stderrTail.rawValue, value: .string(tail)) }

    switch await monitor.stopReason {
    case .pruned?:
      // The reason is written with the PRUNED state when the trial is told (Study.record).
      let current = try? await trial.study.storage.trial(id: trial.id)
      throw TrialPruned(HpotopAttrs.pruneReason(
        requestedByUser: current?.hpotop.pruneRequested ?? false, prunerName: await trial.study.pruner.name,
        step: current?.lastStep))
    case .timeout?:
      throw RunnerError(argv: args, reason: "timed out after \(formatNumber(limit ?? 0)) s", exitCode: nil, stderrTail: tail)
    case .interrupted?:
      throw CancellationError()
    case nil:
      break
    }
    switch result.terminationStatus {
    case .exited(0):
      if !constraintNames.isEmpty {
        let constraints = await monitor.values(of: constraintNames)
        guard let constraints else {
          throw RunnerError(argv: args, reason: "exited 0 without reporting the constraints \(constraintNames.joined(separator: ", "))",
                            exitCode: 0, stderrTail: tail)
        }
        try await trial.setConstraints(constraints)
      }
      if let values = await monitor.finalValues() { return values }
      throw RunnerError(argv: args, reason: "exited 0 without reporting \(metricNames.joined(separator: ", "))",
                        exitCode: 0, stderrTail: tail)
    case .exited(let code):
      throw RunnerError(argv: args, reason: "exited with code \(code)", exitCode: code, stderrTail: tail)
    case .signaled(let signal):
      throw RunnerError(argv: args, reason: "killed by signal \(signal)\(Self.signalName(signal))", exitCode: nil, stderrTail: tail)
    }
  }

  static func tail(ofFile path: String, bytes: Int) -> String {
    guard let h = FileHandle(forReadingAtPath: path) else { return "" }
    defer { try? h.close() }
    let size = (try? h.seekToEnd()) ?? 0
    try? h.seek(toOffset: size > UInt64(bytes) ? size - UInt64(bytes) : 0)
    let data = (try? h.readToEnd()) ?? Data()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  static func signalName(_ s: Int32) -> String {
    let names: [Int32: String] = [SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT",
                                  SIGINT: "SIGINT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGILL: "SIGILL"]
    return names[s].map { " (\($0))" } ?? ""
  }
}

/// Why the runner stopped a process before it ended by itself.
enum StopReason: Sendable { case pruned, timeout, interrupted }

/// What the runner learns from one trial's stdout while the process runs.
actor RunMonitor {
  let metricNames: [String]
  private(set) var stopReason: StopReason?
  private(set) var finished = false
  private(set) var pid: pid_t?
  private var finalFields = OrderedDictionary<String, JSONValue>()
  private var lastIntermediate: Double?
  private(set) var unreadableLines = 0

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

  func setPID(_ p: pid_t) { pid = p }
  func stop(_ reason: StopReason) { if stopReason == nil { stopReason = reason } }
  func markFinished() { finished = true }

  /// Acts on one stdout line: intermediate values are reported (and the pruner asked), final
  /// values and extra keys are remembered. Lines that are not metric lines are ignored.
  func handle(_ line: Substring, trial: Trial) async {
    guard let parsed = MetricLine.parse(line) else { return }
    guard case .success(let m) = parsed else { unreadableLines += 1; return }
    for (k, v) in m.fields where !metricNames.contains(k) && k != "value" && !constraintNames.contains(k) {
      try? await trial.setUserAttr(k, v)
    }
    if let step = m.step {
      guard metricNames.count == 1, let v = objective(in: m.fields, at: 0) else { return }
      lastIntermediate = v
      try? await trial.report(v, step: step)
      if stopReason == nil, (try? await trial.shouldPrune()) == true { stopReason = .pruned }
    } else {
      for (k, v) in m.fields { finalFields[k] = v }
    }
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
