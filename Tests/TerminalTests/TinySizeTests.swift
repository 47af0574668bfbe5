import Testing

@testable import Terminal

/// Every widget renders at every small size and at odd offsets without trapping.
@Suite struct TinySizeTests {
  @Test func everyWidgetAtTinySizes() {
    let sizes = [(0, 0), (1, 1), (10, 5), (0, 3), (3, 0), (1, 5), (5, 1), (2, 2), (3, 3)]
    for (name, widget) in allWidgets() {
      for (w, h) in sizes {
        var b = Buffer(area: Rect(width: w, height: h))
        widget.render(area: b.area, buffer: &b)
        #expect(b.cells.count == w * h, "\(name) at \(w)x\(h)")
        #expect(b.lines().allSatisfy { TextWidth.of($0) == w }, "\(name) at \(w)x\(h)")
      }
    }
  }

  @Test func everyWidgetAtEverySizeUpTo12x8AndOutsideTheBuffer() {
    for (name, widget) in allWidgets() {
      for w in 0...12 {
        for h in 0...8 {
          var b = Buffer(area: Rect(x: 1, y: 1, width: 10, height: 6))
          // Areas partly or wholly outside the buffer are clipped.
          widget.render(area: Rect(x: w - 3, y: h - 2, width: w, height: h), buffer: &b)
          #expect(b.lines().allSatisfy { TextWidth.of($0) == 10 }, "\(name) at \(w)x\(h)")
        }
      }
    }
  }

  @Test func statefulWidgetsAtTinySizes() {
    let table = Table(rows: [Row(["a", "b"]), Row(["c", "d"])], widths: [.fill(1), .fill(1)])
    let list = List(["x", "y", "z"], highlightSymbol: "> ")
    for (w, h) in [(0, 0), (1, 1), (10, 5), (1, 0)] {
      var b = Buffer(area: Rect(width: w, height: h))
      var s = TableState(selected: 1)
      table.render(area: b.area, buffer: &b, state: &s)
      list.render(area: b.area, buffer: &b, state: &s)
      #expect(s.selected == 1, "\(w)x\(h)")
    }
  }

  @Test func terminalWithZeroSizedScreen() {
    var t = Terminal(backend: TestBackend(width: 0, height: 0))
    for (_, w) in allWidgets() { t.draw { f in f.render(w, area: f.area) } }
    #expect(t.backend.lines().isEmpty)
  }
}
