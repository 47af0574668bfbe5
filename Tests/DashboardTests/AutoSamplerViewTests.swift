import Foundation
import HPO
import OrderedCollections
import Testing

@testable import Dashboard

/// What `sampler: auto` and the GP show on screen: the header names the sampler auto runs and
/// the acquisition function, the detail the GP's prediction for the trial (issue 16).
@Suite struct AutoSamplerViewTests {
  static func state(width: Int) -> AppState {
    var trials = Fixture.trials(12)
    var sys = trials[9].systemAttrs
    sys.hpotop.gpPrediction = GPPrediction(acquisition: "logei", value: -1.25, mean: 0.5, sd: 0.125)
    sys.hpotop.autoSampler = "gp (3 params, one objective)"
    let t = trials[9]
    trials[9] = FrozenTrial(
      id: t.id, number: t.number, state: t.state, values: t.values, datetimeStart: t.datetimeStart,
      datetimeComplete: t.datetimeComplete, params: t.params, distributions: t.distributions, systemAttrs: sys)
    var snapshot = StudySnapshot(
      studyID: 1, studyName: "fixture", directions: [.minimize], trials: trials, takenAt: Fixture.t0)
    snapshot.systemAttrs.hpotop.autoChoices = [
      AutoChoice(fromTrial: 0, sampler: "tpe", why: "startup"),
      AutoChoice(fromTrial: 9, sampler: "gp", why: "3 params, one objective"),
    ]
    let info = DashboardInfo(
      mode: .watch, storageURL: "sqlite:///tmp/fixture.db", samplerName: "auto", prunerName: nil,
      nTrials: 40, startedAt: Fixture.t0)
    return AppState(info: info, snapshot: snapshot, theme: .builtinMono, now: Fixture.t0.addingTimeInterval(300), width: width, height: 40)
  }

  @Test func headerNamesWhatAutoRunsAndTheAcquisition() {
    let wide = Fixture.lines(Self.state(width: 160))[0]
    #expect(wide.contains("sampler auto→gp logei"), "\(wide)")
    #expect(wide.contains("(3 params, one objective)"), "\(wide)")
    // At 80 columns the reason gives way before the state and the sampler do.
    let narrow = Fixture.lines(Self.state(width: 80))[0]
    #expect(narrow.contains("RUNNING") || narrow.contains("FINISHED"), "\(narrow)")
    #expect(!narrow.contains("(3 params"), "\(narrow)")
  }

  @Test func detailShowsTheGPPrediction() {
    var s = Self.state(width: 120)
    s.overlay = .detail(number: 9, scroll: 0)
    let text = Fixture.lines(s).joined(separator: "\n")
    #expect(text.contains("GP: predicted 0.5 ± 0.125, logei -1.25"), "\(text)")
    #expect(text.contains("Sampler: gp (3 params, one objective)"), "\(text)")
  }
}
