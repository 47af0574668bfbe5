import Foundation
import Testing

@testable import HPO

/// A 48-point space (int 0…3, float 0…0.3 step 0.1, three choices) whose optimum a=2 b=0.1 c=y
/// gives 0, for the checks that a model-based sampler proposes no configuration twice.
enum FiniteSpace {
  /// Runs `trials` trials of `sampler` on the space; returns them by number.
  static func run(_ sampler: any Sampler, trials: Int) async throws -> (study: Study, trials: [FrozenTrial]) {
    let study = try await Study.create(name: "grid", storage: InMemoryStorage(), sampler: sampler)
    try await study.optimize(limits: OptimizeLimits(nTrials: trials)) { trial in
      let a = try await trial.suggestInt("a", 0, 3)
      let b = try await trial.suggestFloat("b", 0, 0.3, step: 0.1)
      let c = try await trial.suggestCategorical("c", ["x", "y", "z"])
      return [Double((a - 2) * (a - 2)) + abs(b - 0.1) * 10 + (c == "y" ? 0 : 0.5)]
    }
    return (study, try await study.trials().sorted { $0.number < $1.number })
  }

  /// Records an issue for each trial that `modelBased` selects and that repeats an earlier
  /// trial's configuration.
  static func expectNoRepeats(_ trials: [FrozenTrial], seed: UInt64, modelBased: (FrozenTrial) -> Bool) {
    var seen: [String: Int] = [:]
    for t in trials {
      let config = pythonDictRepr(t.params)
      if modelBased(t), let first = seen[config] {
        Issue.record("seed \(seed): trial \(t.number) repeats trial \(first): \(config)")
      }
      seen[config] = seen[config] ?? t.number
    }
  }
}
