import Foundation
import HPO
import HPOTesting
import Testing

/// Bad input and read-only studies against the real binary (issue 15 items 5, 10, 12, 13, 14,
/// 15, 16).
@Suite struct InputFaultTests {
  static func writeStudy(_ dir: String, trials: Int = 4) async throws -> String {
    let yaml = "name: s\nn_trials: \(trials)\nobjective: {builtin: branin}\n"
    let file = dir + "/s.yaml"
    try yaml.write(toFile: file, atomically: true, encoding: .utf8)
    let r = try await Binary.run(["run", "--no-tui", file], in: dir)
    #expect(r.status == 0, "run failed: \(r.stderr)")
    return dir + "/s.db"
  }

  /// Item 12: a study-file error is one line that starts with `file:line:col: error:`.
  @Test func studyFileErrorsStartWithTheirPosition() async throws {
    let dir = try Binary.temporaryDirectory("prefix")
    let file = dir + "/bad.yaml"
    try "name: b\nn_trials: !!int abc\nobjective: {builtin: branin}\n".write(toFile: file, atomically: true, encoding: .utf8)
    for command in [["run", "--no-tui", file], ["worker", file], ["check", file]] {
      let r = try await Binary.run(command, in: dir)
      #expect(r.status == 2, "\(command[0]): \(r.stderr)")
      #expect(r.stderr.hasPrefix("\(file):2:11: error: n_trials must be an integer, got 'abc'"), "\(command[0]): \(r.stderr)")
      #expect(!r.stderr.contains("error: \(file)"))
    }
    #expect(!FileManager.default.fileExists(atPath: dir + "/b.db"), "a rejected file must not create its storage")
  }

  /// Item 5: `-j` has a bound too.
  @Test func workersAboveTheBoundAreRejected() async throws {
    let dir = try Binary.temporaryDirectory("jobs")
    let file = dir + "/s.yaml"
    try "name: s\nobjective: {builtin: branin}\n".write(toFile: file, atomically: true, encoding: .utf8)
    let r = try await Binary.run(["run", "--no-tui", "-j", "100000", "--n-trials", "3", file], in: dir)
    #expect(r.status == 2)
    #expect(r.stderr.contains("--workers must be at most 1024"), "\(r.stderr)")
  }

  /// Item 13: NaN and infinite params are refused; `ask -f json` prints JSON any parser reads;
  /// `tell --values nan` fails the trial as Optuna does.
  @Test func nonFiniteParamsAreRefused() async throws {
    let dir = try Binary.temporaryDirectory("nan")
    let db = try await Self.writeStudy(dir)
    let s = ["--storage", "sqlite:///" + db, "--study-name", "s"]
    for params in [#"{"x0": NaN}"#, #"{"x0": 1e999}"#, #"{"x0": -Infinity}"#] {
      let r = try await Binary.run(["enqueue"] + s + ["--params", params], in: dir)
      #expect(r.status == 2, "\(params): \(r.stderr)")
      #expect(r.stderr.contains("must be a finite number"), "\(params): \(r.stderr)")
    }
    let fix = try await Binary.run(["fix"] + s + ["--unchecked", "newp=1e999"], in: dir)
    #expect(fix.status == 2 && fix.stderr.contains("must be a finite number"), "\(fix.stderr)")
    let space = #"{"x0": {"name": "FloatDistribution", "attributes": {"low": -5, "high": 10, "step": null, "log": false}}}"#
    let ask = try await Binary.run(["ask"] + s + ["-f", "json", "--search-space", space], in: dir)
    #expect(ask.status == 0, "\(ask.stderr)")
    let parsed = try JSONSerialization.jsonObject(with: Data(ask.stdout.utf8)) as? [String: Any]
    let number = try #require(parsed?["number"] as? Int)
    let tell = try await Binary.run(["tell"] + s + ["--trial-number", "\(number)", "--values", "nan"], in: dir)
    #expect(tell.status == 0, "\(tell.stderr)")
    let trials = try await Binary.run(["trials"] + s + ["-f", "json"], in: dir)
    #expect(trials.stdout.contains(#""state": "FAIL""#), "\(trials.stdout)")
    // Python Optuna can still enqueue NaN; `ask -f json` prints strict JSON even then.
    guard PythonPeer.shouldRun(for: "ask -f json after Optuna enqueues NaN") else { return }
    try PythonPeer.run(["-c", """
      import optuna, sys
      optuna.logging.set_verbosity(optuna.logging.WARNING)
      s = optuna.load_study(study_name="s", storage="sqlite:///" + sys.argv[1])
      s.enqueue_trial({"x0": float("nan")})
      """, db])
    let nanAsk = try await Binary.run(["ask"] + s + ["-f", "json", "--search-space", space], in: dir)
    #expect(nanAsk.status == 0, "\(nanAsk.stderr)")
    let strict = try JSONSerialization.jsonObject(with: Data(nanAsk.stdout.utf8)) as? [String: Any]
    #expect((strict?["params"] as? [String: Any])?["x0"] is NSNull, "\(nanAsk.stdout)")
  }

