import HPO

/// What the optimization-history plot shows (Optuna `_get_optimization_history_info_list`):
/// the target of every COMPLETE trial and the best feasible target so far.
public struct OptimizationHistoryInfo: Sendable, Hashable {
  /// One COMPLETE trial with a finite target.
  public struct Point: Sendable, Hashable {
    public var trialNumber: Int
    public var value: Double
    /// False when the trial violates a constraint; it is drawn but never "best".
    public var isFeasible: Bool
    /// The best feasible value among this and the earlier points, if any.
    public var bestSoFar: Double?
  }

  public var points: [Point]
  public var direction: StudyDirection
  public var targetName: String

  /// The history of objective `objective`, or of `target` (then `direction` tells which way is
  /// better; it defaults to the objective's direction).
  public init(
    _ input: AnalysisInput, objective: Int = 0, target: (@Sendable (FrozenTrial) -> Double?)? = nil,
    direction: StudyDirection? = nil, targetName: String = "Objective Value"
  ) {
    let dir = direction ?? (objective < input.directions.count ? input.directions[objective] : .minimize)
    self.direction = dir
    self.targetName = targetName
    var points: [Point] = []
    var best: Double? = nil
    for t in input.trials where t.state == .complete {
      let v: Double?
      if let target { v = target(t) } else { v = t.values.flatMap { objective < $0.count ? $0[objective] : nil } }
      guard let v, v.isFinite else { continue }
      let feasible = t.isFeasible
      if feasible, best.map({ dir.isBetter(v, than: $0) }) ?? true { best = v }
      points.append(Point(trialNumber: t.number, value: v, isFeasible: feasible, bestSoFar: best))
    }
    self.points = points
  }

  /// The best feasible point (the first one reaching the final best value).
  public var best: Point? {
    guard let b = points.last?.bestSoFar else { return nil }
    return points.first { $0.isFeasible && $0.value == b }
  }
}
