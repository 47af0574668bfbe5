import HPO
import HPOAnalysis
import Testing

/// A small hand-made study: x float in [0, 10], lr log float, opt categorical.
func smallStudy() throws -> AnalysisInput {
  let x = Distribution.float(try FloatDistribution(low: 0, high: 10))
  let lr = Distribution.float(try FloatDistribution(low: 1e-4, high: 1, log: true))
  let opt = Distribution.categorical(
    try CategoricalDistribution(choices: [.string("adam"), .string("sgd")]))
  func p(_ xv: Double, _ l: Double, _ o: String) -> [(String, ParamValue, Distribution)] {
    [("x", .float(xv), x), ("lr", .float(l), lr), ("opt", .string(o), opt)]
  }
  return AnalysisInput(
    trials: [
      trial(0, values: [5], params: p(2, 1e-3, "adam"), intermediate: [(0, 9), (1, 6)]),
      trial(1, values: [3], params: p(4, 1e-2, "sgd"), intermediate: [(0, 8), (1, 3)]),
      trial(2, .pruned, params: p(6, 1e-1, "adam"), intermediate: [(0, 10)]),
      trial(3, values: [1], params: p(8, 1, "sgd"), constraints: [0.5]),  // infeasible
      trial(4, values: [4], params: p(10, 1e-4, "adam")),
      trial(5, .running, params: [("x", .float(1), x)], intermediate: [(0, 7)]),
      trial(6, .fail),
    ], directions: [.minimize])
}

@Suite struct InfoTests {
  @Test func optimizationHistory() throws {
    let info = OptimizationHistoryInfo(try smallStudy())
    #expect(info.points.map(\.trialNumber) == [0, 1, 3, 4])
    #expect(info.points.map(\.value) == [5, 3, 1, 4])
    #expect(info.points.map(\.isFeasible) == [true, true, false, true])
    // The infeasible 1 never becomes the best.
    #expect(info.points.map(\.bestSoFar) == [5, 3, 3, 3])
    #expect(info.best?.trialNumber == 1)
    var maxInput = try smallStudy()
    maxInput.directions = [.maximize]
    #expect(OptimizationHistoryInfo(maxInput).points.map(\.bestSoFar) == [5, 5, 5, 5])
  }

  @Test func intermediateValues() throws {
    let info = IntermediateValuesInfo(try smallStudy())
    #expect(info.curves.map(\.trialNumber) == [0, 1, 2, 5])
    #expect(info.curves.map(\.state) == [.complete, .complete, .pruned, .running])
    #expect(info.curves[1].steps == [0, 1] && info.curves[1].values == [8, 3])
    #expect(info.stepRange == 0...1)
    #expect(info.valueRange == 3...10)
  }

  @Test func slice() throws {
    let input = try smallStudy()
    let lr = try #require(SliceInfo(input, param: "lr"))
    #expect(lr.axis.isLog)
    #expect(lr.points.map(\.trialNumber) == [0, 1, 3, 4])
    #expect(lr.points.map { ($0.x * 1e9).rounded() / 1e9 } == [-3, -2, 0, -4])
    #expect(lr.axis.low == -4 && lr.axis.high == 0)
    let opt = try #require(SliceInfo(input, param: "opt"))
    #expect(opt.axis.isCategorical && opt.axis.labels == ["adam", "sgd"])
    #expect(opt.points.map(\.x) == [0, 1, 1, 0])
    #expect(SliceInfo(input, param: "nope") == nil)
  }

  @Test func parallelCoordinates() throws {
    let input = try smallStudy()
    let info = ParallelCoordinateInfo(input)
    #expect(info.paramAxes.map(\.name) == ["lr", "opt", "x"])
    #expect(info.lines.map(\.trialNumber) == [0, 1, 3, 4])
    #expect(info.objectiveLow == 1 && info.objectiveHigh == 5)
    // Trial 1: value 3 → 0.5; lr 1e-2 → (−2 − −4)/4 = 0.5; sgd → 1; x 4 → (4−2)/8 = 0.25.
    let l1 = try #require(info.lines.first { $0.trialNumber == 1 })
    let want: [Double] = [0.5, 0.5, 1, 0.25]
    #expect(zip(l1.coordinates, want).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(info.lines.allSatisfy { $0.coordinates.allSatisfy { (0...1).contains($0) } })
    // Top 2 by the minimised value: trials 3 (1) and 1 (3).
    let top = ParallelCoordinateInfo(input, topK: 2)
    #expect(top.lines.map(\.trialNumber) == [1, 3])
    #expect(top.objectiveHigh == 3)
    #expect(top.skippedTrialNumbers.isEmpty && info.skippedTrialNumbers.isEmpty)
    let onlyX = ParallelCoordinateInfo(input, params: ["x"])
    #expect(onlyX.lines.count == 4 && onlyX.paramAxes.map(\.name) == ["x"])
  }

