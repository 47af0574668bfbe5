import Foundation
import HPO
import HPOTesting
import OrderedCollections
import Testing

/// Population-based training: Ray Tune's quantiles and explore step, and whole populations of
/// the paper's toy trained through `Study.optimize` with checkpoints on disk.
@Suite struct PBTTests {
  /// A population of `n` members whose last complete segments scored `scores`.
  func population(_ scores: [Double]) -> PBTPopulation {
    let trials = scores.enumerated().map { i, v in
      var attrs = OrderedDictionary<String, JSONValue>()
      attrs.hpotop.pbtSegment = PBTSegment(member: i, generation: 0, parent: nil, exploitedMember: nil, startStep: 0, stopStep: 4, params: [:])
      return FrozenTrial(id: Int64(i + 1), number: i, state: .complete, values: [v], systemAttrs: attrs)
    }
    return PBTPopulation(trials: trials, population: scores.count, memberSteps: 100)
  }

  @Test func quantilesFollowRayTune() {
    // ceil(n · 0.25), at most n/2: 1 of 2, 1 of 4, 2 of 8.
    #expect(population([0.5, 0.9]).quantiles(fraction: 0.25, direction: .maximize) == ([0], [1]))
    #expect(population([3, 1, 4, 2]).quantiles(fraction: 0.25, direction: .maximize) == ([1], [2]))
    #expect(population([3, 1, 4, 2]).quantiles(fraction: 0.25, direction: .minimize) == ([2], [1]))
    let eight = population([8, 1, 7, 2, 6, 3, 5, 4]).quantiles(fraction: 0.25, direction: .maximize)
    #expect(eight.lower == [1, 3] && eight.upper == [2, 0])
    #expect(population([1, 2, 3, 4]).quantiles(fraction: 0, direction: .maximize) == ([], []))
    #expect(population([1]).quantiles(fraction: 0.25, direction: .maximize) == ([], []))
  }

  @Test func exploreMultipliesClipsAndMovesToNeighbours() throws {
    let f = try FloatDistribution(low: 0, high: 1)
    let stepped = try FloatDistribution(low: 0, high: 1, step: 0.1)
    let i = try IntDistribution(low: 1, high: 100)
    let c = try CategoricalDistribution(choices: [.string("a"), .string("b"), .string("c")])
    let distributions: OrderedDictionary<String, Distribution> = ["f": .float(f), "s": .float(stepped), "i": .int(i), "c": .categorical(c)]
    var seenFactors = Set<Double>()
    for seed in 0..<200 {
      var rng = SeededRNG(seed: UInt64(seed))
      let out = PBTExplore.perturb(["f": .float(0.5), "s": .float(0.5), "i": .int(10), "c": .string("b")],
                                   distributions: distributions, resampleProbability: 0, factors: [1.2, 0.8], rng: &rng)
      let v = try #require(out["f"]?.doubleValue)
      seenFactors.insert((v / 0.5 * 10).rounded() / 10)
      #expect([12, 8].contains(out["i"]?.intValue))  // Ray truncates: int(10 · 1.2), int(10 · 0.8)
      #expect([0.6, 0.4].contains { abs($0 - (out["s"]?.doubleValue ?? -1)) < 1e-12 })
      #expect([ParamValue.string("a"), .string("c")].contains(out["c"]!))
    }
    #expect(seenFactors == [1.2, 0.8])
    var rng = SeededRNG(seed: 1)
    let clipped = PBTExplore.perturb(["f": .float(0.95)], distributions: distributions, resampleProbability: 0, factors: [1.2, 1.2], rng: &rng)
    #expect(clipped["f"] == .float(1))
  }

  /// The toy (population 4, parallelism 2, 40 steps a member): every member trains all its
  /// steps, the lineage is complete, exploits copied the top member's checkpoint file, and each
  /// member's exported schedule, replayed from θ₀, gives its final Q to 1e-9.
  @Test func toyPopulationTrainsAndSchedulesReplay() async throws {
    let dir = try TempDir()
    var o = PBTSampler.Options()
    o.population = 4
    o.memberSteps = 40
    let study = try await Study.create(name: "toy", directions: [.maximize], storage: InMemoryStorage(),
                                       sampler: PBTSampler(seed: 7, options: o))
    for m in 0..<4 {
      let h = PBTToy.initialH[m % 2]
      try await study.enqueue(params: ["h0": .float(h.0), "h1": .float(h.1)])
    }
    try await study.optimize(limits: OptimizeLimits(parallelism: 2),
                             objective: PBTToy.objective(trialsDirectory: dir.url.path, defaultSteps: 0))
    let trials = try await study.trials()
    let pop = PBTPopulation(trials: trials, population: 4, memberSteps: 40)
    #expect(pop.allDone)
    #expect(trials.allSatisfy { $0.state == .complete })
    #expect(PBTSchedule.lineageProblems(trials).isEmpty)
    let exploits = trials.filter { $0.hpotop.pbtSegment?.exploitedMember != nil }
    #expect(!exploits.isEmpty)
    for t in exploits {
      let s = try #require(t.hpotop.pbtSegment)
      let copied = try String(contentsOfFile: dir.file("\(t.number)/restore/state.txt"), encoding: .utf8)
      let donor = try String(contentsOfFile: dir.file("\(s.parent!)/checkpoint/state.txt"), encoding: .utf8)
      #expect(copied == donor)
      #expect(copied.hasPrefix("\(s.startStep) "))
    }
    for m in 0..<4 {
      let schedule = try #require(PBTSchedule.of(member: m, trials: trials))
      #expect(schedule.entries.last?.toStep == 40)
      let final = try #require(schedule.finalValue)
      #expect(abs(PBTToy.replay(schedule) - final) <= 1e-9)
    }
  }

