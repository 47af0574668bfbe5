/// A grid of cells covering `area`: what widgets draw into and what the backend shows.
///
/// Modelled on ratatui's `Buffer`: writes are clipped to the area, wide graphemes take two
/// cells (the second a continuation), and `diff(from:)` yields only the cells that changed.
public struct Buffer: Hashable, Sendable {
  /// The screen region this buffer covers.
  public private(set) var area: Rect
  /// Cells in row-major order, `area.width * area.height` of them.
  public private(set) var cells: [Cell]

  /// A buffer of blank cells.
  public init(area: Rect, filledWith cell: Cell = .blank) {
    self.area = area
    self.cells = Array(repeating: cell, count: area.area)
  }

  /// A buffer at the origin holding the given lines (handy in tests).
  public init(lines: [String]) {
    let w = lines.map { TextWidth.of($0) }.max() ?? 0
    self.init(area: Rect(width: w, height: lines.count))
    for (y, l) in lines.enumerated() { setString(x: 0, y: y, l) }
  }

  func index(_ x: Int, _ y: Int) -> Int { (y - area.y) * area.width + (x - area.x) }

  /// The cell at (x, y); a blank cell outside the area.
  public func cell(x: Int, y: Int) -> Cell {
    area.contains(x: x, y: y) ? cells[index(x, y)] : .blank
  }

  /// The cell at (x, y); writes outside the area are ignored.
  public subscript(x: Int, y: Int) -> Cell {
    get { cell(x: x, y: y) }
    set { set(x: x, y: y, newValue) }
  }

  /// Writes one cell, keeping wide graphemes whole: a half-overwritten wide grapheme turns
  /// into a blank, and a wide grapheme that does not fit at the right edge becomes a blank.
  public mutating func set(x: Int, y: Int, _ cell: Cell) {
    guard area.contains(x: x, y: y) else { return }
    let i = index(x, y)
    breakWide(at: i, x: x)
    if cell.isContinuation {
      cells[i] = cell
      return
    }
    if cell.width >= 2 {
      guard x + 1 < area.right else {
        cells[i] = Cell(" ", style: cell.style)
        return
      }
      breakWide(at: i + 1, x: x + 1)
      cells[i] = cell
      cells[i + 1] = Cell("", style: cell.style)
    } else {
      cells[i] = cell
    }
  }

  /// Before overwriting cell `i`, blanks the other half of a wide grapheme it belongs to.
  private mutating func breakWide(at i: Int, x: Int) {
    if cells[i].isContinuation, x > area.x, cells[i - 1].width >= 2 {
      cells[i - 1].symbol = " "
    }
    if cells[i].width >= 2, x + 1 < area.right, cells[i + 1].isContinuation {
      cells[i + 1].symbol = " "
    }
    if cells[i].isContinuation { cells[i].symbol = " " }
  }

  /// Writes `string` from (x, y) in `style`, clipped to the area and to `maxWidth` columns.
  /// Control characters are skipped; a wide grapheme that would cross the limit stops the
  /// write. Returns the column after the last grapheme written.
  @discardableResult
  public mutating func setString(
    x: Int, y: Int, _ string: String, style: Style = Style(), maxWidth: Int = Int.max
  ) -> Int {
    guard y >= area.y, y < area.bottom else { return x }
    let limit = min(area.right, Buffer.end(x, maxWidth))
    var cx = x
    for ch in string {
      let w = TextWidth.of(ch)
      if w == 0 { continue }
      if cx + w > limit { break }
      if cx >= area.x {
        let base = cell(x: cx, y: y).style
        set(x: cx, y: y, Cell(String(ch), style: base.patch(style)))
      }
      cx += w
    }
    return cx
  }

  /// Writes a styled line (its spans patched over `style`); returns the column after it.
  @discardableResult
  public mutating func setLine(
    x: Int, y: Int, _ line: Line, maxWidth: Int = Int.max, style: Style = Style()
  ) -> Int {
    var cx = x
    let end = Buffer.end(x, maxWidth)
    for span in line.spans {
      guard cx < end else { break }
      cx = setString(
        x: cx, y: y, span.content, style: style.patch(line.style).patch(span.style),
        maxWidth: end == Int.max ? Int.max : end - cx)
    }
    return cx
  }

  /// `x + maxWidth`, saturating instead of overflowing.
  static func end(_ x: Int, _ maxWidth: Int) -> Int {
    let (sum, overflow) = x.addingReportingOverflow(max(0, maxWidth))
    return overflow ? Int.max : sum
  }

  /// Patches `style` onto every cell of `rect` (clipped), keeping the symbols.
  public mutating func setStyle(_ rect: Rect, _ style: Style) {
    let r = rect.intersection(area)
    for y in r.top..<r.bottom {
      for x in r.left..<r.right {
        let i = index(x, y)
        cells[i].style = cells[i].style.patch(style)
      }
    }
  }

  /// Fills `rect` (clipped) with `cell`.
  public mutating func fill(_ rect: Rect, with cell: Cell) {
    let r = rect.intersection(area)
    for y in r.top..<r.bottom {
      for x in r.left..<r.right { set(x: x, y: y, cell) }
    }
  }

  /// Resets every cell to blank.
  public mutating func reset() {
    for i in cells.indices { cells[i] = .blank }
  }

  /// Changes the area; the content is cleared.
  public mutating func resize(_ newArea: Rect) {
    area = newArea
    cells = Array(repeating: .blank, count: newArea.area)
  }

  /// The cells of `self` that differ from `previous`, left to right, top to bottom.
  ///
  /// Continuation cells are never listed. When a wide grapheme is replaced, the cell after
  /// it is listed too, since the terminal blanked it. Buffers of different areas give every
  /// cell of `self`.
  public func diff(from previous: Buffer) -> [CellChange] {
    var changes: [CellChange] = []
    let full = previous.area != area
    var invalidated = 0
    var toSkip = 0
    for i in cells.indices {
      let current = cells[i]
      let x = area.x + i % max(1, area.width)
      let y = area.y + i / max(1, area.width)
      if x == area.x {
        invalidated = 0
        toSkip = 0
      }
      let prev = full ? Cell.continuation : previous.cells[i]
      if !current.isContinuation, toSkip == 0, full || current != prev || invalidated > 0 {
        changes.append(CellChange(x: x, y: y, cell: current))
      }
      toSkip = max(0, current.width - 1)
      let affected = max(current.width, prev.width)
      invalidated = max(affected, invalidated) - 1
      if invalidated < 0 { invalidated = 0 }
    }
    return changes
  }

  /// Each row as text (continuation cells omitted), exactly `area.width` columns wide.
  public func lines() -> [String] {
    (0..<area.height).map { row in
      var s = ""
      for col in 0..<area.width {
        let c = cells[row * area.width + col]
        s += c.symbol
      }
      return s
    }
  }
}
