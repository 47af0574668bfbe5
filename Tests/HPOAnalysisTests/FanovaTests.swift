import Foundation
import HPO
import HPOAnalysis
import Testing

/// The three functions of bench/optuna/importance.py with their analytic first-order Sobol
/// indices S_i = Var(E[f | x_i]) / Var(f).
let sobolCases: [(name: String, f: @Sendable ([Double]) -> Double, s: [Double])] = [
  ("additive", { 4 * $0[0] + 2 * $0[1] + $0[2] }, [16, 4, 1, 0].map { $0 / 21 }),
  ("interaction", { 2 * $0[0] + $0[1] + 6 * $0[0] * $0[2] }, [25, 1, 9, 0].map { $0 / 38 }),
  (
    "nonlinear",
    { sin(2 * .pi * $0[0]) + 6 * ($0[1] - 0.5) * ($0[1] - 0.5) + 0.3 * $0[2] },
    [0.5, 0.2, 0.0075, 0].map { $0 / (0.5 + 0.2 + 0.0075) }
  ),
]

@Suite struct FanovaTests {
  @Test(arguments: 0..<3)
  func matchesSobolIndicesAt1000(caseIndex: Int) throws {
    let c = sobolCases[caseIndex]
    let input = try uniformStudy(n: 1000, seed: 42, f: c.f)
    let result = FanovaImportance(seed: 0).evaluate(input)
    #expect(result.trialCount == 1000)
    let sum = c.s.reduce(0, +)
    for j in 0..<4 {
      let name = "x\(j)"
      let raw = try #require(result.raw(name))
      let norm = try #require(result[name])
      #expect(abs(raw - c.s[j]) <= 0.03, "\(c.name) raw \(name): \(raw) vs \(c.s[j])")
      #expect(abs(norm - c.s[j] / sum) <= 0.03, "\(c.name) normalized \(name): \(norm)")
    }
    // Sorted descending, normalised to 1.
    let norms = result.entries.map(\.normalized)
    #expect(norms == norms.sorted(by: >))
    #expect(abs(norms.reduce(0, +) - 1) < 1e-12)
  }
}

@Suite struct ImportanceDataTests {
  @Test func mdiRoughlyTracksSobolShares() throws {
    // MDI is not a variance decomposition; Optuna's own MDI errs by up to 0.05 here.
    for c in sobolCases {
      let input = try uniformStudy(n: 1000, seed: 7, f: c.f)
      let result = MDIImportance(seed: 0).evaluate(input)
      let sum = c.s.reduce(0, +)
      for j in 0..<4 {
        let got = try #require(result["x\(j)"])
        #expect(abs(got - c.s[j] / sum) <= 0.08, "\(c.name) x\(j): \(got)")
      }
    }
  }

  @Test func sameSeedSameForest() throws {
    let input = try uniformStudy(n: 300, seed: 3, f: sobolCases[1].f)
    let a = FanovaImportance(seed: 5).evaluate(input)
    let b = FanovaImportance(seed: 5).evaluate(input)
    #expect(a == b)
    let c = FanovaImportance(seed: 6).evaluate(input)
    #expect(a != c)
  }

