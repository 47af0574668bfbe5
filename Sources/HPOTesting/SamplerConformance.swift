import Foundation
import HPO
import OrderedCollections

/// Makes a fresh sampler for a seed; conformance checks call it once per study they run.
public typealias SamplerFactory = @Sendable (UInt64) -> any Sampler

/// A conformance check that failed, with the check's name, the seed and what went wrong.
public struct SamplerConformanceFailure: Error, CustomStringConvertible, Sendable {
  public let check: String
  public let seed: UInt64
  public let message: String

  public init(check: String, seed: UInt64, message: String) {
    self.check = check
    self.seed = seed
    self.message = message
  }

  public var description: String { "sampler check '\(check)' (seed \(seed)): \(message)" }
}

/// One named check any sampler must pass. `gridSpace` is a grid that covers every param the
/// check suggests, for running the check against a `GridSampler`.
public struct SamplerCheck: Sendable, CustomStringConvertible {
  public let name: String
  public let gridSpace: OrderedDictionary<String, [ParamValue]>
  let body: @Sendable (SamplerFactory, UInt64) async throws -> Void

  /// Runs the check with a sampler from `factory` and a seed; throws `SamplerConformanceFailure`.
  public func run(_ factory: @escaping SamplerFactory, seed: UInt64 = 42) async throws {
    try await body(factory, seed)
  }

  public var description: String { name }
}

/// The sampler conformance suite (after Optuna's `tests/samplers_tests/test_samplers.py`):
/// bounds, steps, log ranges, categoricals of mixed types, conditional spaces, NaN and infinite
/// objectives, reproducibility (also with trials running at once), ints and single-valued
/// distributions. Every check runs whole studies on `InMemoryStorage`, long enough to get past
/// the startup phase of model-based samplers.
public enum SamplerConformance {
  /// Trials per study in the checks (model-based samplers start modelling after 10).
  public static let trialsPerStudy = 40

  public static let checks: [SamplerCheck] = [
    floatBounds, stepMultiples, logRanges, mixedCategorical, conditional, nanAndInfObjectives,
    reproducible, reproducibleWithParallelism, intDistributions, singleValued,
  ]

  /// Runs every check, stopping at the first failure.
  public static func runAll(_ factory: @escaping SamplerFactory, seed: UInt64 = 42) async throws {
    for check in checks { try await check.run(factory, seed: seed) }
  }

  // MARK: Checks

  public static let floatBounds = SamplerCheck(
    name: "float bounds",
    gridSpace: ["x": floats(-3.5, 7.25, 5), "y": floats(0, 1e-3, 4)]
  ) { factory, seed in
    let fail = failer("float bounds", seed)
    let trials = try await runStudy(factory(seed)) { trial in
      let x = try await trial.suggestFloat("x", -3.5, 7.25)
      let y = try await trial.suggestFloat("y", 0, 1e-3)
      return [pseudoObjective([x, y * 1000])]
    }
    try requireTrials(trials, fail)
    for t in trials {
      let x = try number(t, "x", fail), y = try number(t, "y", fail)
      if !(x >= -3.5 && x <= 7.25) { throw fail("trial \(t.number): x = \(x) outside [-3.5, 7.25]") }
      if !(y >= 0 && y <= 1e-3) { throw fail("trial \(t.number): y = \(y) outside [0, 0.001]") }
      if case .float = t.params["x"] {} else { throw fail("trial \(t.number): x is not a float") }
    }
  }

  public static let stepMultiples = SamplerCheck(
    name: "step multiples",
    gridSpace: ["f": [-1, -0.75, 0, 0.5, 1.75, 2].map { .float($0) }, "k": [1, 4, 10, 19].map { .int($0) }]
  ) { factory, seed in
    let fail = failer("step multiples", seed)
    let trials = try await runStudy(factory(seed)) { trial in
      let f = try await trial.suggestFloat("f", -1, 2, step: 0.25)
      let k = try await trial.suggestInt("k", 1, 20, step: 3)
      return [pseudoObjective([f, Double(k) / 10])]
    }
    try requireTrials(trials, fail)
    for t in trials {
      let f = try number(t, "f", fail)
      let q = (f + 1) / 0.25
      if !(f >= -1 && f <= 2) || abs(q - q.rounded()) > 1e-8 {
        throw fail("trial \(t.number): f = \(f) is not -1 + 0.25·k in [-1, 2]")
      }
      guard case .int(let k) = t.params["k"] else { throw fail("trial \(t.number): k is not an int") }
      if k < 1 || k > 19 || (k - 1) % 3 != 0 {
        throw fail("trial \(t.number): k = \(k) is not 1 + 3·j in [1, 19]")
      }
    }
  }

