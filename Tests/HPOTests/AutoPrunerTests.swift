import Foundation
import HPO
import Testing

/// `auto` under a Hyperband pruner (issue 17): where it picks BOHB, the study runs BOHB's own
/// pruner — the configuration that won at equal steps — on the file's Hyperband settings.
@Suite struct AutoPrunerTests {
  func launcher(nTrials: Int, pruner: String) throws -> StudyLauncher {
    let spec = try StudySpec.parse(yaml: """
      name: s
      params: {x: {type: float, low: 0, high: 1}}
      pruner: \(pruner)
      n_trials: \(nTrials)
      objective: {command: [/bin/true]}
      """, path: "/tmp/auto-pruner.yaml")
    return try StudyLauncher(spec: spec, storage: InMemoryStorage())
  }

  @Test func autoPicksBOHBWithBOHBsPruner() throws {
    // 100 trials of up to 27 steps may spend 100 × R steps: BOHB's range.
    let l = try launcher(nTrials: 100, pruner: "{name: hyperband, max_resource: 27, min_resource: 1}")
    let auto = try #require(l.sampler as? AutoSampler)
    #expect(AutoRules.choose(auto.facts).sampler == "bohb")
    let p = try #require(l.pruner as? HyperbandPruner)
    #expect(p.rungTrust != nil && p.curveStop != nil)
    #expect(p.bootstrapCount == 2 && p.promotionWindow == 3 && p.maxResource == 27 && !p.filtersSamplerView)
  }

  @Test func whatTheFileSetsWinsAndTPEKeepsOptunasHyperband() throws {
    let own = try launcher(nTrials: 100, pruner: "{name: hyperband, max_resource: 27, curve_stop: false, bootstrap_count: 0}")
    let p = try #require(own.pruner as? HyperbandPruner)
    #expect(p.curveStop == nil && p.rungTrust != nil && p.bootstrapCount == 0)
    // 20 trials of 27 steps: under 75 × R, auto runs TPE with Optuna's Hyperband, unchanged.
    let small = try launcher(nTrials: 20, pruner: "{name: hyperband, max_resource: 27}")
    #expect(AutoRules.choose(try #require(small.sampler as? AutoSampler).facts).sampler == "tpe")
    let q = try #require(small.pruner as? HyperbandPruner)
    #expect(q.rungTrust == nil && q.curveStop == nil && q.bootstrapCount == 0 && q.promotionWindow == nil)
  }

  @Test func twoObjectivesKeepOptunasHyperband() throws {
    // auto runs NSGA-II there; BOHB's pruner would pair with a sampler it was not measured with.
    let spec = try StudySpec.parse(yaml: """
      name: s
      metrics: [{name: a, direction: minimize}, {name: b, direction: minimize}]
      params: {x: {type: float, low: 0, high: 1}}
      pruner: {name: hyperband, max_resource: 27}
      n_trials: 100
      objective: {command: [/bin/true]}
      """, path: "/tmp/auto-pruner.yaml")
    let l = try StudyLauncher(spec: spec, storage: InMemoryStorage())
    #expect(AutoRules.choose(try #require(l.sampler as? AutoSampler).facts).sampler == "nsga2")
    let p = try #require(l.pruner as? HyperbandPruner)
    #expect(p.rungTrust == nil && p.curveStop == nil && !p.finishesAtMaxResource)
  }

  @Test func aBadOptionStillSaysWhere() throws {
    do {
      _ = try launcher(nTrials: 100, pruner: "{name: hyperband, max_resource: 27, brackets: wide}")
      Issue.record("accepted brackets: wide")
    } catch {
      #expect("\(error)".contains("brackets must be paper-algorithm or paper-table"), "\(error)")
      #expect("\(error)".contains("auto-pruner.yaml:"), "\(error)")
    }
  }
}
