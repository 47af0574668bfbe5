import HPO
import HPOTesting
import Testing

/// Every sampler runs every check of `SamplerConformance`.
@Suite struct SamplerConformanceTests {
  @Test(arguments: SamplerConformance.checks)
  func random(_ check: SamplerCheck) async throws {
    try await check.run { RandomSampler(seed: $0) }
  }

  @Test(arguments: SamplerConformance.checks)
  func grid(_ check: SamplerCheck) async throws {
    let space = check.gridSpace
    try await check.run { GridSampler(searchSpace: space, seed: $0) }
  }

  @Test(arguments: SamplerConformance.checks)
  func tpe(_ check: SamplerCheck) async throws {
    try await check.run { TPESampler(seed: $0) }
  }

  @Test(arguments: SamplerConformance.checks)
  func nsga2(_ check: SamplerCheck) async throws {
    try await check.run { NSGAIISampler(seed: $0, populationSize: 4) }
  }

  @Test(arguments: SamplerConformance.checks)
  func tpeUnivariate(_ check: SamplerCheck) async throws {
    try await check.run { TPESampler(seed: $0, options: TPEOptions(multivariate: false)) }
  }

  @Test(arguments: SamplerConformance.checks)
  func tpeGroupWithoutConstantLiar(_ check: SamplerCheck) async throws {
    try await check.run {
      TPESampler(seed: $0, options: TPEOptions(group: true, constantLiar: false))
    }
  }
}

/// Samples log ranges linearly, and floats from an unseeded generator: the suite must notice.
private struct BrokenSampler: Sampler {
  var name: String { "broken" }
  mutating func sampleIndependent(
    _ context: SamplingContext, trial: FrozenTrial, name: String, distribution: Distribution
  ) -> ParamValue {
    var rng = SeededRNG(seed: UInt64.random(in: 0 ... .max))
    if case .float(let f) = distribution, f.log {
      return .float(rng.uniform(f.low, f.high))
    }
    return sampleUniformly(distribution, rng: &rng)
  }
}

@Suite struct SamplerConformanceSelfTests {
  @Test(arguments: ["log ranges", "reproducible with a seed", "reproducible with trials running at once"])
  func brokenSamplerFails(_ name: String) async throws {
    let check = try #require(SamplerConformance.checks.first { $0.name == name })
    await #expect(throws: SamplerConformanceFailure.self) {
      try await check.run { _ in BrokenSampler() }
    }
  }

  @Test func everyCheckHasAUniqueName() {
    let names = SamplerConformance.checks.map(\.name)
    #expect(Set(names).count == names.count && names.count == 10)
  }
}
