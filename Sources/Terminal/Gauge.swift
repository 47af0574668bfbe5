/// A progress bar filling the area left to right, with a centred label.
public struct Gauge: Widget, Sendable {
  /// Filled fraction, clamped to 0…1 (NaN counts as 0).
  public var ratio: Double
  /// The label; nil shows the percentage.
  public var label: String?
  public var block: Block?
  public var style: Style
  /// Style of the filled part (its `fg` is the bar colour).
  public var gaugeStyle: Style
  /// Use eighth blocks for the partially filled cell.
  public var useUnicode: Bool

  public init(
    ratio: Double, label: String? = nil, block: Block? = nil, style: Style = Style(),
    gaugeStyle: Style = Style(), useUnicode: Bool = true
  ) {
    self.ratio = ratio
    self.label = label
    self.block = block
    self.style = style
    self.gaugeStyle = gaugeStyle
    self.useUnicode = useUnicode
  }

  var clampedRatio: Double { ratio.isNaN ? 0 : min(1, max(0, ratio)) }

  public func render(area: Rect, buffer: inout Buffer) {
    guard let inner = buffer.widgetArea(area, style: style, block: block) else { return }
    let eighths = Int((clampedRatio * Double(inner.width * 8)).rounded(.down))
    let full = useUnicode ? eighths / 8 : Int((clampedRatio * Double(inner.width)).rounded())
    let partial = useUnicode ? eighths % 8 : 0
    for y in inner.top..<inner.bottom {
      for i in 0..<full { buffer.set(x: inner.x + i, y: y, Cell("█", style: style.patch(gaugeStyle))) }
      if partial > 0, full < inner.width {
        let s = BlockSymbols.horizontal[partial]
        buffer.set(x: inner.x + full, y: y, Cell(s, style: style.patch(gaugeStyle)))
      }
    }
    let text = label ?? "\(Int((clampedRatio * 100).rounded(.down)))%"
    let (shown, w) = TextWidth.prefix(text, fitting: inner.width)
    let lx = inner.x + (inner.width - w) / 2
    let ly = inner.y + inner.height / 2
    var x = lx
    for ch in shown {
      let cw = TextWidth.of(ch)
      guard cw > 0 else { continue }
      let onBar = x < inner.x + full
      let st = onBar ? style.patch(gaugeStyle).adding(.reverse) : style
      buffer.set(x: x, y: ly, Cell(String(ch), style: st))
      x += cw
    }
  }
}
