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