  /// A segment whose run fails is trained again from the same checkpoint with the same
  /// hyperparameters, and is not queued as a retry as well.
  @Test func failedSegmentIsTrainedAgainFromTheSameCheckpoint() async throws {
    let dir = try TempDir()
    var o = PBTSampler.Options()
    o.population = 2
    o.memberSteps = 12
    let study = try await Study.create(name: "toy", directions: [.maximize], storage: InMemoryStorage(),
                                       sampler: PBTSampler(seed: 3, options: o))
    let toy = PBTToy.objective(trialsDirectory: dir.url.path, defaultSteps: 0)
    try await study.optimize(limits: OptimizeLimits(parallelism: 1)) { trial in
      if trial.number == 3 {  // an interruption: failed (and requeued, for other samplers)
        _ = try await trial.suggestFloat("h0", 0, 1)
        _ = try await trial.suggestFloat("h1", 0, 1)
        throw CancellationError()
      }
      return try await toy(&trial)
    }
    let trials = try await study.trials()
    let failed = try #require(trials.first { $0.number == 3 })
    #expect(failed.state == .fail)
    #expect(!trials.contains { $0.state == .waiting })
    let again = try #require(trials.first { $0.number > 3 && $0.hpotop.pbtSegment?.member == failed.hpotop.pbtSegment?.member })
    #expect(again.state == .complete)
    #expect(again.hpotop.pbtSegment?.parent == failed.hpotop.pbtSegment?.parent)
    #expect(again.hpotop.pbtSegment?.startStep == failed.hpotop.pbtSegment?.startStep)
    #expect(!failed.params.isEmpty && again.params == failed.params)
    #expect(PBTPopulation(trials: trials, population: 2, memberSteps: 12).allDone)
  }
}

/// `sampler: {name: pbt, …}` in a study file: options, their errors, and the step budget.
@Suite struct PBTStudyFileTests {
  func spec(_ sampler: String, budget: String = "budget: {steps: 400}") throws -> StudySpec {
    try StudySpec.parse(yaml: """
      name: s
      metric: {name: q, direction: maximize}
      params: {h0: {type: float, low: 0, high: 1}}
      sampler: \(sampler)
      \(budget)
      objective: {command: [/bin/true]}
      """, path: "/tmp/pbt-study.yaml")
  }

  @Test func optionsAndTheStepBudgetReachTheSampler() throws {
    let launcher = try StudyLauncher(spec: try spec("{name: pbt, seed: 1, population: 8, perturbation_interval: 5, quantile_fraction: 0.5, perturbation_factors: [1.5, 0.5]}"), storage: InMemoryStorage())
    let pbt = try #require(launcher.sampler as? PBTSampler)
    #expect(pbt.options.population == 8 && pbt.options.perturbationInterval == 5)
    #expect(pbt.options.quantileFraction == 0.5 && pbt.options.perturbationFactors == [1.5, 0.5])
    #expect(pbt.options.memberSteps == 50)  // budget steps 400 shared by 8 members
    let own = try StudyLauncher(spec: try spec("{name: pbt, member_steps: 12}"), storage: InMemoryStorage())
    #expect((own.sampler as? PBTSampler)?.options.memberSteps == 12)
  }

  @Test(arguments: [
    ("{name: pbt, population: 1}", "'population' must be at least 2"),
    ("{name: pbt, quantile_fraction: 0.75}", "'quantile_fraction' must be at most 0.5"),
    ("{name: pbt, perturbation_factors: [1.2]}", "'perturbation_factors' must be two positive numbers"),
    ("{name: pbt, interval: 4}", "unknown option 'interval' for pbt"),
  ])
  func badOptionsSayWhatIsWrong(_ sampler: String, _ message: String) throws {
    do {
      _ = try StudyLauncher(spec: try spec(sampler), storage: InMemoryStorage())
      Issue.record("\(sampler) was accepted")
    } catch {
      #expect("\(error)".contains(message), "\(error)")
      #expect("\(error)".hasPrefix("/tmp/pbt-study.yaml:"), "\(error)")
    }
  }
}
