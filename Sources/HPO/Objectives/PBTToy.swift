import Foundation
import OrderedCollections

/// The toy problem of Jaderberg et al. 2017 (§4, Fig. 2): maximise Q(θ) = 1.2 − (θ₀² + θ₁²) by
/// gradient ascent on the surrogate Q̂(θ|h) = 1.2 − (h₀θ₀² + h₁θ₁²), where h = (h0, h1) are the
/// hyperparameters. θ starts at (0.9, 0.9); the paper's two workers start with h = (1, 0) and
/// (0, 1). One step: θᵢ ← θᵢ + η · ∂Q̂/∂θᵢ = θᵢ (1 − 2η hᵢ), η = 0.01.
///
/// `objective` trains it as a checkpointing in-process objective (params `h0`, `h1`): it restores
/// θ and the step from `Trial.checkpoint`, reports Q after every step, and saves θ at the end.
public enum PBTToy {
  public static let initialTheta = (0.9, 0.9)
  public static let stepSize = 0.01
  /// The paper's initial hyperparameters of its two workers; larger populations repeat them.
  public static let initialH: [(Double, Double)] = [(1, 0), (0, 1)]
  /// The paper's exploit-and-explore interval, in steps.
  public static let interval = 4
  /// The score the bench counts steps to.
  public static let target = 1.19

  public static func q(_ theta: (Double, Double)) -> Double { 1.2 - (theta.0 * theta.0 + theta.1 * theta.1) }

  /// One gradient-ascent step on Q̂(θ|h).
  public static func step(_ theta: (Double, Double), h: (Double, Double)) -> (Double, Double) {
    (theta.0 + stepSize * (-2 * h.0 * theta.0), theta.1 + stepSize * (-2 * h.1 * theta.1))
  }

  /// The search space: h0, h1 ∈ [0, 1].
  public static var space: SearchSpace {
    let unit = try! FloatDistribution(low: 0, high: 1)
    return SearchSpace([.init(name: "h0", distribution: .float(unit)), .init(name: "h1", distribution: .float(unit))])
  }

  /// The hyperparameters of a params dictionary.
  public static func h(_ params: OrderedDictionary<String, ParamValue>) -> (Double, Double) {
    (params["h0"]?.doubleValue ?? 0, params["h1"]?.doubleValue ?? 0)
  }

  /// Q after replaying a PBT schedule from θ₀ (train each entry's steps with its h).
  public static func replay(_ schedule: PBTSchedule) -> Double {
    var theta = initialTheta
    for e in schedule.entries {
      let h = h(e.params)
      for _ in e.fromStep..<e.toStep { theta = step(theta, h: h) }
    }
    return q(theta)
  }

  /// The toy as a checkpointing objective. A trial without a stop step (not PBT) trains
  /// `defaultSteps` from θ₀.
  public static func objective(trialsDirectory: String, defaultSteps: Int) -> Objective {
    { trial in
      let h0 = try await trial.suggestFloat("h0", 0, 1)
      let h1 = try await trial.suggestFloat("h1", 0, 1)
      let checkpoint = try await trial.checkpoint(trialsDirectory: trialsDirectory)
      var (theta, step) = (initialTheta, 0)
      if let from = checkpoint.restoreFrom { (theta, step) = try load(from) }
      let stop = checkpoint.stopStep ?? (step + defaultSteps)
      while step < stop {
        theta = Self.step(theta, h: (h0, h1))
        step += 1
        try await trial.report(q(theta), step: step)
      }
      try save(theta, step: step, to: checkpoint.directory)
      return [q(theta)]
    }
  }

  /// Writes θ and the step (`state.txt`: "step θ0 θ1", each number exact).
  public static func save(_ theta: (Double, Double), step: Int, to directory: String) throws {
    try "\(step) \(theta.0) \(theta.1)\n".write(toFile: directory + "/state.txt", atomically: true, encoding: .utf8)
  }

  /// Reads what `save` wrote.
  public static func load(_ directory: String) throws -> ((Double, Double), Int) {
    let text = try String(contentsOfFile: directory + "/state.txt", encoding: .utf8)
    let parts = text.split(whereSeparator: \.isWhitespace)
    guard parts.count == 3, let s = Int(parts[0]), let a = Double(parts[1]), let b = Double(parts[2]) else {
      throw TrialCheckpoint.Failure(description: "unreadable toy checkpoint in \(directory)")
    }
    return ((a, b), s)
  }
}
