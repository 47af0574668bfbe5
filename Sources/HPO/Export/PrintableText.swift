/// The one sanitiser for text that hpotop prints for people (tables, `value` output, log and
/// error lines): control characters (C0, DEL, C1) and bidirectional overrides are shown as
/// escapes (`\x1b`, `\u202e`), so a study or param name cannot move the cursor, recolour the
/// terminal or reorder what is shown. Machine formats (JSON, YAML, CSV) keep names exact.
public enum PrintableText {
  /// `text` with every control or bidi-override scalar replaced by its escape.
  public static func escaped(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
    var out = ""
    out.reserveCapacity(text.utf8.count + 8)
    for s in text.unicodeScalars {
      guard isUnsafe(s) else { out.unicodeScalars.append(s); continue }
      let hex = String(s.value, radix: 16)
      out += s.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
    return out
  }

  /// Whether a scalar could act on a terminal rather than show as a character.
  static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
    let v = s.value
    if v < 0x20 || (v >= 0x7F && v < 0xA0) { return true }
    // Bidirectional embeddings, overrides and isolates (the "Trojan Source" characters).
    return (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F
  }
}
