import Foundation
import OrderedCollections
import Testing

@testable import HPO

/// Asks, evaluates and tells `n` trials of a `dims`-d sphere centred at 1 on [−5, 5]ⁿ.
func runSphere(_ study: Study, _ n: Int, dims: Int, maximize: Bool = false) async throws -> [Double] {
  var out: [Double] = []
  for _ in 0..<n {
    var trial = try await study.ask()
    var v = 0.0
    for i in 0..<dims {
      let x = try await trial.suggestFloat("x\(i)", -5, 5)
      v += (x - 1) * (x - 1)
    }
    try await study.tell(trialID: trial.id, values: [maximize ? -v : v])
    out.append(v)
  }
  return out
}

func cmaSampler(seed: UInt64, _ edit: (inout CMAESSampler.Options) -> Void = { _ in }) -> CMAESSampler {
  var o = CMAESSampler.Options()
  edit(&o)
  return CMAESSampler(seed: seed, options: o)
}

@Suite struct CMAESSamplerTests {
  @Test func findsTheSphereMinimumAndBeatsRandom() async throws {
    let cma = try await Study.create(name: "s", storage: InMemoryStorage(), sampler: cmaSampler(seed: 1))
    let random = try await Study.create(name: "s", storage: InMemoryStorage(), sampler: RandomSampler(seed: 1))
    let a = try await runSphere(cma, 400, dims: 6).min()!
    let b = try await runSphere(random, 400, dims: 6).min()!
    #expect(a < 1e-2 && a < b / 100, "cmaes \(a), random \(b)")
  }

  @Test func maximizeMinimisesTheNegation() async throws {
    let study = try await Study.create(name: "s", directions: [.maximize], storage: InMemoryStorage(), sampler: cmaSampler(seed: 3))
    let best = try await runSphere(study, 300, dims: 4, maximize: true).min()!
    #expect(best < 1e-2)
  }

  /// Two workers on one storage share generations: individuals are numbered once each, and the
  /// generation advances (with its state written) once λ results exist.
  @Test func workersCooperateOnOneGeneration() async throws {
    let storage = InMemoryStorage()
    let w1 = try await Study.create(name: "s", storage: storage, sampler: cmaSampler(seed: 5) { $0.popsize = 6 })
    let w2 = try await Study.create(name: "s", storage: storage, sampler: cmaSampler(seed: 5) { $0.popsize = 6 }, loadIfExists: true)
    _ = try await runSphere(w1, 1, dims: 3)  // the startup trial
    var open: [(Study, Trial)] = []
    for k in 0..<8 {  // 8 trials asked before any is told: λ = 6 in generation 0, then 2 more
      let w = k.isMultiple(of: 2) ? w1 : w2
      var t = try await w.ask()
      for i in 0..<3 { _ = try await t.suggestFloat("x\(i)", -5, 5) }
      open.append((w, t))
    }
    let trials = try await storage.trials(study: w1.id, filter: .all).filter { $0.number > 0 }
    let tags = trials.map { ($0.systemAttrs[CMAKey.generation.rawValue]?.intValue, $0.systemAttrs[CMAKey.individual.rawValue]?.stringValue) }
    #expect(tags.allSatisfy { $0.0 == 0 })
    #expect(Set(tags.compactMap(\.1)) == Set((0..<8).map { "0:\($0)" }))
    for (w, t) in open { try await w.tell(trialID: t.id, values: [Double(t.number)]) }
    var next = try await w2.ask()
    for i in 0..<3 { _ = try await next.suggestFloat("x\(i)", -5, 5) }
    let stored = try await storage.trial(id: next.id)
    #expect(stored.systemAttrs[CMAKey.generation.rawValue]?.intValue == 1)
    let run = try #require(stored.systemAttrs[CMAKey.state.rawValue]?.stringValue.flatMap(CMARun.decode))
    #expect(run.generation == 1 && run.state.generation == 1)
  }

