/// A bar per value in block eighths (▁▂▃▄▅▆▇█); the newest values are at the right.
public struct Sparkline: Widget, Sendable {
  public var data: [Double]
  /// Value of a full-height bar; nil uses the largest value.
  public var max: Double?
  public var block: Block?
  public var style: Style

  public init(_ data: [Double], max: Double? = nil, block: Block? = nil, style: Style = Style()) {
    self.data = data
    self.max = max
    self.block = block
    self.style = style
  }

  public func render(area: Rect, buffer: inout Buffer) {
    guard let inner = buffer.widgetArea(area, style: style, block: block) else { return }
    let shown = data.suffix(inner.width).map { $0.isFinite ? Swift.max(0, $0) : 0 }
    let top = self.max ?? (shown.max() ?? 0)
    guard top > 0 else { return }
    let levels = inner.height * 8
    for (i, v) in shown.enumerated() {
      var h = Int((Swift.min(v, top) / top * Double(levels)).rounded())
      let x = inner.x + i
      var y = inner.bottom - 1
      while h > 0, y >= inner.top {
        buffer.set(x: x, y: y, Cell(BlockSymbols.vertical[Swift.min(8, h)], style: style))
        h -= 8
        y -= 1
      }
    }
  }
}
