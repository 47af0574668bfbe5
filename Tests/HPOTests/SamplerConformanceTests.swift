import HPO
import HPOTesting
import Testing

/// Every registered sampler (and some TPE variants) runs every check of `SamplerConformance`.
@Suite struct SamplerConformanceTests {
  /// Every built-in sampler a study file can name (BOHB included), as the registry builds it.
  @Test(arguments: SamplerRegistry.builtin, SamplerConformance.checks)
  func registered(_ kind: SamplerKind, _ check: SamplerCheck) async throws {
    let space = check.gridSpace
    try await check.run { kind.conformanceSampler($0, space) }
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
