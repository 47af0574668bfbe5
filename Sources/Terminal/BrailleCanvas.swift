/// A dot grid of 2×4 dots per cell drawn with braille characters (U+2800–U+28FF).
///
/// Dot (0, 0) is the top-left dot of the top-left cell; y grows downwards. Lines use
/// Bresenham's algorithm (J. E. Bresenham, "Algorithm for computer control of a digital
/// plotter", IBM Systems Journal 4(1), 1965). Each cell keeps the colour of the last dot set
/// in it. Empty cells are left untouched when rendering, so labels or grid lines drawn
/// underneath stay visible.
public struct BrailleCanvas: Widget, Hashable, Sendable {
  /// Size in cells.
  public let width: Int
  public let height: Int
  /// Braille dot bits per cell, row-major.
  public private(set) var bits: [UInt8]
  /// Colour per cell (of the last dot set there).
  public private(set) var colors: [Color?]

  public init(width: Int, height: Int) {
    self.width = max(0, width)
    self.height = max(0, height)
    bits = Array(repeating: 0, count: self.width * self.height)
    colors = Array(repeating: nil, count: self.width * self.height)
  }

  /// Size in dots.
  public var dotWidth: Int { width * 2 }
  public var dotHeight: Int { height * 4 }

  /// Bit of dot (col 0–1, row 0–3) inside a braille cell, per the Unicode braille layout.
  static let dotBits: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]

  /// Sets one dot; dots outside the grid are ignored.
  public mutating func set(x: Int, y: Int, color: Color? = nil) {
    guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
    let i = (y / 4) * width + x / 2
    bits[i] |= BrailleCanvas.dotBits[y % 4][x % 2]
    if let color { colors[i] = color }
  }

  /// Whether dot (x, y) is set.
  public func isSet(x: Int, y: Int) -> Bool {
    guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return false }
    return bits[(y / 4) * width + x / 2] & BrailleCanvas.dotBits[y % 4][x % 2] != 0
  }

  /// Draws a Bresenham line between two dots (both ends included), clipped to the grid.
  public mutating func line(x0: Int, y0: Int, x1: Int, y1: Int, color: Color? = nil) {
    // Clip in floating point first so far-away endpoints do not make long loops.
    guard
      let (a, b) = BrailleCanvas.clip(
        (Double(x0), Double(y0)), (Double(x1), Double(y1)),
        maxX: Double(dotWidth - 1), maxY: Double(dotHeight - 1))
    else { return }
    var x = Int(a.0.rounded())
    var y = Int(a.1.rounded())
    let ex = Int(b.0.rounded())
    let ey = Int(b.1.rounded())
    let dx = abs(ex - x)
    let dy = -abs(ey - y)
    let sx = x < ex ? 1 : -1
    let sy = y < ey ? 1 : -1
    var err = dx + dy
    while true {
      set(x: x, y: y, color: color)
      if x == ex && y == ey { break }
      let e2 = 2 * err
      if e2 >= dy {
        err += dy
        x += sx
      }
      if e2 <= dx {
        err += dx
        y += sy
      }
    }
  }

  /// Liang–Barsky clipping of a segment to [0, maxX] × [0, maxY]; nil when fully outside.
  static func clip(
    _ p: (Double, Double), _ q: (Double, Double), maxX: Double, maxY: Double
  ) -> ((Double, Double), (Double, Double))? {
    guard maxX >= 0, maxY >= 0, p.0.isFinite, p.1.isFinite, q.0.isFinite, q.1.isFinite
    else { return nil }
    let dx = q.0 - p.0
    let dy = q.1 - p.1
    var t0 = 0.0
    var t1 = 1.0
    for (pk, qk) in [(-dx, p.0), (dx, maxX - p.0), (-dy, p.1), (dy, maxY - p.1)] {
      if pk == 0 {
        if qk < 0 { return nil }
      } else {
        let r = qk / pk
        if pk < 0 {
          if r > t1 { return nil }
          t0 = Swift.max(t0, r)
        } else {
          if r < t0 { return nil }
          t1 = Swift.min(t1, r)
        }
      }
    }
    return ((p.0 + t0 * dx, p.1 + t0 * dy), (p.0 + t1 * dx, p.1 + t1 * dy))
  }

  /// The dot for a data point, with y pointing up; nil for non-finite input or bounds.
  public func dot(
    x: Double, y: Double, xBounds: ClosedRange<Double>, yBounds: ClosedRange<Double>
  ) -> (Double, Double)? {
    let xs = xBounds.upperBound - xBounds.lowerBound
    let ys = yBounds.upperBound - yBounds.lowerBound
    guard x.isFinite, y.isFinite, xs > 0, ys > 0, xs.isFinite, ys.isFinite else { return nil }
    let px = (x - xBounds.lowerBound) / xs * Double(Swift.max(0, dotWidth - 1))
    let py = (yBounds.upperBound - y) / ys * Double(Swift.max(0, dotHeight - 1))
    return (px, py)
  }

  /// Sets the dot of a data point (y up); points outside the bounds are dropped.
  public mutating func point(
    x: Double, y: Double, xBounds: ClosedRange<Double>, yBounds: ClosedRange<Double>,
    color: Color? = nil
  ) {
    guard let (px, py) = dot(x: x, y: y, xBounds: xBounds, yBounds: yBounds) else { return }
    guard px > -0.5, py > -0.5, px < Double(dotWidth) - 0.5, py < Double(dotHeight) - 0.5
    else { return }
    set(x: Int(px.rounded()), y: Int(py.rounded()), color: color)
  }

  /// Draws a line between two data points (y up), clipped to the canvas.
  public mutating func line(
    from a: (x: Double, y: Double), to b: (x: Double, y: Double),
    xBounds: ClosedRange<Double>, yBounds: ClosedRange<Double>, color: Color? = nil
  ) {
    guard let p = dot(x: a.x, y: a.y, xBounds: xBounds, yBounds: yBounds),
      let q = dot(x: b.x, y: b.y, xBounds: xBounds, yBounds: yBounds),
      let (c, d) = BrailleCanvas.clip(
        p, q, maxX: Double(dotWidth - 1), maxY: Double(dotHeight - 1))
    else { return }
    line(
      x0: Int(c.0.rounded()), y0: Int(c.1.rounded()), x1: Int(d.0.rounded()),
      y1: Int(d.1.rounded()), color: color)
  }

  /// The braille character of cell (cx, cy), or nil when it has no dots.
  public func character(cx: Int, cy: Int) -> String? {
    guard cx >= 0, cy >= 0, cx < width, cy < height else { return nil }
    let b = bits[cy * width + cx]
    guard b != 0, let s = Unicode.Scalar(0x2800 + UInt32(b)) else { return nil }
    return String(Character(s))
  }

  /// Draws the non-empty cells into `area` from its top-left corner (clipped).
  public func render(area: Rect, buffer: inout Buffer) {
    let a = area.intersection(buffer.area)
    guard !a.isEmpty else { return }
    for cy in 0..<Swift.min(height, area.height) {
      for cx in 0..<Swift.min(width, area.width) {
        guard let ch = character(cx: cx, cy: cy) else { continue }
        let x = area.x + cx
        let y = area.y + cy
        guard a.contains(x: x, y: y) else { continue }
        var st = buffer.cell(x: x, y: y).style
        if let c = colors[cy * width + cx] { st.fg = c }
        buffer.set(x: x, y: y, Cell(ch, style: st))
      }
    }
  }
}
