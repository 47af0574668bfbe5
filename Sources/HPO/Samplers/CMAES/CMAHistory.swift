import Foundation

/// One CMA-ES generation as the dashboard plots it: the step size and population it was sampled
/// with, the restarts before it, and the best value among its COMPLETE trials.
public struct CMAGeneration: Sendable, Equatable {
  /// The generation number across restarts (`cma:generation`).
  public let generation: Int
  /// σ in the sampler's [0, 1] scale, and the population λ.
  public let sigma: Double
  public let popsize: Int
  public let restarts: Int
  /// The best value of the generation's complete trials in the study's direction (nil: none yet),
  /// and the trial that has it.
  public internal(set) var best: Double?
  public internal(set) var bestTrial: Int?
  /// Its complete trials so far.
  public internal(set) var complete: Int
}

extension CMARun {
  /// Every generation whose run state is stored among `trials`, oldest first, with the best
  /// value of its complete single-objective trials under `direction`. Reads only the state's
  /// generation, restarts, σ and λ from each stored state.
  public static func history(in trials: [FrozenTrial], direction: StudyDirection) -> [CMAGeneration] {
    struct Stored: Decodable {
      struct State: Decodable {
        let sigma: Double
        let popsize: Int
      }
      let generation: Int
      let restarts: Int?
      let state: State
    }
    let decoder = JSONDecoder()
    var byGeneration: [Int: CMAGeneration] = [:]
    for i in trials.indices {
      guard case .string(let text)? = trials[i].systemAttrs[CMAKey.state.rawValue],
        let s = try? decoder.decode(Stored.self, from: Data(text.utf8)), byGeneration[s.generation] == nil
      else { continue }
      byGeneration[s.generation] = CMAGeneration(
        generation: s.generation, sigma: s.state.sigma, popsize: s.state.popsize, restarts: s.restarts ?? 0,
        best: nil, bestTrial: nil, complete: 0)
    }
    for i in trials.indices where trials[i].state == .complete {
      guard let g = trials[i].systemAttrs[CMAKey.generation.rawValue]?.intValue, byGeneration[g] != nil,
        let values = trials[i].values, values.count == 1, !values[0].isNaN
      else { continue }
      let v = values[0]
      byGeneration[g]!.complete += 1
      if byGeneration[g]!.best.map({ direction == .minimize ? v < $0 : v > $0 }) ?? true {
        byGeneration[g]!.best = v
        byGeneration[g]!.bestTrial = trials[i].number
      }
    }
    return byGeneration.values.sorted { $0.generation < $1.generation }
  }
}
