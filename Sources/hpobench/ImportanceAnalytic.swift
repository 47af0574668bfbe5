import ArgumentParser
import Foundation
import HPO
import HPOAnalysis
import OrderedCollections

/// Issue 23: importances against analytic Sobol indices on the tasks of
/// `bench/optuna/importance_analytic.py` (Ishigami a = 7, b = 0.1; Sobol G with
/// a = (0, 1, 4.5, 9, 99, 99)), on the same inputs (`X_<function>_<seed>.f64`, the unit-cube draws
/// `default_rng(seed).random((1000, d))`). For each task: Optuna's fANOVA as hpotop ports it,
/// `PedAnovaImportance` and `ForestSobol` (main-effect shares, interactions, totals, intervals),
/// timed. One JSON document.
struct ImportanceAnalytic: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "importance-analytic", abstract: "Sobol-index importances vs analytic indices (issue 23).")

  @Option(help: "Directory holding X_<function>_<seed>.f64.") var data: String
  @Option(help: "Comma-separated seeds.") var seeds = "0,1,2,3,4,5,6,7,8,9"
  @Option(help: "Trials per task.") var n = 1000
  @Option(help: "Trees of the main forest.") var trees = ForestSobol.Options().forest.treeCount
  @Option(help: "Minimum samples per leaf.") var minSamplesLeaf = ForestSobol.Options().forest.minSamplesLeaf
  @Option(help: "Features tried per split (0: all).") var maxFeatures = 0
  @Option(help: "Bootstrap replicates.") var replicates = ForestSobol.Options().replicates
  @Option(help: "Trees per replicate forest.") var replicateTrees = ForestSobol.Options().replicateTrees
  @Option(help: "Grid points per numeric param (main effects).") var grid = ForestSobol.Options().gridSize
  @Option(help: "Grid points per numeric param (pairs).") var pairGrid = ForestSobol.Options().pairGridSize
  @Flag(help: "Skip the Optuna-port fANOVA.") var skipFanova = false

  static let gA: [Double] = [0, 1, 4.5, 9, 99, 99]

  /// (dimension, low, high, f) of each task.
  static func task(_ name: String) -> (Int, Double, Double, ([Double]) -> Double) {
    if name == "ishigami" {
      return (3, -Double.pi, Double.pi, { x in
        sin(x[0]) + 7 * sin(x[1]) * sin(x[1]) + 0.1 * pow(x[2], 4) * sin(x[0])
      })
    }
    return (6, 0, 1, { u in
      var p = 1.0
      for i in 0..<6 { p *= (abs(4 * u[i] - 2) + gA[i]) / (1 + gA[i]) }
      return p
    })
  }

  static func load(_ path: String, n: Int, d: Int) throws -> [[Double]] {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    guard bytes.count == n * d * 8 else { throw ValidationError("\(path): \(bytes.count) bytes, expected \(n * d * 8)") }
    let flat: [Double] = bytes.withUnsafeBytes { raw in
      (0..<(n * d)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
    }
    return (0..<n).map { Array(flat[($0 * d)..<($0 * d + d)]) }
  }

  static func elapsed(_ t0: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 }

  static func json(_ e: Estimate) -> [Double] { [e.value, e.low, e.high] }

  func run() async throws {
    var options = ForestSobol.Options()
    options.forest.treeCount = trees
    options.forest.minSamplesLeaf = minSamplesLeaf
    options.forest.maxFeatures = maxFeatures > 0 ? maxFeatures : nil
    options.replicates = replicates
    options.replicateTrees = replicateTrees
    options.gridSize = grid
    options.pairGridSize = pairGrid
    var results: [[String: Any]] = []
    for seed in seeds.split(separator: ",").compactMap({ Int($0) }) {
      for function in ["ishigami", "sobol_g"] {
        let (d, low, high, f) = Self.task(function)
        let U = try Self.load("\(data)/X_\(function)_\(seed).f64", n: n, d: d)
        let names = (0..<d).map { "x\($0)" }
        let dist = Distribution.float(try FloatDistribution(low: low, high: high))
        let trials = U.enumerated().map { i, u -> FrozenTrial in
          let x = u.map { low + (high - low) * $0 }
          return FrozenTrial(
            id: Int64(i), number: i, state: .complete, values: [f(x)],
            params: OrderedDictionary(uniqueKeysWithValues: zip(names, x.map { ParamValue.float($0) })),
            distributions: OrderedDictionary(uniqueKeysWithValues: names.map { ($0, dist) }))
        }
        let input = AnalysisInput(trials: trials, directions: [.minimize])
        var rec: [String: Any] = ["function": function, "seed": seed, "params": names]
        if !skipFanova {
          let t0 = DispatchTime.now().uptimeNanoseconds
          let imp = FanovaImportance(seed: 0).evaluate(input)
          rec["fanova_port_wall_s"] = Self.elapsed(t0)
          rec["fanova_port_shares"] = names.map { imp[$0] ?? 0 }
        }
        let tp = DispatchTime.now().uptimeNanoseconds
        let ped = PedAnovaImportance().evaluate(input)
        rec["ped_anova_wall_s"] = Self.elapsed(tp)
        rec["ped_anova_raw"] = names.map { ped.raw($0) ?? 0 }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let sobol = ForestSobol(options: options).evaluate(ImportanceDataset(input))
        rec["wall_s"] = Self.elapsed(t0)
        rec["shares"] = sobol.shares.map(Self.json)
        rec["first_order"] = sobol.firstOrder.map(Self.json)
        rec["total"] = sobol.total.map(Self.json)
        var second: [String: [Double]] = [:]
        for p in sobol.pairs { second["\(p.first.dropFirst()),\(p.second.dropFirst())"] = Self.json(p.index) }
        rec["second_order"] = second
        results.append(rec)
        FileHandle.standardError.write(Data(
          "hpotop \(function) seed=\(seed) t=\(String(format: "%.3f", rec["wall_s"] as? Double ?? 0))s shares=\(sobol.shares.map { String(format: "%.3f", $0.value) })\n".utf8))
      }
    }
    let config: [String: Any] = [
      "trees": trees, "min_samples_leaf": minSamplesLeaf, "max_features": maxFeatures, "replicates": replicates,
      "replicate_trees": replicateTrees, "grid": grid, "pair_grid": pairGrid, "level": options.level,
      "mc_samples": options.mcSamples]
    let doc: [String: Any] = ["benchmark": "importance-analytic", "engine": "hpotop", "results": results,
                              "config": config, "cores": ProcessInfo.processInfo.activeProcessorCount]
    let out = try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])
    FileHandle.standardOutput.write(out)
    FileHandle.standardOutput.write(Data("\n".utf8))
  }
}
