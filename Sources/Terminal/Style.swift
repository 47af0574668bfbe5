/// Foreground, background and attributes, where nil colours mean "leave as is" when patching.
///
/// As in ratatui, a style is a patch: `base.patch(overlay)` takes the overlay's colours where
/// set, adds `overlay.modifiers` and removes `overlay.removedModifiers`.
public struct Style: Hashable, Sendable {
  /// Foreground colour; nil keeps the colour underneath (and means default on a blank cell).
  public var fg: Color?
  /// Background colour; nil keeps the colour underneath.
  public var bg: Color?
  /// Attributes this style turns on.
  public var modifiers: Modifier
  /// Attributes this style turns off when patched onto another style.
  public var removedModifiers: Modifier

  public init(
    fg: Color? = nil, bg: Color? = nil, modifiers: Modifier = [],
    removedModifiers: Modifier = []
  ) {
    self.fg = fg
    self.bg = bg
    self.modifiers = modifiers
    self.removedModifiers = removedModifiers
  }

  /// The empty style (changes nothing when patched).
  public static let plain = Style()

  public var isBold: Bool { modifiers.contains(.bold) }
  public var isDim: Bool { modifiers.contains(.dim) }
  public var isItalic: Bool { modifiers.contains(.italic) }
  public var isUnderlined: Bool { modifiers.contains(.underline) }
  public var isReversed: Bool { modifiers.contains(.reverse) }

  /// This style with `other` laid over it.
  public func patch(_ other: Style) -> Style {
    var s = self
    if let fg = other.fg { s.fg = fg }
    if let bg = other.bg { s.bg = bg }
    s.modifiers = s.modifiers.union(other.modifiers).subtracting(other.removedModifiers)
    s.removedModifiers = s.removedModifiers.subtracting(other.modifiers)
      .union(other.removedModifiers)
    return s
  }

  /// A copy with another foreground.
  public func foreground(_ c: Color?) -> Style {
    var s = self
    s.fg = c
    return s
  }

  /// A copy with another background.
  public func background(_ c: Color?) -> Style {
    var s = self
    s.bg = c
    return s
  }

  /// A copy with `m` turned on.
  public func adding(_ m: Modifier) -> Style {
    var s = self
    s.modifiers.formUnion(m)
    s.removedModifiers.subtract(m)
    return s
  }

  /// A copy with `m` turned off.
  public func removing(_ m: Modifier) -> Style {
    var s = self
    s.modifiers.subtract(m)
    s.removedModifiers.formUnion(m)
    return s
  }

  public static func fg(_ c: Color) -> Style { Style(fg: c) }
  public static func bg(_ c: Color) -> Style { Style(bg: c) }
  public static let bold = Style(modifiers: .bold)
  public static let dim = Style(modifiers: .dim)
  public static let italic = Style(modifiers: .italic)
  public static let underline = Style(modifiers: .underline)
  public static let reverse = Style(modifiers: .reverse)
}
