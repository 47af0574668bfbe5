import CNcursesw
import Terminal

extension NCursesBackend {
  /// The ncurses colour number for `color` in the current mode; -1 is the terminal default.
  func colorNumber(_ color: Color?, isForeground: Bool) -> Int32 {
    let fallback: Int32 = hasDefaultColors ? -1 : (isForeground ? 7 : 0)
    guard let color, color != .reset else { return fallback }
    switch colorMode {
    case .monochrome: return fallback
    case .basic8: return color.nearestANSI8.map { Int32($0) } ?? fallback
    case .indexed256: return color.nearestIndexed256.map { Int32($0) } ?? fallback
    }
  }

  /// The attribute bits and colour pair for `style`, allocating the pair on first use.
  func attributes(for style: Style) -> (attr_t, Int) {
    var a: attr_t = 0
    if style.isBold { a |= sh_a_bold() }
    if style.isDim { a |= sh_a_dim() }
    if style.isItalic { a |= sh_a_italic() }
    if style.isUnderlined { a |= sh_a_underline() }
    if style.isReversed { a |= sh_a_reverse() }
    guard colorMode != .monochrome else { return (a, 0) }
    let key = PairKey(
      fg: colorNumber(style.fg, isForeground: true), bg: colorNumber(style.bg, isForeground: false))
    if key.fg == -1 && key.bg == -1 { return (a, 0) }
    if let p = pairs[key] { return (a, p) }
    guard pairs.count < maxPairs else { return (a, 0) }  // out of pairs: default colours
    let p = pairs.count + 1
    guard init_extended_pair(Int32(p), key.fg, key.bg) == OK else { return (a, 0) }
    pairs[key] = p
    return (a, p)
  }
}
