import HPO

/// What the Pareto-front plot shows (Optuna `_get_pareto_front_info`, plus the hypervolume and
/// its history): every COMPLETE trial as a point, flagged when on the front, with two chosen
/// objectives for the axes.
public struct ParetoFrontInfo: Sendable, Hashable {
  /// One COMPLETE trial.
  public struct Point: Sendable, Hashable {
    public var trialNumber: Int
    public var values: [Double]
    /// True when no feasible trial dominates it (over all objectives).
    public var isOnFront: Bool
    public var isFeasible: Bool
  }

  /// The hypervolume after one trial.
  public struct HistoryPoint: Sendable, Hashable {
    public var trialNumber: Int
    public var hypervolume: Double
  }

  public var points: [Point]
  public var directions: [StudyDirection]
  /// The objective indices on the x and y axes.
  public var xObjective: Int
  public var yObjective: Int
  /// The reference point in the objectives' units.
  public var referencePoint: [Double]
  /// The hypervolume of the front (all objectives).
  public var hypervolume: Double
  public var hypervolumeHistory: [HistoryPoint]

  /// The front info; `referencePoint` defaults to `ParetoAnalysis.defaultReferencePoint` of the
  /// feasible complete trials.
  public init(
    _ input: AnalysisInput, xObjective: Int = 0, yObjective: Int = 1,
    referencePoint: [Double]? = nil
  ) {
    let dirs = input.directions
    self.directions = dirs
    self.xObjective = xObjective
    self.yObjective = dirs.count > 1 ? yObjective : xObjective
    // Index-based: copying 10,000 FrozenTrials several times dominated the build time.
    let pool = ParetoAnalysis.candidateIndices(input, feasibleOnly: true)
    let front = Set(ParetoAnalysis.frontIndices(input, candidates: pool))
    let k = dirs.count
    var pts: [Point] = []
    pts.reserveCapacity(input.trials.count)
    for i in input.trials.indices {
      guard input.trials[i].state == .complete, let v = input.trials[i].values, v.count == k else { continue }
      pts.append(Point(trialNumber: input.trials[i].number, values: v, isOnFront: front.contains(i),
                       isFeasible: input.trials[i].isFeasible))
    }
    points = pts
    let ref = referencePoint
      ?? ParetoAnalysis.defaultReferencePoint(pool.map { input.trials[$0].values ?? [] }, directions: dirs)
    self.referencePoint = ref
    hypervolumeHistory = ParetoAnalysis.hypervolumeHistory(input, candidates: pool, reference: ref).map {
      HistoryPoint(trialNumber: $0.trialNumber, hypervolume: $0.hypervolume)
    }
    hypervolume = hypervolumeHistory.last?.hypervolume ?? 0
  }

  /// The front points sorted by the x objective (for drawing the staircase).
  public var frontSortedByX: [Point] {
    points.filter(\.isOnFront).sorted { $0.values[xObjective] < $1.values[xObjective] }
  }
}
