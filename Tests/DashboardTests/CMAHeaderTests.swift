import Foundation
import HPO
import Testing

@testable import Dashboard

/// The header's CMA-ES segment (issue 19): generation, σ and λ of the newest run, read from the
/// trials a real `cmaes` sampler wrote.
@Suite struct CMAHeaderTests {
  static func cmaTrials(_ n: Int) async throws -> [FrozenTrial] {
    var o = CMAESSampler.Options()
    o.popsize = 6
    let study = try await Study.create(name: "cma", storage: InMemoryStorage(), sampler: CMAESSampler(seed: 3, options: o))
    for _ in 0..<n {
      var t = try await study.ask()
      var v = 0.0
      for i in 0..<3 { let x = try await t.suggestFloat("x\(i)", -5, 5); v += x * x }
      try await study.tell(trialID: t.id, values: [v])
    }
    return try await study.trials()
  }

  static func state(_ trials: [FrozenTrial], sampler: String?, width: Int = 160) -> AppState {
    let snapshot = StudySnapshot(studyID: 1, studyName: "cma", directions: [.minimize], trials: trials, takenAt: Fixture.t0)
    let info = DashboardInfo(mode: .watch, storageURL: "sqlite:///tmp/cma.db", samplerName: sampler, prunerName: nil,
                             nTrials: 100, startedAt: Fixture.t0)
    return AppState(info: info, snapshot: snapshot, theme: .builtinMono, now: Fixture.t0.addingTimeInterval(60), width: width, height: 40)
  }

  @Test func headerShowsGenerationSigmaAndPopulation() async throws {
    let trials = try await Self.cmaTrials(40)
    let run = try #require(CMARun.latest(in: trials))
    #expect(run.generation >= 5)
    let line = Fixture.lines(Self.state(trials, sampler: "cmaes"))[0]
    #expect(line.contains("gen \(run.generation) σ \(formatNumber(run.state.sigma)) λ 6"), "\(line)")
    // Another sampler's study shows no CMA-ES segment; a watched one with a CMA-ES state does.
    #expect(!Fixture.lines(Self.state(trials, sampler: "tpe"))[0].contains("gen "))
    #expect(Fixture.lines(Self.state(trials, sampler: nil))[0].contains("gen \(run.generation)"))
  }

  @Test func aStudyWithoutCMAStateShowsNoSegment() {
    let line = Fixture.lines(Self.state(Fixture.trials(12), sampler: "cmaes"))[0]
    #expect(!line.contains("gen "), "\(line)")
  }
}
