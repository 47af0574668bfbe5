/// An in-memory backend for tests: a buffer you can read back as text and scripted events.
public struct TestBackend: Backend, Sendable {
  /// What is "on screen".
  public private(set) var buffer: Buffer
  public private(set) var cursorVisible = true
  public private(set) var cursor: (x: Int, y: Int) = (0, 0)
  /// The changes of each `draw` call since creation (for checking diff minimality).
  public private(set) var drawCalls: [[CellChange]] = []
  /// Number of `flush` and `clear` calls.
  public private(set) var flushCount = 0
  public private(set) var clearCount = 0
  /// Events `pollEvent` hands out, first in first out.
  public var pendingEvents: [Event] = []

  public init(width: Int, height: Int) {
    buffer = Buffer(area: Rect(width: width, height: height))
  }

  /// Queues events for `pollEvent`.
  public mutating func push(_ events: Event...) { pendingEvents += events }

  /// Queues key presses for `pollEvent`.
  public mutating func push(keys: [Key]) { pendingEvents += keys.map { .key($0) } }

  /// Changes the screen size (content is cleared) and queues a resize event.
  public mutating func resize(width: Int, height: Int) {
    buffer.resize(Rect(width: width, height: height))
    pendingEvents.append(.resize(width: width, height: height))
  }

  /// The screen as text, one string per row; `trimmed` drops trailing spaces.
  public func lines(trimmed: Bool = true) -> [String] {
    buffer.lines().map { trimmed ? String($0.reversed().drop(while: { $0 == " " }).reversed()) : $0 }
  }

  public func size() -> (width: Int, height: Int) { (buffer.area.width, buffer.area.height) }

  public mutating func draw(_ changes: [CellChange]) {
    drawCalls.append(changes)
    for c in changes { buffer.set(x: c.x, y: c.y, c.cell) }
  }

  public mutating func flush() { flushCount += 1 }

  public mutating func clear() {
    clearCount += 1
    buffer.reset()
  }

  public mutating func hideCursor() { cursorVisible = false }
  public mutating func showCursor() { cursorVisible = true }
  public mutating func setCursor(x: Int, y: Int) { cursor = (x, y) }

  public mutating func pollEvent(timeout: Duration?) -> Event? {
    pendingEvents.isEmpty ? nil : pendingEvents.removeFirst()
  }
}
