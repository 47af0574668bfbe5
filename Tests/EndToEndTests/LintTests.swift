import Foundation
import HPO
import HPOSQLite
import OrderedCollections
import Testing

/// `hpotop check` lints a study: each pitfall is found in a SQLite study built to have it, and a
/// healthy study gets no finding (issue 24, "done when" 2). The studies are written to real
/// SQLite files; the real binary reads them.
@Suite(.serialized) struct LintTests {
  /// A study on disk: its folder, file and storage.
  struct Built {
    var dir: String
    var file: String
    var storage: SQLiteStorage
    var studyID: Int64
  }

  /// Writes `yaml` (with `name: s` and a command objective added) and a SQLite study `s` beside it.
  static func build(_ label: String, _ yaml: String, direction: StudyDirection = .minimize) async throws -> Built {
    let dir = try Binary.temporaryDirectory("lint-" + label)
    let file = dir + "/s.yaml"
    let metric = "metric: {name: loss, direction: \(direction == .minimize ? "minimize" : "maximize")}\n"
    try ("name: s\n" + metric + "objective: {command: [/bin/true]}\n" + yaml).write(toFile: file, atomically: true, encoding: .utf8)
    let storage = try SQLiteStorage(path: dir + "/s.db")
    let id = try await storage.createStudy(name: "s", directions: [direction])
    return Built(dir: dir, file: file, storage: storage, studyID: id)
  }

  /// Adds a finished trial: params from `values` with their distributions, one value, a duration.
  static func add(
    _ b: Built, _ params: OrderedDictionary<String, ParamValue>, _ distributions: OrderedDictionary<String, Distribution>,
    value: Double?, state: TrialState = .complete, seconds: Double = 60, steps: Int = 0,
    systemAttrs: OrderedDictionary<String, JSONValue> = [:], at start: Date = Date(timeIntervalSince1970: 1_700_000_000)
  ) async throws {
    var inter = OrderedDictionary<Int, Double>()
    for s in 0..<steps { inter[s] = (value ?? 1) + Double(steps - s) }
    let t = FrozenTrial(
      id: 0, number: 0, state: state, values: value.map { [$0] }, datetimeStart: start,
      datetimeComplete: start.addingTimeInterval(seconds), params: params,
      distributions: OrderedDictionary(uniqueKeysWithValues: params.keys.map { ($0, distributions[$0]!) }),
      systemAttrs: systemAttrs, intermediateValues: inter)
    _ = try await b.storage.createTrial(study: b.studyID, template: t)
  }

  /// The finding ids `hpotop check -f json` prints (exit 0 expected).
  static func findings(_ b: Built, storage: Bool = false) async throws -> [(id: String, message: String)] {
    let args = ["check", b.file, "-f", "json"] + (storage ? ["--storage", "sqlite:///" + b.dir + "/s.db"] : [])
    let r = try await Binary.run(args, in: b.dir)
    #expect(r.status == 0, "\(r.stderr)")
    let json = try JSONValue(parsing: r.stdout)
    return (json["findings"]?.arrayValue ?? []).map { ($0["id"]?.stringValue ?? "", $0["message"]?.stringValue ?? "") }
  }

  static let unit = try! Distribution.float(FloatDistribution(low: 0, high: 1))
  static let lr = try! Distribution.float(FloatDistribution(low: 1e-5, high: 0.1, log: true))

  /// A deterministic uniform stream in [0, 1).
  struct Uniform {
    var rng: SeededRNG
    init(_ seed: UInt64) { rng = SeededRNG(seed: seed, trialNumber: 0, purpose: "lint-test") }
    mutating func next() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
  }

  @Test func healthyStudyHasNoFinding() async throws {
    let b = try await Self.build("healthy", """
      params:
        x: {type: float, low: 0, high: 1}
        y: {type: float, low: 0, high: 1}
      sampler: {name: tpe, n_startup_trials: 4}
      pruner: median
      n_trials: 60

      """)
    var u = Uniform(1)
    for _ in 0..<60 {
      let x = u.next(), y = u.next()
      try await Self.add(b, ["x": .float(x), "y": .float(y)], ["x": Self.unit, "y": Self.unit],
                         value: (x - 0.4) * (x - 0.4) + (y - 0.6) * (y - 0.6), steps: 20)
    }
    let found = try await Self.findings(b)
    #expect(found.isEmpty, "\(found)")
    // The text form lists no finding (no fix to make) either.
    let text = try await Binary.run(["check", b.file], in: b.dir)
    #expect(text.status == 0 && text.stdout.contains(": ok: study 's'") && !text.stdout.contains("fix:"), "\(text.stdout)")
  }

  @Test func findingsInTextHaveTheirIdMessageAndFix() async throws {
    let b = try await Self.build("text", """
      params:
        x: {type: float, low: 0.0, high: 1.0, step: 0.1}
      sampler: {name: grid}

      """)
    let r = try await Binary.run(["check", b.file], in: b.dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("grid-continuous") && r.stdout.contains("the grid tries only 11 values of the continuous range x [0, 1]"), "\(r.stdout)")
    #expect(r.stdout.contains("fix: use sampler: random or tpe for x"), "\(r.stdout)")
  }

