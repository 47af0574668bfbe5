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

  public func render(area: Rect, buffer: inout Buffer) {
    guard let inner = buffer.widgetArea(area, style: style, block: block) else { return }
    var x = inner.x
    for (i, title) in titles.enumerated() {
      guard x < inner.right else { break }
      x = buffer.setString(x: x, y: inner.y, " ", maxWidth: inner.right - x)
      let start = x
      x = buffer.setLine(x: x, y: inner.y, title, maxWidth: inner.right - x)
      if i == selected {
        buffer.setStyle(Rect(x: start, y: inner.y, width: x - start, height: 1), highlightStyle)
      }
      guard x < inner.right else { break }
      x = buffer.setString(x: x, y: inner.y, " ", maxWidth: inner.right - x)
      if i + 1 < titles.count {
        x = buffer.setString(x: x, y: inner.y, divider, maxWidth: inner.right - x)
      }
    }
  }
}
