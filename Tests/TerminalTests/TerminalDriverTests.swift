import Testing

@testable import Terminal

@Suite struct TerminalDriverTests {
  @Test func firstDrawClearsThenSendsOnlyNonBlankCells() {
    var t = Terminal(backend: TestBackend(width: 10, height: 3))
    t.draw { f in f.buffer.setString(x: 0, y: 0, "hi") }
    #expect(t.backend.clearCount == 1)
    #expect(t.backend.drawCalls.count == 1)
    #expect(t.backend.drawCalls[0].map(\.x) == [0, 1])
    #expect(t.backend.lines() == ["hi", "", ""])
    #expect(!t.backend.cursorVisible)
  }

  @Test func laterDrawsSendOnlyChanges() {
    var t = Terminal(backend: TestBackend(width: 10, height: 3))
    t.draw { f in f.render(Paragraph("hello\nworld"), area: f.area) }
    t.draw { f in f.render(Paragraph("hallo\nworld"), area: f.area) }
    #expect(t.backend.drawCalls.last == [CellChange(x: 1, y: 0, cell: Cell("a"))])
    let calls = t.backend.drawCalls.count
    t.draw { f in f.render(Paragraph("hallo\nworld"), area: f.area) }
    #expect(t.backend.drawCalls.count == calls)  // nothing changed: no draw call
    #expect(t.backend.flushCount == 3)
    #expect(t.backend.clearCount == 1)
  }

  @Test func resizeForcesFullRedraw() {
    var t = Terminal(backend: TestBackend(width: 10, height: 3))
    t.draw { f in f.render(Block.bordered(), area: f.area) }
    t.backend.resize(width: 6, height: 2)
    #expect(t.pollEvent(timeout: .zero) == .resize(width: 6, height: 2))
    t.draw { f in f.render(Block.bordered(), area: f.area) }
    #expect(t.backend.clearCount == 2)
    #expect(t.backend.lines() == ["┌────┐", "└────┘"])
    #expect(t.backend.drawCalls.last?.count == 12)
    t.invalidate()
    t.draw { f in f.render(Block.bordered(), area: f.area) }
    #expect(t.backend.clearCount == 3)
  }

  @Test func cursorIsShownWhenTheFrameAsksForIt() {
    var t = Terminal(backend: TestBackend(width: 10, height: 3))
    t.draw { f in f.cursor = (3, 1) }
    #expect(t.backend.cursorVisible)
    #expect(t.backend.cursor == (3, 1))
    t.draw { _ in }
    #expect(!t.backend.cursorVisible)
  }

  @Test func scriptedEvents() {
    var backend = TestBackend(width: 5, height: 5)
    backend.push(keys: [.char("q"), .ctrl("c")])
    backend.push(.key(.function(5)))
    var t = Terminal(backend: backend)
    #expect(t.pollEvent(timeout: nil) == .key(.char("q")))
    #expect(t.pollEvent(timeout: nil) == .key(.ctrl("c")))
    #expect(t.pollEvent(timeout: nil) == .key(.function(5)))
    #expect(t.pollEvent(timeout: .milliseconds(10)) == nil)
  }

  @Test func exactLinesKeepTrailingSpaces() {
    var t = Terminal(backend: TestBackend(width: 4, height: 1))
    t.draw { f in f.buffer.setString(x: 0, y: 0, "日") }
    #expect(t.backend.lines(trimmed: false) == ["日  "])
    #expect(t.backend.lines() == ["日"])
  }
}
