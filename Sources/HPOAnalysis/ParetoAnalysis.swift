import HPO

/// Pareto-front queries over a study: the non-dominated trials, non-domination ranks, a default
/// reference point, and the hypervolume of the front after each trial.
///
/// Only COMPLETE trials with one value per objective take part; with `feasibleOnly` (the
/// default, as Optuna's `best_trials`), trials that violate a constraint are left out.
public enum ParetoAnalysis {
  /// The COMPLETE (and, with `feasibleOnly`, feasible) trials with one value per objective.
  public static func candidates(_ input: AnalysisInput, feasibleOnly: Bool = true) -> [FrozenTrial] {
    candidateIndices(input, feasibleOnly: feasibleOnly).map { input.trials[$0] }
  }

  /// Positions in `input.trials` of the candidates, with their values: works on indices so that
  /// 10,000-trial studies are not copied trial by trial (FrozenTrial copies dominated the cost).
  static func candidateIndices(_ input: AnalysisInput, feasibleOnly: Bool = true) -> [Int] {
    let k = input.directions.count
    var out: [Int] = []
    out.reserveCapacity(input.trials.count)
    for i in input.trials.indices {
      guard input.trials[i].state == .complete, let v = input.trials[i].values, v.count == k,
        !v.contains(where: \.isNaN)
      else { continue }
      if feasibleOnly && !input.trials[i].isFeasible { continue }
      out.append(i)
    }
    return out
  }

  /// Positions in `input.trials` of the non-dominated candidates, in trial order.
  static func frontIndices(_ input: AnalysisInput, candidates pool: [Int]) -> [Int] {
    ParetoFront.indices(of: pool.map { input.trials[$0].values ?? [] }, directions: input.directions)
      .map { pool[$0] }
  }

  /// The non-dominated trials, in trial order.
  public static func front(_ input: AnalysisInput, feasibleOnly: Bool = true) -> [FrozenTrial] {
    frontIndices(input, candidates: candidateIndices(input, feasibleOnly: feasibleOnly))
      .map { input.trials[$0] }
  }

  /// The non-domination rank of each candidate trial by trial number (0 = the front).
  public static func ranks(_ input: AnalysisInput, feasibleOnly: Bool = true) -> [Int: Int] {
    let pool = candidates(input, feasibleOnly: feasibleOnly)
    let r = ParetoFront.ranks(of: pool.map { $0.values ?? [] }, directions: input.directions)
    var out: [Int: Int] = [:]
    for (i, t) in pool.enumerated() { out[t.number] = r[i] }
    return out
  }

  /// A reference point in the objectives' units: per objective, the worst value among `values`
  /// moved away from the best by 10% of their range (by 10% of |worst|, or 1, when the range is
  /// empty), so that every given point adds volume.
  public static func defaultReferencePoint(
    _ values: [[Double]], directions: [StudyDirection]
  ) -> [Double] {
    directions.indices.map { k in
      let xs = values.map { directions[k].normalized($0[k]) }.filter(\.isFinite)
      guard let lo = xs.min(), let hi = xs.max() else { return 0 }
      let span = hi > lo ? hi - lo : (abs(hi) > 0 ? abs(hi) : 1)
      return directions[k].normalized(hi + 0.1 * span)
    }
  }

  /// The hypervolume of the Pareto front of the candidate trials after each of them, in trial
  /// order, with `reference` in the objectives' units (Optuna's `plot_hypervolume_history`).
  public static func hypervolumeHistory(
    _ input: AnalysisInput, reference: [Double], feasibleOnly: Bool = true
  ) -> [(trialNumber: Int, hypervolume: Double)] {
    hypervolumeHistory(input, candidates: candidateIndices(input, feasibleOnly: feasibleOnly), reference: reference)
  }

  /// The same over precomputed candidate positions.
  static func hypervolumeHistory(
    _ input: AnalysisInput, candidates pool: [Int], reference: [Double]
  ) -> [(trialNumber: Int, hypervolume: Double)] {
    let dirs = input.directions
    let points = pool.map { i in dirs.indices.map { dirs[$0].normalized(input.trials[i].values?[$0] ?? .nan) } }
    let ref = dirs.indices.map { dirs[$0].normalized(reference[$0]) }
    let hv = Hypervolume.history(points, reference: ref)
    return zip(pool, hv).map { (input.trials[$0].number, $1) }
  }
}
