/// One data series of a `LinePlot`: points joined by lines, braille dots, or cell-sized markers.
public struct Series: Sendable {
  /// Line segments between consecutive points, separate braille dots, or one marker glyph per
  /// point (a whole cell: visible where a single dot is not).
  public enum Kind: Hashable, Sendable {
    case line, scatter, markers
  }

  public var name: String
  public var points: [(x: Double, y: Double)]
  public var color: Color?
  public var kind: Kind
  /// The glyph of `.markers` points and of the legend entry (distinct glyphs keep series apart
  /// without colour).
  public var marker: String

  public init(
    _ name: String, points: [(x: Double, y: Double)], color: Color? = nil, kind: Kind = .line,
    marker: String? = nil
  ) {
    self.name = name
    self.points = points
    self.color = color
    self.kind = kind
    self.marker = marker ?? (kind == .line ? "━" : "•")
  }
}