  /// Item 14: names with terminal escapes are shown escaped by `studies` and `trials -f table`.
  @Test func escapesInNamesAreShownNotObeyed() async throws {
    let dir = try Binary.temporaryDirectory("escapes")
    let db = dir + "/e.db"
    let evil = "evil\u{1B}[31mRED\u{1B}]0;title\u{7}"
    let c = try await Binary.run(["create-study", "--storage", "sqlite:///" + db, "--study-name", evil], in: dir)
    #expect(c.status == 0, "\(c.stderr)")
    let s = ["--storage", "sqlite:///" + db, "--study-name", evil]
    let space = "{\"p\u{1B}[2J\": {\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"a\u{1B}[1m\"]}}}"
    let ask = try await Binary.run(["ask"] + s + ["--search-space", space], in: dir)
    #expect(ask.status == 0, "\(ask.stderr)")
    let studies = try await Binary.run(["studies", "--storage", "sqlite:///" + db], in: dir)
    let trials = try await Binary.run(["trials"] + s + ["-f", "table", "--flatten"], in: dir)
    for out in [studies.stdout, trials.stdout, ask.stderr] {
      #expect(!out.contains("\u{1B}") && !out.contains("\u{7}"), "raw control characters in: \(out)")
    }
    #expect(studies.stdout.contains(#"evil\x1b[31mRED\x1b]0;title\x07"#), "\(studies.stdout)")
    #expect(trials.stdout.contains(#"params_p\x1b[2J"#) && trials.stdout.contains(#"a\x1b[1m"#), "\(trials.stdout)")
  }

  /// Item 15: reading a missing SQLite path is an error and creates nothing.
  @Test(arguments: [["studies"], ["trials", "--study-name", "s"], ["best", "--study-name", "s"], ["export", "--study-name", "s"]])
  func readingAMissingDatabaseCreatesNothing(_ command: [String]) async throws {
    let dir = try Binary.temporaryDirectory("missing")
    let db = dir + "/nope.db"
    let r = try await Binary.run([command[0], "--storage", "sqlite:///" + db] + command.dropFirst(), in: dir)
    #expect(r.status == 2, "\(r.stderr)")
    #expect(r.stderr.hasPrefix("error: no SQLite database at \(db)"), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: db))
    let w = try await Binary.run(["watch", db], in: dir)
    #expect(w.status == 2 && !FileManager.default.fileExists(atPath: db), "\(w.stderr)")
  }

  /// Item 16: a newer schema says what helps (a newer hpotop), not `optuna storage upgrade`.
  @Test func newerSchemaAsksForANewerHpotop() async throws {
    let dir = try Binary.temporaryDirectory("schema")
    let db = try await Self.writeStudy(dir)
    let sql = try ChildProcess.run("/usr/bin/env", ["python3", "-c", """
      import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE alembic_version SET version_num = 'v9.0.0.a'"); c.commit()
      """, db])
    #expect(sql.status == 0, "\(sql.stderr)")
    let r = try await Binary.run(["trials", "--storage", "sqlite:///" + db, "--study-name", "s"], in: dir)
    #expect(r.status == 1)
    #expect(r.stderr.contains("written by a newer Optuna; use a newer hpotop"), "\(r.stderr)")
    #expect(!r.stderr.contains("optuna storage upgrade"), "\(r.stderr)")
  }

  /// Item 10: on a read-only bind mount every read command works, and after hpotop wrote the
  /// file (WAL while it ran) Python Optuna reads it from the read-only mount too.
  @Test func readOnlyMountServesEveryReadCommand() async throws {
    let dir = try Binary.temporaryDirectory("ro")
    let src = dir + "/src", ro = dir + "/ro"
    try FileManager.default.createDirectory(atPath: src, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: ro, withIntermediateDirectories: true)
    _ = try await Self.writeStudy(src, trials: 5)
    let mount = try ChildProcess.run("/bin/mount", ["-o", "ro,bind", src, ro])
    guard mount.status == 0 else {
      print("⚠️⚠️⚠️ SKIPPING the read-only mount test: `mount -o ro,bind` is not allowed here (\(mount.stderr.trimmingCharacters(in: .whitespacesAndNewlines))); run as root to test it.")
      return
    }
    defer { _ = try? ChildProcess.run("/bin/umount", [ro]) }
    let db = ro + "/s.db"
    #expect(access(db, W_OK) != 0, "the mount must be read-only")
    let s = ["--storage", "sqlite:///" + db, "--study-name", "s"]
    let studies = try await Binary.run(["studies", "--storage", "sqlite:///" + db, "-f", "json"], in: dir)
    #expect(studies.status == 0 && studies.stdout.contains(#""name": "s""#), "\(studies.stderr)")
    let trials = try await Binary.run(["trials"] + s + ["-f", "json"], in: dir)
    #expect(trials.status == 0 && trials.stdout.components(separatedBy: #""number""#).count == 6, "\(trials.stderr)")
    let best = try await Binary.run(["best"] + s + ["-f", "json"], in: dir)
    #expect(best.status == 0 && best.stdout.contains(#""value""#), "\(best.stderr)")
    let export = try await Binary.run(["export"] + s + ["-f", "csv"], in: dir)
    #expect(export.status == 0 && export.stdout.split(separator: "\n").count == 6, "\(export.stderr)")
    // watch without a terminal stops after opening the storage, with its usual message.
    let watch = try await Binary.run(["watch", db], in: dir)
    #expect(watch.stderr.contains("watch needs a terminal"), "\(watch.stderr)")
    // hpotop put the file back into rollback-journal mode, so Optuna can read it read-only.
    guard PythonPeer.shouldRun(for: "Optuna reading from a read-only mount") else { return }
    let out = try PythonPeer.run(["-c", """
      import optuna, sys
      optuna.logging.set_verbosity(optuna.logging.WARNING)
      s = optuna.load_study(study_name="s", storage="sqlite:///" + sys.argv[1])
      print(len(s.trials), s.best_value)
      """, db])
    #expect(out.hasPrefix("5 "), "\(out)")
  }

  /// Item 10: a 444 file in a 555 folder, read by another user (root ignores file modes, so the
  /// test drops to `nobody` with `setpriv`).
  @Test func readOnlyFileReadByAnotherUser() async throws {
    let dir = try Binary.temporaryDirectory("mode444")
    let folder = dir + "/study"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let db = try await Self.writeStudy(folder)
    try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: db)
    try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir)
    defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder) }
    let asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups", Binary.path]
    let probe = try ChildProcess.run("/usr/bin/setpriv", asNobody + ["--help"])
    guard getuid() == 0, probe.status == 0 else {
      print("⚠️⚠️⚠️ SKIPPING readOnlyFileReadByAnotherUser: needs root and setpriv, and the binary readable by nobody (\(probe.stderr.prefix(200))).")
      return
    }
    let s = ["--storage", "sqlite:///" + db, "--study-name", "s"]
    for command in [["studies", "--storage", "sqlite:///" + db], ["trials"] + s, ["best"] + s, ["export"] + s] {
      let r = try ChildProcess.run("/usr/bin/setpriv", asNobody + command, directory: dir)
      #expect(r.status == 0, "\(command[0]) as nobody: \(r.stderr)")
    }
    let watch = try ChildProcess.run("/usr/bin/setpriv", asNobody + ["watch", db], directory: dir)
    #expect(watch.stderr.contains("watch needs a terminal"), "\(watch.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder)
    #expect(files.sorted() == ["s.db", "s.yaml"], "reading left files behind: \(files)")
  }

  /// Item 10: a file left in WAL (a crashed writer) on a read-only mount is still readable, and
  /// the next hpotop writer returns it to rollback-journal mode.
  @Test func walFileOnAReadOnlyMountIsReadable() async throws {
    let dir = try Binary.temporaryDirectory("rowal")
    let src = dir + "/src", ro = dir + "/ro"
    try FileManager.default.createDirectory(atPath: src, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: ro, withIntermediateDirectories: true)
    let db = try await Self.writeStudy(src)
    let wal = try ChildProcess.run("/usr/bin/env", ["python3", "-c", """
      import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(c.execute("PRAGMA journal_mode = wal").fetchone()[0]); c.close()
      """, db])
    #expect(wal.stdout.hasPrefix("wal"), "\(wal.stderr)")
    let mount = try ChildProcess.run("/bin/mount", ["-o", "ro,bind", src, ro])
    if mount.status == 0 {
      defer { _ = try? ChildProcess.run("/bin/umount", [ro]) }
      let r = try await Binary.run(["trials", "--storage", "sqlite:///" + ro + "/s.db", "--study-name", "s", "-f", "value"], in: dir)
      #expect(r.status == 0 && r.stdout.split(separator: "\n").count == 4, "\(r.stderr)")
    } else {
      print("⚠️⚠️⚠️ SKIPPING the read-only half of walFileOnAReadOnlyMountIsReadable: `mount -o ro,bind` is not allowed here.")
    }
    let r = try await Binary.run(["run", "--no-tui", "--n-trials", "6", src + "/s.yaml"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let mode = try ChildProcess.run("/usr/bin/env", ["python3", "-c", """
      import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode").fetchone()[0])
      """, db])
    #expect(mode.stdout.hasPrefix("delete"), "\(mode.stdout)")
  }
}
