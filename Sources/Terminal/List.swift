/// A vertical list of lines with a selected item and scrolling.
public struct List: StatefulWidget, Widget, Sendable {
  public var items: [Line]
  public var block: Block?
  public var style: Style
  public var highlightStyle: Style
  /// Drawn before the selected item; other items get as many spaces (when non-empty).
  public var highlightSymbol: String

  public init(
    _ items: [Line], block: Block? = nil, style: Style = Style(),
    highlightStyle: Style = Style(modifiers: .reverse), highlightSymbol: String = ""
  ) {
    self.items = items
    self.block = block
    self.style = style
    self.highlightStyle = highlightStyle
    self.highlightSymbol = highlightSymbol
  }

  public func render(area: Rect, buffer: inout Buffer) {
    var state = ListState()
    render(area: area, buffer: &buffer, state: &state)
  }

  public func render(area: Rect, buffer: inout Buffer, state: inout ListState) {
    guard let inner = buffer.widgetArea(area, style: style, block: block) else { return }
    state.clamp(count: items.count, visible: inner.height)
    let symWidth = min(TextWidth.of(highlightSymbol), inner.width)
    for (k, item) in items.dropFirst(state.offset).prefix(inner.height).enumerated() {
      let y = inner.y + k
      let selected = state.selected == state.offset + k
      if symWidth > 0 {
        let sym = selected ? highlightSymbol : String(repeating: " ", count: symWidth)
        buffer.setString(x: inner.x, y: y, sym, maxWidth: symWidth)
      }
      buffer.setLine(x: inner.x + symWidth, y: y, item, maxWidth: inner.width - symWidth)
      if selected {
        buffer.setStyle(Rect(x: inner.x, y: y, width: inner.width, height: 1), highlightStyle)
      }
    }
  }
}