  @Test func categoricalsAreSampledIndependently() async throws {
    let study = try await Study.create(name: "s", storage: InMemoryStorage(), sampler: cmaSampler(seed: 9))
    var seen = Set<String>()
    for _ in 0..<40 {
      var t = try await study.ask()
      let x = try await t.suggestFloat("x", 0, 1), y = try await t.suggestFloat("y", 0, 1)
      let c = try await t.suggestCategorical("c", ["a", "b", "c"].map { ParamValue.string($0) })
      seen.insert(c.stringValue ?? "")
      try await study.tell(trialID: t.id, values: [x + y])
    }
    let last = try await study.trials().last!
    #expect(CMAESSampler.doubles(last.systemAttrs[CMAKey.x.rawValue])?.count == 2)
    #expect(seen.count == 3)
  }

  /// With margin, int and stepped params get the grid point the margin encoding chose, and
  /// the optimum of an integer problem is found.
  @Test func marginOnIntegerParams() async throws {
    let study = try await Study.create(name: "s", storage: InMemoryStorage(), sampler: cmaSampler(seed: 11) { $0.withMargin = true })
    var best = Double.infinity
    for _ in 0..<300 {
      var t = try await study.ask()
      var v = 0.0
      for i in 0..<4 { let n = try await t.suggestInt("n\(i)", -10, 10); v += Double((n - 3) * (n - 3)) }
      let x = try await t.suggestFloat("x", -2, 2, step: 0.5)
      v += (x - 0.5) * (x - 0.5)
      best = min(best, v)
      try await study.tell(trialID: t.id, values: [v])
    }
    #expect(best == 0)
    let trials = try await study.trials()
    let last = trials.last!
    let point = try #require(CMAESSampler.doubles(last.systemAttrs[CMAKey.point.rawValue]))
    for (i, p) in point.prefix(4).enumerated() {  // grid points of step 1/20, mapped to the param
      #expect(abs(p * 20 - (p * 20).rounded()) < 1e-9)
      #expect(Double(last.params["n\(i)"]!.intValue!) == -10 + (p * 20).rounded())
    }
    let run = try #require(CMAESSampler.latestRun(trials))
    #expect(run.state.marginA != nil && run.state.steps?.count == 5)
  }

  @Test func ipopRestartsWithALargerPopulation() async throws {
    let study = try await Study.create(
      name: "s", storage: InMemoryStorage(), sampler: cmaSampler(seed: 13) { $0.restartStrategy = .ipop })
    _ = try await runSphere(study, 900, dims: 2)
    let run = try #require(CMAESSampler.latestRun(try await study.trials()))
    #expect(run.restarts >= 1 && run.state.popsize == CMAState.defaultPopsize(2) * Int(pow(2.0, Double(run.restarts))))
  }

  @Test func studyFileOptions() throws {
    func make(_ options: OrderedDictionary<String, JSONValue>) throws -> CMAESSampler {
      var reader = OptionReader(spec: ComponentSpec(path: "s.yaml", name: "cmaes", options: options))
      return try #require(try SamplerKind.cmaes.make(1, &reader, SearchSpace([]), nil) as? CMAESSampler)
    }
    let s = try make(["sigma0": .double(0.3), "popsize": .int(12), "restart_strategy": .string("bipop"),
                      "inc_popsize": .int(3), "separable": .bool(true), "with_margin": .bool(false),
                      "n_startup_trials": .int(5), "x0": .object(["a": .double(1.5)])])
    #expect(s.options.sigma0 == 0.3 && s.options.popsize == 12 && s.options.restartStrategy == .bipop)
    #expect(s.options.incPopsize == 3 && s.options.separable && s.options.nStartupTrials == 5 && s.options.x0 == ["a": 1.5])
    #expect(throws: (any Error).self) { try make(["restart_strategy": .string("sometimes")]) }
    #expect(throws: (any Error).self) { try make(["sigma0": .double(-1)]) }
    #expect(throws: (any Error).self) { try make(["lr_adapt": .bool(true)]) }
  }
}
