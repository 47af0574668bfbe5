import Foundation
import HPO
import HPOTesting
import HPOSQLite
import Testing

/// `hpotop trials --all -f json` on a study Python Optuna wrote: the command a user types shows
/// every field as Optuna stored it.
@Suite(.enabled(if: PythonOptuna.shouldRun, "needs Python with optuna 5.0 (see PythonOptuna)"))
struct OptunaCLIInteropTests {
  static var binary: String { PythonPeer.packageRoot.appendingPathComponent(".build/debug/hpotop").path }

  func hpotop(_ args: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: Self.binary)
    p.arguments = args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0, "hpotop \(args.joined(separator: " ")) exited \(p.terminationStatus)")
    return String(decoding: data, as: UTF8.self)
  }

  @Test func trialsCommandShowsEveryFieldOptunaWrote() async throws {
    try PythonPeer.require()
    #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build hpotop first (swift build)")
    let dir = try TempDir()
    try PythonPeer.script("optuna_write.py", [dir.file("py.db"), dir.file("dump.json")])
    let dump = try #require(try PythonPeer.readJSON(dir.file("dump.json")).arrayValue)
    let studies = try JSONValue(parsing: try hpotop(["studies", "--storage", "sqlite:///" + dir.file("py.db"), "-f", "json"]))
    #expect(studies.arrayValue?.compactMap { $0["name"]?.stringValue } == dump.compactMap { $0["name"]?.stringValue })
    for pyStudy in dump {
      let name = try #require(pyStudy["name"]?.stringValue)
      let multi = (pyStudy["directions"]?.arrayValue?.count ?? 1) > 1
      let text = try hpotop(["trials", "--storage", "sqlite:///" + dir.file("py.db"), "--study-name", name, "--all", "-f", "json"])
      let rows = try #require(try JSONValue(parsing: text).arrayValue)
      let pyTrials = pyStudy["trials"]?.arrayValue ?? []
      #expect(rows.count == pyTrials.count)
      for (row, py) in zip(rows, pyTrials) {
        let label = "\(name) #\(py["number"]?.intValue ?? -1)"
        #expect(row["number"] == py["number"], "\(label) number")
        #expect(row["state"] == py["state"], "\(label) state")
        // With metric names (`study.set_metric_names`), values are keyed by name, as `optuna trials` prints them.
        let raw = row[multi ? "values" : "value"]
        if multi, let keyed = raw?.objectValue { #expect(keyed.keys.elements == ["loss", "acc"], "\(label) metric names") }
        let keyedValues = raw?.objectValue.flatMap { o in o.values.allSatisfy { $0 == .null } ? nil : o.values.compactMap(\.doubleValue) }
        let values = keyedValues ?? (multi ? raw?.arrayValue?.compactMap(\.doubleValue) : raw?.doubleValue.map { [$0] })
        #expect(TrialDump.sameNumbers(values, py["values"]?.arrayValue?.compactMap(\.doubleValue)), "\(label) values")
        #expect((row["params"] ?? .object([:])) == (py["params"] ?? .object([:])), "\(label) params")
        #expect((row["user_attrs"] ?? .object([:])) == (py["user_attrs"] ?? .object([:])), "\(label) user_attrs")
        #expect((row["system_attrs"] ?? .object([:])) == (py["system_attrs"] ?? .object([:])), "\(label) system_attrs")
        let mine = (row["intermediate_values"]?.objectValue ?? [:]).map { ($0.key, $0.value.doubleValue ?? 0) }
        let theirs = (py["intermediate_values"]?.objectValue ?? [:]).map { ($0.key, $0.value.doubleValue ?? 0) }
        #expect(mine.map(\.0) == theirs.map(\.0), "\(label) intermediate steps")
        #expect(TrialDump.sameNumbers(mine.map(\.1), theirs.map(\.1)), "\(label) intermediate values")
      }
    }
  }
}
