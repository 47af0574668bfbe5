import Foundation
import OrderedCollections
import HPOTesting
import Testing

@testable import HPO

/// Compares the Parzen estimator's log-density with Optuna 5.0's `_ParzenEstimator` on the same
/// observations (Python found by HPOTesting's `PythonPeer`; skipped with a printed reason when
/// Optuna 5 cannot be imported, except under CI).
@Suite struct TPEOptunaParityTests {
  /// Whether Optuna 5 is there to compare with (under CI it must be: the tests then fail).
  static let peerReady = PythonPeer.shouldRun(for: "TPE parity tests with Optuna")

  static func runPython(_ code: String, stdin: String) throws -> String {
    try PythonPeer.run(["-c", code], stdin: stdin)
  }

  static let script = """
    import json, sys
    import numpy as np
    import optuna
    assert optuna.__version__.startswith("5.")
    from optuna.distributions import FloatDistribution, IntDistribution, CategoricalDistribution
    from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
    from optuna.samplers._tpe.sampler import default_weights
    data = json.load(sys.stdin)
    space = {
      "a": FloatDistribution(-5, 5), "b": FloatDistribution(1e-4, 1, log=True),
      "c": IntDistribution(1, 100), "d": FloatDistribution(0, 1, step=0.01),
      "e": CategoricalDistribution(["x", "y", "z"]), "f": IntDistribution(1, 1024, log=True),
    }
    names = list(space)
    obs = {k: np.asarray(v, dtype=float) for k, v in zip(names, data["obs"])}
    weights = (lambda n: np.ones(n)) if data.get("uniform") else default_weights
    params = _ParzenEstimatorParameters(1.0, True, False, weights, True)
    pe = _ParzenEstimator(obs, space, params)
    pts = {k: np.asarray(v, dtype=float) for k, v in zip(names, data["points"])}
    print(json.dumps(pe.log_pdf(pts).tolist()))
    """

  static let dims: [Distribution] = [
    .float(try! FloatDistribution(low: -5, high: 5)),
    .float(try! FloatDistribution(low: 1e-4, high: 1, log: true)),
    .int(try! IntDistribution(low: 1, high: 100)),
    .float(try! FloatDistribution(low: 0, high: 1, step: 0.01)),
    .categorical(try! CategoricalDistribution(choices: [.string("x"), .string("y"), .string("z")])),
    .int(try! IntDistribution(low: 1, high: 1024, log: true)),
  ]

