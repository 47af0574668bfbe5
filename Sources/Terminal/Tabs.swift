/// A row of tab titles with the selected one highlighted: ` One │ Two │ Three `.
public struct Tabs: Widget, Sendable {
  public var titles: [Line]
  public var selected: Int
  public var block: Block?
  public var style: Style
  public var highlightStyle: Style
  public var divider: String

  public init(
    _ titles: [Line], selected: Int = 0, block: Block? = nil, style: Style = Style(),
    highlightStyle: Style = Style(modifiers: .reverse), divider: String = "│"
  ) {
    self.titles = titles
    self.selected = selected
    self.block = block
    self.style = style
    self.highlightStyle = highlightStyle
    self.divider = divider
  }

  /// The titles as drawn in `width` columns: whole when they fit, else each elided with `…`
  /// to the longest common length that fits, and when even that is too long, the run of
  /// whole-or-elided titles around the selected one, with `‹`/`›` where tabs are hidden.
  /// The bar never ends in a title cut without a mark.
  public func fitted(width: Int) -> (titles: [(index: Int, title: Line)], hiddenLeft: Bool, hiddenRight: Bool) {
    let dividerWidth = TextWidth.of(divider)
    func total(_ ts: [Line]) -> Int { ts.reduce(0) { $0 + $1.width + 2 } + max(0, ts.count - 1) * dividerWidth }
    if total(titles) <= width { return (titles.enumerated().map { ($0.offset, $0.element) }, false, false) }
    let longest = titles.map(\.width).max() ?? 0
    // Elide to a common length, but no shorter than the tab's number and one letter.
    var cap = longest - 1
    while cap >= 3 {
      let ts = titles.map { $0.truncated(to: cap, ellipsis: "…") }
      if total(ts) <= width { return (ts.enumerated().map { ($0.offset, $0.element) }, false, false) }
      cap -= 1
    }
    // Scroll: the selected tab and as many neighbours as fit, elided to 5 columns (3 when
    // even one of those does not fit beside both marks).
    let ts = titles.map { $0.truncated(to: width >= 5 + 2 + 4 ? 5 : 3, ellipsis: "…") }
    let sel = max(0, min(selected, ts.count - 1))
    var lo = sel, hi = sel
    func cost(_ l: Int, _ h: Int) -> Int { total(Array(ts[l...h])) + (l > 0 ? 2 : 0) + (h < ts.count - 1 ? 2 : 0) }
    while true {
      if hi + 1 < ts.count, cost(lo, hi + 1) <= width { hi += 1; continue }
      if lo > 0, cost(lo - 1, hi) <= width { lo -= 1; continue }
      break
    }
    return ((lo...hi).map { ($0, ts[$0]) }, lo > 0, hi < ts.count - 1)
  }

  public func render(area: Rect, buffer: inout Buffer) {
    guard let inner = buffer.widgetArea(area, style: style, block: block) else { return }
    let fit = fitted(width: inner.width)
    var x = inner.x
    if fit.hiddenLeft { x = buffer.setString(x: x, y: inner.y, "‹ ", maxWidth: inner.right - x) }
    for (k, (i, title)) in fit.titles.enumerated() {
      guard x < inner.right else { break }
      x = buffer.setString(x: x, y: inner.y, " ", maxWidth: inner.right - x)
      let start = x
      x = buffer.setLine(x: x, y: inner.y, title, maxWidth: inner.right - x)
      if i == selected {
        buffer.setStyle(Rect(x: start, y: inner.y, width: x - start, height: 1), highlightStyle)
      }
      guard x < inner.right else { break }
      x = buffer.setString(x: x, y: inner.y, " ", maxWidth: inner.right - x)
      if k + 1 < fit.titles.count {
        x = buffer.setString(x: x, y: inner.y, divider, maxWidth: inner.right - x)
      }
    }
    if fit.hiddenRight, x < inner.right { _ = buffer.setString(x: x, y: inner.y, " ›", maxWidth: inner.right - x) }
  }
}
