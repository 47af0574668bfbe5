import Foundation
import HPO
import Synchronization
import Testing

/// Issue 15, "done when" 2: hundreds of malformed study files through the real binary
/// (`hpotop check`, which loads and validates as `run` does), each under a time limit with its
/// peak memory sampled from `/proc` while it runs: every one exits 0 (accepted) or 2 with a message that
/// starts with `file:line:col: error:`; none crashes, hangs or grows past 200 MB.
@Suite struct StudyFileBinaryFuzzTests {
  static let timeLimit = 10.0
  static let memoryLimitKB = 200 * 1024

  /// One generated file: a label for failures and its bytes.
  struct Case {
    let label: String
    let bytes: [UInt8]
  }

  static var demosDir: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("demos")
  }

  static func demos() throws -> [(String, [UInt8])] {
    try FileManager.default.subpathsOfDirectory(atPath: demosDir.path)
      .filter { $0.hasSuffix(".yaml") }.sorted()
      .map { ($0, Array(try Data(contentsOf: demosDir.appendingPathComponent($0)))) }
  }

  /// Truncations of every demo (every `stride`-th byte, the offset moving from demo to demo so
  /// that together they cut at every residue), then wrong types, extreme numbers, encodings,
  /// nesting, aliases and garbage.
  static func cases() throws -> [Case] {
    var out: [Case] = []
    let stride = 7
    for (i, (name, bytes)) in try demos().enumerated() {
      var cut = i % stride
      while cut < bytes.count {
        out.append(Case(label: "\(name) cut at byte \(cut)", bytes: Array(bytes[..<cut])))
        cut += stride
      }
    }
    func add(_ label: String, _ text: String) { out.append(Case(label: label, bytes: Array(text.utf8))) }

    // Wrong types for every top-level key.
    let base: [(String, String)] = [
      ("name", "w"), ("storage", "sqlite:///w.db"), ("metric", "{name: loss, direction: minimize}"),
      ("params", "{x: {type: float, low: 0, high: 1}, k: {type: int, low: 1, high: 9}, c: {choices: [a, b]}}"),
      ("sampler", "{name: tpe, seed: 1}"), ("pruner", "{name: median}"), ("n_trials", "5"), ("timeout", "30m"),
      ("parallelism", "2"), ("objective", "{command: [/bin/true, '{x}']}"),
    ]
    let wrong = [
      "[1, 2]", "{a: 1}", "null", "~", "1.0e308", "-1", "\"str\"", "true", ".nan", "!!int x", "!!binary AAAA", "-.inf",
      "''", "[]", "{}", "0x7fffffffffffffff", "99999999999999999999999", "!!float abc", "!!bool maybe",
    ]
    for (key, _) in base {
      for w in wrong {
        add("\(key): \(w)", base.map { "\($0.0): \($0.0 == key ? w : $0.1)" }.joined(separator: "\n") + "\n")
      }
    }
    // Extreme numbers inside params and options.
    let extremes = [
      "{type: float, low: -1.0e308, high: 1.0e308}", "{type: float, low: 0, high: 1, step: 1.0e-300}",
      "{type: float, low: 0, high: 1.0e308, step: 1.0e-308}", "{type: float, low: 1.0e-320, high: 1, log: true}",
      "{type: int, low: -9223372036854775808, high: 9223372036854775807}", "{type: int, low: 0, high: 9223372036854775807, step: 9223372036854775807}",
      "{type: int, low: 1, high: 9223372036854775807, log: true}", "{type: float, low: .nan, high: 1}",
      "{type: float, low: 0, high: .inf}", "{type: int, low: 0, high: 10, step: 0}", "{type: float, low: 1, high: 0}",
      "{choices: [1.0e308, -1.0e308, 5.0e-324]}", "{type: float, low: 0, high: 1, step: -0.0}",
    ]
    for (j, e) in extremes.enumerated() {
      add("extreme param \(j)", "params:\n  x: \(e)\nsampler: grid\nobjective: {command: [/bin/true]}\n")
      add("extreme param \(j) with tpe", "params:\n  x: \(e)\nobjective: {command: [/bin/true]}\n")
    }
    for option in [
      "seed: 18446744073709551616", "seed: -1", "n_startup_trials: 9223372036854775807", "n_ei_candidates: 0",
      "prior_weight: .inf", "prior_weight: -.inf", "population_size: 1", "top_n_percent: 100",
    ] {
      let sampler = option.hasPrefix("population") ? "nsga2" : option.hasPrefix("top_n") ? "bohb" : "tpe"
      add("sampler option \(option)", "sampler: {name: \(sampler), \(option)}\nobjective: {builtin: branin}\n")
    }
    add("parallelism max int", "parallelism: 9223372036854775807\nobjective: {builtin: branin}\n")
    add("n_trials max int", "n_trials: 9223372036854775807\nobjective: {builtin: branin}\n")
    add("timeout 1e308 days", "timeout: 1.0e308d\nobjective: {builtin: branin}\n")
    // Encodings.
    let plain = "name: enc\nobjective: {builtin: branin}\n"
    out.append(Case(label: "UTF-8 BOM", bytes: [0xEF, 0xBB, 0xBF] + Array(plain.utf8)))
    out.append(Case(label: "UTF-16 LE with BOM", bytes: [0xFF, 0xFE] + plain.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
    out.append(Case(label: "UTF-16 BE with BOM", bytes: [0xFE, 0xFF] + plain.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }))
    out.append(Case(label: "invalid UTF-8", bytes: Array("name: x".utf8) + [0xC3, 0x28, 0xFF, 0x0A] + Array("objective: {builtin: branin}\n".utf8)))
    out.append(Case(label: "overlong UTF-8", bytes: Array("name: ".utf8) + [0xC0, 0xAF] + Array("\nobjective: {builtin: branin}\n".utf8)))
    out.append(Case(label: "NUL byte", bytes: Array("name: a".utf8) + [0] + Array("b\nobjective: {builtin: branin}\n".utf8)))
    add("CRLF lines", plain.replacingOccurrences(of: "\n", with: "\r\n"))
    add("lone CR lines", plain.replacingOccurrences(of: "\n", with: "\r"))
    out.append(Case(label: "Latin-1 name", bytes: Array("name: caf".utf8) + [0xE9] + Array("\nobjective: {builtin: branin}\n".utf8)))
    add("bidi and escapes in names", "name: \"a\\u202eb\\e[2J\"\nparams:\n  \"p\\e]0;t\\a\": {choices: [\"\\e[31m\"]}\nobjective: {command: [/bin/true]}\n")
    add("escaped NUL in a name", "name: \"a\\0b\"\nobjective: {builtin: branin}\n")
    add("escaped NUL in an argument", "params:\n  x: {choices: [1]}\nobjective: {command: [/bin/true, \"a\\0b\"]}\n")
    // Nesting.
    add("10k open brackets", "params: " + String(repeating: "[", count: 10_000) + "\n")
    add("10k open braces", "params: " + String(repeating: "{a: ", count: 10_000) + "\n")
    add("deep block list", (0..<3_000).map { String(repeating: " ", count: $0) + "- a" }.joined(separator: "\n") + "\n")
    add("900-deep option", "sampler: {name: tpe, x: " + String(repeating: "[", count: 900) + String(repeating: "]", count: 900) + "}\nobjective: {builtin: branin}\n")
    add("900-deep choices", "params:\n  x: {choices: [" + String(repeating: "[", count: 900) + String(repeating: "]", count: 900) + "]}\nobjective: {command: [/bin/true]}\n")
    add("deep when", "params:\n  x: {choices: [a]}\n  y: {choices: [b], when: " + String(repeating: "{x: ", count: 500) + "a" + String(repeating: "}", count: 500) + "}\nobjective: {command: [/bin/true]}\n")
    // Aliases.
    func bomb(_ indent: String) -> String {
      var s = "\(indent)a: &a [x, x, x, x, x, x, x, x, x, x]\n"
      let names = Array("abcdefghi").map(String.init)
      for (p, n) in zip(names, names.dropFirst()) {
        s += "\(indent)\(n): &\(n) [" + Array(repeating: "*\(p)", count: 10).joined(separator: ", ") + "]\n"
      }
      return s
    }
    add("alias bomb at top level", bomb("") + "objective: {builtin: branin}\n")
    add("alias bomb in sampler", "sampler:\n  name: tpe\n" + bomb("  ") + "objective: {builtin: branin}\n")
    add("alias bomb in pruner", "pruner:\n  name: median\n" + bomb("  ") + "objective: {builtin: branin}\n")
    add("alias bomb in objective", "objective:\n  builtin: branin\n" + bomb("  "))
    add("alias bomb in grid values", "params:\n  x: {choices: [1, 2]}\nsampler:\n  name: grid\n  values:\n    x: &v [1, 2]\n" + bomb("  ") + "objective: {command: [/bin/true]}\n")
    add("alias bomb as a key", bomb("") + "? *i\n: 1\nobjective: {builtin: branin}\n")
    add("undefined alias", "name: *nope\nobjective: {builtin: branin}\n")
    add("alias of a mapping reused", "o: &o {builtin: branin}\nobjective: *o\n")
    add("merge key", "base: &b {builtin: branin}\nobjective: {<<: *b}\n")
    add("alias to itself", "a: &a [*a]\nobjective: {builtin: branin}\n")
    // Garbage and size.
    var rng = SeededRNG(seed: 15, trialNumber: 0, purpose: "fuzz-bytes")
    for k in 0..<20 {
      out.append(Case(label: "random bytes \(k)", bytes: (0..<(64 + k * 37)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }))
    }
    let tokens = [":", " ", "\n", "-", "[", "]", "{", "}", ",", "&a", "*a", "!!", "'", "\"", "#", "|", ">", "?", "name", "params", "x", "1", "  "]
    for k in 0..<40 {
      add("random tokens \(k)", (0..<(20 + k * 5)).map { _ in tokens[Int(rng.next() % UInt64(tokens.count))] }.joined())
    }
    add("empty file", "")
    add("only comments", "# nothing\n# here\n")
    add("a 1 MB key", String(repeating: "k", count: 1 << 20) + ": 1\nobjective: {builtin: branin}\n")
    add("a 1 MB name", "name: " + String(repeating: "n", count: 1 << 20) + "\nobjective: {builtin: branin}\n")
    add("5000 params", "params:\n" + (0..<5_000).map { "  p\($0): {type: float, low: 0, high: 1}" }.joined(separator: "\n")
      + "\nobjective: {command: [/bin/true]}\n")
    add("5000 choices on a grid", "params:\n  c: {choices: [" + (0..<5_000).map(String.init).joined(separator: ", ")
      + "]}\nsampler: grid\nobjective: {command: [/bin/true]}\n")
    return out
  }

  /// What one run of the binary did.
  struct Outcome {
    var exitCode: Int32?
    var signal: Int32?
    var timedOut = false
    var maxRSSKB = 0
    var seconds = 0.0
    var stdout = ""
    var stderr = ""
  }

  /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module
  /// does not import: looked up by name.
  nonisolated(unsafe) static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
      return nil
    }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
  }()

  /// The peak resident memory (VmHWM, kB) of `pid` once it runs `program`, or nil before that.
  /// (`wait4`'s `ru_maxrss` cannot be used: posix_spawn's child shares the test process's memory
  /// until it execs, and Linux counts that memory's high-water mark into the child's.)
  static func peakMemoryKB(_ pid: pid_t, program: String) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    var name = "", hwm: Int?
    for line in status.split(separator: "\n") {
      if line.hasPrefix("Name:") { name = line.dropFirst(5).trimmingCharacters(in: .whitespaces) }
      if line.hasPrefix("VmHWM:") { hwm = Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ")[0]) }
    }
    return name == program ? hwm : nil
  }

  /// Runs `argv` with output to files, sampling its peak memory while it runs, and kills it when
  /// it runs past `timeLimit`.
  static func runLimited(_ argv: [String], directory: String, tag: String) -> Outcome {
    let outPath = directory + "/\(tag).out", errPath = directory + "/\(tag).err"
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    // Nothing else the test process has open (another test's script being written, say) may
    // live on in the child: an inherited write descriptor makes that script's exec fail with
    // ETXTBSY.
    let closeFrom = Self.addCloseFrom
    _ = closeFrom?(&actions, 3)
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { for a in cArgs { free(a) } }
    var pid: pid_t = 0
    let started = Date()
    guard posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ) == 0 else {
      return Outcome(exitCode: nil, signal: nil, stderr: "posix_spawn failed: \(errno)")
    }
    var outcome = Outcome()
    var status: Int32 = 0
    let program = String(URL(fileURLWithPath: argv[0]).lastPathComponent.prefix(15))  // comm is 15 bytes
    while true {
      if let kb = Self.peakMemoryKB(pid, program: program) { outcome.maxRSSKB = max(outcome.maxRSSKB, kb) }
      let r = waitpid(pid, &status, WNOHANG)
      if r == pid { break }
      if r < 0 && errno != EINTR { break }
      if !outcome.timedOut && Date().timeIntervalSince(started) > timeLimit {
        outcome.timedOut = true
        kill(pid, SIGKILL)
      }
      usleep(2_000)
    }
    outcome.seconds = Date().timeIntervalSince(started)
    if status & 0x7f == 0 { outcome.exitCode = (status >> 8) & 0xff } else { outcome.signal = status & 0x7f }
    outcome.stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    outcome.stderr = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data(), as: UTF8.self)
    return outcome
  }

  /// Why an outcome breaks the promise, or nil.
  static func problem(_ o: Outcome, file: String) -> String? {
    if o.timedOut { return "still running after \(timeLimit) s" }
    if let s = o.signal { return "killed by signal \(s): \(o.stderr.suffix(300))" }
    if o.maxRSSKB > memoryLimitKB { return "peak memory \(o.maxRSSKB / 1024) MB" }
    switch o.exitCode {
    case 0:
      return o.stdout.contains(": ok: ") ? nil : "exit 0 without the ok line: \(o.stdout.prefix(200))"
    case 2:
      let first = o.stderr.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
      guard first.hasPrefix(file + ":") else { return "exit 2 without a positioned first line: \(first.prefix(300))" }
      let rest = first.dropFirst(file.count + 1)
      let parts = rest.split(separator: ":", maxSplits: 2)
      guard parts.count == 3, Int(parts[0]) != nil, Int(parts[1]) != nil, parts[2].hasPrefix(" error: ") else {
        return "exit 2 with a malformed diagnostic: \(first.prefix(300))"
      }
      return o.stderr.split(separator: "\n").count == 1 ? nil : "more than one line on stderr: \(o.stderr.prefix(300))"
    default:
      return "exit \(o.exitCode.map(String.init) ?? "?"): \(o.stderr.prefix(300))"
    }
  }

  /// Runs blocking work on a thread of its own, so that waiting on child processes never holds
  /// one of the few threads of Swift's cooperative pool that the other tests' tasks run on.
  static func offThePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
      Thread { continuation.resume(returning: work()) }.start()
    }
  }

  struct Results: Sendable {
    var accepted = 0, rejected = 0, maxRSSKB = 0
    var slowest = 0.0
    var largest = "", slowestCase = ""
    var failures: [String] = []
    var acceptedBuiltins: [Int] = []
    /// Label and outcome of each accepted file that was also run.
    var runs: [(String, Outcome)] = []
  }

  @Test func malformedStudyFilesThroughTheBinary() async throws {
    let cases = try Self.cases()
    #expect(cases.count >= 300)
    let dir = try Binary.temporaryDirectory("fuzz")
    let binary = Binary.path
    if Self.addCloseFrom == nil {
      print("⚠️⚠️⚠️ posix_spawn_file_actions_addclosefrom_np is missing (glibc < 2.34): the fuzz children inherit the test process's descriptors, which can make other tests' scripts fail with ETXTBSY.")
    }
    let r = await Self.offThePool { () -> Results in
      let results = Mutex(Results())
      let lanes = 3
      DispatchQueue.concurrentPerform(iterations: lanes) { lane in
        for index in Swift.stride(from: lane, to: cases.count, by: lanes) {
          let c = cases[index]
          let file = dir + "/case\(index).yaml"
          FileManager.default.createFile(atPath: file, contents: Data(c.bytes))
          let o = Self.runLimited([binary, "check", file], directory: dir, tag: "case\(index)")
          let problem = Self.problem(o, file: file)
          results.withLock {
            if let problem { $0.failures.append("\(c.label) (\(file)): \(problem)") }
            if o.exitCode == 0 { $0.accepted += 1 } else { $0.rejected += 1 }
            if o.exitCode == 0, String(decoding: c.bytes, as: UTF8.self).contains("builtin") {
              $0.acceptedBuiltins.append(index)
            }
            if o.maxRSSKB > $0.maxRSSKB { $0.maxRSSKB = o.maxRSSKB; $0.largest = c.label }
            if o.seconds > $0.slowest { $0.slowest = o.seconds; $0.slowestCase = c.label }
          }
        }
      }
      // Accepted means runnable: a sample of the accepted files with a built-in objective runs
      // one trial to COMPLETE (each on a storage of its own).
      var out = results.withLock { $0 }
      for index in out.acceptedBuiltins.sorted().prefix(8) {
        let o = Self.runLimited(
          [binary, "run", "--no-tui", "--n-trials", "1", "--storage", "sqlite:///\(dir)/run\(index).db",
           dir + "/case\(index).yaml"],
          directory: dir, tag: "run\(index)")
        out.runs.append((cases[index].label, o))
      }
      return out
    }
    print("fuzz: \(cases.count) study files, \(r.accepted) accepted, \(r.rejected) rejected; peak memory \(r.maxRSSKB / 1024) MB (\(r.largest)), slowest \(String(format: "%.2f", r.slowest)) s (\(r.slowestCase))")
    let report = "\(r.failures.count) file(s) broke the promise:\n" + r.failures.prefix(25).joined(separator: "\n")
    #expect(r.failures.isEmpty, "\(report)")
    #expect(r.accepted > 0 && r.rejected > 0)
    #expect(r.maxRSSKB > 10_000, "the memory sampling saw no hpotop process")
    #expect(r.runs.count >= 5)
    for (label, o) in r.runs {
      #expect(o.exitCode == 0 && !o.timedOut && o.stderr.contains("(1 complete)"),
              "\(label): accepted by check but run gave exit \(o.exitCode ?? -1): \(o.stderr.suffix(400))")
    }
  }
}
