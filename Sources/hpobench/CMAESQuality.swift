import ArgumentParser
import Foundation
import HPO

/// `hpobench cmaes`: CMA-ES on sphere, Rosenbrock and Rastrigin at 10 and 20 dimensions (the
/// functions of bench/optuna/cmaes_quality.py, written alike), ask/tell in memory. Prints one
/// JSON document: per run the best value after 200, 500 and 1000 trials and the engine's own
/// time per trial (ask + suggests + tell, the objective excluded) over trials 990–999.
struct CMAESQuality: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cmaes", abstract: "CMA-ES regret and overhead on sphere/rosenbrock/rastrigin, as JSON.")

  @Option(help: "Functions, comma-separated (sphere, rosenbrock, rastrigin).")
  var functions = "sphere,rosenbrock,rastrigin"
  @Option(help: "Dimensions, comma-separated.")
  var dims = "10,20"
  @Option(help: "Samplers, comma-separated (cmaes, cmaes_ipop, cmaes_bipop, tpe, random).")
  var samplers = "cmaes,cmaes_ipop"
  @Option(help: "Seeds first-seed..<first-seed+seeds.")
  var seeds = 20
  @Option(help: "First seed.")
  var firstSeed = 0
  @Option(help: "Trials per run (the best value is recorded after 200, 500, 1000 and the last).")
  var trials = 1000
  @Option(help: "Runs at once.")
  var jobs = 2

  /// The benchmark functions, minimum 0: sphere centred at 1.5 on [−5, 5]ⁿ; Rosenbrock on
  /// [−5, 10]ⁿ (minimum at 1); Rastrigin shifted by 1.3 on [−5.12, 5.12]ⁿ (so that the start at
  /// the centre is not the optimum).
  static func function(_ name: String) -> (low: Double, high: Double, f: ([Double]) -> Double)? {
    switch name {
    case "sphere": return (-5, 5, sphere)
    case "rosenbrock": return (-5, 10, rosenbrock)
    case "rastrigin": return (-5.12, 5.12, rastrigin)
    default: return nil
    }
  }

  static func sphere(_ x: [Double]) -> Double {
    var s = 0.0
    for v in x { s += (v - 1.5) * (v - 1.5) }
    return s
  }

  static func rosenbrock(_ x: [Double]) -> Double { TestFunctions.rosenbrock(x) }

  static func rastrigin(_ x: [Double]) -> Double {
    var s = 10 * Double(x.count)
    for v in x {
      let z = v - 1.3
      s += z * z - 10 * cos(2 * Double.pi * z)
    }
    return s
  }

  struct Task: Sendable { let function: String, dims: Int, sampler: String, seed: Int }

  func run() async throws {
    var tasks: [Task] = []
    for f in functions.split(separator: ",").map(String.init) {
      guard Self.function(f) != nil else { throw ValidationError("no function \(f)") }
      for d in dims.split(separator: ",").compactMap({ Int($0) }) {
        for s in samplers.split(separator: ",").map(String.init) {
          for seed in firstSeed..<(firstSeed + seeds) { tasks.append(Task(function: f, dims: d, sampler: s, seed: seed)) }
        }
      }
    }
    let n = trials
    let start = Date()
    var lines: [String] = []
    try await withThrowingTaskGroup(of: String.self) { group in
      var next = 0
      func add() {
        guard next < tasks.count else { return }
        let t = tasks[next]
        next += 1
        group.addTask { try await Self.runOne(t, trials: n) }
      }
      for _ in 0..<max(1, jobs) { add() }
      while let line = try await group.next() {
        lines.append(line)
        FileHandle.standardError.write(Data((line + "\n").utf8))
        add()
      }
    }
    print("{\"engine\": \"hpotop\", \"benchmark\": \"cmaes\", \"trials\": \(n), \"jobs\": \(jobs), "
      + "\"script_wall_s\": \(Date().timeIntervalSince(start)), \"runs\": [\n" + lines.joined(separator: ",\n") + "\n]}")
  }

  static func runOne(_ t: Task, trials n: Int) async throws -> String {
    guard let fn = function(t.function) else { throw ValidationError(t.function) }
    var o = CMAESSampler.Options()
    let sampler: any Sampler
    switch t.sampler {
    case "cmaes": sampler = CMAESSampler(seed: UInt64(t.seed), options: o)
    case "cmaes_ipop": o.restartStrategy = .ipop; sampler = CMAESSampler(seed: UInt64(t.seed), options: o)
    case "cmaes_bipop": o.restartStrategy = .bipop; sampler = CMAESSampler(seed: UInt64(t.seed), options: o)
    case "random": sampler = RandomSampler(seed: UInt64(t.seed))
    case "tpe": sampler = TPESampler(seed: UInt64(t.seed))
    default: throw ValidationError("unknown sampler \(t.sampler)")
    }
    let study = try await Study.create(name: "cmaes", storage: InMemoryStorage(), sampler: sampler)
    var best = Double.infinity
    var bests: [String] = []
    var engineMs: [Double] = []
    // The process's CPU time over the same spans, as Optuna's side records it (one run at a time,
    // `--jobs 1`, for the figure to be this run's alone).
    var engineCPUMs: [Double] = []
    let clock = ContinuousClock()
    for i in 0..<n {
      let c0 = Overhead.cpuMilliseconds()
      let t0 = clock.now
      var trial = try await study.ask()
      var x: [Double] = []
      for k in 0..<t.dims { x.append(try await trial.suggestFloat("x\(k)", fn.low, fn.high)) }
      let t1 = clock.now
      let c1 = Overhead.cpuMilliseconds()
      let v = fn.f(x)
      let c2 = Overhead.cpuMilliseconds()
      let t2 = clock.now
      try await study.tell(trialID: trial.id, values: [v])
      let t3 = clock.now
      let c3 = Overhead.cpuMilliseconds()
      if i >= n - 10 {
        engineMs.append(Self.ms(t1 - t0) + Self.ms(t3 - t2))
        engineCPUMs.append((c1 - c0) + (c3 - c2))
      }
      best = min(best, v)
      if [200, 500, 1000].contains(i + 1) || i + 1 == n { bests.append("\"\(i + 1)\": \(best)") }
    }
    let median = engineMs.sorted()[engineMs.count / 2]
    let cpuMedian = engineCPUMs.sorted()[engineCPUMs.count / 2]
    let all = try await study.trials()
    let restarts = CMARun.latest(in: all)?.restarts ?? 0
    // The first trial of the first restarted run (the trial that stores a state with restarts ≥ 1).
    let firstRestart = restarts == 0 ? nil : all.first { t in
      guard case .string(let text)? = t.systemAttrs[CMAKey.state.rawValue] else { return false }
      return (CMARun.decode(text)?.restarts ?? 0) > 0
    }?.number
    return "{\"function\": \"\(t.function)\", \"dims\": \(t.dims), \"sampler\": \"\(t.sampler)\", \"seed\": \(t.seed), "
      + "\"best\": {\(bests.joined(separator: ", "))}, \"ms_per_trial_last10\": \(median), "
      + "\"cpu_ms_per_trial_last10\": \(cpuMedian), \"restarts\": \(restarts)"
      + (firstRestart.map { ", \"first_restart_trial\": \($0)" } ?? "") + "}"
  }

  static func ms(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
  }
}
