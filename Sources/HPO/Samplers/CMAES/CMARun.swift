import Foundation

/// The CMA-ES trial system attrs. Optuna keeps a pickled optimizer under `cma:optimizer:<i>`;
/// hpotop keeps its own JSON under the keys below, so Python and hpotop do not continue each
/// other's CMA-ES study (each starts its own optimizer). This is the one place that spells them.
///
/// | key | JSON | meaning |
/// |---|---|---|
/// | `cma:generation` | int | the generation the trial belongs to (counted across restarts) |
/// | `cma:individual` | `"G:k"` | individual k of generation G, claimed once per study |
/// | `cma:x` | [double] | the raw sample in [0, 1]ⁿ (told back with margin) |
/// | `cma:point` | [double] | the point evaluated in [0, 1]ⁿ (with margin: snapped to the grid) |
/// | `cma:state` | string (JSON `CMARun`) | the run state for this trial's generation, on the trial that started it |
public enum CMAKey: String, CaseIterable, Sendable {
  case generation = "cma:generation"
  case individual = "cma:individual"
  case x = "cma:x"
  case point = "cma:point"
  case state = "cma:state"
}

/// What `CMAESSampler` stores per generation: the search space it runs on, the generation number
/// across restarts, the restart bookkeeping, and the state of the current run.
public struct CMARun: Codable, Sendable, Equatable {
  /// Param names, in the order of the state's coordinates.
  public var params: [String]
  /// The generation number across restarts (trials carry it in `cma:generation`).
  public var generation: Int
  public var restarts: Int = 0
  /// The first run's population and step size (restarts scale from them).
  public var popsize0: Int
  public var sigma0: Double
  /// BIPOP: evaluations spent in the small and large regimes, large restarts so far, and the
  /// regime of the current run.
  public var smallEvaluations: Int = 0
  public var largeEvaluations: Int = 0
  public var largeRestarts: Int = 0
  public var smallRegime: Bool = false
  public var state: CMAState

  public init(params: [String], generation: Int, state: CMAState) {
    self.params = params
    self.generation = generation
    self.popsize0 = state.popsize
    self.sigma0 = state.sigma
    self.state = state
  }

  public func json() -> String {
    let data = (try? JSONEncoder().encode(self)) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }

  public static func decode(_ text: String) -> CMARun? {
    try? JSONDecoder().decode(CMARun.self, from: Data(text.utf8))
  }
}

extension CMARun {
  /// What the dashboard shows of a run: its generation across restarts, σ, λ and restarts.
  public struct Summary: Sendable, Equatable {
    public let generation: Int
    public let sigma: Double
    public let popsize: Int
    public let restarts: Int
  }

  public var summary: Summary {
    Summary(generation: generation, sigma: state.sigma, popsize: state.popsize, restarts: restarts)
  }

  /// The newest run state among `trials` (the highest generation; the lowest number on a tie).
  public static func latest(in trials: [FrozenTrial]) -> CMARun? { CMAESSampler.latestRun(trials) }
}

/// How CMA-ES restarts once a run stops (`CMAState.shouldStop`).
public enum CMARestartStrategy: String, Sendable, CaseIterable {
  case none
  /// IPOP (Auger & Hansen 2005): each restart multiplies the population by `inc_popsize`.
  case ipop
  /// BIPOP (Hansen 2009): alternates a large regime (population λ₀·incⁱ, σ₀) with a small one
  /// (λ = ⌊λ₀·(λ_large/(2λ₀))^(u₁²)⌋, σ = σ₀·10^(−2u₂)), running the small one while it has
  /// spent fewer evaluations than the large one.
  case bipop
}

extension CMARun {
  /// The population and step size of the next run, and the bookkeeping after it; `u1`, `u2`
  /// uniform on [0, 1) (BIPOP's small regime).
  public mutating func restart(strategy: CMARestartStrategy, incPopsize: Int, u1: Double, u2: Double)
    -> (popsize: Int, sigma: Double)
  {
    let spent = state.popsize * state.generation
    restarts += 1
    switch strategy {
    case .none:
      return (state.popsize, sigma0)
    case .ipop:
      return (state.popsize * incPopsize, sigma0)
    case .bipop:
      if smallRegime { smallEvaluations += spent } else { largeEvaluations += spent }
      let largePopsize = popsize0 * Int(pow(Double(incPopsize), Double(largeRestarts)))
      if smallEvaluations < largeEvaluations {
        smallRegime = true
        let ratio = Double(largePopsize) / (2 * Double(popsize0))
        let popsize = max(popsize0, Int((Double(popsize0) * pow(max(ratio, 1), u1 * u1)).rounded(.down)))
        return (popsize, sigma0 * pow(10, -2 * u2))
      }
      smallRegime = false
      largeRestarts += 1
      return (popsize0 * Int(pow(Double(incPopsize), Double(largeRestarts))), sigma0)
    }
  }
}