  public static let logRanges = SamplerCheck(
    name: "log ranges",
    gridSpace: [
      "lr": [1e-5, 1e-4, 1e-3, 1e-1, 10, 100].map { .float($0) },
      "units": [1, 3, 30, 300, 1000].map { .int($0) },
    ]
  ) { factory, seed in
    let fail = failer("log ranges", seed)
    let trials = try await runStudy(factory(seed)) { trial in
      let lr = try await trial.suggestFloat("lr", 1e-5, 100, log: true)
      let units = try await trial.suggestInt("units", 1, 1000, log: true)
      return [pseudoObjective([log10(lr), log10(Double(units)), Double(trial.number)])]
    }
    try requireTrials(trials, fail)
    var lrs: [Double] = [], units: [Double] = []
    for t in trials {
      let lr = try number(t, "lr", fail), u = try number(t, "units", fail)
      if !(lr >= 1e-5 && lr <= 100) { throw fail("trial \(t.number): lr = \(lr) outside [1e-5, 100]") }
      if !(u >= 1 && u <= 1000) { throw fail("trial \(t.number): units = \(u) outside [1, 1000]") }
      lrs.append(lr)
      units.append(u)
    }
    // Log-uniform draws fall on both sides of the geometric midpoint; uniform ones almost never
    // fall below it.
    try spreadInLogSpace(lrs, low: 1e-5, high: 100, name: "lr", fail)
    try spreadInLogSpace(units, low: 1, high: 1000, name: "units", fail)
  }

  static let mixedChoices: [ParamValue] = [.null, .bool(true), .int(2), .float(3.5), .string("adam")]

  public static let mixedCategorical = SamplerCheck(
    name: "categorical with mixed types",
    gridSpace: ["c": mixedChoices, "s": [.string("a"), .string("b"), .string("c")]]
  ) { factory, seed in
    let fail = failer("categorical with mixed types", seed)
    let trials = try await runStudy(factory(seed)) { trial in
      let c = try await trial.suggestCategorical("c", mixedChoices)
      let s = try await trial.suggestCategorical("s", ["a", "b", "c"])
      let i = mixedChoices.firstIndex(of: c) ?? 0
      return [pseudoObjective([Double(i), Double(s.utf8.first ?? 0)])]
    }
    try requireTrials(trials, fail)
    var seen = Set<Int>()
    for t in trials {
      guard let c = t.params["c"], let i = mixedChoices.firstIndex(of: c) else {
        throw fail("trial \(t.number): c = \(t.params["c"]?.pythonRepr ?? "missing") is not a choice")
      }
      seen.insert(i)
      guard let s = t.params["s"]?.stringValue, ["a", "b", "c"].contains(s) else {
        throw fail("trial \(t.number): s = \(t.params["s"]?.pythonRepr ?? "missing") is not a choice")
      }
    }
    if seen.count < 3 { throw fail("only \(seen.count) of 5 choices of c were ever sampled") }
  }

  public static let conditional = SamplerCheck(
    name: "conditional params",
    gridSpace: [
      "opt": [.string("adam"), .string("sgd")], "lr": [1e-4, 1e-2].map { .float($0) },
      "momentum": [0, 0.9].map { .float($0) }, "depth": [1, 4].map { .int($0) },
    ]
  ) { factory, seed in
    let fail = failer("conditional params", seed)
    let trials = try await runStudy(factory(seed)) { trial in
      let opt = try await trial.suggestCategorical("opt", ["adam", "sgd"])
      if opt == "adam" {
        let lr = try await trial.suggestFloat("lr", 1e-4, 1e-2, log: true)
        return [pseudoObjective([log10(lr)])]
      }
      let m = try await trial.suggestFloat("momentum", 0, 0.9)
      let d = try await trial.suggestInt("depth", 1, 4)
      return [pseudoObjective([m, Double(d)]) + 0.5]
    }
    try requireTrials(trials, fail)
    var branches = Set<String>()
    for t in trials {
      guard let opt = t.params["opt"]?.stringValue else { throw fail("trial \(t.number): no opt") }
      branches.insert(opt)
      let names = Set(t.params.keys)
      let expected: Set<String> = opt == "adam" ? ["opt", "lr"] : ["opt", "momentum", "depth"]
      if names != expected { throw fail("trial \(t.number): params \(names.sorted()) for opt = \(opt)") }
      if opt == "adam" {
        let lr = try number(t, "lr", fail)
        if !(lr >= 1e-4 && lr <= 1e-2) { throw fail("trial \(t.number): lr = \(lr) out of range") }
      } else {
        let m = try number(t, "momentum", fail), d = try number(t, "depth", fail)
        if !(m >= 0 && m <= 0.9) { throw fail("trial \(t.number): momentum = \(m) out of range") }
        if !(d >= 1 && d <= 4) { throw fail("trial \(t.number): depth = \(d) out of range") }
      }
    }
    if branches.count < 2 { throw fail("only the branch \(branches.sorted()) was ever taken") }
  }

