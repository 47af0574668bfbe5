import ArgumentParser
import Foundation
import HPO
import HPOAnalysis

/// Issue 8: fANOVA and MDI importances on the three functions of `bench/optuna/importance.py`,
/// on the exact inputs Optuna sees (`numpy.random.default_rng(0).random((n, 4))`, written by the
/// Python driver as raw little-endian float64 files `X_<n>.f64`). Prints one JSON document.
struct Importance: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "importance", abstract: "fANOVA / MDI importances vs analytic Sobol indices.")

  @Option(help: "Directory holding X_<n>.f64 (n×4 row-major float64).") var data: String
  @Option(help: "Comma-separated sizes.") var sizes = "100,1000,5000"
  @Option(help: "Timed repeats per evaluation (median reported).") var repeats = 3

  static let names = ["x0", "x1", "x2", "x3"]

  static func f(_ name: String, _ x: [Double]) -> Double {
    switch name {
    case "additive": return 4 * x[0] + 2 * x[1] + x[2]
    case "interaction": return 2 * x[0] + x[1] + 6 * x[0] * x[2]
    default: return sin(2 * Double.pi * x[0]) + 6 * (x[1] - 0.5) * (x[1] - 0.5) + 0.3 * x[2]
    }
  }

  /// The normalized first-order Sobol indices S/ΣS (importance.py).
  static let truth: [String: [Double]] = [
    "additive": [16, 4, 1, 0].map { $0 / 21 },
    "interaction": [25, 1, 9, 0].map { $0 / 35 },  // S/ΣS: S = [25, 1, 9, 0]/38, S₀₂ = 3/38
    "nonlinear": [0.5, 0.2, 0.0075, 0].map { $0 / 0.7075 },
  ]

  static func load(_ path: String, n: Int) throws -> [[Double]] {
    let d = try Data(contentsOf: URL(fileURLWithPath: path))
    guard d.count == n * 4 * 8 else { throw ValidationError("\(path): \(d.count) bytes, expected \(n * 32)") }
    let flat: [Double] = d.withUnsafeBytes { raw in
      (0..<(n * 4)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
    }
    return (0..<n).map { Array(flat[($0 * 4)..<($0 * 4 + 4)]) }
  }

  static func input(_ X: [[Double]], function: String) throws -> AnalysisInput {
    let dist = Distribution.float(try FloatDistribution(low: 0, high: 1))
    let trials = X.enumerated().map { i, x in
      FrozenTrial(
        id: Int64(i), number: i, state: .complete, values: [f(function, x)],
        params: ["x0": .float(x[0]), "x1": .float(x[1]), "x2": .float(x[2]), "x3": .float(x[3])],
        distributions: ["x0": dist, "x1": dist, "x2": dist, "x3": dist])
    }
    return AnalysisInput(trials: trials, directions: [.minimize])
  }

  func run() async throws {
    var results: [[String: Any]] = []
    for n in sizes.split(separator: ",").compactMap({ Int($0) }) {
      let X = try Self.load("\(data)/X_\(n).f64", n: n)
      for function in ["additive", "interaction", "nonlinear"] {
        let input = try Self.input(X, function: function)
        let S = Self.truth[function] ?? []
        for evaluator in ["fanova", "mdi"] {
          var times: [Double] = []
          var imp: ParamImportances?
          for _ in 0..<max(1, repeats) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            imp = evaluator == "fanova" ? FanovaImportance(seed: 0).evaluate(input) : MDIImportance(seed: 0).evaluate(input)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
          }
          guard let imp else { continue }
          let raw = Self.names.map { imp.raw($0) ?? 0 }
          let norm = Self.names.map { imp[$0] ?? 0 }
          let err = zip(norm, S).map { abs($0 - $1) }.max() ?? .nan
          times.sort()
          results.append([
            "function": function, "n": n, "evaluator": evaluator, "raw": raw, "normalized": norm,
            "err_max_normalized": err, "wall_s_median": times[times.count / 2], "wall_s_all": times,
          ])
          FileHandle.standardError.write(Data(
            "hpotop \(function) n=\(n) \(evaluator) err=\(String(format: "%.4f", err)) t=\(String(format: "%.3f", times[times.count / 2]))s\n".utf8))
        }
      }
    }
    let doc: [String: Any] = ["benchmark": "importance", "engine": "hpotop", "results": results,
                              "cores": ProcessInfo.processInfo.activeProcessorCount]
    let out = try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])
    FileHandle.standardOutput.write(out)
    FileHandle.standardOutput.write(Data("\n".utf8))
  }
}
