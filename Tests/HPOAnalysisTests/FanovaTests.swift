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
