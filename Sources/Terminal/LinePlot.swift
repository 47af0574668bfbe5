/// A chart of one or more series on a braille canvas, with box-drawing axes and labels.
///
/// Layout inside the (optional) block, when there is room:
/// ```
///  1.5│⠀⠀⢀⠔⠁     y labels right-aligned left of the axis
///     │⠀⡠⠊
///    0│⠊             x axis row, then x labels below it
///     └──────────
///     0        10
/// ```
/// Too small for axes (fewer than 3 rows or 4 plot columns), it draws the canvas alone. Without
/// labels or ticks, each axis gets nice ticks (at least three). The legend takes its own row
/// above the plot, so data never hides it.
public struct LinePlot: Widget, Sendable {
  public var series: [Series]
  /// Shown range; nil fits the data (padded when all values are equal).
  public var xBounds: ClosedRange<Double>?
  public var yBounds: ClosedRange<Double>?
  /// Labels spread evenly along the axes; nil shows the bounds.
  public var xLabels: [String]?
  public var yLabels: [String]?
  /// Labels at data positions (take precedence over `xLabels`/`yLabels`).
  public var xTicks: [AxisTick]?
  public var yTicks: [AxisTick]?
  public var block: Block?
  public var style: Style
  public var axisStyle: Style
  public var labelStyle: Style
  /// Series names with their colours and glyphs on a row above the plot (when one or more is
  /// named and there are at least 6 rows).
  public var showLegend: Bool
  /// The y labels' column is at least this wide: plots stacked on one x axis give it the same
  /// value so that their x axes line up.
  public var minYLabelWidth = 0

  public init(
    _ series: [Series], xBounds: ClosedRange<Double>? = nil, yBounds: ClosedRange<Double>? = nil,
    xLabels: [String]? = nil, yLabels: [String]? = nil, block: Block? = nil,
    style: Style = Style(), axisStyle: Style = Style(), labelStyle: Style = Style(),
    showLegend: Bool = true
  ) {
    self.series = series
    self.xBounds = xBounds
    self.yBounds = yBounds
    self.xLabels = xLabels
    self.yLabels = yLabels
    self.block = block
    self.style = style
    self.axisStyle = axisStyle
    self.labelStyle = labelStyle
    self.showLegend = showLegend
  }

