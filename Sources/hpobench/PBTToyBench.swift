import ArgumentParser
import Foundation
import HPO
import HPOSQLite

/// Issue 18: the toy of Jaderberg et al. 2017 (`PBTToy`) through the same engine and storage as
/// `hpotop run` (`Study.optimize` on a SQLite file, trial folders with checkpoints): PBT with
/// population 2 and 8 against random search and TPE over fixed h, every method given the same
/// total steps. Steps are counted over all members' (trials') steps, in the order they ran (one
/// slot, so the order is the trial order). Prints one JSON document.
struct PBTToyBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pbt", abstract: "PBT on the paper's toy vs random search and TPE over fixed h.")

  @Option(help: "Number of seeds.") var seeds = 20
  @Option(help: "Total steps every method gets.") var totalSteps = 4000
  @Option(help: "Steps of one random-search or TPE trial (fixed h from θ₀).") var trialSteps = 200
  @Option(help: "Comma-separated methods: pbt2, pbt8, random, tpe.") var methods = "pbt2,pbt8,random,tpe"

  func run() async throws {
    let root = NSTemporaryDirectory() + "hpobench-pbt-\(UUID().uuidString.prefix(8))"
    defer { try? FileManager.default.removeItem(atPath: root) }
    var out: [String: JSONValue] = [:]
    for method in methods.split(separator: ",").map(String.init) {
      var reached: [JSONValue] = [], finals: [JSONValue] = [], walls: [JSONValue] = [], trialCounts: [JSONValue] = []
      for seed in 0..<seeds {
        let dir = "\(root)/\(method)-\(seed)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let started = Date()
        let trials = try await runOne(method: method, seed: UInt64(seed), dir: dir)
        walls.append(.double(Date().timeIntervalSince(started)))
        let (steps, final) = Self.score(trials)
        reached.append(steps.map { .int($0) } ?? .null)
        finals.append(.double(final))
        trialCounts.append(.int(trials.count))
        try? FileManager.default.removeItem(atPath: dir)
        FileHandle.standardError.write(Data("\(method) seed \(seed): steps to \(PBTToy.target) \(steps.map(String.init) ?? "-"), final Q \(final)\n".utf8))
      }
      out[method] = .object(["steps_to_target": .array(reached), "final_q": .array(finals), "wall_s": .array(walls), "trials": .array(trialCounts)])
    }
    let doc: JSONValue = .object([
      "total_steps": .int(totalSteps), "trial_steps": .int(trialSteps), "interval": .int(PBTToy.interval),
      "step_size": .double(PBTToy.stepSize), "target": .double(PBTToy.target), "seeds": .int(seeds),
      "methods": .object(.init(uniqueKeysWithValues: out.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })),
    ])
    print(doc.pythonJSON)
  }

  func runOne(method: String, seed: UInt64, dir: String) async throws -> [FrozenTrial] {
    let storage = try SQLiteStorage(path: dir + "/toy.db")
    let sampler: any Sampler
    var population = 0
    switch method {
    case "pbt2", "pbt8":
      population = method == "pbt2" ? 2 : 8
      var o = PBTSampler.Options()
      o.population = population
      o.perturbationInterval = PBTToy.interval
      o.memberSteps = totalSteps / population
      sampler = PBTSampler(seed: seed, options: o)
    case "random": sampler = RandomSampler(seed: seed)
    case "tpe": sampler = TPESampler(seed: seed)
    default: throw ValidationError("unknown method \(method)")
    }
    let study = try await Study.create(name: "toy", directions: [.maximize], storage: storage, sampler: sampler)
    for m in 0..<population {  // the paper's initial h, repeated for larger populations
      let h = PBTToy.initialH[m % PBTToy.initialH.count]
      try await study.enqueue(params: ["h0": .float(h.0), "h1": .float(h.1)])
    }
    var limits = OptimizeLimits(parallelism: 1)
    limits.budget = ComputeBudget(steps: totalSteps)
    try await study.optimize(limits: limits, objective: PBTToy.objective(trialsDirectory: dir + "/trials", defaultSteps: trialSteps))
    return try await study.trials()
  }

  /// Total steps (over every trial, in trial order) when Q first reached the target, and the best
  /// final Q: the best member's (PBT) or the best trial's.
  static func score(_ trials: [FrozenTrial]) -> (Int?, Double) {
    var used = 0
    var reached: Int?
    for t in trials where t.state == .complete {
      let start = t.hpotop.pbtSegment?.startStep ?? 0
      for (step, v) in t.intermediateValues.sorted(by: { $0.key < $1.key }) where step > start {
        used += 1
        if reached == nil, v >= PBTToy.target { reached = used }
      }
    }
    let final = trials.compactMap { $0.state == .complete ? $0.value : nil }.max() ?? .nan
    return (reached, final)
  }
}
