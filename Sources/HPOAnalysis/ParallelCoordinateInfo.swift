import HPO

/// What the parallel-coordinate plot shows (Optuna `_get_parallel_coordinate_info`): an objective
/// axis, one axis per param, and one polyline per COMPLETE trial that has every shown param.
public struct ParallelCoordinateInfo: Sendable, Hashable {
  /// One trial's polyline.
  public struct Line: Sendable, Hashable {
    public var trialNumber: Int
    public var value: Double
    /// Positions in [0, 1], objective first, then the params in `paramAxes` order.
    public var coordinates: [Double]
  }

  public var targetName: String
  /// The objective axis range (`low`/`high` in objective units).
  public var objectiveLow: Double
  public var objectiveHigh: Double
  public var direction: StudyDirection
  public var paramAxes: [ParamAxis]
  public var lines: [Line]
  /// COMPLETE trials left out because they lack a shown param or a finite target.
  public var skippedTrialNumbers: [Int]

  /// Axes for `params` (default: every param of any trial, sorted by name); with `topK`, only the
  /// `topK` best trials by the target are drawn (ties by trial number) and the axes span those.
  public init(
    _ input: AnalysisInput, params: [String]? = nil, objective: Int = 0,
    target: (@Sendable (FrozenTrial) -> Double?)? = nil, targetName: String = "Objective Value",
    topK: Int? = nil
  ) {
    let dir = objective < input.directions.count ? input.directions[objective] : .minimize
    self.direction = dir
    self.targetName = targetName
    let all = input.allParams
    let names = params ?? Array(all.keys)
    // (position in input.trials, target): indices, not FrozenTrial copies (the copies dominated
    // the build time at 10,000 trials).
    var kept: [(Int, Double)] = []
    var skipped: [Int] = []
    for (i, t) in input.trials.enumerated() where t.state == .complete {
      let v: Double?
      if let target { v = target(t) } else { v = t.values.flatMap { objective < $0.count ? $0[objective] : nil } }
      guard let v, v.isFinite, names.allSatisfy({ t.params[$0] != nil }) else {
        skipped.append(t.number)
        continue
      }
      kept.append((i, v))
    }
    if let topK, topK >= 0, kept.count > topK {
      let best = kept.enumerated().sorted { a, b in
        a.element.1 != b.element.1
          ? dir.isBetter(a.element.1, than: b.element.1) : a.offset < b.offset
      }.prefix(topK).map(\.offset)
      let keep = Set(best)
      kept = kept.enumerated().filter { keep.contains($0.offset) }.map(\.element)
    }
    let axes: [ParamAxis] = names.compactMap { name in
      guard let d = kept.last.flatMap({ input.trials[$0.0].distributions[name] }) ?? all[name] else { return nil }
      return ParamAxis(name: name, distribution: d, values: kept.compactMap { input.trials[$0.0].params[name] })
    }
    self.paramAxes = axes
    let values = kept.map(\.1)
    let lo = values.min() ?? 0, hi = values.max() ?? 0
    objectiveLow = lo
    objectiveHigh = hi
    lines = kept.compactMap { i, v in
      var coords = [hi > lo ? (v - lo) / (hi - lo) : 0.5]
      for axis in axes {
        guard let p = input.trials[i].params[axis.name], let c = axis.coordinate(of: p) else { return nil }
        coords.append(axis.normalized(c))
      }
      return Line(trialNumber: input.trials[i].number, value: v, coordinates: coords)
    }
    let drawn = Set(lines.map(\.trialNumber))
    skippedTrialNumbers = skipped + kept.map { input.trials[$0.0].number }.filter { !drawn.contains($0) }
  }
}