  @Test func categoricalSingleAndConditionalParams() throws {
    // y depends only on the categorical "opt"; "lr" is noise-free irrelevant; "fixed" is single;
    // "cond" appears in half of the trials only (not in the intersection space).
    let cat = Distribution.categorical(
      try CategoricalDistribution(choices: [.string("adam"), .string("sgd"), .string("rms")]))
    let lr = Distribution.float(try FloatDistribution(low: 1e-4, high: 1, log: true))
    let fixed = Distribution.int(try IntDistribution(low: 3, high: 3))
    let cond = Distribution.float(try FloatDistribution(low: 0, high: 1))
    var rng = SeededRNG(seed: 11)
    var trials: [FrozenTrial] = []
    for i in 0..<200 {
      let k = Int(rng.next() % 3)
      let x = rng.uniform(1e-4, 1)
      var params: [(String, ParamValue, Distribution)] = [
        ("opt", cat.categoricalChoice(k), cat), ("lr", .float(x), lr), ("fixed", .int(3), fixed),
      ]
      if i % 2 == 0 { params.append(("cond", .float(rng.uniform()), cond)) }
      trials.append(trial(i, values: [[0.0, 5.0, 1.0][k]], params: params))
    }
    trials.append(trial(200, .fail, params: [("opt", .string("adam"), cat)]))
    trials.append(
      trial(
        201, values: [.nan],
        params: [("opt", .string("adam"), cat), ("lr", .float(0.1), lr), ("fixed", .int(3), fixed)]))
    // A COMPLETE trial without "lr" would shrink the intersection space (as in Optuna).
    let shrunk = AnalysisInput(
      trials: trials + [trial(202, values: [1], params: [("opt", .string("sgd"), cat)])],
      directions: [.minimize])
    #expect(ImportanceDataset(shrunk).params == ["opt"])
    let input = AnalysisInput(trials: trials, directions: [.minimize])
    let data = ImportanceDataset(input)
    #expect(data.params == ["fixed", "lr", "opt"])
    #expect(data.encodedParams == ["lr", "opt"])
    #expect(data.columnGroups == [[0], [1, 2, 3]])
    #expect(data.bounds.map(\.low) == [1e-4, 0, 0, 0])
    #expect(data.targets.count == 200)
    let fanova = FanovaImportance(seed: 0).evaluate(input)
    #expect(fanova.entries.map(\.name).first == "opt")
    #expect(try #require(fanova.raw("opt")) > 0.9)
    #expect(fanova.raw("fixed") == 0)
    #expect(try #require(fanova["lr"]) < 0.05)
    let mdi = MDIImportance(seed: 0).evaluate(input)
    #expect(try #require(mdi["opt"]) > 0.9)
    #expect(mdi["fixed"] == 0)
  }

  @Test func normalisationOfAllZerosIsUniformAndTiesFollowOptuna() {
    let imp = ParamImportances(names: ["a", "b", "c"], raw: [0, 0, 0], trialCount: 0)
    let third: Double = 1.0 / 3
    let uniform: [Double] = [third, third, third]
    #expect(imp.entries.map(\.normalized) == uniform)
    #expect(imp.entries.map(\.name) == ["c", "b", "a"])
    let imp2 = ParamImportances(names: ["a", "b"], raw: [1, 3], trialCount: 2)
    #expect(imp2.entries.map(\.name) == ["b", "a"])
    #expect(imp2["b"] == 0.75)
  }

  @Test func tooFewTrialsGiveZeros() throws {
    let input = try uniformStudy(n: 1, seed: 1) { $0[0] }
    let r = FanovaImportance().evaluate(input)
    #expect(r.entries.allSatisfy { $0.raw == 0 })
    #expect(r.entries.count == 4)
  }

  @Test func targetClosureAndObjectiveIndex() throws {
    var input = try uniformStudy(n: 400, seed: 9) { $0[0] }
    // Second objective depends on x1 only.
    input.trials = input.trials.map { t in
      var t = t
      let x1 = t.params["x1"]?.doubleValue ?? 0
      t.values = [t.values?[0] ?? 0, 3 * x1]
      return t
    }
    input.directions = [.minimize, .maximize]
    let second = FanovaImportance().evaluate(input, objective: 1)
    #expect(second.entries.first?.name == "x1")
    let viaTarget = FanovaImportance().evaluate(input, target: { $0.values?[1] })
    #expect(viaTarget == second)
  }
}

extension Distribution {
  /// The k-th choice of a categorical distribution.
  func categoricalChoice(_ k: Int) -> ParamValue {
    if case .categorical(let c) = self { return c.choices[k] }
    return .null
  }
}
