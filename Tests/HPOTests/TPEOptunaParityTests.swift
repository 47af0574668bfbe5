import Foundation
import Testing

@testable import HPO

/// Compares the Parzen estimator's log-density with Optuna 5.0's `_ParzenEstimator` on the same
/// observations (Python from `$HPOTOP_PYTHON`, else `<package root>/.venv/bin/python`, else
/// `python3`; skipped with a printed reason when Optuna 5 cannot be imported).
@Suite struct TPEOptunaParityTests {
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static let python: String = {
    if let p = ProcessInfo.processInfo.environment["HPOTOP_PYTHON"], !p.isEmpty { return p }
    let venv = packageRoot.appendingPathComponent(".venv/bin/python").path
    if FileManager.default.isExecutableFile(atPath: venv) { return venv }
    return "/usr/bin/python3"
  }()

  static func runPython(_ code: String, stdin: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: python)
    p.arguments = ["-c", code]
    let input = Pipe(), output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    p.standardError = FileHandle.nullDevice
    try p.run()
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else {
      throw StorageError(.backend, "python exited \(p.terminationStatus)")
    }
    return String(decoding: data, as: UTF8.self)
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
    params = _ParzenEstimatorParameters(1.0, True, False, default_weights, True)
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
    guard (try? Self.runPython("import optuna; assert optuna.__version__.startswith('5.')", stdin: "")) != nil
    else {
      print("SKIPPING TPE parity with Optuna: \(Self.python) cannot import optuna 5")
      return
    }
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
}
