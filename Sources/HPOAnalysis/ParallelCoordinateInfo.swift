import HPO

/// What the parallel-coordinate plot shows: an objective axis, one axis per param, and one
/// polyline per COMPLETE trial with a finite target. Unlike Optuna's
/// `_get_parallel_coordinate_info`, a trial that lacks a param (a conditional one) is drawn too:
/// it crosses that axis in an "n/a" band below the axis' values.
public struct ParallelCoordinateInfo: Sendable, Hashable {
  /// One trial's polyline.
  public struct Line: Sendable, Hashable {
    public var trialNumber: Int
    public var value: Double
    /// Positions in [0, 1], objective first, then the params in `paramAxes` order. On an axis
    /// with missing values, `missingPosition` is the n/a band and the values span
    /// `valueBandLow ... 1`.
    public var coordinates: [Double]
    /// Per param axis: true where the trial has no (plottable) value for that param.
    public var missing: [Bool]
  }

  /// Where a missing value sits on an axis that has some (the bottom band).
  public static let missingPosition = 0.0
  /// The lowest position of a real value on an axis that has missing values.
  public static let valueBandLow = 0.15

  public var targetName: String
  /// The objective axis range (`low`/`high` in objective units).
  public var objectiveLow: Double
  public var objectiveHigh: Double
  public var direction: StudyDirection
  public var paramAxes: [ParamAxis]
  /// Per param axis: true when some drawn trial lacks that param (the axis has an n/a band).
  public var axisHasMissing: [Bool]
  public var lines: [Line]
  /// COMPLETE trials with a finite target, before `topK` (the "M" of "N of M trials").
  public var eligibleCount: Int
  /// COMPLETE trials left out because their target is missing or not finite.
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
      guard let v, v.isFinite else {
        skipped.append(t.number)
        continue
      }
      kept.append((i, v))
    }
    eligibleCount = kept.count
    if let topK, topK >= 0, kept.count > topK {
      let best = kept.enumerated().sorted { a, b in
        a.element.1 != b.element.1
          ? dir.isBetter(a.element.1, than: b.element.1) : a.offset < b.offset
      }.prefix(topK).map(\.offset)
      let keep = Set(best)
      kept = kept.enumerated().filter { keep.contains($0.offset) }.map(\.element)
    }
    let axes: [ParamAxis] = names.compactMap { name in
      guard let d = kept.last(where: { input.trials[$0.0].distributions[name] != nil })
        .flatMap({ input.trials[$0.0].distributions[name] }) ?? all[name] else { return nil }
      return ParamAxis(name: name, distribution: d, values: kept.compactMap { input.trials[$0.0].params[name] })
    }
    self.paramAxes = axes
    let values = kept.map(\.1)
    let lo = values.min() ?? 0, hi = values.max() ?? 0
    objectiveLow = lo
    objectiveHigh = hi
    // Coordinates first (nil: missing), then the band layout once per axis is known.
    let raw: [[Double?]] = kept.map { i, _ in
      axes.map { axis in input.trials[i].params[axis.name].flatMap { axis.coordinate(of: $0) } }
    }
    let hasMissing = axes.indices.map { a in raw.contains { $0[a] == nil } }
    axisHasMissing = hasMissing
    lines = zip(kept, raw).map { kv, coords in
      let (i, v) = kv
      var out = [hi > lo ? (v - lo) / (hi - lo) : 0.5]
      for (a, c) in coords.enumerated() {
        guard let c else {
          out.append(Self.missingPosition)
          continue
        }
        let n = axes[a].normalized(c)
        out.append(hasMissing[a] ? Self.valueBandLow + (1 - Self.valueBandLow) * n : n)
      }
      return Line(trialNumber: input.trials[i].number, value: v, coordinates: out, missing: coords.map { $0 == nil })
    }
    skippedTrialNumbers = skipped
  }

  /// The position in [0, 1] of a param-axis coordinate (for ticks), honouring the n/a band.
  public func position(axis a: Int, coordinate c: Double) -> Double {
    let n = paramAxes[a].normalized(c)
    return axisHasMissing[a] ? Self.valueBandLow + (1 - Self.valueBandLow) * n : n
  }
}
