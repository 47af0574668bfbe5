import Foundation
import OrderedCollections

/// A simulated neural-network training run: a deterministic, noisy validation-loss curve whose
/// final level and convergence speed depend on the hyperparameters, for demos and for testing
/// pruners and multi-fidelity samplers without a GPU.
///
/// The curve is `loss(t) = floor + (start − floor) · exp(−t / τ) + overfit(t) + noise`, a shape
/// in the spirit of the learning-curve benchmarks used to evaluate Hyperband and BOHB (Li et al.,
/// "Hyperband", JMLR 18, 2018; Falkner, Klein & Hutter, "BOHB", ICML 2018): configurations
/// differ in their final quality (`floor`) and in their speed (`τ`), so curves cross and early
/// stopping is neither trivial nor useless. The noise stream is seeded from the `seed` option and
/// the trial number, so a trial's curve is a pure function of (params, seed, trial number).
public enum SimulatedTraining {
  /// The default search space: learning rate, batch size, depth, width, optimizer (with momentum
  /// only for SGD) and dropout.
  public static var searchSpace: SearchSpace {
    var space = SearchSpace()
    func add(_ name: String, _ d: Distribution?, when condition: SearchSpace.Condition? = nil) {
      if let d { space.append(.init(name: name, distribution: d, condition: condition)) }
    }
    add("lr", (try? FloatDistribution(low: 1e-5, high: 1e-1, log: true)).map(Distribution.float))
    add("batch_size", (try? CategoricalDistribution(choices: [16, 32, 64, 128, 256].map(ParamValue.int)))
      .map(Distribution.categorical))
    add("layers", (try? IntDistribution(low: 1, high: 8)).map(Distribution.int))
    add("width", (try? IntDistribution(low: 16, high: 1024, log: true)).map(Distribution.int))
    add("optimizer", (try? CategoricalDistribution(choices: [.string("adam"), .string("sgd")]))
      .map(Distribution.categorical))
    add("momentum", (try? FloatDistribution(low: 0.0, high: 0.99)).map(Distribution.float),
        when: SearchSpace.Condition(["optimizer": [.string("sgd")]]))
    add("dropout", (try? FloatDistribution(low: 0.0, high: 0.6)).map(Distribution.float))
    return space
  }

  /// The noise-free quantities behind a configuration's curve.
  public struct Profile: Sendable, Equatable {
    /// The loss the run converges to.
    public let floor: Double
    /// The convergence time constant, in epochs.
    public let tau: Double
    /// The loss added by overfitting at the last epoch.
    public let overfit: Double
    /// The standard deviation of the per-epoch noise.
    public let noise: Double
  }

  /// The starting loss (about ln 10, an untrained 10-class classifier).
  static let startLoss = 2.3

  /// The noise-free profile of a configuration trained for `epochs` epochs. Missing params take
  /// middling values, so a narrowed study-file space still works.
  public static func profile(_ p: OrderedDictionary<String, ParamValue>, epochs: Int) -> Profile {
    let lr = p["lr"]?.doubleValue ?? 1e-3
    let batch = p["batch_size"]?.doubleValue ?? 64
    let layers = p["layers"]?.doubleValue ?? 3
    let width = p["width"]?.doubleValue ?? 128
    let sgd = p["optimizer"]?.stringValue == "sgd"
    let momentum = p["momentum"]?.doubleValue ?? 0
    let dropout = p["dropout"]?.doubleValue ?? 0.1

    // Learning rate: SGD wants a larger one than Adam; too small is slow, too large is noisy.
    let bestLogLR = sgd ? -1.7 : -3.0
    let lrOff = log10(max(lr, 1e-12)) - bestLogLR
    // Capacity: depth × log2(width); best near 30 (e.g. 4 layers of 181 units).
    let capacity = max(1, layers) * log2(max(2, width))
    let capRatio = capacity / 30
    // Dropout: larger models want more of it.
    let bestDropout = 0.05 + 0.35 * min(1, max(0, (capacity - 8) / 60))
    var floor = 0.12
    floor += 0.08 * lrOff * lrOff
    floor += 0.10 * pow(log(capRatio), 2)
    floor += 0.6 * pow(dropout - bestDropout, 2)
    floor += 0.015 * pow(log2(batch / 64), 2)
    if sgd { floor += 0.03 + 0.5 * pow(momentum - 0.9, 2) }

    // Speed: small learning rates, big batches, deep nets and plain SGD converge slowly.
    var tau = Double(epochs) * 0.12
    tau *= pow(10, max(-0.5, min(1.5, -lrOff * 0.6)))
    tau *= pow(batch / 64, 0.35)
    tau *= 1 + 0.06 * layers
    if sgd { tau *= 1.6 / (1 + momentum) }

    // Overfitting: big models with little dropout get worse late in training.
    let overfit = max(0, capRatio - 1) * max(0, 0.25 - dropout) * 0.6
    let noise = 0.006 + 0.02 * max(0, lrOff)
    return Profile(floor: floor, tau: max(0.5, tau), overfit: overfit, noise: noise)
  }

  /// The validation loss after each of `epochs` epochs (index 0 is epoch 1).
  public static func curve(
    _ params: OrderedDictionary<String, ParamValue>, epochs: Int, seed: UInt64 = 0, noiseScale: Double = 1,
    trialNumber: Int
  ) -> [Double] {
    let pr = profile(params, epochs: epochs)
    var rng = SeededRNG(seed: seed, trialNumber: trialNumber, purpose: "simulated_training")
    var out: [Double] = []
    out.reserveCapacity(epochs)
    for epoch in 1...max(1, epochs) {
      let t = Double(epoch)
      let progress = t / Double(max(1, epochs))
      let clean = pr.floor + (startLoss - pr.floor) * exp(-t / pr.tau) + pr.overfit * progress * progress
      let loss = clean + noiseScale * pr.noise * rng.normal() * (0.5 + clean)
      out.append(max(0.001, loss))
    }
    return out
  }
}
