import Foundation
import HPO
import Testing

/// Runs the scripts in `Tests/Interop` with the project's Python (see HPOSQLiteTests'
/// PythonOptuna: `$HPOTOP_PYTHON`, else `.venv/bin/python`, else `python3`). The PostgreSQL
/// interop also needs `psycopg2` there.
enum PythonOptuna {
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let interopDir = packageRoot.appendingPathComponent("Tests/Interop")

  static let python: [String] = {
    let env = ProcessInfo.processInfo.environment
    if let p = env["HPOTOP_PYTHON"], !p.isEmpty { return [p] }
    let venv = packageRoot.appendingPathComponent(".venv/bin/python").path
    if FileManager.default.isExecutableFile(atPath: venv) { return [venv] }
    return ["/usr/bin/env", "python3"]
  }()

  /// `nil` when `import optuna, psycopg2` works with Optuna 5, else why not.
  static let unavailableReason: String? = {
    do {
      let out = try run(["-c", "import optuna, psycopg2; print(optuna.__version__)"])
      return out.hasPrefix("5.") ? nil : "Optuna \(out.trimmingCharacters(in: .whitespacesAndNewlines)) is not 5.x"
    } catch {
      let last = "\(error)".split(separator: "\n").last(where: { !$0.isEmpty }) ?? ""
      return "\(python.joined(separator: " ")) cannot import optuna and psycopg2 (\(last))"
    }
  }()

  static let shouldRun: Bool = {
    guard PostgresTestServer.shouldRun else { return false }
    guard let reason = unavailableReason else { return true }
    if PostgresTestServer.isCI { return true }
    print("⚠️⚠️⚠️ SKIPPING Python Optuna PostgreSQL interop tests: \(reason). "
      + "Install optuna==5.0.0 and psycopg2-binary in .venv to run them.")
    return false
  }()

  static func require() throws {
    if let reason = unavailableReason {
      throw PGTestError("Python Optuna with psycopg2 is required but unavailable: \(reason)")
    }
  }

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
    let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("hpotop-pg-py-\(UUID().uuidString).err")
    _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
    let errHandle = try FileHandle(forWritingTo: errFile)
    defer { try? FileManager.default.removeItem(at: errFile) }
    p.standardOutput = out
    p.standardError = errHandle
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    try errHandle.close()
    if p.terminationStatus != 0 {
      let stderr = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
      throw PGTestError("python \(args.first ?? "") exited \(p.terminationStatus): \(stderr.suffix(3000))")
    }
    return String(decoding: data, as: UTF8.self)
  }

  static func readJSON(_ path: String) throws -> JSONValue {
    try JSONValue(parsing: String(contentsOfFile: path, encoding: .utf8))
  }
}
