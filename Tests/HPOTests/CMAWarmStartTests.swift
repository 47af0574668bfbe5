import Foundation
import OrderedCollections
import Testing

@testable import HPO

/// `warm_start_from`: the Gaussian `cmaes`' `get_warm_start_mgd` estimates from a source study
/// (bench/cmaes/make_warm_start_fixture.py), and a study that starts from it.
@Suite struct CMAWarmStartTests {
  struct Fixture: Decodable {
    struct Solution: Decodable { let x: [Double], value: Double }
    let solutions: [Solution]
    let mean: [Double], sigma: Double, cov: [Double]
  }

  @Test func matchesTheCmaesPackage() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/cmaes_warm_start.json")
    let f = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    let warm = try #require(CMAWarmStart(solutions: f.solutions.map { ($0.x, $0.value) }))
    #expect(close(warm.mean, f.mean, rel: 1e-10))
    #expect(abs(warm.sigma - f.sigma) < 1e-10)
    #expect(close(warm.cov, f.cov, rel: 1e-9))
    #expect(CMAWarmStart(solutions: Array(f.solutions.prefix(9)).map { ($0.x, $0.value) }) == nil)  // top 10% of 9: none
  }

  /// A study warm-started from an earlier CMA-ES study of the same sphere starts its first
  /// generation at the mean of the source's best tenth, with σ below the cold start's 1/6, and is
  /// closer after 30 trials than a cold start with the same seed.
  @Test func startsWhereTheSourceStudyWasGood() async throws {
    let storage = InMemoryStorage()
    let source = try await Study.create(name: "source", storage: storage, sampler: cmaSampler(seed: 2))
    _ = try await runSphere(source, 150, dims: 4)
    let warm = try await Study.create(name: "warm", storage: storage, sampler: cmaSampler(seed: 4) { $0.warmStartFrom = "source" })
    let warmBest = try await runSphere(warm, 30, dims: 4).min()!
    let cold = try await Study.create(name: "cold", storage: storage, sampler: cmaSampler(seed: 4))
    let coldBest = try await runSphere(cold, 30, dims: 4).min()!

    let trials = try await warm.trials()
    let first = try #require(trials.first { $0.systemAttrs[CMAKey.state.rawValue] != nil })
    let run = try #require(first.systemAttrs[CMAKey.state.rawValue]?.stringValue.flatMap(CMARun.decode))
    let space = try #require(trials.last?.distributions)
    let coords = CMACoordinates(space, margin: false)
    let sourceTrials = try await source.trials()
    let expected = try #require(CMAWarmStart(solutions: sourceTrials.map { (coords.scaled($0.params), $0.values![0]) }))
    #expect(run.generation == 0 && close(run.state.mean, expected.mean, rel: 1e-12))
    #expect(run.state.sigma == expected.sigma && run.state.sigma < 1.0 / 6)
    #expect(warmBest < coldBest, "warm \(warmBest), cold \(coldBest)")
  }

  @Test func aMissingOrTooSmallSourceIsAnError() async throws {
    let storage = InMemoryStorage()
    let small = try await Study.create(name: "small", storage: storage, sampler: RandomSampler(seed: 2))
    _ = try await runSphere(small, 5, dims: 2)
    for source in ["small", "nowhere"] {
      let study = try await Study.create(name: "t-\(source)", storage: storage, sampler: cmaSampler(seed: 4) { $0.warmStartFrom = source })
      _ = try await runSphere(study, 1, dims: 2)  // the random startup trial
      await #expect(throws: (any Error).self) { _ = try await runSphere(study, 1, dims: 2) }
    }
  }

  @Test func studyFileOption() throws {
    func make(_ options: OrderedDictionary<String, JSONValue>) throws -> CMAESSampler {
      var reader = OptionReader(spec: ComponentSpec(path: "s.yaml", name: "cmaes", options: options))
      return try #require(try SamplerKind.cmaes.make(1, &reader, SearchSpace([]), nil) as? CMAESSampler)
    }
    #expect(try make(["warm_start_from": .string("old")]).options.warmStartFrom == "old")
    #expect(throws: (any Error).self) { try make(["warm_start_from": .string("old"), "sigma0": .double(0.2)]) }
  }
}
