import ArgumentParser
import Foundation
import HPO

/// `hpobench quality`: simple-regret runs on the six test functions of the Optuna baseline
/// (`functions.py`; hpotop's built-ins of the same names), with the ask/tell loop of the
/// baseline's `quality.py`. Prints one JSON document holding every run's objective values in
/// trial order; `bench/report.py` computes the regrets of both engines alike.
struct Quality: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "TPE and random search on the six test functions, every value as JSON.")

  @Option(help: "Functions, comma-separated.")
  var functions = "branin,hartmann6,rosenbrock4,ackley5,styblinski_tang4,mixed"
  @Option(help: "Samplers, comma-separated (random, tpe_default, tpe_independent, gp, gp_nowarp, auto).")
  var samplers = "random,tpe_default,tpe_independent"
  @Option(help: "Seeds 0..<seeds.")
  var seeds = 20
  @Option(help: "Trials per run.")
  var trials = 200
  @Option(help: "Runs at once.")
  var jobs = 2

  struct Task: Sendable {
    let function: String
    let sampler: String
    let seed: Int
  }

  func run() async throws {
    let names = functions.split(separator: ",").map(String.init)
    var tasks: [Task] = []
    for f in names {
      guard BuiltinObjective.named(f) != nil else { throw ValidationError("no builtin named \(f)") }
      for s in samplers.split(separator: ",").map(String.init) {
        for seed in 0..<seeds { tasks.append(Task(function: f, sampler: s, seed: seed)) }
      }
    }
    let n = trials
    let start = Date()
    var results: [String: [String: [Int: (values: [Double], wall: Double, sample: [Double], cpu: [Double])]]] = [:]
    try await withThrowingTaskGroup(of: (Task, [Double], Double, [Double], [Double]).self) { group in
      var next = 0
      func add() {
        guard next < tasks.count else { return }
        let t = tasks[next]
        next += 1
        group.addTask { try await Self.runOne(t, trials: n) }
      }
      for _ in 0..<max(1, jobs) { add() }
      while let (t, values, wall, asks, cpu) = try await group.next() {
        results[t.function, default: [:]][t.sampler, default: [:]][t.seed] = (values, wall, asks, cpu)
        add()
      }
    }
    var fjson: [String] = []
    var optima: [String] = []
    for f in names {
      if let opt = BuiltinObjective.named(f)?.knownOptimum()?.values.first { optima.append("\"\(f)\": \(opt)") }
      var sjson: [String] = []
      for (s, bySeed) in results[f] ?? [:] {
        let runs = bySeed.keys.sorted().compactMap { seed -> String? in
          guard let r = bySeed[seed] else { return nil }
          return "\"\(seed)\": {\"values\": [\(r.values.map { "\($0)" }.joined(separator: ", "))], \"wall_s\": \(r.wall), "
            + "\"sample_s\": [\(r.sample.map { "\($0)" }.joined(separator: ", "))], "
            + "\"sample_cpu_s\": [\(r.cpu.map { "\($0)" }.joined(separator: ", "))]}"
        }
        sjson.append("\"\(s)\": {\(runs.joined(separator: ", "))}")
      }
      fjson.append("\"\(f)\": {\(sjson.joined(separator: ",\n  "))}")
    }
    let wall = Date().timeIntervalSince(start)
    print("{\"engine\": \"hpotop\", \"benchmark\": \"quality\", \"trials\": \(n), \"jobs\": \(jobs), "
      + "\"script_wall_s\": \(wall), \"optima\": {\(optima.joined(separator: ", "))},\n\"runs\": {\n"
      + fjson.joined(separator: ",\n") + "}}")
  }

  static func runOne(_ t: Task, trials n: Int) async throws -> (Task, [Double], Double, [Double], [Double]) {
    guard let builtin = BuiltinObjective.named(t.function) else { throw ValidationError(t.function) }
    let seed = UInt64(t.seed)
    let sampler: any Sampler
    switch t.sampler {
    case "random": sampler = RandomSampler(seed: seed)
    case "tpe_default": sampler = TPESampler(seed: seed)
    case "tpe_independent": sampler = TPESampler(seed: seed, options: TPEOptions(multivariate: false))
    case "gp": sampler = GPSampler(seed: seed)
    case "gp_nowarp":  // Optuna's outputs: standardised only
      var o = GPOptions()
      o.warpOutputs = false
      sampler = GPSampler(seed: seed, options: o)
    case "auto":
      // The bench's objectives are instant: auto is told a trial takes 10 minutes, as a training run
      // would, so that it picks by the space rather than by the measured cost.
      sampler = AutoSampler(
        seed: seed, facts: AutoFacts(space: builtin.searchSpace(), budget: n, pruner: nil), assumedTrialSeconds: 600)
    default: throw ValidationError("unknown sampler \(t.sampler)")
    }
    let study = try await Study.create(name: "quality", storage: InMemoryStorage(), sampler: sampler)
    let space = builtin.searchSpace()
    var values: [Double] = []
    values.reserveCapacity(n)
    var askSeconds: [Double] = []
    var askCPU: [Double] = []  // process CPU seconds: the sampler's own cost when --jobs 1
    let start = Date()
    for _ in 0..<n {
      let askStart = Date()
      let cpuStart = Self.processCPUSeconds()
      var trial = try await study.ask()
      let params = try await space.suggest(in: &trial)
      askSeconds.append(Date().timeIntervalSince(askStart))  // ask and suggest: the sampler's time
      askCPU.append(Self.processCPUSeconds() - cpuStart)
      let v = builtin.evaluate(params, trialNumber: trial.number).values[0]
      try await study.tell(trialID: trial.id, values: [v])
      values.append(v)
    }
    return (t, values, Date().timeIntervalSince(start), askSeconds, askCPU)
  }

  static func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
  }
}
