import ArgumentParser
import Foundation
import HPO
import HPOAnalysis

/// The build time of each dashboard analysis info at 10,000 trials (the dashboard's goal is
/// ≤ 16 ms per frame). Synthetic study: 2 objectives, 4 floats (one log), an int and a
/// categorical, 20 intermediate values per trial, 5% PRUNED. Prints one JSON document.
struct InfoTiming: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "infos", abstract: "Analysis info build times at 10,000 trials.")

  @Option(help: "Trials.") var n = 10_000
  @Option(help: "Intermediate values per trial.") var steps = 20
  @Option(help: "Timed repeats (median reported).") var repeats = 5

  func input() throws -> AnalysisInput {
    let dists: [(String, Distribution)] = [
      ("lr", .float(try FloatDistribution(low: 1e-5, high: 1e-1, log: true))),
      ("dropout", .float(try FloatDistribution(low: 0, high: 0.5))),
      ("momentum", .float(try FloatDistribution(low: 0.8, high: 0.99))),
      ("wd", .float(try FloatDistribution(low: 0, high: 0.1))),
      ("layers", .int(try IntDistribution(low: 1, high: 8))),
      ("opt", .categorical(try CategoricalDistribution(choices: [.string("adam"), .string("sgd"), .string("rmsprop")]))),
    ]
    var rng = SeededRNG(seed: 7)
    var trials: [FrozenTrial] = []
    trials.reserveCapacity(n)
    let opts = ["adam", "sgd", "rmsprop"]
    for i in 0..<n {
      var t = FrozenTrial(id: Int64(i), number: i, state: .complete)
      var s = 0.0
      for (name, d) in dists {
        let v: ParamValue
        switch name {
        case "layers": v = .int(1 + Int(rng.next() % 8))
        case "opt": v = .string(opts[Int(rng.next() % 3)])
        case "lr": v = .float(pow(10, rng.uniform(-5, -1)))
        case "dropout": v = .float(rng.uniform(0, 0.5))
        case "momentum": v = .float(rng.uniform(0.8, 0.99))
        default: v = .float(rng.uniform(0, 0.1))
        }
        s += v.doubleValue ?? 0.3
        t.params[name] = v
        t.distributions[name] = d
      }
      let base = rng.uniform() + 0.1 * s
      for k in 0..<steps { t.intermediateValues[k + 1] = base + 1 / Double(k + 1) + 0.01 * rng.uniform() }
      if i % 20 == 19 {
        t.state = .pruned
        t.values = [base + 1 / Double(steps)]
      } else {
        t.values = [base, 1 - base + rng.uniform()]
      }
      trials.append(t)
    }
    return AnalysisInput(trials: trials, directions: [.minimize, .minimize])
  }

  func run() async throws {
    let inp = try input()
    let single = AnalysisInput(
      trials: inp.trials.map { t in
        var u = t
        u.values = t.values.map { [$0[0]] }
        return u
      }, directions: [.minimize])
    var results: [[String: Any]] = []
    func measure(_ name: String, _ body: () -> Int) {
      var ms: [Double] = []
      var size = 0
      for _ in 0...repeats {
        let t0 = DispatchTime.now().uptimeNanoseconds
        size = body()
        ms.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
      }
      let rest = ms.dropFirst().sorted()
      let med = rest[rest.count / 2]
      results.append(["info": name, "first_ms": ms[0], "median_ms": med, "size": size])
      FileHandle.standardError.write(Data("hpotop info \(name) median=\(String(format: "%.2f", med))ms\n".utf8))
    }
    measure("OptimizationHistoryInfo") { OptimizationHistoryInfo(single).points.count }
    measure("ParallelCoordinateInfo") { ParallelCoordinateInfo(single).lines.count }
    measure("ParetoFrontInfo (2 obj)") { ParetoFrontInfo(inp).points.count }
    measure("IntermediateValuesInfo") { IntermediateValuesInfo(single).curves.count }
    measure("SliceInfo (lr)") { SliceInfo(single, param: "lr")?.points.count ?? 0 }
    measure("ContourInfo (lr × dropout)") { ContourInfo(single, xParam: "lr", yParam: "dropout")?.points.count ?? 0 }
    let doc: [String: Any] = [
      "benchmark": "infos", "engine": "hpotop", "n_trials": n, "steps": steps, "results": results,
    ]
    let out = try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])
    FileHandle.standardOutput.write(out)
    FileHandle.standardOutput.write(Data("\n".utf8))
  }
}
