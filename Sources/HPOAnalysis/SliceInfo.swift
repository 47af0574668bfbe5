import HPO

/// What the slice plot of one param shows (Optuna `_get_slice_plot_info`): the target of each
/// COMPLETE trial against that param's value.
public struct SliceInfo: Sendable, Hashable {
  /// One trial.
  public struct Point: Sendable, Hashable {
    public var trialNumber: Int
    /// The param's coordinate on `axis` (log10 for log params, the index for categoricals).
    public var x: Double
    public var value: Double
    public var isFeasible: Bool
  }

  public var axis: ParamAxis
  public var points: [Point]
  public var targetName: String

  /// The slice of `param` for objective `objective` (or `target`); `nil` when no COMPLETE trial
  /// has the param.
  public init?(
    _ input: AnalysisInput, param: String, objective: Int = 0,
    target: (@Sendable (FrozenTrial) -> Double?)? = nil, targetName: String = "Objective Value"
  ) {
    let trials = input.trials.filter { $0.state == .complete && $0.params[param] != nil }
    guard let dist = trials.last?.distributions[param] else { return nil }
    let axis = ParamAxis(name: param, distribution: dist, values: trials.compactMap { $0.params[param] })
    var points: [Point] = []
    for t in trials {
      let v: Double?
      if let target { v = target(t) } else { v = t.values.flatMap { objective < $0.count ? $0[objective] : nil } }
      guard let v, v.isFinite, let p = t.params[param], let x = axis.coordinate(of: p) else { continue }
      points.append(Point(trialNumber: t.number, x: x, value: v, isFeasible: t.isFeasible))
    }
    self.axis = axis
    self.points = points
    self.targetName = targetName
  }
}
