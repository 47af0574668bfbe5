/// Which sides of a `Block` have a border.
public struct Borders: OptionSet, Hashable, Sendable {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  public static let top = Borders(rawValue: 1)
  public static let right = Borders(rawValue: 2)
  public static let bottom = Borders(rawValue: 4)
  public static let left = Borders(rawValue: 8)
  public static let all: Borders = [.top, .right, .bottom, .left]
  public static let none: Borders = []
}

/// The box-drawing character set of a border.
public enum BorderType: Hashable, Sendable {
  /// ┌─┐│└┘
  case plain
  /// ╭─╮│╰╯
  case rounded
  /// ╔═╗║╚╝
  case double
  /// ┏━┓┃┗┛
  case thick

  /// (horizontal, vertical, top-left, top-right, bottom-left, bottom-right)
  public var symbols: (h: String, v: String, tl: String, tr: String, bl: String, br: String) {
    switch self {
    case .plain: ("─", "│", "┌", "┐", "└", "┘")
    case .rounded: ("─", "│", "╭", "╮", "╰", "╯")
    case .double: ("═", "║", "╔", "╗", "╚", "╝")
    case .thick: ("━", "┃", "┏", "┓", "┗", "┛")
    }
  }
}