  /// The bounds used: the given ones, or the data range (padded when degenerate).
  public func resolvedBounds() -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
    let pts = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
    func fit(_ vs: [Double]) -> ClosedRange<Double> {
      guard let lo = vs.min(), let hi = vs.max() else { return 0...1 }
      if hi > lo { return lo...hi }
      let pad = lo == 0 ? 1 : abs(lo) * 0.1
      return (lo - pad)...(hi + pad)
    }
    return (xBounds ?? fit(pts.map(\.x)), yBounds ?? fit(pts.map(\.y)))
  }

  /// The labels of an axis: explicit ticks, labels spread evenly, or nice ticks of `bounds`.
  func ticks(_ ticks: [AxisTick]?, _ labels: [String]?, _ bounds: ClosedRange<Double>, count: Int) -> [AxisTick] {
    if let ticks { return ticks.filter { bounds.contains($0.value) } }
    if let labels {
      let n = labels.count
      return labels.enumerated().map { i, l in
        AxisTick(n == 1 ? bounds.lowerBound : bounds.lowerBound + (bounds.upperBound - bounds.lowerBound) * Double(i) / Double(n - 1), l)
      }
    }
    return AxisTicks.nice(bounds.lowerBound, bounds.upperBound, maxCount: count)
  }

  public func render(area: Rect, buffer: inout Buffer) {
    guard var inner = buffer.widgetArea(area, style: style, block: block) else { return }
    let (xb, yb) = resolvedBounds()
    let named = series.filter { !$0.name.isEmpty }
    if showLegend, !named.isEmpty, inner.height >= 6 {
      drawLegend(named, row: Rect(x: inner.x, y: inner.y, width: inner.width, height: 1), buffer: &buffer)
      inner = inner.inset(top: 1)
    }
    let yt = ticks(yTicks, yLabels, yb, count: max(3, min(6, (inner.height - 2) / 2 + 1)))
    let yLabelWidth = min(max(minYLabelWidth, yt.map { TextWidth.of($0.label) }.max() ?? 0), inner.width / 3)
    let plotRect: Rect
    if inner.height >= 3, inner.width - yLabelWidth - 1 >= 4 {
      let axisX = inner.x + yLabelWidth
      let axisY = inner.bottom - 2
      plotRect = Rect(x: axisX + 1, y: inner.y, width: inner.right - axisX - 1, height: axisY - inner.y)
      let xt = ticks(xTicks, xLabels, xb, count: max(3, min(8, plotRect.width / 10)))
      for y in inner.y..<axisY { buffer.setString(x: axisX, y: y, "│", style: axisStyle) }
      buffer.setString(x: axisX, y: axisY, "└", style: axisStyle)
      for x in (axisX + 1)..<inner.right { buffer.setString(x: x, y: axisY, "─", style: axisStyle) }
      drawYLabels(yt, bounds: yb, x: inner.x, width: yLabelWidth, top: inner.y, rows: plotRect.height, axisX: axisX, buffer: &buffer)
      drawXLabels(xt, bounds: xb, left: plotRect.x, width: plotRect.width, y: inner.bottom - 1, axisY: axisY, buffer: &buffer)
    } else {
      plotRect = inner
    }
    var canvas = BrailleCanvas(width: plotRect.width, height: plotRect.height)
    for s in series {
      switch s.kind {
      case .scatter:
        for p in s.points { canvas.point(x: p.x, y: p.y, xBounds: xb, yBounds: yb, color: s.color) }
      case .line:
        if s.points.count == 1, let p = s.points.first {
          canvas.point(x: p.x, y: p.y, xBounds: xb, yBounds: yb, color: s.color)
        }
        for (p, q) in zip(s.points, s.points.dropFirst()) {
          canvas.line(from: p, to: q, xBounds: xb, yBounds: yb, color: s.color)
        }
      case .markers: break
      }
    }
    canvas.render(area: plotRect, buffer: &buffer)
    // Markers: one glyph per cell, in series order (later series on top).
    for s in series where s.kind == .markers {
      for p in s.points {
        guard let (px, py) = canvas.dot(x: p.x, y: p.y, xBounds: xb, yBounds: yb) else { continue }
        let cx = Int((px / 2).rounded(.down)), cy = Int((py / 4).rounded(.down))
        guard cx >= 0, cy >= 0, cx < plotRect.width, cy < plotRect.height else { continue }
        var st = buffer.cell(x: plotRect.x + cx, y: plotRect.y + cy).style
        st.fg = s.color
        buffer.set(x: plotRect.x + cx, y: plotRect.y + cy, Cell(s.marker, style: st))
      }
    }
  }

  private func drawYLabels(
    _ ticks: [AxisTick], bounds: ClosedRange<Double>, x: Int, width: Int, top: Int, rows: Int, axisX: Int,
    buffer: inout Buffer
  ) {
    guard width > 0, rows > 0, !ticks.isEmpty else { return }
    let span = bounds.upperBound - bounds.lowerBound
    var used = Set<Int>()
    // The ends first, so they survive when rows are scarce.
    let order = ticks.indices.sorted { a, b in
      let ea = a == 0 || a == ticks.count - 1, eb = b == 0 || b == ticks.count - 1
      return ea != eb ? ea : a < b
    }
    for i in order {
      let t = ticks[i]
      let frac = span > 0 ? (t.value - bounds.lowerBound) / span : 0.5
      let row = top + rows - 1 - Int((frac * Double(rows - 1)).rounded())
      guard !used.contains(row) else { continue }
      used.insert(row)
      let (text, w) = TextWidth.prefix(t.label, fitting: width)
      buffer.setString(x: x + width - w, y: row, text, style: labelStyle)
      buffer.setString(x: axisX, y: row, "┤", style: axisStyle)
    }
  }

  private func drawXLabels(
    _ ticks: [AxisTick], bounds: ClosedRange<Double>, left: Int, width: Int, y: Int, axisY: Int,
    buffer: inout Buffer
  ) {
    guard width > 0, !ticks.isEmpty else { return }
    let span = bounds.upperBound - bounds.lowerBound
    var nextFree = left
    for t in ticks {
      let frac = span > 0 ? (t.value - bounds.lowerBound) / span : 0.5
      let anchor = left + Int((frac * Double(width - 1)).rounded())
      let w = TextWidth.of(t.label)
      var x = min(max(left, anchor - w / 2), left + width - w)
      x = max(x, nextFree)
      guard x + w <= left + width else { continue }
      buffer.setString(x: x, y: y, t.label, style: labelStyle)
      buffer.setString(x: anchor, y: axisY, "┬", style: axisStyle)
      nextFree = x + w + 1
    }
  }

  private func drawLegend(_ named: [Series], row: Rect, buffer: inout Buffer) {
    let text = named.map { $0.marker + " " + $0.name }
    var width = text.map { TextWidth.of($0) + 2 }.reduce(0, +)
    var shown = named.count
    while shown > 0, width > row.width {
      shown -= 1
      width -= TextWidth.of(text[shown]) + 2
    }
    var x = row.right - width
    for (s, t) in zip(named.prefix(shown), text) {
      buffer.setString(x: x, y: row.y, s.marker, style: Style(fg: s.color))
      buffer.setString(x: x + TextWidth.of(s.marker), y: row.y, String(t.dropFirst(s.marker.count)), style: labelStyle)
      x += TextWidth.of(t) + 2
    }
  }
}
