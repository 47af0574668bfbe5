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
/// Too small for axes (fewer than 3 rows or 4 plot columns), it draws the canvas alone.
public struct LinePlot: Widget, Sendable {
  public var series: [Series]
  /// Shown range; nil fits the data (padded when all values are equal).
  public var xBounds: ClosedRange<Double>?
  public var yBounds: ClosedRange<Double>?
  /// Labels spread evenly along the axes; nil shows the bounds.
  public var xLabels: [String]?
  public var yLabels: [String]?
  public var block: Block?
  public var style: Style
  public var axisStyle: Style
  public var labelStyle: Style
  /// Series names with their colours in the top-right corner (when more than one is named).
  public var showLegend: Bool

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

  public func render(area: Rect, buffer: inout Buffer) {
    guard let inner = buffer.widgetArea(area, style: style, block: block) else { return }
    let (xb, yb) = resolvedBounds()
    let yl = yLabels ?? [NumberFormat.compact(yb.lowerBound), NumberFormat.compact(yb.upperBound)]
    let xl = xLabels ?? [NumberFormat.compact(xb.lowerBound), NumberFormat.compact(xb.upperBound)]
    let yLabelWidth = min(yl.map { TextWidth.of($0) }.max() ?? 0, inner.width / 3)
    let plotRect: Rect
    if inner.height >= 3, inner.width - yLabelWidth - 1 >= 4 {
      let axisX = inner.x + yLabelWidth
      let axisY = inner.bottom - 2
      plotRect = Rect(x: axisX + 1, y: inner.y, width: inner.right - axisX - 1, height: axisY - inner.y)
      for y in inner.y..<axisY { buffer.setString(x: axisX, y: y, "│", style: axisStyle) }
      buffer.setString(x: axisX, y: axisY, "└", style: axisStyle)
      for x in (axisX + 1)..<inner.right { buffer.setString(x: x, y: axisY, "─", style: axisStyle) }
      drawYLabels(yl, x: inner.x, width: yLabelWidth, top: inner.y, rows: plotRect.height, buffer: &buffer)
      drawXLabels(xl, left: plotRect.x, width: plotRect.width, y: inner.bottom - 1, buffer: &buffer)
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
      }
    }
    canvas.render(area: plotRect, buffer: &buffer)
    if showLegend { drawLegend(in: plotRect, buffer: &buffer) }
  }

  private func drawYLabels(
    _ labels: [String], x: Int, width: Int, top: Int, rows: Int, buffer: inout Buffer
  ) {
    guard width > 0, rows > 0, !labels.isEmpty else { return }
    // labels[0] is the bottom (lowest value), the last one the top.
    for (i, label) in labels.enumerated() {
      let frac = labels.count == 1 ? 0 : Double(i) / Double(labels.count - 1)
      let row = top + rows - 1 - Int((frac * Double(rows - 1)).rounded())
      let (t, w) = TextWidth.prefix(label, fitting: width)
      buffer.setString(x: x + width - w, y: row, t, style: labelStyle)
    }
  }

  private func drawXLabels(_ labels: [String], left: Int, width: Int, y: Int, buffer: inout Buffer) {
    guard width > 0, !labels.isEmpty else { return }
    var nextFree = left
    for (i, label) in labels.enumerated() {
      let frac = labels.count == 1 ? 0 : Double(i) / Double(labels.count - 1)
      let anchor = left + Int((frac * Double(width - 1)).rounded())
      let w = TextWidth.of(label)
      var x = i == 0 ? left : (i == labels.count - 1 ? left + width - w : anchor - w / 2)
      x = max(x, nextFree)
      guard x + w <= left + width else { continue }
      buffer.setString(x: x, y: y, label, style: labelStyle)
      nextFree = x + w + 1
    }
  }

  private func drawLegend(in rect: Rect, buffer: inout Buffer) {
    let named = series.filter { !$0.name.isEmpty }
    guard named.count > 1 else { return }
    let w = (named.map { TextWidth.of($0.name) }.max() ?? 0) + 2
    guard rect.width >= w + 2, rect.height >= named.count else { return }
    let x = rect.right - w
    for (i, s) in named.enumerated() {
      buffer.setString(x: x, y: rect.y + i, "━", style: Style(fg: s.color))
      buffer.setString(x: x + 1, y: rect.y + i, " " + s.name, style: labelStyle)
    }
  }
}