  @Test func gridPitfallsComeFromTheFileAlone() async throws {
    let b = try await Self.build("grid", """
      params:
        lr: {type: float, low: 0.0, high: 1.0, step: 0.01}
        layers: {type: int, low: 1, high: 8}
      sampler: {name: grid}
      n_trials: 50

      """)
    let ids = try await Self.findings(b).map(\.id)
    #expect(ids.contains("grid-continuous"))
    #expect(ids.contains("grid-over-budget"))
  }

  /// 4 × 4 × 3 = 48 configurations and 60 trials: 12 must repeat. With a conditional param the
  /// count is an upper bound; with a float range, or n_trials within the space, nothing is found.
  @Test func aFiniteSpaceSmallerThanTheBudget() async throws {
    let small = try await Self.build("small", """
      params:
        a: {type: int, low: 0, high: 3}
        b: {type: float, low: 0, high: 0.3, step: 0.1}
        c: {type: categorical, choices: [x, y, z]}
      sampler: {name: tpe, n_startup_trials: 6}
      n_trials: 60

      """)
    let found = try await Self.findings(small)
    #expect(found.map(\.id) == ["space-under-budget"], "\(found)")
    #expect(found.first?.message == "the space has 48 configurations but n_trials is 60: 12 trials or more repeat one", "\(found)")
    let conditional = try await Self.build("conditional", """
      params:
        opt: {type: categorical, choices: [adam, sgd]}
        momentum: {type: float, low: 0.0, high: 0.9, step: 0.3, when: {opt: sgd}}
        layers: {type: int, low: 1, high: 4}
      sampler: {name: tpe, n_startup_trials: 6}
      n_trials: 50

      """)
    #expect(try await Self.findings(conditional).map(\.message) == [
      "the space has at most 40 configurations but n_trials is 50: 10 trials or more repeat one"])
    for (label, params, n) in [("float", "a: {type: float, low: 0, high: 1}", 60), ("fits", "a: {type: int, low: 0, high: 99}", 60)] {
      let b = try await Self.build(label, """
        params:
          \(params)
          c: {type: categorical, choices: [x, y]}
        sampler: {name: tpe, n_startup_trials: 4}
        n_trials: \(n)

        """)
      #expect(try await Self.findings(b).isEmpty, "\(label)")
    }
  }

  @Test func startupTrialsBelowTwicePerParam() async throws {
    let b = try await Self.build("startup", """
      params:
        a: {type: float, low: 0, high: 1}
        b: {type: float, low: 0, high: 1}
        c: {type: float, low: 0, high: 1}
        d: {type: float, low: 0, high: 1}
        e: {type: float, low: 0, high: 1}
        f: {type: float, low: 0, high: 1}
      sampler: {name: tpe}

      """)
    let found = try await Self.findings(b)
    #expect(found.map(\.id) == ["startup-trials"], "\(found)")
    #expect(found.first?.message.contains("fewer than 2·d = 12") == true, "\(found)")
  }

  @Test func rangeAdvisorSeesTheBestCrowdingABound() async throws {
    let b = try await Self.build("range", """
      params:
        lr: {type: float, low: 1.0e-5, high: 0.1, log: true}
      sampler: {name: tpe, n_startup_trials: 4}
      pruner: median

      """)
    // Twenty random trials, then twenty where a model crowded towards the upper bound.
    var u = Uniform(2)
    for k in 0..<40 {
      let position = k < 20 ? u.next() : 0.92 + 0.08 * u.next()
      let lr = exp(log(1e-5) + position * (log(0.1) - log(1e-5)))
      try await Self.add(b, ["lr": .float(lr)], ["lr": Self.lr], value: -log10(lr))  // the larger, the better
    }
    let found = try await Self.findings(b, storage: true)
    #expect(found.map(\.id) == ["range-bound"], "\(found)")
    #expect(found.first?.message.contains("best lr are within") == true, "\(found)")
    #expect(found.first?.message.contains("upper bound 0.1: widen it") == true, "\(found)")
  }

  @Test func unimportantParamAfterEnoughTrials() async throws {
    let b = try await Self.build("importance", """
      params:
        x: {type: float, low: 0, high: 1}
        y: {type: float, low: 0, high: 1}
        dropout: {type: float, low: 0, high: 0.5}
      sampler: {name: tpe, n_startup_trials: 6}
      pruner: median

      """)
    var u = Uniform(3)
    let half = try Distribution.float(FloatDistribution(low: 0, high: 0.5))
    // 400 trials: by then dropout's interval (which spans the forest's bootstrap bias) is narrow
    // enough to call it negligible; at 60 it still reaches 15%, and the rule says nothing.
    for _ in 0..<400 {
      let x = u.next(), y = u.next(), d = u.next() / 2
      try await Self.add(b, ["x": .float(x), "y": .float(y), "dropout": .float(d)], ["x": Self.unit, "y": Self.unit, "dropout": half],
                         value: (x - 0.4) * (x - 0.4) + (y - 0.6) * (y - 0.6))
    }
    let found = try await Self.findings(b)
    #expect(found.map(\.id) == ["unimportant-param"], "\(found)")
    #expect(found.first?.message.contains("freeze dropout at") == true, "\(found)")
  }

  @Test func noPrunerWhileTrialsReportManySteps() async throws {
    let b = try await Self.build("pruner", """
      params:
        x: {type: float, low: 0, high: 1}
      sampler: {name: random}

      """)
    for k in 0..<8 {
      let x = Double(k) / 10 + 0.1
      try await Self.add(b, ["x": .float(x)], ["x": Self.unit], value: x * x, steps: 50)
    }
    let found = try await Self.findings(b)
    #expect(found.map(\.id) == ["no-pruner"], "\(found)")
  }

  @Test func timeoutShorterThanTypicalTrials() async throws {
    let b = try await Self.build("timeout", """
      params:
        x: {type: float, low: 0, high: 1}
      sampler: {name: random}
      pruner: median

      """)
    // The objective's timeout: the file above has none, so write one.
    try "name: s\nmetric: {name: loss, direction: minimize}\nobjective: {command: [/bin/true], timeout: 60}\nparams:\n  x: {type: float, low: 0, high: 1}\nsampler: {name: random}\npruner: median\n"
      .write(toFile: b.file, atomically: true, encoding: .utf8)
    for k in 0..<8 {
      let x = Double(k) / 10 + 0.05
      if k % 2 == 0 {
        try await Self.add(b, ["x": .float(x)], ["x": Self.unit], value: nil, state: .fail, seconds: 60,
                           systemAttrs: [HpotopKey.failReason.rawValue: .string("timed out after 60 s")])
      } else {
        try await Self.add(b, ["x": .float(x)], ["x": Self.unit], value: x, seconds: 58)
      }
    }
    let found = try await Self.findings(b)
    #expect(found.map(\.id) == ["timeout-short"], "\(found)")
    #expect(found.first?.message.contains("4 of 8 trials hit the 60 s objective timeout") == true, "\(found)")
  }

  @Test func seedPitfallWhenTheWinnerIsWithinSeedNoise() async throws {
    let b = try await Self.build("seed", """
      params:
        x: {type: float, low: 0, high: 1}
        seed: {type: int, low: 0, high: 100}
      sampler: {name: random}
      pruner: median

      """)
    let seed = try Distribution.int(IntDistribution(low: 0, high: 100))
    // One configuration run 4 times: values 0.50 ± 0.05; the best two single runs differ by 0.01.
    for (s, v) in [(0, 0.45), (1, 0.50), (2, 0.55), (3, 0.50)] {
      try await Self.add(b, ["x": .float(0.7), "seed": .int(s)], ["x": Self.unit, "seed": seed], value: v)
    }
    try await Self.add(b, ["x": .float(0.2), "seed": .int(0)], ["x": Self.unit, "seed": seed], value: 0.40)
    try await Self.add(b, ["x": .float(0.3), "seed": .int(0)], ["x": Self.unit, "seed": seed], value: 0.41)
    let found = try await Self.findings(b)
    #expect(found.map(\.id) == ["seed-spread"], "\(found)")
    #expect(found.first?.message.contains("best #4 (0.4) beats runner-up #5 (0.41)") == true, "\(found)")
  }

  @Test func outOfMemoryAboveAParamValue() async throws {
    let b = try await Self.build("oom", """
      params:
        width: {type: int, low: 64, high: 4096}
      sampler: {name: random}
      pruner: median

      """)
    let width = try Distribution.int(IntDistribution(low: 64, high: 4096))
    for w in [64, 128, 256, 512, 1024, 1536] {
      try await Self.add(b, ["width": .int(w)], ["width": width], value: 1.0 / Double(w))
    }
    for w in [2048, 3000, 4096] {
      try await Self.add(b, ["width": .int(w)], ["width": width], value: nil, state: .fail,
                         systemAttrs: [HpotopKey.failReason.rawValue: .string(GPUOutOfMemory.reasonPrefix + " on GPU 0, 23.1 of 24 GiB in use")])
    }
    let found = try await Self.findings(b)
    #expect(found.map(\.id) == ["gpu-oom"], "\(found)")
    #expect(found.first?.message.contains("trials with width ≥ 2048 run out of GPU memory") == true, "\(found)")
  }

  @Test func anInvalidFileIsStillExitTwo() async throws {
    let dir = try Binary.temporaryDirectory("lint-bad")
    try "name: s\nobjective: {command: [/bin/true]}\nparams:\n  x: {type: float, low: 1, high: 0}\n"
      .write(toFile: dir + "/s.yaml", atomically: true, encoding: .utf8)
    let r = try await Binary.run(["check", dir + "/s.yaml", "-f", "json"], in: dir)
    #expect(r.status == 2, "\(r.stdout) \(r.stderr)")
    #expect(r.stderr.hasPrefix(dir + "/s.yaml:4:"), "\(r.stderr)")
  }
}