  public static let nanAndInfObjectives = SamplerCheck(
    name: "NaN and infinite objectives",
    gridSpace: ["x": floats(-2, 2, 5), "n": [0, 5, 10].map { .int($0) }]
  ) { factory, seed in
    let fail = failer("NaN and infinite objectives", seed)
    let trials = try await runStudy(factory(seed)) { trial in
      let x = try await trial.suggestFloat("x", -2, 2)
      let n = try await trial.suggestInt("n", 0, 10)
      switch trial.number % 5 {
      case 0: return [.nan]
      case 1: return [.infinity]
      case 2: return [-.infinity]
      case 3:
        try await trial.report(.nan, step: 1)
        try await trial.report(Double(n), step: 2)
        throw TrialPruned()
      default: return [x * x + Double(n)]
      }
    }
    try requireTrials(trials, fail)
    for t in trials {
      let x = try number(t, "x", fail), n = try number(t, "n", fail)
      if !(x >= -2 && x <= 2) { throw fail("trial \(t.number): x = \(x) outside [-2, 2]") }
      if !(n >= 0 && n <= 10) || n != n.rounded() { throw fail("trial \(t.number): n = \(n) invalid") }
    }
    if !trials.contains(where: { $0.state == .fail }) { throw fail("no NaN trial was recorded as FAIL") }
  }

  public static let reproducible = SamplerCheck(
    name: "reproducible with a seed",
    gridSpace: reproSpace
  ) { factory, seed in
    let fail = failer("reproducible with a seed", seed)
    let a = try await runStudy(factory(seed), objective: reproObjective)
    let b = try await runStudy(factory(seed), objective: reproObjective)
    try requireTrials(a, fail)
    try compareParams(a, b, upTo: Int.max, fail)
  }

  public static let reproducibleWithParallelism = SamplerCheck(
    name: "reproducible with trials running at once",
    gridSpace: reproSpace
  ) { factory, seed in
    let fail = failer("reproducible with trials running at once", seed)
    // The same interleaving in two studies: batches of 3 trials asked together (all RUNNING
    // while the next is sampled), then told together.
    let a = try await runBatched(factory(seed), batch: 3)
    let b = try await runBatched(factory(seed), batch: 3)
    try compareParams(a, b, upTo: Int.max, fail)
    // Truly concurrent runs: the first trials do not depend on finished history.
    let c = try await runStudy(factory(seed), parallelism: 3, objective: reproObjective)
    let d = try await runStudy(factory(seed), parallelism: 3, objective: reproObjective)
    try compareParams(c, d, upTo: 3, fail)
    try compareParams(a, c, upTo: 3, fail)
  }

  public static let intDistributions = SamplerCheck(
    name: "int distributions",
    gridSpace: ["a": [-5, -1, 0, 3, 5].map { .int($0) }, "b": [0, 1].map { .int($0) }]
  ) { factory, seed in
    let fail = failer("int distributions", seed)
    let trials = try await runStudy(factory(seed)) { trial in
      let a = try await trial.suggestInt("a", -5, 5)
      let b = try await trial.suggestInt("b", 0, 1)
      return [Double((a - 2) * (a - 2) + b)]
    }
    try requireTrials(trials, fail)
    var seenB = Set<Int>()
    for t in trials {
      guard case .int(let a) = t.params["a"], case .int(let b) = t.params["b"] else {
        throw fail("trial \(t.number): a or b is not an int: \(pythonDictRepr(t.params))")
      }
      if a < -5 || a > 5 { throw fail("trial \(t.number): a = \(a) outside [-5, 5]") }
      if b < 0 || b > 1 { throw fail("trial \(t.number): b = \(b) outside [0, 1]") }
      seenB.insert(b)
    }
    if seenB.count < 2 { throw fail("b never took both values") }
  }

  public static let singleValued = SamplerCheck(
    name: "single-valued distributions",
    gridSpace: [
      "f": [.float(2.5)], "i": [.int(7)], "s": [.float(0)], "c": [.string("only")],
      "x": floats(0, 1, 12),
    ]
  ) { factory, seed in
    let fail = failer("single-valued distributions", seed)
    let trials = try await runStudy(factory(seed)) { trial in
      let f = try await trial.suggestFloat("f", 2.5, 2.5)
      let i = try await trial.suggestInt("i", 7, 7)
      let s = try await trial.suggestFloat("s", 0, 0.05, step: 0.1)
      let c = try await trial.suggestCategorical("c", ["only"])
      let x = try await trial.suggestFloat("x", 0, 1)
      if f != 2.5 || i != 7 || s != 0 || c != "only" {
        throw SamplerConformanceFailure(
          check: "single-valued distributions", seed: seed,
          message: "trial \(trial.number): got f=\(f) i=\(i) s=\(s) c=\(c)")
      }
      return [x]
    }
    try requireTrials(trials, fail)
    for t in trials where t.state == .fail {
      throw fail(t.hpotop.failReason ?? "trial \(t.number) failed")
    }
  }

