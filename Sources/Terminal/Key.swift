/// A key press, decoded by the backend.
public enum Key: Hashable, Sendable, CustomStringConvertible {
  /// A printable character (also space).
  case char(Character)
  /// Ctrl plus a letter or one of `@[\]^_`, lower-cased: Ctrl-C is `.ctrl("c")`.
  case ctrl(Character)
  /// Alt (Meta) plus a character, sent by terminals as Esc followed by the character.
  case alt(Character)
  case up, down, left, right
  case pageUp, pageDown, home, end
  case insert, delete
  /// F1–F12 (`.function(1)` … `.function(12)`).
  case function(Int)
  case escape, enter, tab, backTab, backspace

  /// Short name as shown in footers and help: `q`, `C-c`, `M-x`, `F1`, `PgUp`, `Space`.
  public var description: String {
    switch self {
    case .char(" "): "Space"
    case .char(let c): String(c)
    case .ctrl(let c): "C-\(c)"
    case .alt(let c): "M-\(c)"
    case .up: "Up"
    case .down: "Down"
    case .left: "Left"
    case .right: "Right"
    case .pageUp: "PgUp"
    case .pageDown: "PgDn"
    case .home: "Home"
    case .end: "End"
    case .insert: "Ins"
    case .delete: "Del"
    case .function(let n): "F\(n)"
    case .escape: "Esc"
    case .enter: "Enter"
    case .tab: "Tab"
    case .backTab: "S-Tab"
    case .backspace: "Bksp"
    }
  }

  /// Parses the names `description` produces (and single characters); nil when unknown.
  public init?(name: String) {
    let named: [String: Key] = [
      "Space": .char(" "), "Up": .up, "Down": .down, "Left": .left, "Right": .right,
      "PgUp": .pageUp, "PgDn": .pageDown, "Home": .home, "End": .end, "Ins": .insert,
      "Del": .delete, "Esc": .escape, "Enter": .enter, "Tab": .tab, "S-Tab": .backTab,
      "Bksp": .backspace,
    ]
    if let k = named[name] {
      self = k
      return
    }
    if name.count == 1, let c = name.first {
      self = .char(c)
      return
    }
    if name.count == 3, let c = name.last {
      if name.hasPrefix("C-") {
        self = .ctrl(c)
        return
      }
      if name.hasPrefix("M-") {
        self = .alt(c)
        return
      }
    }
    if name.hasPrefix("F"), let n = Int(name.dropFirst()), (1...12).contains(n) {
      self = .function(n)
      return
    }
    return nil
  }

  /// Decodes a raw byte/code point from a terminal in raw mode (no escape sequences):
  /// 9 Tab, 10/13 Enter, 8/127 Backspace, 27 Esc, 0 C-Space, 1–26 Ctrl-letters,
  /// 28–31 `C-\ C-] C-^ C-_`, anything else printable as `.char`; nil for other controls.
  public static func fromCodePoint(_ v: UInt32) -> Key? {
    switch v {
    case 9: return .tab
    case 10, 13: return .enter
    case 8, 127: return .backspace
    case 27: return .escape
    case 0: return .ctrl(" ")
    case 1...26:
      guard let s = Unicode.Scalar(v + 96) else { return nil }
      return .ctrl(Character(s))
    case 28...31:
      guard let s = Unicode.Scalar(v + 64) else { return nil }
      return .ctrl(Character(s))
    case 0x80..<0xA0: return nil
    default:
      guard let s = Unicode.Scalar(v) else { return nil }
      return .char(Character(s))
    }
  }
}
