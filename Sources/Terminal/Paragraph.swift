/// Styled lines of text, wrapped or truncated to the area, optionally in a `Block`.
public struct Paragraph: Widget, Sendable {
  /// What to do with lines longer than the area.
  public enum Wrap: Hashable, Sendable {
    /// Cut at the edge.
    case truncate
    /// Cut at the edge and end with `…`.
    case ellipsis
    /// Break at spaces (long words are split), dropping leading spaces of continuation lines.
    case word
    /// Break at any grapheme.
    case character
  }

  public var lines: [Line]
  public var block: Block?
  public var style: Style
  public var alignment: Alignment
  public var wrap: Wrap
  /// Rows skipped at the top (after wrapping).
  public var scroll: Int

  public init(
    _ lines: [Line], block: Block? = nil, style: Style = Style(), alignment: Alignment = .left,
    wrap: Wrap = .truncate, scroll: Int = 0
  ) {
    self.lines = lines
    self.block = block
    self.style = style
    self.alignment = alignment
    self.wrap = wrap
    self.scroll = scroll
  }

  /// A paragraph from plain text; "\n" separates lines.
  public init(
    _ text: String, block: Block? = nil, style: Style = Style(), alignment: Alignment = .left,
    wrap: Wrap = .truncate, scroll: Int = 0
  ) {
    let ls = text.split(separator: "\n", omittingEmptySubsequences: false).map { Line(String($0)) }
    self.init(ls, block: block, style: style, alignment: alignment, wrap: wrap, scroll: scroll)
  }

  /// The lines as they would be laid out in `width` columns.
  public func layoutLines(width: Int) -> [Line] {
    guard width > 0 else { return [] }
    switch wrap {
    case .truncate: return lines.map { $0.truncated(to: width) }
    case .ellipsis: return lines.map { $0.truncated(to: width, ellipsis: "…") }
    case .word, .character: return lines.flatMap { Paragraph.wrap($0, width: width, words: wrap == .word) }
    }
  }

  public func render(area: Rect, buffer: inout Buffer) {
    guard let inner = buffer.widgetArea(area, style: style, block: block) else { return }
    let laid = layoutLines(width: inner.width)
    for (row, line) in laid.dropFirst(max(0, scroll)).prefix(inner.height).enumerated() {
      let x = inner.x + (line.alignment ?? alignment).offset(width: line.width, available: inner.width)
      buffer.setLine(x: x, y: inner.y + row, line, maxWidth: inner.right - x)
    }
  }

  /// Wraps one line into lines of at most `width` columns.
  static func wrap(_ line: Line, width: Int, words: Bool) -> [Line] {
    var glyphs: [(Character, Style, Int)] = []
    for span in line.spans {
      for ch in span.content {
        let w = TextWidth.of(ch)
        if w > 0 { glyphs.append((ch, span.style, w)) }
      }
    }
    if glyphs.isEmpty { return [Line([], style: line.style, alignment: line.alignment)] }
    var rows: [[(Character, Style, Int)]] = []
    var current: [(Character, Style, Int)] = []
    var used = 0
    var i = 0
    while i < glyphs.count {
      let g = glyphs[i]
      if g.2 > width {  // cannot ever fit (wide glyph in 1 column): skip it
        i += 1
        continue
      }
      if used + g.2 <= width {
        current.append(g)
        used += g.2
        i += 1
        continue
      }
      // Line full.
      if words, g.0 != " ", let lastSpace = current.lastIndex(where: { $0.0 == " " }) {
        let carry = Array(current[(lastSpace + 1)...])
        rows.append(Array(current[..<lastSpace]))
        current = carry
        used = carry.reduce(0) { $0 + $1.2 }
      } else {
        rows.append(current)
        current = []
        used = 0
      }
      if words {
        while i < glyphs.count, glyphs[i].0 == " ", current.isEmpty { i += 1 }
      }
    }
    rows.append(current)
    return rows.map { row in
      var spans: [Span] = []
      for (ch, st, _) in row {
        if let last = spans.last, last.style == st {
          spans[spans.count - 1].content.append(ch)
        } else {
          spans.append(Span(String(ch), style: st))
        }
      }
      if words, let last = spans.last {
        let trimmed = String(last.content.reversed().drop(while: { $0 == " " }).reversed())
        spans[spans.count - 1].content = trimmed
      }
      return Line(spans, style: line.style, alignment: line.alignment)
    }
  }
}
