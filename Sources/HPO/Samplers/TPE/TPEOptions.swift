import Foundation

/// The knobs of `TPESampler`, with Optuna 5.0's defaults.
public struct TPEOptions: Sendable {
  /// Trials (COMPLETE + PRUNED) sampled at random before the model is used.
  public var nStartupTrials: Int = 10
  /// Candidates drawn from l(x) per sample; the one maximising l(x)/g(x) wins.
  public var nEICandidates: Int = 24
  /// The number of "good" trials given the number of finished trials; `nil` picks
  /// `defaultGamma` for one objective and `defaultGammaMultiObjective` for several.
  public var gamma: (@Sendable (Int) -> Int)? = nil
  /// Observation weights in trial-number order (older trials first).
  public var weights: @Sendable (Int) -> [Double] = TPEOptions.defaultWeights
  /// The weight of the prior kernel.
  public var priorWeight: Double = 1.0
  /// Clip kernel bandwidths from below by range / min(100, 1 + kernels).
  public var considerMagicClip: Bool = true
  /// Use both neighbour gaps (instead of the inner one) for the outermost kernels.
  public var considerEndpoints: Bool = false
  /// Joint (multivariate) kernels; `nil` means true for one objective, false for several.
  public var multivariate: Bool? = nil
  /// Split a conditional search space into groups of params that always appear together, and
  /// model each group jointly (needs multivariate; turns it on when it is `nil`).
  public var group: Bool = false
  /// Treat RUNNING trials as bad ones, so parallel workers spread out.
  public var constantLiar: Bool = true

  public init(
    nStartupTrials: Int = 10, nEICandidates: Int = 24, gamma: (@Sendable (Int) -> Int)? = nil,
    weights: @escaping @Sendable (Int) -> [Double] = TPEOptions.defaultWeights,
    priorWeight: Double = 1.0, considerMagicClip: Bool = true, considerEndpoints: Bool = false,
    multivariate: Bool? = nil, group: Bool = false, constantLiar: Bool = true
  ) {
    self.nStartupTrials = nStartupTrials
    self.nEICandidates = max(1, nEICandidates)
    self.gamma = gamma
    self.weights = weights
    self.priorWeight = priorWeight
    self.considerMagicClip = considerMagicClip
    self.considerEndpoints = considerEndpoints
    self.multivariate = multivariate
    self.group = group
    self.constantLiar = constantLiar
  }

  /// Optuna's `default_gamma`: min(⌈0.1·n⌉, 25).
  @Sendable public static func defaultGamma(_ n: Int) -> Int {
    min(Int((0.1 * Double(n)).rounded(.up)), 25)
  }

  /// Optuna 5's multi-objective gamma: ⌈0.1·n⌉, with no cap.
  @Sendable public static func defaultGammaMultiObjective(_ n: Int) -> Int {
    Int((0.1 * Double(n)).rounded(.up))
  }

  /// hyperopt's gamma (Optuna `hyperopt_default_gamma`): min(⌈0.25·√n⌉, 25).
  @Sendable public static func hyperoptGamma(_ n: Int) -> Int {
    min(Int((0.25 * Double(n).squareRoot()).rounded(.up)), 25)
  }

  /// Optuna's `default_weights`: ones below 25 observations, else a linear ramp from 1/n up to 1
  /// over the oldest n − 25 and ones for the newest 25.
  @Sendable public static func defaultWeights(_ n: Int) -> [Double] {
    if n <= 0 { return [] }
    if n < 25 { return [Double](repeating: 1, count: n) }
    let m = n - 25
    var out = [Double](repeating: 1, count: n)
    let start = 1 / Double(n)
    if m == 1 {
      out[0] = start
    } else if m > 1 {
      for i in 0..<m { out[i] = start + (1 - start) * Double(i) / Double(m - 1) }
    }
    return out
  }
}
