import ArgumentParser
import Foundation
import HPO

/// Issue 7: counting ones (Falkner, Klein & Hutter, ICML 2018), exactly as
/// `bench/optuna/multifidelity.py` defines it: 8 binary + 8 float params, budgets 9..729 (η = 3),
/// incremental Bernoulli sampling, consumed budget = last step reached, cap 100·729, regret =
/// noise-free value of the incumbent + 16 (incumbent = best observed at the largest budget
/// evaluated so far). Prints one JSON document.
struct MultiFidelity: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "multifidelity", abstract: "Counting ones: hpotop BOHB / TPE / random + Hyperband.")

  @Option(help: "Number of seeds (0..<n).") var seeds = 20
  @Option(help: "First seed.") var firstSeed = 0
  @Option(help: "Comma-separated methods: bohb, tpe_hyperband, random_hyperband, bohb_table, bohb_noboot, bohb_nowindow, bohb_w<n>.")
  var methods = "bohb,tpe_hyperband,random_hyperband"
  @Option(help: "Cap in units of the max budget.") var capMultiple = 100

  static let budgets = [9, 27, 81, 243, 729]
  static let minB = 9, maxB = 729, eta = 3
  static let fractions = [0.10, 0.25, 0.50, 1.00]

  /// The incumbent trajectory as (consumed, regret) points (multifidelity.py's `Tracker`).
  struct Tracker {
    var consumed = 0
    var best: [Int: (observed: Double, truth: Double)] = [:]
    var points: [(consumed: Int, regret: Double)] = []

    mutating func add(budget: Int, observed: Double, truth: Double, cost: Int) {
      consumed += cost
      if let cur = best[budget], cur.observed <= observed {} else { best[budget] = (observed, truth) }
      if let top = best.keys.max(), let b = best[top] { points.append((consumed, b.truth + 16)) }
    }

    func regret(at c: Double) -> Double {
      var r = Double.nan
      for p in points {
        if Double(p.consumed) <= c + 1e-9 { r = p.regret } else { break }
      }
      return r
    }
  }

  func makeStudy(_ method: String, seed: Int) async throws -> Study {
    let s = UInt64(seed)
    let storage = InMemoryStorage()
    let name = "counting-ones-\(method)-\(seed)"
    switch method {
    case "bohb":
      return try await Study.create(
        name: name, storage: storage, sampler: BOHBSampler(seed: s),
        pruner: try BOHBSampler.defaultPruner(minResource: Self.minB, maxResource: Self.maxB, reductionFactor: Self.eta))
    case "bohb_table":
      return try await Study.create(
        name: name, storage: storage, sampler: BOHBSampler(seed: s),
        pruner: try BOHBSampler.defaultPruner(
          minResource: Self.minB, maxResource: Self.maxB, reductionFactor: Self.eta, rule: .paperTable))
    case "bohb_noboot":
      return try await Study.create(
        name: name, storage: storage, sampler: BOHBSampler(seed: s),
        pruner: try BOHBSampler.defaultPruner(
          minResource: Self.minB, maxResource: Self.maxB, reductionFactor: Self.eta, bootstrapCount: 0,
          promotionWindow: 0))
    case "bohb_nowindow":
      return try await Study.create(
        name: name, storage: storage, sampler: BOHBSampler(seed: s),
        pruner: try BOHBSampler.defaultPruner(
          minResource: Self.minB, maxResource: Self.maxB, reductionFactor: Self.eta, promotionWindow: 0))
    case "tpe_hyperband", "random_hyperband":
      let hb = try HyperbandPruner(minResource: Self.minB, maxResource: Self.maxB, reductionFactor: Self.eta)
      let sampler: any Sampler = method == "tpe_hyperband" ? TPESampler(seed: s) : RandomSampler(seed: s)
      return try await Study.create(name: name, storage: storage, sampler: sampler, pruner: hb)
    case let m where m.hasPrefix("bohb_w"):  // bohb_w<window>: promotion window (docs/bohb.md §10)
      guard let w = Int(m.dropFirst("bohb_w".count)) else { throw ValidationError("bad method \(m)") }
      return try await Study.create(
        name: name, storage: storage, sampler: BOHBSampler(seed: s),
        pruner: try BOHBSampler.defaultPruner(
          minResource: Self.minB, maxResource: Self.maxB, reductionFactor: Self.eta, promotionWindow: w))
    default:
      throw ValidationError("unknown method \(method)")
    }
  }

  func run(_ method: String, seed: Int) async throws -> (Tracker, Int) {
    let study = try await makeStudy(method, seed: seed)
    let cap = capMultiple * Self.maxB
    var tracker = Tracker()
    var n = 0
    while tracker.consumed < cap {
      var trial = try await study.ask()
      var c = 0.0
      for i in 0..<8 { c += try await trial.suggestCategorical("c\(i)", [.int(0), .int(1)]).doubleValue ?? 0 }
      var x: [Double] = []
      for j in 0..<8 { x.append(try await trial.suggestFloat("x\(j)", 0, 1)) }
      let truth = -(c + x.reduce(0, +))
      var rng = SeededRNG(seed: UInt64(seed), trialNumber: trial.number, purpose: "counting-ones")
      var counts = [Double](repeating: 0, count: 8)
      var prev = 0
      var val = 0.0
      var pruned = false
      for b in Self.budgets {
        for j in 0..<8 {
          var k = 0
          for _ in 0..<(b - prev) where rng.uniform() < x[j] { k += 1 }
          counts[j] += Double(k)
        }
        prev = b
        val = -(c + counts.reduce(0) { $0 + $1 / Double(b) })
        try await trial.report(val, step: b)
        if b < Self.maxB, try await trial.shouldPrune() {
          pruned = true
          break
        }
      }
      tracker.add(budget: prev, observed: val, truth: truth, cost: prev)
      if pruned {
        try await study.tell(trialID: trial.id, state: .pruned)
      } else {
        try await study.tell(trialID: trial.id, values: [val])
      }
      n += 1
    }
    return (tracker, n)
  }

  func run() async throws {
    let cap = Double(capMultiple * Self.maxB)
    var perMethod: [String: Any] = [:]
    for method in methods.split(separator: ",").map(String.init) {
      var perSeed: [[String: Any]] = []
      for seed in firstSeed..<(firstSeed + seeds) {
        let t0 = Date()
        let (tracker, n) = try await run(method, seed: seed)
        let wall = Date().timeIntervalSince(t0)
        var regret: [String: Double] = [:]
        for f in Self.fractions { regret[String(f)] = tracker.regret(at: f * cap) }
        perSeed.append(["seed": seed, "regret": regret, "n_trials": n, "wall_s": wall, "consumed": tracker.consumed])
        FileHandle.standardError.write(Data(
          "hpotop \(method) seed=\(seed) wall=\(String(format: "%.1f", wall))s n=\(n) regret@100%=\(String(format: "%.3f", regret["1.0"] ?? .nan))\n".utf8))
      }
      perMethod[method] = perSeed
    }
    let doc: [String: Any] = [
      "benchmark": "counting_ones", "engine": "hpotop", "cap": Int(cap), "budgets": Self.budgets,
      "fractions": Self.fractions, "per_method": perMethod,
    ]
    let data = try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
  }
}
