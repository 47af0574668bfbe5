/// One data series of a `LinePlot`: points joined by lines or shown as dots.
public struct Series: Sendable {
  /// Line segments between consecutive points, or separate dots.
  public enum Kind: Hashable, Sendable {
    case line, scatter
  }

  public var name: String
  public var points: [(x: Double, y: Double)]
  public var color: Color?
  public var kind: Kind

  public init(
    _ name: String, points: [(x: Double, y: Double)], color: Color? = nil, kind: Kind = .line
  ) {
    self.name = name
    self.points = points
    self.color = color
    self.kind = kind
  }
}
