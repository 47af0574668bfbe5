import Foundation
import HPO
import Testing

@testable import Dashboard

/// The CMA-ES tab (issue 19): each generation's best value, the best so far and σ by generation,
/// from the trials a real `cmaes` sampler wrote.
@Suite struct CMAPlotTests {
  @Test func historyHasEveryStoredGenerationWithItsBestAndSigma() async throws {
    let trials = try await CMAHeaderTests.cmaTrials(40)
    let history = CMARun.history(in: trials, direction: .minimize)
    // Every generation whose state is stored, in order, with the σ and λ of that state.
    let stored = trials.compactMap { t -> CMARun? in
      guard case .string(let text)? = t.systemAttrs[CMAKey.state.rawValue] else { return nil }
      return CMARun.decode(text)
    }
    #expect(history.map(\.generation) == stored.map(\.generation).sorted())
    #expect(history.count >= 6)
    for (g, run) in zip(history, stored.sorted { $0.generation < $1.generation }) {
      #expect(g.sigma == run.state.sigma && g.popsize == 6 && g.restarts == run.restarts)
    }
    // Each generation's best is the minimum of its complete trials' values, and says which trial.
    for g in history {
      let members = trials.filter { $0.systemAttrs[CMAKey.generation.rawValue]?.intValue == g.generation && $0.state == .complete }
      #expect(g.complete == members.count)
      let best = members.min { $0.value! < $1.value! }
      #expect(g.best == best?.value && g.bestTrial == best?.number)
    }
    // Maximising picks the largest instead.
    let maxHistory = CMARun.history(in: trials, direction: .maximize)
    let g0 = trials.filter { $0.systemAttrs[CMAKey.generation.rawValue]?.intValue == history[0].generation }
    #expect(maxHistory[0].best == g0.compactMap(\.value).max())
  }

  @Test func theTabShowsGenerationsPopulationSigmaAndTheSigmaStrip() async throws {
    let trials = try await CMAHeaderTests.cmaTrials(40)
    let history = CMARun.history(in: trials, direction: .minimize)
    var s = CMAHeaderTests.state(trials, sampler: "cmaes")
    s.tab = .cmaes
    let text = Fixture.text(s)
    let last = try #require(history.last)
    #expect(text.contains("value by generation · \(history.count) generations · λ 6 · σ \(label(last.sigma))"), "\(text)")
    #expect(text.contains("σ by generation"), "\(text)")
    #expect(text.contains("best so far") && text.contains("generation's best"), "\(text)")
  }

  @Test func logScaleAppliesAndBothAxesLineUp() async throws {
    let trials = try await CMAHeaderTests.cmaTrials(40)
    var s = CMAHeaderTests.state(trials, sampler: "cmaes")
    s.tab = .cmaes
    Fixture.press(&s, [.char("l")])
    #expect(s.plots.logScale)
    let lines = Fixture.lines(s)
    #expect(lines.contains { $0.contains("generations") && $0.contains("· log") }, "\(lines.joined(separator: "\n"))")
    // The two x axes (└ corners) start in the same column.
    let corners = lines.compactMap { l in l.firstIndex(of: "└").map { l.distance(from: l.startIndex, to: $0) } }
    let plotCorners = corners.filter { $0 > 0 }
    #expect(plotCorners.count >= 2 && Set(plotCorners.suffix(2)).count == 1, "\(lines.joined(separator: "\n"))")
  }

  @Test func theTabBarListsTheSamplersOwnTabsOnlyWhereTheStudyHasThem() async throws {
    let trials = try await CMAHeaderTests.cmaTrials(40)
    let bar = { (s: AppState) in Fixture.lines(s).first { $0.contains("1 History") } ?? "" }
    let cma = bar(CMAHeaderTests.state(trials, sampler: "cmaes", width: 120))
    #expect(cma.contains("11 CMA-ES") && !cma.contains("10 P"), "\(cma)")
    // Every title stays whole at 120 columns.
    #expect(cma.contains("4 Importance") && cma.contains("8 Timeline"), "\(cma)")
    let tpe = bar(CMAHeaderTests.state(Fixture.trials(12), sampler: "tpe", width: 120))
    #expect(tpe.contains("9 EDF") && !tpe.contains("10 ") && !tpe.contains("11 "), "\(tpe)")
  }

  @Test func aStudyWithoutCMAStateCannotShowTheTab() {
    let s = CMAHeaderTests.state(Fixture.trials(12), sampler: "tpe")
    #expect(PlotTab.cmaes.unavailableReason(s)?.contains("no CMA-ES generations") == true)
  }
}
