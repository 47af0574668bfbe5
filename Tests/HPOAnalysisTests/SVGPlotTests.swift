import Foundation
import HPO
import HPOAnalysis
import Testing

/// `hpotop plot KIND --svg`: every kind renders a well-formed document that shows the study.
@Suite struct SVGPlotTests {
  static func study(objectives: Int) async throws -> AnalysisInput {
    let dirs = Array(repeating: StudyDirection.minimize, count: objectives)
    let s = try await Study.create(name: "svg", directions: dirs, storage: InMemoryStorage(), sampler: RandomSampler(seed: 4))
    try await s.optimize(limits: OptimizeLimits(nTrials: 30)) { trial in
      let lr = try await trial.suggestFloat("lr", 1e-4, 1, log: true)
      let opt = try await trial.suggestCategorical("opt", ["adam", "sgd"])
      let n = try await trial.suggestInt("n", 1, 8)
      for step in 1...5 { try await trial.report(lr * Double(6 - step) + Double(n), step: step) }
      let base = log10(lr) * log10(lr) + Double(n) / 8 + (opt == "sgd" ? 0.5 : 0)
      return objectives == 1 ? [base] : [base, 1 / (1 + base) + Double(n)]
    }
    return AnalysisInput(trials: try await s.trials(), directions: dirs)
  }

  func count(_ needle: String, in haystack: String) -> Int { haystack.components(separatedBy: needle).count - 1 }

  @Test(arguments: SVGPlot.Kind.allCases)
  func everyKindRendersAWellFormedDocument(_ kind: SVGPlot.Kind) async throws {
    let input = try await Self.study(objectives: kind == .pareto ? 2 : 1)
    let svg = try SVGPlot.render(kind, input: input, studyName: "svg", params: ["lr", "n"])
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(svg.hasSuffix("</svg>\n"))
    #expect(!svg.contains("nan") && !svg.contains("inf"))
    // Well-formed enough for any SVG reader: every opened element is closed.
    #expect(count("<text", in: svg) == count("</text>", in: svg))
    switch kind {
    case .history, .pareto: #expect(count("<circle", in: svg) == 30)
    case .slice, .contour: #expect(count("<circle", in: svg) == 30)
    case .parallel, .intermediate: #expect(count("<polyline", in: svg) >= 30)
    case .importance: #expect(svg.contains(">lr<") && svg.contains(">opt<") && svg.contains(">n<"))
    }
  }

  @Test func aParetoPlotNeedsTwoObjectives() async throws {
    let input = try await Self.study(objectives: 1)
    #expect(throws: PlotError.self) { try SVGPlot.render(.pareto, input: input, studyName: "svg") }
  }

  @Test func anEmptyStudyStillRenders() throws {
    let empty = AnalysisInput(trials: [], directions: [.minimize])
    for kind in [SVGPlot.Kind.history, .parallel, .intermediate, .importance] {
      #expect(try SVGPlot.render(kind, input: empty, studyName: "e").hasSuffix("</svg>\n"))
    }
  }

  @Test func logAxesTickAtPowersOfTen() {
    #expect(SVGCanvas.ticks(-4, 0, log: false, exponent: true) == [-4, -3, -2, -1, 0])
    #expect(SVGCanvas.ticks(0, 1, log: false) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
  }
}
