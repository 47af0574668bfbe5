import Foundation
import HPO

/// Real Python Optuna 5.0 as the interop peer of the tests: finds the interpreter and runs the
/// scripts in `Tests/Interop`.
///
/// Python is `$HPOTOP_PYTHON`, else `<package root>/.venv/bin/python`, else `python3` on PATH.
/// A suite that needs it asks `shouldRun(importing:for:)`: when the modules cannot be imported
/// the suite is skipped with a loud line saying why, except when `$CI` is set: then it runs and
/// fails, so CI never passes without the real peer.
public enum PythonPeer {
  /// The package's root folder.
  public static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  /// `Tests/Interop`, where the Python scripts live.
  public static let interopDir = packageRoot.appendingPathComponent("Tests/Interop")

  /// The Python executable and the argv prefix to run it.
  public static let python: [String] = {
    let env = ProcessInfo.processInfo.environment
    if let p = env["HPOTOP_PYTHON"], !p.isEmpty { return [p] }
    let venv = packageRoot.appendingPathComponent(".venv/bin/python").path
    if FileManager.default.isExecutableFile(atPath: venv) { return [venv] }
    return ["/usr/bin/env", "python3"]
  }()

  /// Whether `$CI` is set.
  public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false }

  /// `nil` when `import optuna` (and `modules`) works with Optuna 5, else why not.
  public static func unavailableReason(importing modules: [String] = []) -> String? {
    let names = (["optuna"] + modules).joined(separator: ", ")
    do {
      let out = try run(["-c", "import \(names); print(optuna.__version__)"])
      return out.hasPrefix("5.") ? nil : "Optuna \(out.trimmingCharacters(in: .whitespacesAndNewlines)) is not 5.x"
    } catch {
      let last = "\(error)".split(separator: "\n").last(where: { !$0.isEmpty }) ?? ""
      return "\(python.joined(separator: " ")) cannot import \(names) (\(last))"
    }
  }

  /// Whether tests of `what` should run: the modules import, or CI demands it (and the tests
  /// will fail). Otherwise prints why they are skipped.
  public static func shouldRun(importing modules: [String] = [], for what: String) -> Bool {
    guard let reason = unavailableReason(importing: modules) else { return true }
    if isCI { return true }
    print("⚠️⚠️⚠️ SKIPPING \(what): \(reason). Set HPOTOP_PYTHON or create .venv with "
      + "optuna==5.0.0 (and \(modules.isEmpty ? "pandas" : modules.joined(separator: ", "))) to run them.")
    return false
  }

  /// Throws when the modules cannot be imported (a test under CI then fails with the reason).
  public static func require(importing modules: [String] = []) throws {
    if let reason = unavailableReason(importing: modules) {
      throw PythonPeerError("Python Optuna is required but unavailable: \(reason)")
    }
  }

  /// Runs a script from `Tests/Interop` with TZ=UTC and returns its stdout; throws with its
  /// stderr when it fails.
  @discardableResult
  public static func script(_ name: String, _ args: [String]) throws -> String {
    try run([interopDir.appendingPathComponent(name).path] + args)
  }

  /// Runs Python with `args` (and `stdin`) and returns its stdout; throws with its stderr when it fails.
  public static func run(_ args: [String], stdin: String? = nil) throws -> String {
    var env = ProcessInfo.processInfo.environment
    env["TZ"] = "UTC"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    let out = try ChildProcess.run(python[0], Array(python.dropFirst()) + args, environment: env, stdin: stdin)
    guard out.status == 0 else {
      let what = args.first.map { $0 == "-c" ? "-c" : URL(fileURLWithPath: $0).lastPathComponent } ?? ""
      throw PythonPeerError("python \(what) exited \(out.status): \(out.stderr.suffix(3000))")
    }
    return out.stdout
  }

  /// Reads a JSON file a script wrote (Python's json, with NaN/Infinity tokens).
  public static func readJSON(_ path: String) throws -> JSONValue {
    try JSONValue(parsing: String(contentsOfFile: path, encoding: .utf8))
  }
}

/// A failure talking to the Python peer.
public struct PythonPeerError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
