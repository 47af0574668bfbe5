/// Draws frames on a backend, sending only the cells that changed since the last frame.
///
/// As ratatui's `Terminal`: each `draw` builds a fresh buffer, diffs it against the previous
/// one and hands the changes to the backend. A size change (seen in `draw` or as a resize
/// event from `pollEvent`) clears the screen and forces a full redraw.
public struct Terminal<B: Backend> {
  public var backend: B
  /// The last frame sent to the backend.
  public private(set) var previous: Buffer
  private var fullRedraw = true
  private var cursorHidden = false

  public init(backend: B) {
    self.backend = backend
    let s = backend.size()
    previous = Buffer(area: Rect(width: s.width, height: s.height))
  }

  /// The current screen area.
  public var area: Rect { previous.area }

  /// Forces the next `draw` to clear the screen and repaint every cell.
  public mutating func invalidate() { fullRedraw = true }

  /// Builds a frame with `body`, then writes the changed cells and flushes.
  /// Returns the buffer that is now on screen.
  @discardableResult
  public mutating func draw(_ body: (inout Frame) throws -> Void) rethrows -> Buffer {
    let s = backend.size()
    let area = Rect(width: s.width, height: s.height)
    if area != previous.area {
      previous = Buffer(area: area)
      fullRedraw = true
    }
    var frame = Frame(buffer: Buffer(area: area))
    try body(&frame)
    if fullRedraw {
      backend.clear()
      previous = Buffer(area: area)
      fullRedraw = false
    }
    let changes = frame.buffer.diff(from: previous)
    if !changes.isEmpty { backend.draw(changes) }
    if let c = frame.cursor {
      backend.setCursor(x: c.x, y: c.y)
      backend.showCursor()
      cursorHidden = false
    } else if !cursorHidden {
      backend.hideCursor()
      cursorHidden = true
    }
    backend.flush()
    previous = frame.buffer
    return frame.buffer
  }

  /// Waits for input; a resize event forces a full redraw on the next `draw`.
  public mutating func pollEvent(timeout: Duration?) -> Event? {
    let e = backend.pollEvent(timeout: timeout)
    if case .resize = e { fullRedraw = true }
    return e
  }
}
