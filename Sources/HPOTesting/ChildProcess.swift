import Foundation

/// Runs a program to its end for a test: output goes through temporary files (a grandchild that
/// keeps a pipe open cannot block the reader) and the exit is reaped with `waitpid` (Foundation's
/// exit monitoring was seen to miss an exit while other tests spawned processes).
public enum ChildProcess {
  /// What a finished program left.
  public struct Output: Sendable {
    /// The exit status, or 128 + the signal that killed it.
    public var status: Int32
    public var stdout: String
    public var stderr: String
  }

  /// Runs `executable arguments…` and waits for it. `stdin` is written to its input, which is
  /// otherwise `/dev/null`.
  public static func run(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
    directory: String? = nil, stdin: String? = nil
  ) throws -> Output {
    let tmp = FileManager.default.temporaryDirectory
    let outFile = tmp.appendingPathComponent("hpotop-child-\(UUID().uuidString).out")
    let errFile = tmp.appendingPathComponent("hpotop-child-\(UUID().uuidString).err")
    for f in [outFile, errFile] { _ = FileManager.default.createFile(atPath: f.path, contents: nil) }
    defer { for f in [outFile, errFile] { try? FileManager.default.removeItem(at: f) } }
    let out = try FileHandle(forWritingTo: outFile), err = try FileHandle(forWritingTo: errFile)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    if let environment { p.environment = environment }
    if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
    p.standardOutput = out
    p.standardError = err
    let input = stdin.map { _ in Pipe() }
    p.standardInput = input ?? FileHandle.nullDevice
    try p.run()
    try out.close()
    try err.close()
    if let input, let stdin {
      input.fileHandleForWriting.write(Data(stdin.utf8))
      try input.fileHandleForWriting.close()
    }
    let status = waitForExit(p)
    return Output(
      status: status,
      stdout: (try? String(contentsOf: outFile, encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
  }

  /// Blocks until `p` exits and returns its status (128 + signal when a signal ended it).
  public static func waitForExit(_ p: Process) -> Int32 {
    let pid = p.processIdentifier
    while true {
      if !p.isRunning { return p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus }
      var status: Int32 = 0
      if waitpid(pid, &status, WNOHANG) == pid {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
      }
      usleep(20_000)
    }
  }
}
