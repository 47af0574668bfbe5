import Foundation
import OrderedCollections

/// The learning-curve task of the multi-fidelity bench (issue 17), defined identically in Python
/// (`bench/optuna/learning_curve.py`; `LearningCurveParityTests` checks both on fixed points).
///
/// A simulated training run of at most 81 epochs, reported at steps 1…81 (step = epochs consumed):
/// `loss(t) = floor + (2.3 − floor)·exp(−t/τ) + σ(t)·z(seed, trial, t)`, σ(t) = 0.01 + 0.03/√t.
/// `floor` and `τ` depend on five params; a larger learning rate converges faster to a worse floor,
/// so curves cross and early rungs mislead. `z` is a standard normal made by Box–Muller from
/// SplitMix64 hashes of (seed, trial number, t), so both languages produce the same bits.
public enum LearningCurveTask {
  public static let epochs = 81
  static let start = 2.3
  public static let batches = [16, 32, 64, 128, 256]
  /// The noise-free minimum of `trueLoss` (computed by `learning_curve.py optimum`).
  public static let optimum = 0.10263612145937441

  public static var searchSpace: SearchSpace {
    var space = SearchSpace()
    func add(_ name: String, _ d: Distribution?) {
      if let d { space.append(.init(name: name, distribution: d)) }
    }
    add("lr", (try? FloatDistribution(low: 1e-4, high: 1.0, log: true)).map(Distribution.float))
    add("batch_size", (try? CategoricalDistribution(choices: batches.map(ParamValue.int))).map(Distribution.categorical))
    add("layers", (try? IntDistribution(low: 1, high: 6)).map(Distribution.int))
    add("dropout", (try? FloatDistribution(low: 0.0, high: 0.5)).map(Distribution.float))
    add("weight_decay", (try? FloatDistribution(low: 1e-6, high: 1e-2, log: true)).map(Distribution.float))
    return space
  }

  /// The configuration's level and time constant.
  public static func profile(_ p: OrderedDictionary<String, ParamValue>) -> (floor: Double, tau: Double) {
    let lrOff = log10(p["lr"]?.doubleValue ?? 1e-3) + 2.5
    let layers = p["layers"]?.doubleValue ?? 3
    let batch = p["batch_size"]?.doubleValue ?? 64
    let dropout = p["dropout"]?.doubleValue ?? 0.1
    let d = dropout - 0.05 * layers
    let wd = log10(p["weight_decay"]?.doubleValue ?? 1e-4) + 4.0
    let lb = log2(batch / 64.0)
    var floor = 0.10 + 0.05 * lrOff * lrOff
    floor = floor + 0.02 * (layers - 4.0) * (layers - 4.0)
    floor = floor + 0.4 * d * d
    floor = floor + 0.02 * wd * wd
    floor = floor + 0.01 * lb * lb
    var tau = 6.0 * pow(10.0, max(-1.0, min(1.0, -0.5 * lrOff)))
    tau = tau * pow(batch / 64.0, 0.5)
    tau = tau * (1.0 + 0.15 * layers)
    tau = tau * (1.0 + 2.0 * dropout)
    return (floor, tau)
  }

  /// The noise-free loss after `t` epochs.
  public static func trueLoss(_ p: OrderedDictionary<String, ParamValue>, t: Int = epochs) -> Double {
    let (floor, tau) = profile(p)
    return floor + (start - floor) * exp(-Double(t) / tau)
  }

  /// The observed loss after `t` epochs of trial `number` under `seed`.
  public static func loss(_ p: OrderedDictionary<String, ParamValue>, seed: UInt64, number: Int, t: Int) -> Double {
    trueLoss(p, t: t) + (0.01 + 0.03 / Double(t).squareRoot()) * noise(seed: seed, number: number, t: t)
  }

  /// The curve at steps 1…`epochs`.
  public static func curve(_ p: OrderedDictionary<String, ParamValue>, seed: UInt64, number: Int, epochs: Int = epochs) -> [Double] {
    (1...max(1, epochs)).map { loss(p, seed: seed, number: number, t: $0) }
  }

  static func splitmix(_ x0: UInt64) -> UInt64 {
    let x = x0 &+ 0x9E37_79B9_7F4A_7C15
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A standard normal draw that depends only on (seed, trial number, step).
  public static func noise(seed: UInt64, number: Int, t: Int) -> Double {
    let key = (seed &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(number) &* 0xC2B2_AE3D_27D4_EB4F)
      ^ (UInt64(t) &* 0x1656_67B1_9E37_79F9)
    let u1 = Double(splitmix(key) >> 11) * 0x1.0p-53
    let u2 = Double(splitmix(key ^ 0xD6E8_FEB8_6659_FD93) >> 11) * 0x1.0p-53
    return (-2.0 * log(1.0 - u1)).squareRoot() * cos(2.0 * Double.pi * u2)
  }
}