  @Test(arguments: [0, 1, 5, 24, 30, 60])
  func logPdfMatchesOptuna(observations n: Int) throws {
    guard Self.peerReady else { return }
    var rng = SeededRNG(seed: UInt64(n) + 100)
    // Numeric observations are kept distinct: with ties and unequal weights the density depends
    // on how the sort orders equal values, which numpy's unstable argsort leaves unspecified.
    func draw(_ count: Int) -> [[Double]] {
      Self.dims.map { d in
        var out: [Double] = []
        while out.count < count {
          let v = d.toInternal(sampleUniformly(d, rng: &rng)) ?? 0
          if case .categorical = d {} else if out.contains(v) { continue }
          out.append(v)
        }
        return out
      }
    }
    let obs = draw(n)
    let points = draw(12)
    let payload = JSONValue.object([
      "obs": .array(obs.map { .array($0.map { .double($0) }) }),
      "points": .array(points.map { .array($0.map { .double($0) }) }),
    ])
    let out = try Self.runPython(Self.script, stdin: payload.pythonJSON)
    let expected = try #require(try JSONValue(parsing: out).arrayValue).compactMap(\.doubleValue)
    #expect(expected.count == 12)

    let kernelDims = Self.dims.map(KernelDim.init)
    let pe = ParzenEstimator(
      dims: kernelDims, observations: obs.flatMap { $0 }, n: n,
      weights: TPEOptions.defaultWeights(n), priorWeight: 1, magicClip: true, endpoints: false)
    var rowMajor: [Double] = []
    for c in 0..<12 { for d in 0..<Self.dims.count { rowMajor.append(points[d][c]) } }
    let ours = pe.logPdf(rowMajor, count: 12)
    for (a, b) in zip(ours, expected) {
      #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "ours \(a) vs optuna \(b)")
    }
  }
  /// The log-density at the scale of a long study (thousands of kernels, many tied values in
  /// the int, stepped and categorical dims), where the density skips negligible kernel groups:
  /// points at observed values (where few groups matter) and uniform ones. Weights are uniform,
  /// so that tied kernels are interchangeable and numpy's unstable sort cannot matter.
  @Test(arguments: [3000])
  func logPdfMatchesOptunaAtScale(observations n: Int) throws {
    guard Self.peerReady else { return }
    var rng = SeededRNG(seed: UInt64(n))
    var obs = Self.dims.map { _ in [Double]() }
    for _ in 0..<n {
      for (d, dist) in Self.dims.enumerated() {
        obs[d].append(dist.toInternal(sampleUniformly(dist, rng: &rng)) ?? 0)
      }
    }
    let count = 48
    var points = Self.dims.map { _ in [Double]() }
    for c in 0..<count {
      let j = Int(rng.uniform() * Double(n))
      for (d, dist) in Self.dims.enumerated() {
        points[d].append(c % 2 == 0 ? obs[d][j] : dist.toInternal(sampleUniformly(dist, rng: &rng)) ?? 0)
      }
    }
    let payload = JSONValue.object([
      "obs": .array(obs.map { .array($0.map { .double($0) }) }),
      "points": .array(points.map { .array($0.map { .double($0) }) }),
      "uniform": .bool(true),
    ])
    let out = try Self.runPython(Self.script, stdin: payload.pythonJSON)
    let expected = try #require(try JSONValue(parsing: out).arrayValue).compactMap(\.doubleValue)
    #expect(expected.count == count)

    let pe = ParzenEstimator(
      dims: Self.dims.map(KernelDim.init), observations: obs.flatMap { $0 }, n: n,
      weights: [Double](repeating: 1, count: n), priorWeight: 1, magicClip: true, endpoints: false)
    var rowMajor: [Double] = []
    for c in 0..<count { for d in 0..<Self.dims.count { rowMajor.append(points[d][c]) } }
    let ours = pe.logPdf(rowMajor, count: count)
    for (a, b) in zip(ours, expected) {
      #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "ours \(a) vs optuna \(b)")
    }
  }

  static let drawScript = """
    import json, sys
    import numpy as np
    import optuna
    from optuna.distributions import FloatDistribution, IntDistribution, CategoricalDistribution
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    data = json.load(sys.stdin)
    space = {
      "c0": CategoricalDistribution(["a", "b", "c"]), "c1": CategoricalDistribution(["x", "y", "z", "w"]),
      "n": IntDistribution(1, 10), "u": FloatDistribution(0, 1), "v": FloatDistribution(-5, 5),
    }
    sampler = optuna.samplers.TPESampler(seed=0)
    study = optuna.create_study(sampler=sampler)
    for t in data["trials"]:
      study.add_trial(optuna.trial.create_trial(params=t["params"], distributions=space, value=t["value"]))
    trial = study.ask()
    frozen = study._storage.get_trial(trial._trial_id)
    out = []
    for seed in range(data["draws"]):
      sampler._rng.rng.seed(seed)
      p = sampler._sample(study, frozen, space)
      out.append([space[k].to_internal_repr(p[k]) for k in space])
    print(json.dumps(out))
    """

