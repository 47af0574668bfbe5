import Foundation
import HPO
import Testing

/// Finds a Python with Optuna for the interop tests and runs the scripts in `Tests/Interop`.
///
/// Python is `$HPOTOP_PYTHON`, else `<package root>/.venv/bin/python`, else `python3` on PATH.
/// When `import optuna` fails the interop tests are skipped with a loud line saying why, except
/// when `$CI` is set: then they run and fail, so CI never passes without the real peer.
enum PythonOptuna {
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let interopDir = packageRoot.appendingPathComponent("Tests/Interop")

  /// The Python executable and argv prefix to run it.
  static let python: [String] = {
    let env = ProcessInfo.processInfo.environment
    if let p = env["HPOTOP_PYTHON"], !p.isEmpty { return [p] }
    let venv = packageRoot.appendingPathComponent(".venv/bin/python").path
    if FileManager.default.isExecutableFile(atPath: venv) { return [venv] }
    return ["/usr/bin/env", "python3"]
  }()

  /// `nil` when `import optuna` works, else why not.
  static let unavailableReason: String? = {
    do {
      let out = try run(["-c", "import optuna; print(optuna.__version__)"])
      return out.hasPrefix("5.") ? nil : "Optuna \(out.trimmingCharacters(in: .whitespacesAndNewlines)) is not 5.x"
    } catch {
      let last = "\(error)".split(separator: "\n").last(where: { !$0.isEmpty }) ?? ""
      return "\(python.joined(separator: " ")) cannot import optuna (\(last))"
    }
  }()

  static var isCI: Bool { ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false }

  /// Whether interop tests should run: Optuna is there, or CI demands it (and will fail).
  static var shouldRun: Bool { shouldRunOnce }

  private static let shouldRunOnce: Bool = {
    guard let reason = unavailableReason else { return true }
    if isCI { return true }
    print("⚠️⚠️⚠️ SKIPPING Python Optuna interop tests: \(reason). "
      + "Set HPOTOP_PYTHON or create .venv with optuna==5.0.0 to run them.")
    return false
  }()

  /// Throws (failing the test) when Optuna is unavailable; used under CI.
  static func require() throws {
    if let reason = unavailableReason {
      throw InteropError("Python Optuna is required (CI is set) but unavailable: \(reason)")
    }
  }

  /// Runs a script from `Tests/Interop` with TZ=UTC and returns stdout; throws with stderr on failure.
  @discardableResult
  static func script(_ name: String, _ args: [String]) throws -> String {
    try run([interopDir.appendingPathComponent(name).path] + args)
  }

  static func run(_ args: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: python[0])
    p.arguments = Array(python.dropFirst()) + args
    var env = ProcessInfo.processInfo.environment
    env["TZ"] = "UTC"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    p.environment = env
    let out = Pipe()
    let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("hpotop-py-\(UUID().uuidString).err")
    _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
    let errHandle = try FileHandle(forWritingTo: errFile)
    defer { try? FileManager.default.removeItem(at: errFile) }
    p.standardOutput = out
    p.standardError = errHandle
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    try errHandle.close()
    let stdout = String(decoding: data, as: UTF8.self)
    if p.terminationStatus != 0 {
      let stderr = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
      throw InteropError("python \(args.first ?? "") exited \(p.terminationStatus): \(stderr.suffix(3000))")
    }
    return stdout
  }

  /// Reads a JSON file a script wrote (Python's json with NaN/Infinity tokens).
  static func readJSON(_ path: String) throws -> JSONValue {
    try JSONValue(parsing: String(contentsOfFile: path, encoding: .utf8))
  }
}

/// A failure talking to the Python peer.
struct InteropError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