  // MARK: Helpers

  static let reproSpace: OrderedDictionary<String, [ParamValue]> = [
    "x": floats(-5, 5, 4), "n": [1, 10, 100].map { .int($0) }, "c": [.string("a"), .string("b")],
  ]

  @Sendable static func reproObjective(_ trial: inout Trial) async throws -> [Double] {
    let x = try await trial.suggestFloat("x", -5, 5)
    let n = try await trial.suggestInt("n", 1, 100, log: true)
    let c = try await trial.suggestCategorical("c", ["a", "b"])
    return [(x - 1) * (x - 1) + log(Double(n)) + (c == "a" ? 0 : 0.5)]
  }

  static func floats(_ low: Double, _ high: Double, _ count: Int) -> [ParamValue] {
    (0..<count).map { .float(low + (high - low) * Double($0) / Double(max(1, count - 1))) }
  }

  /// A deterministic, bumpy objective so model-based samplers have something to model.
  static func pseudoObjective(_ xs: [Double]) -> Double {
    var s = 0.0
    for (i, x) in xs.enumerated() { s += sin(3 * x + Double(i)) + 0.1 * x * x }
    return s
  }

  static func failer(_ check: String, _ seed: UInt64) -> (String) -> SamplerConformanceFailure {
    { SamplerConformanceFailure(check: check, seed: seed, message: $0) }
  }

  static func runStudy(
    _ sampler: any Sampler, trials: Int = trialsPerStudy, parallelism: Int = 1,
    objective: @escaping Objective
  ) async throws -> [FrozenTrial] {
    let study = try await Study.create(name: "conformance", storage: InMemoryStorage(), sampler: sampler)
    try await study.optimize(limits: OptimizeLimits(nTrials: trials, parallelism: parallelism),
                             objective: objective)
    return try await study.trials()
  }

  static func runBatched(_ sampler: any Sampler, batch: Int) async throws -> [FrozenTrial] {
    let study = try await Study.create(name: "conformance", storage: InMemoryStorage(), sampler: sampler)
    var started = 0
    while started < trialsPerStudy {
      var running: [Trial] = []
      for _ in 0..<batch {
        if started >= trialsPerStudy { break }
        if await study.sampler.isExhausted(try await samplingContext(study)) { break }
        running.append(try await study.ask())
        started += 1
      }
      if running.isEmpty { break }
      var results: [[Double]] = []
      for i in running.indices { results.append(try await reproObjective(&running[i])) }
      for (t, values) in zip(running, results) { try await study.tell(trialID: t.id, values: values) }
    }
    return try await study.trials()
  }

  /// The study's trials as a sampling context (for `isExhausted` between manual asks).
  static func samplingContext(_ study: Study) async throws -> SamplingContext {
    SamplingContext(
      studyID: study.id, studyName: study.name, directions: study.directions, storage: study.storage,
      trials: try await study.trials())
  }

  static func requireTrials(_ trials: [FrozenTrial], _ fail: (String) -> SamplerConformanceFailure)
    throws
  {
    if trials.count < 10 { throw fail("only \(trials.count) trials ran") }
    for t in trials where t.state == .running || t.state == .waiting {
      throw fail("trial \(t.number) was left \(t.state.rawValue)")
    }
  }

  static func number(
    _ t: FrozenTrial, _ name: String, _ fail: (String) -> SamplerConformanceFailure
  ) throws -> Double {
    guard let v = t.params[name]?.doubleValue, v.isFinite else {
      throw fail("trial \(t.number): \(name) = \(t.params[name]?.pythonRepr ?? "missing")")
    }
    return v
  }

  static func spreadInLogSpace(
    _ values: [Double], low: Double, high: Double, name: String,
    _ fail: (String) -> SamplerConformanceFailure
  ) throws {
    let mid = (log(low) + log(high)) / 2
    let below = values.filter { log($0) < mid }.count
    let above = values.count - below
    let minimum = max(1, values.count / 10)
    if below < minimum || above < minimum {
      throw fail("\(name) is not spread in log space: \(below) below and \(above) above the geometric midpoint")
    }
  }

  static func compareParams(
    _ a: [FrozenTrial], _ b: [FrozenTrial], upTo n: Int, _ fail: (String) -> SamplerConformanceFailure
  ) throws {
    let count = min(n, max(a.count, b.count))
    if a.count < count || b.count < count {
      throw fail("the two studies ran \(a.count) and \(b.count) trials")
    }
    for i in 0..<count where a[i].params != b[i].params {
      throw fail("trial \(i) differs: \(pythonDictRepr(a[i].params)) vs \(pythonDictRepr(b[i].params))")
    }
  }
}
