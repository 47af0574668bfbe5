@testable import Terminal

/// Renders `draw` through a `Terminal<TestBackend>` and returns the screen lines (trimmed).
func screen(
  width: Int = 80, height: Int = 24, _ draw: (inout Frame) -> Void
) -> [String] {
  var t = Terminal(backend: TestBackend(width: width, height: height))
  t.draw(draw)
  return t.backend.lines()
}

/// `lines` padded with empty rows to `height` (so tests can list only the non-empty top).
func padded(_ lines: [String], to height: Int = 24) -> [String] {
  lines + Array(repeating: "", count: max(0, height - lines.count))
}

/// A sample of every widget, for the any-size loops.
func allWidgets() -> [(String, any Widget)] {
  let block = Block.bordered("Title")
  return [
    ("Block", block),
    ("Block rounded", Block(title: "t", borderType: .rounded, titleAtBottom: true)),
    ("Paragraph", Paragraph("hello world, this wraps\nsecond 日本 line", block: block, wrap: .word)),
    ("Paragraph ellipsis", Paragraph("a long long line", wrap: .ellipsis)),
    ("Paragraph chars", Paragraph("wide 日本日本日本 text", wrap: .character, scroll: 1)),
    (
      "Table",
      Table(
        rows: [Row(["1", "alpha", "0.5"]), Row(["2", "beta 日本", "0.25"])],
        header: Row(["#", "name", "value"]), widths: [.length(3), .fill(1), .percentage(30)],
        block: block, highlightSymbol: "▶ ")
    ),
    ("List", List(["one", "two 日本", "three"], block: block, highlightSymbol: "> ")),
    ("Gauge", Gauge(ratio: 0.42, block: block)),
    ("Gauge label", Gauge(ratio: 0.9, label: "日本 90% done")),
    ("Sparkline", Sparkline([1, 2, 3, 8, 5, 0, .nan, 4], block: block)),
    (
      "BarChart",
      BarChart([Bar("lr", 0.8), Bar("momentum 日本", 0.2), Bar("x", .infinity)], block: block)
    ),
    ("Tabs", Tabs(["History", "Pareto", "日本"], selected: 1, block: block)),
    (
      "LinePlot",
      LinePlot(
        [
          Series("a", points: [(0, 0), (1, 1), (2, 0.5), (3, .nan)], color: .red),
          Series("b", points: [(0, 1), (3, 1e300)], color: .green, kind: .scatter),
        ], block: block)
    ),
    ("LinePlot empty", LinePlot([])),
    ("BrailleCanvas", {
      var c = BrailleCanvas(width: 6, height: 3)
      c.line(x0: 0, y0: 0, x1: 100, y1: 50)
      return c
    }()),
  ]
}
