/// Horizontal bars, one per row: `label │████▌ value`.
public struct BarChart: Widget, Sendable {
  public var bars: [Bar]
  /// Value of a full-length bar; nil uses the largest value.
  public var max: Double?
  public var block: Block?
  public var style: Style
  public var barStyle: Style
  public var labelStyle: Style
  public var valueStyle: Style
  /// Empty rows between bars.
  public var gap: Int

  public init(
    _ bars: [Bar], max: Double? = nil, block: Block? = nil, style: Style = Style(),
    barStyle: Style = Style(), labelStyle: Style = Style(), valueStyle: Style = Style(),
    gap: Int = 0
  ) {
    self.bars = bars
    self.max = max
    self.block = block
    self.style = style
    self.barStyle = barStyle
    self.labelStyle = labelStyle
    self.valueStyle = valueStyle
    self.gap = gap
  }

  public func render(area: Rect, buffer: inout Buffer) {
    guard let inner = buffer.widgetArea(area, style: style, block: block) else { return }
    let values = bars.map { $0.value.isFinite ? Swift.max(0, $0.value) : 0 }
    let top = self.max ?? (values.max() ?? 0)
    let texts = bars.map { $0.valueText ?? NumberFormat.compact($0.value) }
    let labelWidth = Swift.min(bars.map { TextWidth.of($0.label) }.max() ?? 0, inner.width / 3)
    let valueWidth = Swift.min(texts.map { TextWidth.of($0) }.max() ?? 0, inner.width / 3)
    let barX = inner.x + labelWidth + (labelWidth > 0 ? 1 : 0)
    let barWidth = Swift.max(0, inner.right - barX - (valueWidth > 0 ? valueWidth + 1 : 0))
    var y = inner.y
    for (i, bar) in bars.enumerated() {
      guard y < inner.bottom else { break }
      if labelWidth > 0 {
        let (l, _) = TextWidth.prefix(bar.label, fitting: labelWidth)
        buffer.setString(x: inner.x, y: y, l, style: labelStyle, maxWidth: labelWidth)
      }
      let eighths = top > 0 ? Int((Swift.min(values[i], top) / top * Double(barWidth * 8)).rounded()) : 0
      let st = barStyle.patch(bar.style ?? Style())
      let drawn = buffer.setString(
        x: barX, y: y, BlockSymbols.horizontalBar(eighths: eighths), style: st, maxWidth: barWidth)
      if valueWidth > 0 {
        let vx = Swift.min(drawn + 1, inner.right - valueWidth)
        let (v, _) = TextWidth.prefix(texts[i], fitting: valueWidth)
        buffer.setString(x: vx, y: y, v, style: valueStyle, maxWidth: inner.right - vx)
      }
      y += 1 + Swift.max(0, gap)
    }
  }
}
