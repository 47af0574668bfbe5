/// An input event: a key press or a terminal resize.
public enum Event: Hashable, Sendable {
  case key(Key)
  /// The terminal is now `width` × `height` cells.
  case resize(width: Int, height: Int)
}
