import HPO

/// What the contour plot of two params shows: the trials as points and a grid of objective
/// values for a heatmap.
///
/// Method (as Optuna's matplotlib backend, `_calculate_griddata` / `_interpolate_zmap`): each
/// numeric axis spans the observed coordinates (log10 for log params) padded by 5% on each side
/// and is cut into `resolution` cells; a categorical axis has one cell per choice. Each cell with
/// trials holds the mean of their targets. Empty cells are filled by solving Laplace's equation
/// with the filled cells held fixed (Jacobi iterations of the 4-neighbour mean, starting from the
/// mean of the filled cells), which gives a smooth surface that never leaves the observed range.
public struct ContourInfo: Sendable, Hashable {
  /// One trial.
  public struct Point: Sendable, Hashable {
    public var trialNumber: Int
    public var x: Double
    public var y: Double
    public var value: Double
    public var isFeasible: Bool
  }

  public var xAxis: ParamAxis
  public var yAxis: ParamAxis
  /// Coordinate ranges of the grid (padded for numeric axes, `-0.5 ... n-0.5` for categoricals).
  public var xRange: ClosedRange<Double>
  public var yRange: ClosedRange<Double>
  public var columns: Int
  public var rows: Int
  /// Row-major grid, `grid[row * columns + column]`, row 0 at the low end of y. Empty when no
  /// trial has both params.
  public var grid: [Double]
  /// True where the cell held trials; false where it was interpolated.
  public var observed: [Bool]
  public var points: [Point]
  public var direction: StudyDirection

  /// The contour of `xParam` against `yParam`; `nil` when no COMPLETE trial has both.
  public init?(
    _ input: AnalysisInput, xParam: String, yParam: String, objective: Int = 0,
    target: (@Sendable (FrozenTrial) -> Double?)? = nil, resolution: Int = 32
  ) {
    let trials = input.trials.filter {
      $0.state == .complete && $0.params[xParam] != nil && $0.params[yParam] != nil
    }
    guard let last = trials.last, let dx = last.distributions[xParam],
      let dy = last.distributions[yParam]
    else { return nil }
    direction = objective < input.directions.count ? input.directions[objective] : .minimize
    let xAxis = ParamAxis(name: xParam, distribution: dx, values: trials.compactMap { $0.params[xParam] })
    let yAxis = ParamAxis(name: yParam, distribution: dy, values: trials.compactMap { $0.params[yParam] })
    self.xAxis = xAxis
    self.yAxis = yAxis
    var points: [Point] = []
    for t in trials {
      let v: Double?
      if let target { v = target(t) } else { v = t.values.flatMap { objective < $0.count ? $0[objective] : nil } }
      guard let v, v.isFinite, let px = t.params[xParam], let py = t.params[yParam],
        let x = xAxis.coordinate(of: px), let y = yAxis.coordinate(of: py)
      else { continue }
      points.append(Point(trialNumber: t.number, x: x, y: y, value: v, isFeasible: t.isFeasible))
    }
    self.points = points
    func layout(_ a: ParamAxis) -> (ClosedRange<Double>, Int) {
      if a.isCategorical { return ((a.low - 0.5)...(a.high + 0.5), Int(a.high) + 1) }
      let span = a.high - a.low
      let pad = span > 0 ? 0.05 * span : max(abs(a.low) * 0.05, 0.5)
      return ((a.low - pad)...(a.high + pad), max(1, resolution))
    }
    (xRange, columns) = layout(xAxis)
    (yRange, rows) = layout(yAxis)
    guard !points.isEmpty else {
      grid = []
      observed = []
      return
    }
    var sum = [Double](repeating: 0, count: rows * columns)
    var count = [Int](repeating: 0, count: rows * columns)
    func cell(_ v: Double, _ r: ClosedRange<Double>, _ n: Int) -> Int {
      let f = (v - r.lowerBound) / (r.upperBound - r.lowerBound) * Double(n)
      return min(n - 1, max(0, Int(f.rounded(.down))))
    }
    for p in points {
      let k = cell(p.y, yRange, rows) * columns + cell(p.x, xRange, columns)
      sum[k] += p.value
      count[k] += 1
    }
    observed = count.map { $0 > 0 }
    let filled = (0..<sum.count).filter { count[$0] > 0 }
    let start = filled.reduce(0.0) { $0 + sum[$1] / Double(count[$1]) } / Double(filled.count)
    var z = (0..<sum.count).map { count[$0] > 0 ? sum[$0] / Double(count[$0]) : start }
    Self.laplaceFill(&z, fixed: observed, rows: rows, columns: columns)
    grid = z
  }

  /// Jacobi iterations of the 4-neighbour mean on the free cells, until the largest change is
  /// below 1e-9 of the value range or after 2,000 sweeps.
  static func laplaceFill(_ z: inout [Double], fixed: [Bool], rows: Int, columns: Int) {
    guard fixed.contains(false), fixed.contains(true) else { return }
    let lo = z.min() ?? 0, hi = z.max() ?? 0
    let tol = max(hi - lo, 1e-300) * 1e-9
    var next = z
    for _ in 0..<2000 {
      var change = 0.0
      for r in 0..<rows {
        for c in 0..<columns where !fixed[r * columns + c] {
          var s = 0.0, n = 0.0
          if r > 0 { s += z[(r - 1) * columns + c]; n += 1 }
          if r + 1 < rows { s += z[(r + 1) * columns + c]; n += 1 }
          if c > 0 { s += z[r * columns + c - 1]; n += 1 }
          if c + 1 < columns { s += z[r * columns + c + 1]; n += 1 }
          let v = n > 0 ? s / n : z[r * columns + c]
          change = max(change, abs(v - z[r * columns + c]))
          next[r * columns + c] = v
        }
      }
      z = next
      if change < tol { break }
    }
  }

  /// The grid value at a column and row.
  public func value(column: Int, row: Int) -> Double? {
    guard column >= 0, column < columns, row >= 0, row < rows, !grid.isEmpty else { return nil }
    return grid[row * columns + column]
  }
}
