/// A rectangle of cells: origin (x, y) at the top left, width and height never negative.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
  public var x: Int
  public var y: Int
  public var width: Int
  public var height: Int

  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = max(0, width)
    self.height = max(0, height)
  }

  /// A rectangle at the origin.
  public init(width: Int, height: Int) {
    self.init(x: 0, y: 0, width: width, height: height)
  }

  public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

  public var description: String { "Rect(x: \(x), y: \(y), w: \(width), h: \(height))" }
  public var area: Int { width * height }
  public var isEmpty: Bool { width == 0 || height == 0 }
  public var left: Int { x }
  /// One past the last column.
  public var right: Int { x + width }
  public var top: Int { y }
  /// One past the last row.
  public var bottom: Int { y + height }

  public func contains(x px: Int, y py: Int) -> Bool {
    px >= x && px < right && py >= y && py < bottom
  }

  /// The rectangle shrunk by `margin` on every side (empty when too small).
  public func inner(_ margin: Int) -> Rect {
    inset(top: margin, left: margin, bottom: margin, right: margin)
  }

  /// The rectangle shrunk by `horizontal` columns left and right, `vertical` rows top and bottom.
  public func inner(horizontal: Int, vertical: Int) -> Rect {
    inset(top: vertical, left: horizontal, bottom: vertical, right: horizontal)
  }

  /// The rectangle shrunk on each side; it never inverts (width/height stop at 0).
  public func inset(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) -> Rect {
    let w = max(0, width - left - right)
    let h = max(0, height - top - bottom)
    return Rect(x: x + min(left, width), y: y + min(top, height), width: w, height: h)
  }

  /// The common part of two rectangles (zero-sized when they do not overlap).
  public func intersection(_ o: Rect) -> Rect {
    let x0 = max(x, o.x)
    let y0 = max(y, o.y)
    let x1 = min(right, o.right)
    let y1 = min(bottom, o.bottom)
    return Rect(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0))
  }

  /// The smallest rectangle holding both.
  public func union(_ o: Rect) -> Rect {
    let x0 = min(x, o.x)
    let y0 = min(y, o.y)
    return Rect(x: x0, y: y0, width: max(right, o.right) - x0, height: max(bottom, o.bottom) - y0)
  }

  public func intersects(_ o: Rect) -> Bool { !intersection(o).isEmpty }

  /// Splits off the first `n` rows: (top part, rest).
  public func splitTop(_ n: Int) -> (Rect, Rect) {
    let k = min(max(0, n), height)
    return (
      Rect(x: x, y: y, width: width, height: k),
      Rect(x: x, y: y + k, width: width, height: height - k)
    )
  }

  /// Splits off the last `n` rows: (rest, bottom part).
  public func splitBottom(_ n: Int) -> (Rect, Rect) {
    let k = min(max(0, n), height)
    return (
      Rect(x: x, y: y, width: width, height: height - k),
      Rect(x: x, y: bottom - k, width: width, height: k)
    )
  }

  /// Splits off the first `n` columns: (left part, rest).
  public func splitLeft(_ n: Int) -> (Rect, Rect) {
    let k = min(max(0, n), width)
    return (
      Rect(x: x, y: y, width: k, height: height),
      Rect(x: x + k, y: y, width: width - k, height: height)
    )
  }

  /// Splits off the last `n` columns: (rest, right part).
  public func splitRight(_ n: Int) -> (Rect, Rect) {
    let k = min(max(0, n), width)
    return (
      Rect(x: x, y: y, width: width - k, height: height),
      Rect(x: right - k, y: y, width: k, height: height)
    )
  }

  /// Each row as a one-row rectangle.
  public var rows: [Rect] { (0..<height).map { Rect(x: x, y: y + $0, width: width, height: 1) } }

  /// Each column as a one-column rectangle.
  public var columns: [Rect] {
    (0..<width).map { Rect(x: x + $0, y: y, width: 1, height: height) }
  }

  /// A `w`×`h` rectangle centred in this one (clipped to it).
  public func centered(width w: Int, height h: Int) -> Rect {
    let cw = min(max(0, w), width)
    let ch = min(max(0, h), height)
    return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
  }
}
