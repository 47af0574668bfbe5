import Foundation
import HPO
import HPOAnalysis
import PlotSVG
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

  @Test func everyPlotRendersAWellFormedDocument() async throws {
    let input = try await Self.study(objectives: 1)
    let two = try await Self.study(objectives: 2)
    let docs: [(String, String)] = [
      ("history", SVGPlot.history(OptimizationHistoryInfo(input), studyName: "svg")),
      ("parallel", SVGPlot.parallel(ParallelCoordinateInfo(input), studyName: "svg")),
      ("pareto", SVGPlot.pareto(ParetoFrontInfo(two), studyName: "svg")),
      ("importance", SVGPlot.importance(ImportanceInfo(input), studyName: "svg")),
      ("intermediate", SVGPlot.intermediate(IntermediateValuesInfo(input), studyName: "svg")),
      ("slice", SVGPlot.slice(try #require(SliceInfo(input, param: "lr")), studyName: "svg")),
      ("contour", SVGPlot.contour(try #require(ContourInfo(input, xParam: "lr", yParam: "n")), studyName: "svg")),
      ("edf", SVGPlot.edf(EDFInfo(input), studyName: "svg")),
    ]
    for (kind, svg) in docs {
      #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""), "\(kind)")
      #expect(svg.hasSuffix("</svg>\n"))
      #expect(!svg.contains("nan") && !svg.contains("inf"), "\(kind)")
      // Well-formed enough for any SVG reader: every opened element is closed.
      #expect(count("<text", in: svg) == count("</text>", in: svg), "\(kind)")
      switch kind {
      case "history", "pareto", "slice", "contour": #expect(count("<circle", in: svg) == 30, "\(kind)")
      case "parallel": #expect(count("<path class=\"trial\"", in: svg) == 30)
      case "intermediate": #expect(count("<polyline", in: svg) >= 30)
      case "importance": #expect(svg.contains(">lr<") && svg.contains(">opt<") && svg.contains(">n<"))
      default: #expect(svg.contains("<polyline"))
      }
    }
  }

  @Test func parallelDrawsTrialsWithoutAConditionalParamInAnNABand() throws {
    let x = Distribution.float(try FloatDistribution(low: 0, high: 1))
    let trials = (0..<6).map { i in
      FrozenTrial(
        id: Int64(i + 1), number: i, state: .complete, values: [Double(i)], datetimeStart: nil, datetimeComplete: nil,
        params: i % 2 == 0 ? ["x": .float(0.5), "m": .float(Double(i) / 10)] : ["x": .float(0.2)],
        distributions: i % 2 == 0 ? ["x": x, "m": x] : ["x": x], userAttrs: [:], systemAttrs: [:], intermediateValues: [:])
    }
    let info = ParallelCoordinateInfo(AnalysisInput(trials: trials, directions: [.minimize]))
    #expect(info.lines.count == 6)
    #expect(info.paramAxes.map(\.name) == ["m", "x"])
    #expect(info.axisHasMissing == [true, false])
    for line in info.lines {
      #expect(line.missing[0] == (line.trialNumber % 2 == 1))
      if line.missing[0] { #expect(line.coordinates[1] == ParallelCoordinateInfo.missingPosition) }
      else { #expect(line.coordinates[1] >= ParallelCoordinateInfo.valueBandLow) }
    }
    let svg = SVGPlot.parallel(info, studyName: "c")
    #expect(count("<path class=\"trial\"", in: svg) == 6)
    #expect(svg.contains(">n/a<"))
  }

  @Test func logAxesTickAtPowersOfTen() {
    #expect(SVGCanvas.ticks(-4, 0, log: false, exponent: true) == [-4, -3, -2, -1, 0])
    #expect(SVGCanvas.ticks(0, 1, log: false) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
  }
}
