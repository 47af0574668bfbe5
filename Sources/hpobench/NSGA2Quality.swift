import ArgumentParser
import Foundation
import HPO

/// `hpobench nsga2`: NSGA-II on ZDT1 in a continuous space (d = 10) and on a grid (d = 4, each
/// x_i in {0, 1/9, …, 1}), the problems of bench/optuna/nsga2_quality.py, ask/tell in memory.
/// Prints one JSON document: per run the hypervolume (reference (1.1, 11)) after 200 and 500
/// trials and how many trials repeated an earlier trial's configuration.
struct NSGA2Quality: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "nsga2", abstract: "NSGA-II hypervolume and repeated configurations on ZDT1, as JSON.")

  @Option(help: "Problems, comma-separated (zdt1, zdt1_grid).")
  var problems = "zdt1,zdt1_grid"
  @Option(help: "Samplers, comma-separated (nsga2; nsga2_dups: eliminate_duplicates false, Optuna's breeding).")
  var samplers = "nsga2,nsga2_dups"
  @Option(help: "Seeds first-seed..<first-seed+seeds.")
  var seeds = 20
  @Option(help: "First seed.")
  var firstSeed = 0
  @Option(help: "Trials per run (hypervolume recorded after 200 and the last).")
  var trials = 500

  /// The problem's dimension and whether x_i lies on the grid {0, 1/9, …, 1}.
  static func problem(_ name: String) -> (dims: Int, grid: Bool)? {
    switch name {
    case "zdt1": return (10, false)
    case "zdt1_grid": return (4, true)
    default: return nil
    }
  }

  func run() async throws {
    var lines: [String] = []
    let start = Date()
    for p in problems.split(separator: ",").map(String.init) {
      guard let problem = Self.problem(p) else { throw ValidationError("no problem \(p)") }
      for s in samplers.split(separator: ",").map(String.init) {
        for seed in firstSeed..<(firstSeed + seeds) {
          let sampler: NSGAIISampler
          switch s {
          case "nsga2": sampler = NSGAIISampler(seed: UInt64(seed))
          case "nsga2_dups": sampler = NSGAIISampler(seed: UInt64(seed), eliminateDuplicates: false)
          default: throw ValidationError("unknown sampler \(s)")
          }
          let line = try await Self.runOne(p, problem, sampler: sampler, name: s, seed: seed, trials: trials)
          FileHandle.standardError.write(Data((line + "\n").utf8))
          lines.append(line)
        }
      }
    }
    print("{\"engine\": \"hpotop\", \"benchmark\": \"nsga2\", \"trials\": \(trials), "
      + "\"script_wall_s\": \(Date().timeIntervalSince(start)), \"runs\": [\n" + lines.joined(separator: ",\n") + "\n]}")
  }

  static func runOne(
    _ name: String, _ problem: (dims: Int, grid: Bool), sampler: NSGAIISampler, name samplerName: String,
    seed: Int, trials n: Int
  ) async throws -> String {
    let study = try await Study.create(
      name: "nsga2", directions: [.minimize, .minimize], storage: InMemoryStorage(), sampler: sampler)
    var values: [[Double]] = []
    var seen = Set<[Double]>()
    var repeats = 0
    var hv: [String] = []
    for i in 0..<n {
      var trial = try await study.ask()
      var x: [Double] = []
      for k in 0..<problem.dims {
        x.append(problem.grid
          ? Double(try await trial.suggestInt("x\(k)", 0, 9)) / 9
          : try await trial.suggestFloat("x\(k)", 0, 1))
      }
      if !seen.insert(x).inserted { repeats += 1 }
      let (f1, f2) = TestFunctions.zdt1(x)
      try await study.tell(trialID: trial.id, values: [f1, f2])
      values.append([f1, f2])
      if i + 1 == 200 || i + 1 == n {
        hv.append("\"\(i + 1)\": \(Hypervolume.compute(values, reference: [1.1, 11]))")
      }
    }
    return "{\"problem\": \"\(name)\", \"sampler\": \"\(samplerName)\", \"seed\": \(seed), "
      + "\"hypervolume\": {\(hv.joined(separator: ", "))}, \"repeats\": \(repeats)}"
  }
}
