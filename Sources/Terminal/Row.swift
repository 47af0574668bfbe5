/// One row of a `Table`: a line per column and a row style.
public struct Row: Hashable, Sendable {
  public var cells: [Line]
  public var style: Style

  public init(_ cells: [Line], style: Style = Style()) {
    self.cells = cells
    self.style = style
  }

  /// A row of plain strings.
  public init(_ cells: [String], style: Style = Style()) {
    self.init(cells.map { Line($0) }, style: style)
  }
}
