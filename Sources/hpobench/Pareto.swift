import ArgumentParser
import Foundation
import HPO
import HPOAnalysis

/// Issue 8: the Pareto front of 10,000 COMPLETE trials with 2 and 3 objectives, on the exact
/// points `bench/optuna/pareto.py` gives Optuna's `study.best_trials` (written by the Python
/// driver as raw little-endian float64 files `V_<k>_<uniform|front>.f64`). Prints one JSON
/// document.
struct Pareto: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pareto", abstract: "Pareto-front extraction time on 10,000 trials.")

  @Option(help: "Directory holding V_<k>_<dist>.f64.") var data: String
  @Option(help: "Trials per study.") var n = 10_000
  @Option(help: "Timed repeats (median reported).") var repeats = 5

  static func load(_ path: String, n: Int, k: Int) throws -> [[Double]] {
    let d = try Data(contentsOf: URL(fileURLWithPath: path))
    guard d.count == n * k * 8 else { throw ValidationError("\(path): \(d.count) bytes, expected \(n * k * 8)") }
    let flat: [Double] = d.withUnsafeBytes { raw in
      (0..<(n * k)).map {
        Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)))
      }
    }
    return (0..<n).map { Array(flat[($0 * k)..<($0 * k + k)]) }
  }

  /// Milliseconds of each of `repeats + 1` calls (the first is reported apart).
  static func time<T>(_ repeats: Int, _ body: () async throws -> T) async rethrows -> (first: Double, rest: [Double], last: T) {
    var t0 = DispatchTime.now().uptimeNanoseconds
    var last = try await body()
    var ms = [Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6]
    for _ in 0..<repeats {
      t0 = DispatchTime.now().uptimeNanoseconds
      last = try await body()
      ms.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
    }
    return (ms[0], Array(ms.dropFirst()), last)
  }

  static func median(_ a: [Double]) -> Double {
    let s = a.sorted()
    return s.isEmpty ? .nan : s[s.count / 2]
  }

  func run() async throws {
    var results: [[String: Any]] = []
    for k in [2, 3] {
      for dist in ["uniform", "front"] {
        let values = try Self.load("\(data)/V_\(k)_\(dist).f64", n: n, k: k)
        let dirs = [StudyDirection](repeating: .minimize, count: k)
        let x = Distribution.float(try FloatDistribution(low: 0, high: 1))
        let trials = values.enumerated().map { i, v in
          FrozenTrial(id: Int64(i), number: i, state: .complete, values: v,
                      params: ["x": .float(Double(i) / Double(n))], distributions: ["x": x])
        }
        let input = AnalysisInput(trials: trials, directions: dirs)
        // 1. The core sort on raw vectors.
        let core = try await Self.time(repeats) { ParetoFront.indices(of: values, directions: dirs) }
        // 2. HPOAnalysis on FrozenTrials (what the dashboard calls).
        let analysis = try await Self.time(repeats) { ParetoAnalysis.front(input) }
        // 3. Study.bestTrials on an in-memory study (storage read + sort, as best_trials).
        let storage = InMemoryStorage()
        let study = try await Study.create(name: "pareto-\(k)-\(dist)", directions: dirs, storage: storage)
        for t in trials { _ = try await study.add(t) }
        let best = try await Self.time(repeats) { try await study.bestTrials() }
        let rec: [String: Any] = [
          "n_objectives": k, "values": dist, "n_trials": n, "front_size": core.last.count,
          "front_size_study": best.last.count,
          "core_first_ms": core.first, "core_median_ms": Self.median(core.rest),
          "analysis_first_ms": analysis.first, "analysis_median_ms": Self.median(analysis.rest),
          "study_first_ms": best.first, "study_median_ms": Self.median(best.rest),
        ]
        results.append(rec)
        FileHandle.standardError.write(Data(
          "hpotop pareto k=\(k) \(dist) front=\(core.last.count) core=\(String(format: "%.2f", Self.median(core.rest)))ms analysis=\(String(format: "%.2f", Self.median(analysis.rest)))ms study=\(String(format: "%.2f", Self.median(best.rest)))ms\n".utf8))
      }
    }
    let doc: [String: Any] = ["benchmark": "pareto_timing", "engine": "hpotop", "results": results]
    let out = try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])
    FileHandle.standardOutput.write(out)
    FileHandle.standardOutput.write(Data("\n".utf8))
  }
}
