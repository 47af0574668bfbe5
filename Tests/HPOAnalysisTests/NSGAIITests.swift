import HPO
import HPOAnalysis
import Testing

/// NSGA-II on ZDT1 (6 dims): generations are recorded and the front beats random search.
@Suite struct NSGAIITests {
  static func zdt1Hypervolume(_ sampler: any Sampler, trials: Int) async throws -> (Double, [FrozenTrial]) {
    let study = try await Study.create(name: "z", directions: [.minimize, .minimize], storage: InMemoryStorage(), sampler: sampler)
    let zdt1 = try #require(BuiltinObjective.named("zdt1"))
    try await study.optimize(limits: OptimizeLimits(nTrials: trials), objective: zdt1.objective(options: BuiltinOptions(["dims": .int(6)])))
    let all = try await study.trials()
    let values = all.compactMap(\.values)
    return (Hypervolume.compute(values, reference: [1.1, 11]), all)
  }

  @Test func beatsRandomSearchOnZDT1AndRecordsGenerations() async throws {
    var nsga: [Double] = [], random: [Double] = []
    for seed in UInt64(1)...3 {
      let (hv, trials) = try await Self.zdt1Hypervolume(NSGAIISampler(seed: seed, populationSize: 20), trials: 300)
      nsga.append(hv)
      #expect(trials.allSatisfy { $0.systemAttrs[NSGAIISampler.generationKey]?.intValue != nil })
      #expect(trials.compactMap { $0.systemAttrs[NSGAIISampler.generationKey]?.intValue }.max() ?? 0 >= 10)
      random.append(try await Self.zdt1Hypervolume(RandomSampler(seed: seed), trials: 300).0)
    }
    #expect(nsga.sorted()[1] > random.sorted()[1], "median HV: nsga2 \(nsga) vs random \(random)")
  }

  /// No child repeats a trial's configuration, in a continuous space (where Optuna's NSGA-II
  /// copies a parent about once in 30 children) and in a finite one (where it repeats far more);
  /// with `eliminate_duplicates: false` the copies come back, as in Optuna.
  @Test func noChildRepeatsATrial() async throws {
    func repeats(_ sampler: NSGAIISampler, finite: Bool) async throws -> Int {
      let study = try await Study.create(
        name: "z", directions: [.minimize, .minimize], storage: InMemoryStorage(), sampler: sampler)
      try await study.optimize(limits: OptimizeLimits(nTrials: 200)) { trial in
        var x: [Double] = []
        for i in 0..<4 {
          x.append(finite ? Double(try await trial.suggestInt("x\(i)", 0, 9)) / 9 : try await trial.suggestFloat("x\(i)", 0, 1))
        }
        let (f1, f2) = TestFunctions.zdt1(x)
        return [f1, f2]
      }
      let configs = try await study.trials().map { pythonDictRepr($0.params) }
      return configs.count - Set(configs).count
    }
    var withCopies = 0
    for seed in UInt64(1)...3 {
      for finite in [false, true] {
        #expect(try await repeats(NSGAIISampler(seed: seed, populationSize: 20), finite: finite) == 0, "seed \(seed), finite \(finite)")
        withCopies += try await repeats(
          NSGAIISampler(seed: seed, populationSize: 20, eliminateDuplicates: false), finite: finite)
      }
    }
    #expect(withCopies >= 20, "Optuna's breeding repeated \(withCopies) configurations in 1200 trials")
  }
}