  /// The whole TPE step (split, weights, observation cache, both estimators, candidate draws and
  /// the l/g choice) against Optuna 5's `TPESampler._sample` on one history of the `mixed` space:
  /// the distributions of the proposed params agree (Kolmogorov–Smirnov distance for numeric
  /// params, total variation for the others, over 3000 seeds each).
  @Test func proposalsFollowOptunasDistribution() throws {
    guard Self.peerReady else { return }
    let space: OrderedDictionary<String, Distribution> = [
      "c0": .categorical(try CategoricalDistribution(choices: ["a", "b", "c"].map(ParamValue.string))),
      "c1": .categorical(try CategoricalDistribution(choices: ["x", "y", "z", "w"].map(ParamValue.string))),
      "n": .int(try IntDistribution(low: 1, high: 10)),
      "u": .float(try FloatDistribution(low: 0, high: 1)),
      "v": .float(try FloatDistribution(low: -5, high: 5)),
    ]
    var rng = SeededRNG(seed: 77)
    var trials: [FrozenTrial] = []
    var payload: [JSONValue] = []
    for i in 0..<60 {
      var params = OrderedDictionary<String, ParamValue>()
      for (k, d) in space { params[k] = sampleUniformly(d, rng: &rng) }
      let value = TestFunctions.mixed(
        c0: params["c0"]?.stringValue ?? "", c1: params["c1"]?.stringValue ?? "",
        n: params["n"]?.intValue ?? 0, u: params["u"]?.doubleValue ?? 0, v: params["v"]?.doubleValue ?? 0)
      trials.append(FrozenTrial(
        id: Int64(i + 1), number: i, state: .complete, values: [value], params: params, distributions: space))
      payload.append(.object([
        "params": .object(OrderedDictionary(uniqueKeysWithValues: params.map { ($0.key, $0.value.json) })),
        "value": .double(value),
      ]))
    }
    let current = FrozenTrial(id: 61, number: 60, state: .running)
    trials.append(current)
    let draws = 3000
    let out = try Self.runPython(
      Self.drawScript, stdin: JSONValue.object(["trials": .array(payload), "draws": .int(draws)]).pythonJSON)
    let theirs = try #require(try JSONValue(parsing: out).arrayValue).map { row in
      (row.arrayValue ?? []).compactMap(\.doubleValue)
    }
    try #require(theirs.count == draws && theirs.allSatisfy { $0.count == 5 })

    let context = SamplingContext(
      studyID: 1, studyName: "parity", directions: [.minimize], storage: InMemoryStorage(), trials: trials)
    var ours: [[Double]] = []
    for seed in 0..<draws {
      var sampler = TPESampler(seed: UInt64(seed))
      let p = sampler.sample(context, trial: current, space: space, purpose: "tpe:relative")
      ours.append(space.map { k, d in p[k].flatMap { d.toInternal($0) } ?? .nan })
    }
    for (d, name) in space.keys.enumerated() {
      let a = ours.map { $0[d] }, b = theirs.map { $0[d] }
      let distance: Double
      if name == "u" || name == "v" {
        distance = Self.ksDistance(a, b)
      } else {
        var counts: [Double: (Double, Double)] = [:]
        for x in a { counts[x, default: (0, 0)].0 += 1 }
        for x in b { counts[x, default: (0, 0)].1 += 1 }
        distance = 0.5 * counts.values.reduce(0) { $0 + abs($1.0 - $1.1) } / Double(draws)
      }
      print("TPE draw parity \(name): distance \(distance)")
      // Critical values at α = 0.001 for 3000 + 3000 draws: KS 0.050; total variation ≈ 0.05.
      #expect(distance < 0.05, "\(name): distance \(distance) between hpotop's and Optuna's proposals")
    }
  }

  /// The two-sample Kolmogorov–Smirnov distance.
  static func ksDistance(_ a: [Double], _ b: [Double]) -> Double {
    let x = a.sorted(), y = b.sorted()
    var i = 0, j = 0, d = 0.0
    while i < x.count && j < y.count {
      let v = min(x[i], y[j])
      while i < x.count && x[i] <= v { i += 1 }
      while j < y.count && y[j] <= v { j += 1 }
      d = max(d, abs(Double(i) / Double(x.count) - Double(j) / Double(y.count)))
    }
    return d
  }
}
