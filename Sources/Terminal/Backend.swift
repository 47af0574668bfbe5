/// What a `Terminal` needs from a real or fake screen.
///
/// Backends are used from one thread (the UI loop); methods are `mutating` so value-type
/// fakes work. Backends receive only changed cells and must not draw continuation cells.
public protocol Backend {
  /// The current screen size in cells.
  func size() -> (width: Int, height: Int)
  /// Writes the given cells (not yet necessarily visible).
  mutating func draw(_ changes: [CellChange])
  /// Makes everything drawn visible.
  mutating func flush()
  /// Blanks the whole screen with default colours.
  mutating func clear()
  mutating func hideCursor()
  mutating func showCursor()
  /// Moves the (visible) cursor.
  mutating func setCursor(x: Int, y: Int)
  /// Waits up to `timeout` for input (nil: block; zero: poll), nil when none arrived.
  mutating func pollEvent(timeout: Duration?) -> Event?
}