  @Test func paretoFront() throws {
    let input = AnalysisInput(
      trials: [
        trial(0, values: [1, 4]), trial(1, values: [2, 2]), trial(2, values: [3, 3]),
        trial(3, values: [4, 1]), trial(4, values: [0, 0], constraints: [2]), trial(5, .fail),
      ], directions: [.minimize, .minimize])
    let info = ParetoFrontInfo(input, referencePoint: [5, 5])
    #expect(info.points.map(\.trialNumber) == [0, 1, 2, 3, 4])
    #expect(info.points.map(\.isOnFront) == [true, true, false, true, false])
    #expect(info.points.map(\.isFeasible) == [true, true, true, true, false])
    // Front (1,4),(2,2),(4,1) vs (5,5): 4·1 + 3·2 + 1·1 = 11.
    #expect(info.hypervolume == 11)
    #expect(info.hypervolumeHistory.map(\.hypervolume) == [4, 10, 10, 11])
    #expect(info.hypervolumeHistory.map(\.trialNumber) == [0, 1, 2, 3])
    #expect(info.frontSortedByX.map(\.trialNumber) == [0, 1, 3])
    // Default reference: worst + 10% of the range per objective.
    let auto = ParetoFrontInfo(input)
    #expect(auto.referencePoint == [4.3, 4.3])
    // Maximised objectives: the reference point is given in the objective's own units.
    var maxInput = input
    maxInput.directions = [.maximize, .minimize]
    let mx = ParetoFrontInfo(maxInput, referencePoint: [0, 5])
    // Maximising the first objective, (4, 1) dominates every other trial.
    #expect(mx.points.filter(\.isOnFront).map(\.trialNumber) == [3])
    // Minimisation form (−4, 1) against (0, 5): 4 · 4.
    #expect(mx.hypervolume == 16)
  }

  @Test func contourFillsEmptyCellsWithinTheObservedRange() throws {
    let x = Distribution.float(try FloatDistribution(low: 0, high: 1))
    let y = Distribution.float(try FloatDistribution(low: 0, high: 1))
    var trials: [FrozenTrial] = []
    var rng = SeededRNG(seed: 1)
    for i in 0..<30 {
      let a = rng.uniform(), b = rng.uniform()
      trials.append(
        trial(i, values: [a + 2 * b], params: [("a", .float(a), x), ("b", .float(b), y)]))
    }
    let info = try #require(
      ContourInfo(
        AnalysisInput(trials: trials, directions: [.minimize]), xParam: "a", yParam: "b",
        resolution: 10))
    #expect(info.columns == 10 && info.rows == 10)
    #expect(info.grid.count == 100 && info.observed.filter { $0 }.count <= 30)
    let lo = info.points.map(\.value).min() ?? 0, hi = info.points.map(\.value).max() ?? 0
    #expect(info.grid.allSatisfy { $0 >= lo - 1e-9 && $0 <= hi + 1e-9 })
    // The surface increases along b: the top row's mean exceeds the bottom row's.
    let bottom = (0..<10).compactMap { info.value(column: $0, row: 0) }.reduce(0, +)
    let top = (0..<10).compactMap { info.value(column: $0, row: 9) }.reduce(0, +)
    #expect(top > bottom + 10)
    #expect(ContourInfo(AnalysisInput(trials: trials, directions: [.minimize]), xParam: "a", yParam: "zz") == nil)
  }

  @Test func importanceInfo() throws {
    let input = try uniformStudy(n: 200, seed: 5) { 4 * $0[2] + 0.1 * $0[0] }
    let info = ImportanceInfo(input)
    #expect(info.names.first == "x2")
    #expect(abs(info.values.reduce(0, +) - 1) < 1e-12)
    #expect(ImportanceInfo(input, evaluator: .meanDecreaseImpurity(seed: 0)).names.first == "x2")
  }
}
