import CProcessSupervisor
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The objective supervisor: every command trial runs under `hpotop __supervise`, a small
/// process that becomes the child subreaper, starts the objective in its own process group, and
/// kills the objective's whole subtree (`setsid` grandchildren included) when the objective
/// ends, when the worker asks it to stop, or when the worker is gone (end of file on the pipe
/// the worker holds). See docs/DECISIONS.md, "objective supervisor".
public enum ObjectiveSupervisor {
  /// The hidden first argument that selects the supervisor mode of the hpotop executable.
  public static let mode = "__supervise"

  /// The program that supervises trials: `hpotop-supervise` when it lies next to this process's
  /// executable (the same supervisor as a small C program, which starts in a fraction of the
  /// ~8 ms of CPU a start of hpotop costs: see Sources/hpotop-supervise/main.c), else this
  /// process's own binary (hpotop) in `__supervise` mode. Both take `arguments(…)`.
  public static let executable: String = {
    let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "/proc/self/exe"
    let own = resolved.hasSuffix(" (deleted)") ? "/proc/self/exe" : resolved
    let helper = (own as NSString).deletingLastPathComponent + "/hpotop-supervise"
    return own != "/proc/self/exe" && access(helper, X_OK) == 0 ? helper : own
  }()

  /// The arguments after the executable: `__supervise <grace-ms> <path> -- <argv…>`.
  static func arguments(graceMilliseconds: Int, path: String, argv: [String]) -> [String] {
    [mode, String(graceMilliseconds), path, "--"] + argv
  }

  /// Runs the supervisor for `arguments` (what follows `__supervise`) and exits with the
  /// objective's status (or dies by its signal).
  public static func main(_ arguments: [String]) -> Never {
    guard arguments.count >= 4, let grace = Int(arguments[0]), arguments[2] == "--" else {
      FileHandle.standardError.write(Data("hpotop: __supervise is internal to hpotop's command objectives\n".utf8))
      exit(2)
    }
    let path = arguments[1]
    let argv = Array(arguments[3...])
    var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
    let code = cArgs.withUnsafeMutableBufferPointer { buffer in
      hpo_supervise(Int32(clamping: grace), path, buffer.baseAddress)
    }
    exit(code)
  }

  /// Kills what is left of trials under `trialsDirectory` whose supervisor is gone: processes
  /// whose environment names a trial folder there and a supervisor (pid and start time) that no
  /// longer runs. A supervisor kills its own subtree, so these are rare: they remain only when a
  /// supervisor itself was killed with SIGKILL and a grandchild had left its process group.
  /// Returns the pids signalled.
  @discardableResult
  public static func killLeftovers(under trialsDirectory: String) -> [Int32] {
    let root = (trialsDirectory as NSString).standardizingPath + "/"
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
    var killed: [Int32] = []
    let me = getpid()
    for entry in entries {
      guard let pid = Int32(entry), pid != me,
        let environment = FileHandle(forReadingAtPath: "/proc/\(pid)/environ").flatMap({ h in
          defer { try? h.close() }
          return try? h.readToEnd()
        })
      else { continue }
      var trialDir: String?, supervisor: String?
      for field in environment.split(separator: 0) {
        let text = String(decoding: field, as: UTF8.self)
        if text.hasPrefix("HPOTOP_TRIAL_DIR=") { trialDir = String(text.dropFirst("HPOTOP_TRIAL_DIR=".count)) }
        if text.hasPrefix("HPOTOP_SUPERVISOR=") { supervisor = String(text.dropFirst("HPOTOP_SUPERVISOR=".count)) }
      }
      guard let trialDir, let supervisor, (trialDir as NSString).standardizingPath.hasPrefix(root) else { continue }
      let parts = supervisor.split(separator: ":")
      guard parts.count == 2, let sPID = Int32(parts[0]), let sStart = UInt64(parts[1]) else { continue }
      if hpo_process_start_time(sPID) == sStart { continue }  // its supervisor still runs: not a leftover
      if kill(pid, SIGKILL) == 0 { killed.append(pid) }
    }
    return killed
  }
}
