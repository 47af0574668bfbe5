import Foundation

@inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) func _exp(_ x: Double) -> Double { Foundation.exp(x) }

/// Samples every param independently and uniformly (Optuna `RandomSampler`).
///
/// Each (trial number, param name) pair has its own seeded stream, so with a seed the same trial
/// gets the same params in any process, in any order of execution, and after a resume.
public struct RandomSampler: Sampler {
  public let seed: UInt64
  public var name: String { "random" }
  public var beforeTrialWrites: Bool { false }

  /// A sampler with a fixed seed, or a fresh random one when `seed` is `nil`.
  public init(seed: UInt64? = nil) {
    self.seed = seed ?? UInt64.random(in: .min ... .max)
  }

  public mutating func sampleIndependent(
    _ context: SamplingContext, trial: FrozenTrial, name: String, distribution: Distribution
  ) -> ParamValue {
    var rng = SeededRNG(seed: seed, trialNumber: trial.number, purpose: name)
    return sampleUniformly(distribution, rng: &rng)
  }
}
