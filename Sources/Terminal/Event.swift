/// An input event: a key press, a mouse action or a terminal resize.
public enum Event: Hashable, Sendable {
  case key(Key)
  /// The terminal is now `width` × `height` cells.
  case resize(width: Int, height: Int)
  case mouse(Mouse)
}

/// A mouse action at a cell (0-based column `x`, row `y`), decoded by the backend from the
/// terminal's mouse reports (xterm SGR 1006 or X10).
public struct Mouse: Hashable, Sendable, CustomStringConvertible {
  public enum Kind: Hashable, Sendable {
    /// A button went down: 1 left, 2 middle, 3 right.
    case press(button: Int)
    case release
    case wheelUp, wheelDown
  }

  public var kind: Kind
  public var x: Int
  public var y: Int

  public init(_ kind: Kind, x: Int, y: Int) {
    self.kind = kind
    self.x = x
    self.y = y
  }

  public var description: String {
    let what: String
    switch kind {
    case .press(let b): what = b == 1 ? "click" : "button \(b)"
    case .release: what = "release"
    case .wheelUp: what = "wheel up"
    case .wheelDown: what = "wheel down"
    }
    return "\(what) at \(x),\(y)"
  }
}
