import Testing

@testable import Terminal

/// Each widget rendered into an 80×24 TestBackend, asserting the whole screen.
@Suite struct WidgetTests {
  @Test func blockWithCentredTitle() {
    let s = screen { f in
      f.render(
        Block(title: "Study", titleAlignment: .center), area: Rect(x: 2, y: 1, width: 20, height: 4))
      f.render(Block(title: "x", borders: [.top, .bottom], borderType: .double), area: Rect(x: 30, y: 0, width: 6, height: 3))
    }
    #expect(
      s
        == padded([
          "                              x═════",
          "  ┌──────Study───────┐",
          "  │                  │        ══════",
          "  │                  │",
          "  └──────────────────┘",
        ]))
  }

  @Test func blockInnerArea() {
    let b = Block(title: "t", borders: .all, padding: .horizontal(1))
    #expect(b.inner(Rect(width: 10, height: 5)) == Rect(x: 2, y: 1, width: 6, height: 3))
    #expect(Block(title: "t", borders: .none).inner(Rect(width: 10, height: 5)) == Rect(x: 0, y: 1, width: 10, height: 4))
    #expect(Block.bordered().inner(Rect(width: 1, height: 1)).isEmpty)
  }

  @Test func tableScrollsToSelectionAndHighlights() {
    let rows = (0..<30).map { Row(["\($0)", "trial-\($0)", NumberFormat.compact(Double($0) / 7)]) }
    var st = TableState(selected: 25)
    let s = screen { f in
      f.render(
        Table(
          rows: rows, header: Row(["#", "name", "value"]),
          widths: [.length(3), .min(8), .length(8)], block: .bordered("Trials"),
          highlightSymbol: "> "), area: Rect(x: 0, y: 0, width: 30, height: 10), state: &st)
    }
    #expect(
      s
        == padded([
          "┌Trials──────────────────────┐",
          "│  #   name          value   │",
          "│  19  trial-19      2.714   │",
          "│  20  trial-20      2.857   │",
          "│  21  trial-21      3       │",
          "│  22  trial-22      3.143   │",
          "│  23  trial-23      3.286   │",
          "│  24  trial-24      3.429   │",
          "│> 25  trial-25      3.571   │",
          "└────────────────────────────┘",
        ]))
    #expect(st.offset == 19)
    var t = Terminal(backend: TestBackend(width: 80, height: 24))
    let buf = t.draw { f in
      f.render(
        Table(rows: rows, widths: [.length(3), .fill(1)]), area: Rect(width: 10, height: 3),
        state: &st)
    }
    #expect(buf.cell(x: 0, y: 2).style.isReversed)  // row 25 is the last of 23…25
    #expect(!buf.cell(x: 0, y: 1).style.isReversed)
    #expect(t.backend.lines()[2] == "25  trial…")
  }

  @Test func tableStateMovement() {
    var st = TableState()
    st.move(by: 1, count: 5)
    #expect(st.selected == 0)
    st.move(by: 10, count: 5)
    #expect(st.selected == 4)
    st.move(by: -2, count: 5)
    #expect(st.selected == 2)
    st.clamp(count: 2, visible: 1)
    #expect(st.selected == 1 && st.offset == 1)
    st.move(by: 1, count: 0)
    #expect(st.selected == nil)
  }

  @Test func listGaugeSparklineBarChartTabsParagraph() {
    var ls = ListState(selected: 2)
    let s = screen { f in
      f.render(
        List(["alpha", "beta", "gamma"], highlightSymbol: "* "),
        area: Rect(x: 32, y: 0, width: 12, height: 2), state: &ls)
      f.render(Gauge(ratio: 0.5), area: Rect(x: 32, y: 3, width: 20, height: 1))
      f.render(Sparkline([0, 1, 2, 3, 4, 5, 6, 7, 8], max: 8), area: Rect(x: 32, y: 5, width: 20, height: 1))
      f.render(
        BarChart([Bar("lr", 4), Bar("depth", 1, valueText: "1 !")], max: 4),
        area: Rect(x: 32, y: 7, width: 24, height: 2))
      f.render(Tabs(["History", "Pareto"], selected: 1), area: Rect(x: 56, y: 0, width: 24, height: 1))
      f.render(
        Paragraph(
          "the quick brown fox jumps over the lazy dog", block: Block(title: "P", borderType: .rounded),
          alignment: .center, wrap: .word), area: Rect(x: 56, y: 2, width: 14, height: 7))
    }
    #expect(
      s
        == padded([
          "                                  beta                   History │ Pareto",
          "                                * gamma",
          "                                                        ╭P───────────╮",
          "                                ████████50%             │ the quick  │",
          "                                                        │ brown fox  │",
          "                                 ▁▂▃▄▅▆▇█               │ jumps over │",
          "                                                        │the lazy dog│",
          "                                lr    ██████████████ 4  │            │",
          "                                depth ███▌ 1 !          ╰────────────╯",
        ]))
    #expect(ls.offset == 1)
  }

  @Test func gaugeLabelIsReversedOverTheBar() {
    var t = Terminal(backend: TestBackend(width: 80, height: 24))
    let b = t.draw { f in
      f.render(Gauge(ratio: 0.5, gaugeStyle: .fg(.green)), area: Rect(width: 20, height: 1))
    }
    #expect(b.cell(x: 8, y: 0).symbol == "5")
    #expect(b.cell(x: 8, y: 0).style.isReversed)
    #expect(b.cell(x: 10, y: 0).symbol == "%")
    #expect(!b.cell(x: 10, y: 0).style.isReversed)
    #expect(b.cell(x: 0, y: 0).style.fg == .green)
  }

  @Test func paragraphTruncationModes() {
    let s = screen { f in
      f.render(Paragraph("abcdefghij", wrap: .ellipsis), area: Rect(width: 6, height: 1))
      f.render(Paragraph("abcdefghij"), area: Rect(x: 0, y: 1, width: 6, height: 1))
      f.render(Paragraph("abcdefghij", wrap: .character), area: Rect(x: 0, y: 2, width: 4, height: 3))
      f.render(Paragraph("ab日本", wrap: .character), area: Rect(x: 10, y: 0, width: 3, height: 3))
      f.render(
        Paragraph([Line("right", alignment: .right), "l1", "l2", "l3"], scroll: 2),
        area: Rect(x: 20, y: 0, width: 8, height: 2))
    }
    #expect(
      s
        == padded([
          "abcde…    ab        l2",
          "abcdef    日        l3",
          "abcd      本",
          "efgh",
          "ij",
        ]))
  }

  @Test func linePlotWithAxesAndLabels() {
    let s = screen { f in
      f.render(
        LinePlot([Series("", points: [(0, 0), (10, 10)])], xLabels: ["0", "5", "10"]),
        area: Rect(x: 0, y: 11, width: 30, height: 8))
    }
    #expect(
      s
        == padded([
          "", "", "", "", "", "", "", "", "", "", "",
          "10┤                      ⢀⣀⠤⠒⠉",
          "  │                  ⣀⡠⠔⠊⠁",
          " 5┤             ⢀⡠⠤⠒⠉",
          "  │         ⣀⠤⠒⠊⠁",
          "  │    ⢀⡠⠔⠊⠉",
          " 0┤⣀⠤⠒⠉⠁",
          "  └┬────────────┬────────────┬",
          "   0            5           10",
        ]))
  }

  @Test func linePlotLegendAndColours() {
    var t = Terminal(backend: TestBackend(width: 80, height: 24))
    let b = t.draw { f in
      f.render(
        LinePlot(
          [
            Series("best", points: [(0, 1), (1, 1)], color: .red),
            Series("value", points: [(0, 0), (1, 0)], color: .blue, kind: .scatter),
          ], yBounds: 0...1), area: Rect(width: 30, height: 6))
    }
    // The legend has its own row: the data never draws over it. Ticks: at least three per axis.
    #expect(
      t.backend.lines()[0..<6]
        == [
          "             ━ best  • value",
          "  1┤⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉",
          "0.5┤",
          "  0┤⡀                        ⢀",
          "   └┬────────────┬───────────┬",
          "    0           0.5          1",
        ])
    #expect(b.cell(x: 13, y: 0).style.fg == .red)
    #expect(b.cell(x: 21, y: 0).style.fg == .blue)
    #expect(b.cell(x: 4, y: 1).style.fg == .red)
    #expect(b.cell(x: 4, y: 3).style.fg == .blue)
  }
}
