import Foundation
import Terminal

/// Renders a screen buffer (the very cells the terminal gets) as an SVG picture: one text run
/// per stretch of same-styled cells on a fixed character grid, colours as a default xterm shows
/// them, bold/dim/italic/underline/reverse kept. Used for the README's dashboard picture.
public enum ScreenSVG {
  /// The terminal's own colours (for cells that use the default).
  public struct Palette: Sendable {
    public var background: String
    public var foreground: String
    public init(background: String = "#1c1c1c", foreground: String = "#d0d0d0") {
      self.background = background
      self.foreground = foreground
    }
  }

  /// Cell size in SVG units (a 14 px monospace font).
  static let cellWidth = 8.4
  static let cellHeight = 17.0
  static let fontSize = 14.0

  public static func render(_ buf: Buffer, palette: Palette = Palette()) -> String {
    let a = buf.area
    let w = Double(a.width) * cellWidth
    let h = Double(a.height) * cellHeight
    var out = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(fmt(w))" height="\(fmt(h))" viewBox="0 0 \(fmt(w)) \(fmt(h))" \
      font-family="'DejaVu Sans Mono', 'Menlo', 'Consolas', monospace" font-size="\(fmt(fontSize))">
      <rect width="100%" height="100%" fill="\(palette.background)"/>

      """
    var texts = ""
    for y in 0..<a.height {
      var x = 0
      while x < a.width {
        let first = buf.cell(x: a.x + x, y: a.y + y)
        // A run: cells of one style (continuations of wide characters ride along).
        var end = x + 1
        while end < a.width, buf.cell(x: a.x + end, y: a.y + y).style == first.style { end += 1 }
        let (fg, bg) = colors(first.style, palette)
        let px = Double(x) * cellWidth
        let py = Double(y) * cellHeight
        if bg != palette.background {
          out += "<rect x=\"\(fmt(px))\" y=\"\(fmt(py))\" width=\"\(fmt(Double(end - x) * cellWidth))\" height=\"\(fmt(cellHeight))\" fill=\"\(bg)\"/>\n"
        }
        // Text per word at its cells (whitespace collapses in SVG viewers), braille as dots.
        var cx = x
        while cx < end {
          let sym = buf.cell(x: a.x + cx, y: a.y + y).symbol
          if sym.isEmpty || sym == " " {
            cx += 1
            continue
          }
          if let dots = brailleDots(sym) {
            for (dx, dy) in dots {
              let cxp = Double(cx) * cellWidth + (Double(dx) + 0.5) * cellWidth / 2
              let cyp = py + (Double(dy) + 0.5) * cellHeight / 4
              texts += "<circle cx=\"\(fmt(cxp))\" cy=\"\(fmt(cyp))\" r=\"1.2\" fill=\"\(fg)\"/>\n"
            }
            cx += 1
            continue
          }
          var wordEnd = cx
          var word = ""
          while wordEnd < end {
            let s = buf.cell(x: a.x + wordEnd, y: a.y + y).symbol
            if s == " " || brailleDots(s) != nil { break }
            word += s
            wordEnd += 1
          }
          var attrs = "x=\"\(fmt(Double(cx) * cellWidth))\" y=\"\(fmt(py + cellHeight * 0.78))\" fill=\"\(fg)\""
          attrs += " textLength=\"\(fmt(Double(wordEnd - cx) * cellWidth))\" lengthAdjust=\"spacingAndGlyphs\""
          let m = first.style.modifiers
          if m.contains(.bold) { attrs += " font-weight=\"bold\"" }
          if m.contains(.italic) { attrs += " font-style=\"italic\"" }
          if m.contains(.underline) { attrs += " text-decoration=\"underline\"" }
          if m.contains(.dim) { attrs += " fill-opacity=\"0.6\"" }
          texts += "<text \(attrs)>\(escape(word))</text>\n"
          cx = wordEnd
        }
        x = end
      }
    }
    out += "<g xml:space=\"preserve\">\n" + texts + "</g>\n</svg>\n"
    return out
  }

  /// Foreground and background of a style as hex, reverse applied.
  static func colors(_ style: Style, _ palette: Palette) -> (String, String) {
    func hex(_ c: Color?, _ fallback: String) -> String {
      guard let c, c.rgbComponents != nil else { return fallback }
      return c.hexString
    }
    let fg = hex(style.fg, palette.foreground)
    let bg = hex(style.bg, palette.background)
    return style.modifiers.contains(.reverse) ? (bg, fg) : (fg, bg)
  }

  /// The raised dots of a braille cell (U+2800–U+28FF) as (column 0–1, row 0–3); nil otherwise.
  static func brailleDots(_ symbol: String) -> [(Int, Int)]? {
    guard symbol.unicodeScalars.count == 1, let v = symbol.unicodeScalars.first?.value, (0x2800...0x28FF).contains(v)
    else { return nil }
    let bits = Int(v - 0x2800)
    let positions = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (0, 3), (1, 3)]
    return positions.enumerated().filter { bits & (1 << $0.offset) != 0 }.map(\.element)
  }

  static func escape(_ s: String) -> String {
    var out = ""
    for ch in s {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(ch)
      }
    }
    return out
  }

  static func fmt(_ v: Double) -> String {
    v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v)
  }
}
