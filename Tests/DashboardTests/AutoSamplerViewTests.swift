import Foundation
import HPO
import OrderedCollections
import Testing

@testable import Dashboard

/// What `sampler: auto` and the GP show on screen: the header names the sampler auto runs and
/// the acquisition function, the detail the GP's prediction for the trial (issue 16).
@Suite struct AutoSamplerViewTests {
  static func state(width: Int, samplerName: String? = "auto", autoChoices: Bool = true) -> AppState {
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
    if autoChoices {
      snapshot.systemAttrs.hpotop.autoChoices = [
        AutoChoice(fromTrial: 0, sampler: "tpe", why: "startup"),
        AutoChoice(fromTrial: 9, sampler: "gp", why: "3 params, one objective"),
      ]
    }
    let info = DashboardInfo(
      mode: .watch, storageURL: "sqlite:///tmp/fixture.db", samplerName: samplerName, prunerName: nil,
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

  /// `hpotop watch` has no study file, so it reads the sampler off the study: `auto` from its
  /// recorded choices, the GP from its stored predictions; for other samplers it says nothing.
  @Test func watchNamesTheSamplerFromTheStudy() {
    let auto = Fixture.lines(Self.state(width: 160, samplerName: nil))[0]
    #expect(auto.contains("sampler auto→gp logei (3 params, one objective)"), "\(auto)")
    let gp = Fixture.lines(Self.state(width: 160, samplerName: nil, autoChoices: false))[0]
    #expect(gp.contains("sampler gp logei"), "\(gp)")
    let plain = AppState(
      info: DashboardInfo(mode: .watch, storageURL: "sqlite:///tmp/fixture.db", nTrials: 40, startedAt: Fixture.t0),
      snapshot: StudySnapshot(studyID: 1, studyName: "fixture", directions: [.minimize], trials: Fixture.trials(12), takenAt: Fixture.t0),
      theme: .builtinMono, now: Fixture.t0.addingTimeInterval(300), width: 160, height: 40)
    let none = Fixture.lines(plain)[0]
    #expect(!none.contains("sampler"), "\(none)")
    // NSGA-II (hpotop's or Optuna's) stores each trial's generation.
    let generations = Fixture.trials(12).map { t in
      var attrs = t.systemAttrs
      attrs[NSGAIISampler.generationKey] = .int(t.number / 4)
      return FrozenTrial(
        id: t.id, number: t.number, state: t.state, values: t.values, datetimeStart: t.datetimeStart,
        datetimeComplete: t.datetimeComplete, params: t.params, distributions: t.distributions, systemAttrs: attrs)
    }
    let nsga = AppState(
      info: plain.info,
      snapshot: StudySnapshot(studyID: 1, studyName: "fixture", directions: [.minimize], trials: generations, takenAt: Fixture.t0),
      theme: .builtinMono, now: Fixture.t0.addingTimeInterval(300), width: 160, height: 40)
    let nsgaHeader = Fixture.lines(nsga)[0]
    #expect(nsgaHeader.contains("sampler nsga2"), "\(nsgaHeader)")
  }

  @Test func detailShowsTheGPPrediction() {
    var s = Self.state(width: 120)
    s.overlay = .detail(number: 9, scroll: 0)
    let text = Fixture.lines(s).joined(separator: "\n")
    #expect(text.contains("GP: predicted 0.5 ± 0.125, logei -1.25"), "\(text)")
    #expect(text.contains("Sampler: gp (3 params, one objective)"), "\(text)")
  }
}
