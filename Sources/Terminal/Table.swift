/// Rows in columns sized by constraints, with a header, a selected row and scrolling.
public struct Table: StatefulWidget, Widget, Sendable {
  public var rows: [Row]
  public var header: Row?
  /// One constraint per column (solved by `Layout`).
  public var widths: [Constraint]
  public var columnSpacing: Int
  public var block: Block?
  public var style: Style
  public var headerStyle: Style
  /// Patched over the selected row.
  public var highlightStyle: Style
  /// Drawn before the selected row; other rows get as many spaces (when non-empty).
  public var highlightSymbol: String

  public init(
    rows: [Row], header: Row? = nil, widths: [Constraint], columnSpacing: Int = 1,
    block: Block? = nil, style: Style = Style(), headerStyle: Style = Style(modifiers: .bold),
    highlightStyle: Style = Style(modifiers: .reverse), highlightSymbol: String = ""
  ) {
    self.rows = rows
    self.header = header
    self.widths = widths
    self.columnSpacing = columnSpacing
    self.block = block
    self.style = style
    self.headerStyle = headerStyle
    self.highlightStyle = highlightStyle
    self.highlightSymbol = highlightSymbol
  }

  /// Column x-offsets and widths (relative to the row start) for a row `width` wide.
  public func columnLayout(width: Int) -> [(x: Int, width: Int)] {
    let n = widths.count
    let spacing = max(0, columnSpacing)
    let sizes = Layout.solve(widths, total: max(0, width - spacing * max(0, n - 1)))
    var out: [(Int, Int)] = []
    var x = 0
    for s in sizes {
      let w = max(0, min(s, width - x))
      out.append((min(x, width), w))
      x += s + spacing
    }
    return out
  }

  public func render(area: Rect, buffer: inout Buffer) {
    var state = TableState()
    render(area: area, buffer: &buffer, state: &state)
  }

  public func render(area: Rect, buffer: inout Buffer, state: inout TableState) {
    guard let inner = buffer.widgetArea(area, style: style, block: block) else { return }
    let symWidth = min(TextWidth.of(highlightSymbol), inner.width)
    let rowWidth = inner.width - symWidth
    let columns = columnLayout(width: rowWidth)
    var y = inner.y
    if let header {
      buffer.setStyle(Rect(x: inner.x, y: y, width: inner.width, height: 1), headerStyle.patch(header.style))
      drawCells(header, y: y, x0: inner.x + symWidth, columns: columns, buffer: &buffer)
      y += 1
    }
    let visible = inner.bottom - y
    state.clamp(count: rows.count, visible: visible)
    guard visible > 0 else { return }
    for (k, row) in rows.dropFirst(state.offset).prefix(visible).enumerated() {
      let index = state.offset + k
      let rowRect = Rect(x: inner.x, y: y + k, width: inner.width, height: 1)
      buffer.setStyle(rowRect, row.style)
      let isSelected = state.selected == index
      if symWidth > 0 {
        let sym = isSelected ? highlightSymbol : String(repeating: " ", count: symWidth)
        buffer.setString(x: inner.x, y: y + k, sym, maxWidth: symWidth)
      }
      drawCells(row, y: y + k, x0: inner.x + symWidth, columns: columns, buffer: &buffer)
      if isSelected { buffer.setStyle(rowRect, highlightStyle) }
    }
  }

  private func drawCells(
    _ row: Row, y: Int, x0: Int, columns: [(x: Int, width: Int)], buffer: inout Buffer
  ) {
    for (i, col) in columns.enumerated() where i < row.cells.count && col.width > 0 {
      let line = row.cells[i].truncated(to: col.width, ellipsis: "…")
      let dx = (line.alignment ?? .left).offset(width: line.width, available: col.width)
      buffer.setLine(x: x0 + col.x + dx, y: y, line, maxWidth: col.width - dx)
    }
  }
}
