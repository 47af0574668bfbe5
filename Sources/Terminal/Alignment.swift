/// Horizontal placement of a line inside its area.
public enum Alignment: Hashable, Sendable {
  case left, center, right

  /// The x offset of something `width` wide inside `available` columns.
  public func offset(width: Int, available: Int) -> Int {
    let free = max(0, available - width)
    switch self {
    case .left: return 0
    case .center: return free / 2
    case .right: return free
    }
  }
}
