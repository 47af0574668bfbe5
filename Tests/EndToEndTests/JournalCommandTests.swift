import Foundation
import HPO
import HPOTesting
import Testing

/// The real binary on journal files: storage strings, `migrate` both ways, and a worker that
/// runs a study file on a journal.
@Suite struct JournalCommandTests {
  @Test func storageStringsChooseTheBackendByFileContent() async throws {
    let dir = try Binary.temporaryDirectory("journal-strings")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // An empty file without a SQLite name is a journal (Optuna's CLI tests pass such files).
    FileManager.default.createFile(atPath: dir + "/empty", contents: nil)
    let made = try await Binary.run(["create-study", "--storage", "empty", "--study-name", "j"], in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    let line = try String(contentsOfFile: dir + "/empty", encoding: .utf8)
    #expect(line.hasPrefix("{\"op_code\":0,"), "the study was written as a journal line: \(line)")
    // A missing *.db is a new SQLite file, found again by its header under any name.
    #expect(try await Binary.run(["create-study", "--storage", "new.db", "--study-name", "s"], in: dir).status == 0)
    let header = try #require(FileHandle(forReadingAtPath: dir + "/new.db")?.readData(ofLength: 16))
    #expect(header == Data("SQLite format 3\u{0}".utf8))
    try FileManager.default.moveItem(atPath: dir + "/new.db", toPath: dir + "/renamed")
    let names = try await Binary.run(["study-names", "--storage", "renamed"], in: dir)
    #expect(names.stdout == "s\n", "a SQLite file is told by its header: \(names.stderr)")
    // A missing path that names neither is an error, as in Optuna's CLI.
    let missing = try await Binary.run(["studies", "--storage", "nothing-here"], in: dir)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("no storage file nothing-here"))
  }

  /// `ask --sampler` takes every Optuna sampler class hpotop has a twin of, CMA-ES and GP included.
  @Test(arguments: ["RandomSampler", "TPESampler", "NSGAIISampler", "CmaEsSampler", "GPSampler"])
  func askTakesOptunasSamplerClassNames(_ className: String) async throws {
    let dir = try Binary.temporaryDirectory("ask-sampler")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let s = ["--storage", "sqlite:///" + dir + "/a.db", "--study-name", "a"]
    #expect(try await Binary.run(["create-study"] + s, in: dir).status == 0)
    let space = #"{"x": {"name": "FloatDistribution", "attributes": {"low": 0, "high": 1, "step": null, "log": false}}}"#
    let ask = try await Binary.run(
      ["ask"] + s + ["--sampler", className, "--sampler-kwargs", #"{"seed": 1}"#, "--search-space", space, "-f", "json"], in: dir)
    #expect(ask.status == 0, "\(className): \(ask.stderr)")
    #expect(ask.stdout.contains(#""x":"#), "\(ask.stdout)")
  }

  @Test func migrateCopiesAJournalToSQLiteAndBack() async throws {
    guard PythonPeer.shouldRun(for: "journal migrate test") else { return }
    let dir = try Binary.temporaryDirectory("journal-migrate")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try PythonPeer.script("journal_peer.py", ["write", dir + "/py.log"])
    func trials(_ storage: String, _ study: String) async throws -> String {
      let out = try await Binary.run(["trials", "--storage", storage, "--study-name", study, "-f", "json", "--all"], in: dir)
      #expect(out.status == 0, "\(out.stderr)")
      return out.stdout
    }
    let toSQLite = try await Binary.run(["migrate", "--from", "py.log", "--to", "sqlite:///copy.db"], in: dir)
    #expect(toSQLite.status == 0, "\(toSQLite.stderr)")
    let back = try await Binary.run(["migrate", "--from", "copy.db", "--to", "back.log"], in: dir)
    #expect(back.status == 0, "\(back.stderr)")
    for study in ["py", "mo"] {
      let original = try await trials("py.log", study)
      #expect(original.contains("\"number\": 0"))
      #expect(try await trials("copy.db", study) == original, "\(study): journal → SQLite keeps every field")
      #expect(try await trials("back.log", study) == original, "\(study): SQLite → journal keeps every field")
    }
  }
}
