import Foundation

/// The built `hpotop` executable and a temporary directory, for tests that run the real binary.
enum Binary {
  /// `<package>/.build/debug/hpotop` (the test target depends on the executable, so it is built).
  static var path: String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    for candidate in [".build/debug/hpotop", ".build/x86_64-unknown-linux-gnu/debug/hpotop"] {
      let p = root.appendingPathComponent(candidate).path
      if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return root.appendingPathComponent(".build/debug/hpotop").path
  }

  /// The result of one run of the binary.
  struct Output {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Starts `hpotop args…` in `directory` without waiting.
  static func start(_ args: [String], in directory: String, environment: [String: String] = [:]) throws
    -> (Process, Pipe, Pipe)
  {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    p.currentDirectoryURL = URL(fileURLWithPath: directory)
    p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    return (p, out, err)
  }

  /// Runs `hpotop args…` to the end. Output is drained while it runs, so a chatty run never
  /// blocks on a full pipe.
  static func run(_ args: [String], in directory: String, environment: [String: String] = [:]) async throws -> Output {
    let (p, out, err) = try start(args, in: directory, environment: environment)
    async let o = readToEnd(out.fileHandleForReading)
    async let e = readToEnd(err.fileHandleForReading)
    let (od, ed) = await (o, e)
    let status = await waitForExit(p)
    return Output(status: status, stdout: String(decoding: od, as: UTF8.self),
                  stderr: String(decoding: ed, as: UTF8.self))
  }

  /// Reads a pipe to its end on a thread of its own. A blocking read on the Swift concurrency
  /// pool (as many threads as cores) stalls every test in the process for as long as the child,
  /// or anything that inherited the pipe, runs: on 2 cores one `run` blocked all tests for 60 s.
  static func readToEnd(_ handle: FileHandle) async -> Data {
    await withCheckedContinuation { c in
      Thread { c.resume(returning: handle.readDataToEndOfFile()) }.start()
    }
  }

  /// Trial `number`'s folder, `<dir>/trials/<study-key>/<number>`, for the one study whose
  /// trials live under `dir` (looked up at each call: the folder appears with the first trial).
  static func trialFolder(_ dir: String, _ number: Int) -> String {
    let studies = ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/trials")) ?? []).sorted()
    return "\(dir)/trials/\(studies.first ?? "(no study folder yet)")/\(number)"
  }

  static func temporaryDirectory(_ label: String) throws -> String {
    let dir = NSTemporaryDirectory() + "hpotop-\(label)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  /// The exit status of a started process. Foundation's own exit monitoring was seen to miss an
  /// exit (leaving a zombie) while other tests spawned processes, so this also reaps with waitpid.
  static func waitForExit(_ p: Process) async -> Int32 {
    let pid = p.processIdentifier
    while true {
      if !p.isRunning { return p.terminationStatus }
      var status: Int32 = 0
      if waitpid(pid, &status, WNOHANG) == pid {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
      }
      try? await Task.sleep(for: .milliseconds(50))
    }
  }
}

/// Polls `condition` every 100 ms for up to `seconds`; true as soon as it holds, else its value at
/// the deadline.
func waitUntil(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
  let deadline = Date().addingTimeInterval(seconds)
  while Date() < deadline {
    if try await condition() { return true }
    try await Task.sleep(for: .milliseconds(100))
  }
  return try await condition()
}

/// A study file (`<name>.yaml` in `dir`) whose objective is the shell script `script` (run as
/// argv, never through a shell).
func writeStudy(_ dir: String, name: String, nTrials: Int, parallelism: Int = 1, script: String, extra: String = "")
  throws
{
  try ("#!/bin/sh\n" + script).write(toFile: dir + "/objective.sh", atomically: true, encoding: .utf8)
  chmod(dir + "/objective.sh", 0o755)
  try """
    name: \(name)
    metric: {name: loss, direction: minimize}
    params:
      x: {type: float, low: 0, high: 1}
    sampler: {name: random, seed: 5}
    n_trials: \(nTrials)
    parallelism: \(parallelism)
    objective:
      command: [\(dir)/objective.sh]
      args: ""
    \(extra)
    """.write(toFile: "\(dir)/\(name).yaml", atomically: true, encoding: .utf8)
}
