/// One line of styled spans, with an optional line style and alignment.
public struct Line: Hashable, Sendable, ExpressibleByStringLiteral {
  public var spans: [Span]
  public var style: Style
  public var alignment: Alignment?

  public init(_ spans: [Span], style: Style = Style(), alignment: Alignment? = nil) {
    self.spans = spans
    self.style = style
    self.alignment = alignment
  }

  public init(_ text: String, style: Style = Style(), alignment: Alignment? = nil) {
    self.init([Span(text)], style: style, alignment: alignment)
  }

  public init(stringLiteral value: String) { self.init(value) }

  /// Display width in columns.
  public var width: Int { spans.reduce(0) { $0 + $1.width } }

  /// The plain text without styles.
  public var plainText: String { spans.map(\.content).joined() }

  /// The line cut to `width` columns, with `ellipsis` at the end when it was cut.
  public func truncated(to width: Int, ellipsis: String = "") -> Line {
    guard self.width > width else { return self }
    let ew = TextWidth.of(ellipsis)
    let keep = max(0, width - (ew <= width ? ew : 0))
    var out: [Span] = []
    var used = 0
    for span in spans {
      if used >= keep { break }
      let (part, w) = TextWidth.prefix(span.content, fitting: keep - used)
      if !part.isEmpty { out.append(Span(part, style: span.style)) }
      used += w
      if w < span.width { break }
    }
    if ew <= width, !ellipsis.isEmpty {
      out.append(Span(ellipsis, style: spans.last?.style ?? Style()))
    }
    return Line(out, style: style, alignment: alignment)
  }
}
