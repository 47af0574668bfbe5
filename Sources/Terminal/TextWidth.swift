/// Display width of text in terminal columns (East Asian wide and emoji take 2, marks 0).
///
/// A small table in the spirit of `wcwidth` (Markus Kuhn) and the unicode-width crate that
/// ratatui uses: combining marks, ZWJ and variation selectors are 0; East Asian Wide/Fullwidth
/// blocks and emoji-presentation characters are 2; everything else, including braille
/// (U+2800) and box drawing (U+2500), is 1. Control characters are 0 and are not drawn.
public enum TextWidth {
  /// Width of one scalar: 0, 1 or 2.
  public static func of(_ s: Unicode.Scalar) -> Int {
    let v = s.value
    if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
    if v < 0x300 { return 1 }
    // Box drawing, block elements and braille are 1 wide and very common in frames: skip the
    // Unicode property lookups for them.
    if (0x2500...0x259F).contains(v) || (0x2800...0x28FF).contains(v) { return 1 }
    if v == 0x200B || v == 0x200C || v == 0x200D || v == 0x2060 || v == 0xFEFF { return 0 }
    if (0xFE00...0xFE0F).contains(v) || (0xE0100...0xE01EF).contains(v) { return 0 }
    if (0x1F3FB...0x1F3FF).contains(v) { return 0 }  // skin-tone modifiers join the emoji
    switch s.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if isWide(v) || s.properties.isEmojiPresentation { return 2 }
    return 1
  }

  /// Width of one grapheme cluster: the width of its first visible scalar, or 2 when an
  /// emoji variation selector (U+FE0F) asks for emoji presentation.
  public static func of(_ c: Character) -> Int {
    var w = 0
    for s in c.unicodeScalars {
      if s.value == 0xFE0F, w == 1 { return 2 }
      if w == 0 { w = of(s) }
    }
    return w
  }

  /// Width of a string, summed over grapheme clusters.
  public static func of(_ s: String) -> Int {
    // Fast path for the common one-byte cell symbol (ASCII).
    let u = s.utf8
    if u.count == 1, let b = u.first { return b < 0x20 || b == 0x7F ? 0 : 1 }
    return s.reduce(0) { $0 + of($1) }
  }

  /// The longest prefix of `s` that fits in `width` columns, and its width.
  public static func prefix(_ s: String, fitting width: Int) -> (String, Int) {
    var out = ""
    var used = 0
    for c in s {
      let w = of(c)
      if used + w > width { break }
      out.append(c)
      used += w
    }
    return (out, used)
  }

  static func isWide(_ v: UInt32) -> Bool {
    switch v {
    case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
      0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1,
      0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA,
      0x26F2...0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C,
      0x274E, 0x2753...0x2755, 0x2757, 0x2795...0x2797, 0x27B0, 0x27BF, 0x2B1B...0x2B1C,
      0x2B50, 0x2B55, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
      0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19,
      0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4,
      0x17000...0x18AFF, 0x1B000...0x1B2FF, 0x1F004, 0x1F0CF, 0x1F18E, 0x1F191...0x1F19A,
      0x1F200...0x1F251, 0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F7E0...0x1F7EB,
      0x1F900...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
      return true
    default:
      return false
    }
  }

  /// `s` in at most `width` columns: whole when it fits, else its start and its end around
  /// `…` (`weight…ers_7`), so names that differ only at the end stay apart.
  public static func elidedMiddle(_ s: String, width: Int) -> String {
    guard of(s) > width else { return s }
    guard width > 1 else { return width == 1 ? "…" : "" }
    let tail = (width - 1) / 2
    let head = width - 1 - tail
    let (h, _) = prefix(s, fitting: head)
    var t = ""
    var used = 0
    for c in s.reversed() {
      let w = of(c)
      if used + w > tail { break }
      t = String(c) + t
      used += w
    }
    return h + "…" + t
  }
}
