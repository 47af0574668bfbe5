import Foundation
import HPO
import HPOAnalysis
import OrderedCollections
import Testing

/// `PedAnovaImportance` against Optuna 5.0's `PedAnovaImportanceEvaluator` on a fixed history
/// (`Fixtures/ped_anova.json`, made by `bench/optuna/ped_anova_fixture.py`): 300 random trials with
/// a float, a log float, a stepped float, an int, a log int, a categorical, a conditional param and
/// a param with two ranges (two regimes).
@Suite struct PedAnovaTests {
  /// One evaluator setting of the fixture and Optuna's raw importances for it.
  struct Case {
    var name: String
    var evaluator: PedAnovaImportance
    var direction: StudyDirection
    var raw: [String: Double]
  }

  static func load() throws -> (optuna: String, trials: [FrozenTrial], cases: [Case]) {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/ped_anova.json")
    let fx = try JSONValue(parsing: String(decoding: Data(contentsOf: url), as: UTF8.self))
    let dists = try (fx["dists"]?.arrayValue ?? []).map { try Distribution(json: $0) }
    let trials = try (fx["trials"]?.arrayValue ?? []).map { t -> FrozenTrial in
      let number = try #require(t["number"]?.intValue)
      var params = OrderedDictionary<String, ParamValue>()
      var ds = OrderedDictionary<String, Distribution>()
      let refs = try #require(t["distributions"]?.objectValue)
      for (name, v) in try #require(t["params"]?.objectValue) {
        params[name] = try #require(ParamValue(json: v))
        ds[name] = dists[try #require(refs[name]?.intValue)]
      }
      return FrozenTrial(
        id: Int64(number), number: number, state: .complete, values: [try #require(t["value"]?.doubleValue)],
        params: params, distributions: ds)
    }
    let cases = try (fx["cases"]?.arrayValue ?? []).map { c -> Case in
      var raw: [String: Double] = [:]
      for (k, v) in try #require(c["raw"]?.objectValue) { raw[k] = v.doubleValue ?? .nan }
      return Case(
        name: c["name"]?.stringValue ?? "?",
        evaluator: PedAnovaImportance(
          targetQuantile: c["target_quantile"]?.doubleValue ?? 0.1, regionQuantile: c["region_quantile"]?.doubleValue ?? 1,
          evaluateOnLocal: c["evaluate_on_local"]?.boolValue ?? true),
        direction: c["direction"]?.stringValue == "maximize" ? .maximize : .minimize, raw: raw)
    }
    return (fx["optuna"]?.stringValue ?? "", trials, cases)
  }

  @Test func matchesOptunaOnAFixedHistory() throws {
    let (optuna, trials, cases) = try Self.load()
    #expect(optuna == "5.0.0")
    #expect(trials.count == 300)
    #expect(cases.count == 5)
    for c in cases {
      let got = c.evaluator.evaluate(AnalysisInput(trials: trials, directions: [c.direction]))
      #expect(got.trialCount == 300)
      #expect(Set(got.entries.map(\.name)) == Set(c.raw.keys), "\(c.name)")
      for (name, want) in c.raw {
        let raw = try #require(got.raw(name))
        #expect(abs(raw - want) <= 1e-9 + 1e-7 * abs(want), "\(c.name) \(name): \(raw) vs Optuna \(want)")
      }
      // Optuna's normalisation: raw over the sum.
      let sum = c.raw.values.reduce(0, +)
      for (name, want) in c.raw { #expect(abs((got[name] ?? -1) - want / sum) <= 1e-7, "\(c.name) \(name)") }
    }
  }

  /// A param the good trials do not care about scores near 0; one they all share scores high.
  @Test func aParamTheGoodTrialsShareIsImportant() throws {
    let input = try uniformStudy(n: 400, d: 2, seed: 9) { x in (x[0] - 0.2) * (x[0] - 0.2) }
    let imp = PedAnovaImportance().evaluate(input)
    #expect(imp.entries.first?.name == "x0")
    #expect((imp["x0"] ?? 0) > 0.9, "\(imp.entries)")
  }

  @Test func tooFewTrialsGiveZeros() throws {
    let input = try uniformStudy(n: 1, d: 2, seed: 1) { $0[0] }
    let imp = PedAnovaImportance().evaluate(input)
    #expect(imp.entries.allSatisfy { $0.raw == 0 })
    #expect(imp.trialCount == 1)
  }
}
