import Testing

@testable import Terminal

@Suite struct BrailleCanvasTests {
  func dots(_ c: BrailleCanvas) -> [[Int]] {
    var out: [[Int]] = []
    for y in 0..<c.dotHeight {
      for x in 0..<c.dotWidth where c.isSet(x: x, y: y) { out.append([x, y]) }
    }
    return out
  }

  @Test func dotBitsFollowTheBrailleLayout() {
    var c = BrailleCanvas(width: 1, height: 1)
    c.set(x: 0, y: 0)
    #expect(c.character(cx: 0, cy: 0) == "⠁")  // dot 1
    c.set(x: 1, y: 3)
    #expect(c.character(cx: 0, cy: 0) == "⢁")  // dots 1 and 8
    for y in 0..<4 {
      for x in 0..<2 { c.set(x: x, y: y) }
    }
    #expect(c.character(cx: 0, cy: 0) == "⣿")
    #expect(BrailleCanvas(width: 1, height: 1).character(cx: 0, cy: 0) == nil)
  }

  @Test func bresenhamShallowLineExactDots() {
    var c = BrailleCanvas(width: 3, height: 1)
    c.line(x0: 0, y0: 0, x1: 5, y1: 2)
    #expect(dots(c) == [[0, 0], [1, 0], [2, 1], [3, 1], [4, 2], [5, 2]])
    var b = Buffer(area: Rect(width: 3, height: 1))
    c.render(area: b.area, buffer: &b)
    // cell 0: dots (0,0),(1,0) = 0x01|0x08; cell 1: (0,1),(1,1) = 0x02|0x10; cell 2: (0,2),(1,2) = 0x04|0x20
    #expect(b.lines() == ["\u{2809}\u{2812}\u{2824}"])
  }

  @Test func diagonalAndSteepAndReversedLines() {
    var c = BrailleCanvas(width: 2, height: 1)
    c.line(x0: 0, y0: 0, x1: 3, y1: 3)
    #expect(dots(c) == [[0, 0], [1, 1], [2, 2], [3, 3]])
    var b = Buffer(area: Rect(width: 2, height: 1))
    c.render(area: b.area, buffer: &b)
    #expect(b.lines() == ["⠑⢄"])

    var steep = BrailleCanvas(width: 1, height: 2)
    steep.line(x0: 1, y0: 7, x1: 0, y1: 0)
    #expect(dots(steep) == [[0, 0], [0, 1], [0, 2], [0, 3], [1, 4], [1, 5], [1, 6], [1, 7]])

    var h = BrailleCanvas(width: 2, height: 1)
    h.line(x0: 3, y0: 1, x1: 0, y1: 1)
    #expect(dots(h) == [[0, 1], [1, 1], [2, 1], [3, 1]])
  }

  @Test func linesAreClippedToTheGrid() {
    var c = BrailleCanvas(width: 2, height: 1)
    c.line(x0: -100, y0: 2, x1: 1_000_000, y1: 2)
    #expect(dots(c) == [[0, 2], [1, 2], [2, 2], [3, 2]])
    c.line(x0: -5, y0: -5, x1: -1, y1: -1)  // entirely outside
    #expect(dots(c).count == 4)
  }

  @Test func dataCoordinatesPointUp() {
    var c = BrailleCanvas(width: 2, height: 1)
    c.point(x: 0, y: 0, xBounds: 0...1, yBounds: 0...1, color: .red)
    c.point(x: 1, y: 1, xBounds: 0...1, yBounds: 0...1)
    c.point(x: 2, y: 1, xBounds: 0...1, yBounds: 0...1)  // outside: dropped
    c.point(x: .nan, y: 1, xBounds: 0...1, yBounds: 0...1)
    #expect(dots(c) == [[3, 0], [0, 3]])
    #expect(c.colors[0] == .red)
  }

  @Test func emptyCellsDoNotOverwriteWhatIsUnderneath() {
    var b = Buffer(lines: ["abc"])
    var c = BrailleCanvas(width: 3, height: 1)
    c.set(x: 2, y: 0)
    c.render(area: b.area, buffer: &b)
    #expect(b.lines() == ["a⠁c"])
  }
}
