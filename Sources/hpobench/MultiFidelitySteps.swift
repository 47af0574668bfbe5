import ArgumentParser
import Foundation
import HPO
import OrderedCollections

/// Issue 17: multi-fidelity at equal compute, hpotop's side of `bench/optuna/bench_mf_steps.py`
/// (same tasks, same simulated asynchronous workers, same cap and regret; see that file's
/// docstring). Prints one JSON document.
struct MultiFidelitySteps: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mfsteps", abstract: "Multi-fidelity at equal steps, 1 or more simulated workers.")

  @Option(help: "counting_ones or learning_curve.") var task = "learning_curve"
  @Option(help: "Simulated asynchronous workers.") var workers = 1
  @Option(help: "Number of seeds.") var seeds = 20
  @Option(help: "First seed.") var firstSeed = 0
  @Option(help: "Comma-separated methods: bohb (the default configuration), bohb_s5 (session 5's), bohb_cs[_f<random %>…] (see makeStudy), bohb_plain, bohb_trust[s|p][_p<pairs>][_c<percent>][_x][_t], bohb_asha, tpe_hyperband, tpe_asha, bohb_nowindow, bohb_asha_plain, bohb_b<bootstrap>_w<window>.")
  var methods = "bohb,tpe_hyperband"
  @Option(help: "Name every study as if its method were this one (Hyperband draws brackets from the study name), so variants share the plain method's bracket draw.")
  var nameAs: String?
  @Flag(help: "Print one line per finished trial to stderr.") var trace = false

  static let fractions = ["0.1", "0.25", "0.5", "1.0"]

  /// A benchmark task: params, the observation at a report step, and the regret of a config.
  struct Task {
    let steps: [Int]
    let minB: Int
    let maxB: Int
    var cap: Int { 100 * maxB }
    let suggest: @Sendable (inout Trial) async throws -> OrderedDictionary<String, ParamValue>
    /// The observed value at `step`, given the previous report step (counting-ones draws the increment).
    let observe: (_ p: OrderedDictionary<String, ParamValue>, _ state: inout [Double], _ seed: Int, _ number: Int,
                  _ prev: Int, _ step: Int) -> Double
    let regret: (OrderedDictionary<String, ParamValue>) -> Double

    static func named(_ name: String) throws -> Task {
      switch name {
      case "counting_ones":
        return Task(
          steps: [9, 27, 81, 243, 729], minB: 9, maxB: 729,
          suggest: { t in
            var p: OrderedDictionary<String, ParamValue> = [:]
            for i in 0..<8 { p["c\(i)"] = try await t.suggestCategorical("c\(i)", [.int(0), .int(1)]) }
            for j in 0..<8 { p["x\(j)"] = .float(try await t.suggestFloat("x\(j)", 0, 1)) }
            return p
          },
          observe: { p, counts, seed, number, prev, b in
            if counts.isEmpty { counts = [Double](repeating: 0, count: 9) }  // 8 counts + the RNG's draws so far
            var rng = SeededRNG(seed: UInt64(seed), trialNumber: number, purpose: "counting-ones")
            for _ in 0..<Int(counts[8]) { _ = rng.uniform() }  // resume the trial's stream
            var c = 0.0
            for i in 0..<8 { c += p["c\(i)"]?.doubleValue ?? 0 }
            for j in 0..<8 {
              let x = p["x\(j)"]?.doubleValue ?? 0
              for _ in 0..<(b - prev) where rng.uniform() < x { counts[j] += 1 }
            }
            counts[8] += Double(8 * (b - prev))
            return -(c + (0..<8).reduce(0) { $0 + counts[$1] / Double(b) })
          },
          regret: { p in
            16 - (0..<8).reduce(0) { $0 + (p["c\($1)"]?.doubleValue ?? 0) + (p["x\($1)"]?.doubleValue ?? 0) }
          })
      case "learning_curve":
        return Task(
          steps: Array(1...LearningCurveTask.epochs), minB: 1, maxB: LearningCurveTask.epochs,
          suggest: { t in
            var p: OrderedDictionary<String, ParamValue> = [:]
            for param in LearningCurveTask.searchSpace.params { p[param.name] = try await t.suggest(param.name, param.distribution) }
            return p
          },
          observe: { p, _, seed, number, _, b in LearningCurveTask.loss(p, seed: UInt64(seed), number: number, t: b) },
          regret: { p in LearningCurveTask.trueLoss(p) - LearningCurveTask.optimum })
      default:
        throw ValidationError("unknown task \(name)")
      }
    }

    /// The rung steps of Hyperband/successive halving with η = 3 (BOHB's budgets).
    var rungs: Set<Int> {
      var r: Set<Int> = []
      var b = minB
      while b <= maxB { r.insert(b); b *= 3 }
      return r
    }
  }

  /// multifidelity.py's incumbent trajectory, against the steps consumed by all workers.
  struct Tracker {
    var best: [Int: (observed: Double, regret: Double)] = [:]
    var points: [(consumed: Int, regret: Double)] = []

    mutating func add(consumed: Int, budget: Int, observed: Double, regret: Double) {
      if let cur = best[budget], cur.observed <= observed {} else { best[budget] = (observed, regret) }
      if let top = best.keys.max(), let b = best[top] { points.append((consumed, b.regret)) }
    }

    func regret(at c: Double) -> Double {
      var r = Double.nan
      for p in points {
        if Double(p.consumed) <= c + 1e-9 { r = p.regret } else { break }
      }
      return r
    }
  }

  func makeStudy(_ method: String, _ task: Task, seed: Int) async throws -> Study {
    let s = UInt64(seed)
    let storage = InMemoryStorage()
    let name = "\(self.task)-\(nameAs ?? method)-\(seed)"
    let bohb = BOHBSampler(seed: s, budgets: task.rungs)
    switch method {
    case "bohb_plain":
      // BOHB before rung trust (session 4): every budget models, every rung prunes, 1/3 random.
      return try await Study.create(
        name: name, storage: storage,
        sampler: BOHBSampler(seed: s, randomFraction: 1.0 / 3.0, budgets: task.rungs, rungTrust: nil),
        pruner: try BOHBSampler.defaultPruner(
          minResource: task.minB, maxResource: task.maxB, reductionFactor: 3, rungTrust: nil, curveStop: nil))
    case "bohb_studyfile":
      // What `sampler: bohb` in a study file builds: every reported step a budget (no `budgets:`),
      // `defaultPruner()` with the study's resources.
      return try await Study.create(
        name: name, storage: storage, sampler: BOHBSampler(seed: s),
        pruner: try BOHBSampler.defaultPruner(minResource: task.minB, maxResource: task.maxB, reductionFactor: 3))
    case "bohb_s5":
      // The session-5 default: rung trust, 1/3 random, no curve stop.
      return try await Study.create(
        name: name, storage: storage, sampler: BOHBSampler(seed: s, randomFraction: 1.0 / 3.0, budgets: task.rungs),
        pruner: try BOHBSampler.defaultPruner(
          minResource: task.minB, maxResource: task.maxB, reductionFactor: 3, curveStop: nil))
    case "bohb":
      return try await Study.create(
        name: name, storage: storage, sampler: bohb,
        pruner: try BOHBSampler.defaultPruner(minResource: task.minB, maxResource: task.maxB, reductionFactor: 3))
    case let m where m.hasPrefix("bohb_cs"):
      // bohb_cs[_r<min reports>][_m<min calibration>][_k<calibration trials>][_l0 (rungs stop leaders)][_f<random %> (33 unless given)][_n<top n %>][_w<bandwidth factor ×10>][_p<promotion window>][_b<bootstrap>]: bohb + CurveStop.
      var r = CurveExtrapolation.minPoints
      var mc = 5
      var k = 10
      var leaders = true
      var fraction = 1.0 / 3.0
      var topN = 15
      var bwFactor = 3.0
      var window: Int? = nil
      var bootstrap: Int? = nil
      for part in m.dropFirst("bohb_cs".count).split(separator: "_") {
        guard let v = Int(part.dropFirst()) else { throw ValidationError("bad method \(m)") }
        switch part.first {
        case "r": r = v
        case "m": mc = v
        case "k": k = v
        case "l": leaders = v != 0
        case "f": fraction = Double(v) / 100
        case "n": topN = v
        case "w": bwFactor = Double(v) / 10
        case "p": window = v
        case "b": bootstrap = v
        default: throw ValidationError("bad method \(m)")
        }
      }
      return try await Study.create(
        name: name, storage: storage,
        sampler: BOHBSampler(seed: s, topNPercent: topN, randomFraction: fraction, bandwidthFactor: bwFactor,
                             budgets: task.rungs),
        pruner: try BOHBSampler.defaultPruner(
          minResource: task.minB, maxResource: task.maxB, reductionFactor: 3, bootstrapCount: bootstrap,
          promotionWindow: window, curveStop: CurveStop(minReports: r, minCalibration: mc, calibrationTrials: k, keepsLeaders: leaders)))
    case "bohb_nowindow":
      return try await Study.create(
        name: name, storage: storage, sampler: bohb,
        pruner: try BOHBSampler.defaultPruner(minResource: task.minB, maxResource: task.maxB, reductionFactor: 3, promotionWindow: 0))
    case "bohb_asha":
      // One bracket, every trial starts at the smallest budget (ASHA with BOHB's model).
      return try await Study.create(
        name: name, storage: storage, sampler: bohb,
        pruner: try SuccessiveHalvingPruner(minResource: task.minB, reductionFactor: 3, bootstrapCount: 2, promotionWindow: 3))
    case "bohb_asha_plain":
      return try await Study.create(
        name: name, storage: storage, sampler: bohb,
        pruner: try SuccessiveHalvingPruner(minResource: task.minB, reductionFactor: 3))
    case "tpe_hyperband":
      var o = TPEOptions()
      o.multivariate = true
      return try await Study.create(
        name: name, storage: storage, sampler: TPESampler(seed: s, options: o),
        pruner: try HyperbandPruner(minResource: task.minB, maxResource: task.maxB, reductionFactor: 3))
    case "auto_hyperband", "auto_hyperband_x":
      // What a study file with `pruner: hyperband` and the default `sampler: auto` runs: auto picks
      // BOHB (no step budget), the pruner is Optuna's Hyperband restricted to a bracket's trials
      // (auto's kind), or with `rung_trust: true, curve_stop: true` (`_x`).
      let dims = self.task == "counting_ones" ? (16, 8) : (5, 1)
      let x = method.hasSuffix("_x")
      return try await Study.create(
        name: name, storage: storage,
        sampler: AutoSampler(seed: s, facts: AutoFacts(dims: dims.0, categoricalDims: dims.1, pruner: "hyperband",
                                                       maxSteps: task.maxB), assumedTrialSeconds: 1),
        pruner: try HyperbandPruner(minResource: task.minB, maxResource: task.maxB, reductionFactor: 3,
                                    rungTrust: x ? .bohbDefault : nil, curveStop: x ? .bohbDefault : nil))
    case "auto_studyfile":
      // What a study file with `pruner: hyperband` (and `max_resource`) and the default `sampler:
      // auto` runs now (ComponentFactory.bohbPruner): auto picks BOHB, and the entry becomes
      // BOHB's own pruner on its resources.
      let dims = self.task == "counting_ones" ? (16, 8) : (5, 1)
      return try await Study.create(
        name: name, storage: storage,
        sampler: AutoSampler(seed: s, facts: AutoFacts(dims: dims.0, categoricalDims: dims.1, pruner: "hyperband",
                                                       maxSteps: task.maxB), assumedTrialSeconds: 1),
        pruner: try BOHBSampler.defaultPruner(minResource: task.minB, maxResource: task.maxB, reductionFactor: 3))
    case "tpe_asha":
      var o = TPEOptions()
      o.multivariate = true
      return try await Study.create(
        name: name, storage: storage, sampler: TPESampler(seed: s, options: o),
        pruner: try SuccessiveHalvingPruner(minResource: task.minB, reductionFactor: 3))
    case let m where m.hasPrefix("bohb_floor"):  // bohb_floor<k>: models on budgets >= k only
      guard let k = Int(m.dropFirst("bohb_floor".count)) else { throw ValidationError("bad method \(m)") }
      return try await Study.create(
        name: name, storage: storage, sampler: BOHBSampler(seed: s, budgets: task.rungs, minModelBudget: k),
        pruner: try BOHBSampler.defaultPruner(minResource: task.minB, maxResource: task.maxB, reductionFactor: 3))
    case let m where m.hasPrefix("bohb_trust"):
      // bohb_trust[s|p]_p<pairs>_c<correlation percent>: rung trust in the sampler (s), the pruner
      // (p) or both (no letter).
      let rest = m.dropFirst("bohb_trust".count)
      let which = rest.first == "_" ? "" : String(rest.prefix(1))
      let parts = rest.split(separator: "_")
      var pairs = 5
      var corr = 50
      var extrapolates = false
      var presumed = false
      for part in parts {
        if part == "x" { extrapolates = true }
        if part == "t" { presumed = true }
        if part.hasPrefix("p"), let v = Int(part.dropFirst()) { pairs = v }
        if part.hasPrefix("c"), let v = Int(part.dropFirst()) { corr = v }
      }
      let trust = RungTrust(minPairs: pairs, minCorrelation: Double(corr) / 100, extrapolates: extrapolates, presumed: presumed)
      return try await Study.create(
        name: name, storage: storage,
        sampler: BOHBSampler(seed: s, budgets: task.rungs, rungTrust: which == "p" ? nil : trust),
        pruner: try BOHBSampler.defaultPruner(
          minResource: task.minB, maxResource: task.maxB, reductionFactor: 3, rungTrust: which == "s" ? nil : trust))
    case "tpe_bohbpruner":
      var o = TPEOptions()
      o.multivariate = true
      return try await Study.create(
        name: name, storage: storage, sampler: TPESampler(seed: s, options: o),
        pruner: try BOHBSampler.defaultPruner(minResource: task.minB, maxResource: task.maxB, reductionFactor: 3))
    case let m where m.hasPrefix("bohb_b"):  // bohb_b<bootstrap>_w<window>
      let parts = m.dropFirst("bohb_b".count).split(separator: "_w")
      guard parts.count == 2, let b = Int(parts[0]), let w = Int(parts[1]) else { throw ValidationError("bad method \(m)") }
      return try await Study.create(
        name: name, storage: storage, sampler: bohb,
        pruner: try BOHBSampler.defaultPruner(
          minResource: task.minB, maxResource: task.maxB, reductionFactor: 3, bootstrapCount: b, promotionWindow: w))
    default:
      throw ValidationError("unknown method \(method)")
    }
  }

  struct Running {
    var trial: Trial
    var params: OrderedDictionary<String, ParamValue>
    var state: [Double] = []
    var next = 0
    var start: Int
  }

  /// The simulated asynchronous workers of bench_mf_steps.py's `run_optuna`, on hpotop's study.
  func run(_ method: String, _ task: Task, seed: Int) async throws -> (Tracker, Int, Int) {
    let study = try await makeStudy(method, task, seed: seed)
    var tracker = Tracker()
    var doneSteps = 0
    var running: [Int: Running] = [:]
    var events: [(time: Int, worker: Int)] = []
    var n = 0
    func launch(_ w: Int, _ now: Int) async throws {
      var trial = try await study.ask()
      let p = try await task.suggest(&trial)
      running[w] = Running(trial: trial, params: p, start: now)
      events.append((now + task.steps[0], w))
    }
    for w in 0..<workers { try await launch(w, 0) }
    var now = 0
    while !events.isEmpty {
      let i = events.indices.min { (events[$0].time, events[$0].worker) < (events[$1].time, events[$1].worker) }!
      let (t, w) = events.remove(at: i)
      now = t
      var r = running[w]!
      let b = task.steps[r.next]
      let prev = r.next == 0 ? 0 : task.steps[r.next - 1]
      let val = task.observe(r.params, &r.state, seed, r.trial.number, prev, b)
      try await r.trial.report(val, step: b)
      let pruned = b < task.maxB ? try await r.trial.shouldPrune() : false
      if !pruned && b < task.maxB {
        r.next += 1
        running[w] = r
        events.append((r.start + task.steps[r.next], w))
        continue
      }
      doneSteps += b
      let inFlight = running.filter { $0.key != w }.reduce(0) { $0 + (now - $1.value.start) }
      tracker.add(consumed: doneSteps + inFlight, budget: b, observed: val, regret: task.regret(r.params))
      if trace {
        FileHandle.standardError.write(Data(String(
          format: "trace seed=%d trial=%d step=%d consumed=%d observed=%.4f regret=%.4f incumbent=%.4f\n", seed,
          r.trial.number, b, doneSteps + inFlight, val, task.regret(r.params), tracker.points.last?.regret ?? .nan).utf8))
      }
      if pruned {
        try await study.tell(trialID: r.trial.id, state: .pruned)
      } else {
        try await study.tell(trialID: r.trial.id, values: [val])
      }
      n += 1
      running[w] = nil
      if doneSteps + inFlight >= task.cap { break }
      try await launch(w, now)
    }
    return (tracker, n, doneSteps + running.values.reduce(0) { $0 + (now - $1.start) })
  }

  func run() async throws {
    let task = try Task.named(self.task)
    var perMethod: [String: Any] = [:]
    for method in methods.split(separator: ",").map(String.init) {
      var rows: [[String: Any]] = []
      for seed in firstSeed..<(firstSeed + seeds) {
        let t0 = Date()
        let (tracker, n, consumed) = try await run(method, task, seed: seed)
        let wall = Date().timeIntervalSince(t0)
        var regret: [String: Double] = [:]
        for f in Self.fractions { regret[f] = tracker.regret(at: Double(f)! * Double(task.cap)) }
        rows.append(["seed": seed, "regret": regret, "n_trials": n, "wall_s": wall, "consumed": consumed,
                     "curve": tracker.points.map { [$0.consumed, $0.regret] as [Any] }])
        FileHandle.standardError.write(Data(
          "hpotop \(self.task) w=\(workers) \(method) seed=\(seed) wall=\(String(format: "%.1f", wall))s n=\(n) regret@100%=\(String(format: "%.4f", regret["1.0"] ?? .nan))\n".utf8))
      }
      perMethod[method] = rows
    }
    let doc: [String: Any] = ["engine": "hpotop", "task": self.task, "workers": workers, "cap": task.cap, "per_method": perMethod]
    let data = try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
  }
}
