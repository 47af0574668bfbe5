import Testing

@testable import Terminal

@Suite struct BufferTests {
  @Test func setStringClipsToAreaAndMaxWidth() {
    var b = Buffer(area: Rect(width: 5, height: 2))
    let end = b.setString(x: 2, y: 0, "hello")
    #expect(end == 5)
    b.setString(x: -2, y: 1, "abcdef", maxWidth: 5)
    #expect(b.lines() == ["  hel", "cde  "])
    b.setString(x: 0, y: 5, "zzz")  // row outside: ignored
    #expect(b.lines() == ["  hel", "cde  "])
  }

  @Test func wideCharactersTakeTwoCells() {
    var b = Buffer(area: Rect(width: 6, height: 1))
    let end = b.setString(x: 0, y: 0, "日本x")
    #expect(end == 5)
    #expect(b.cell(x: 0, y: 0).symbol == "日")
    #expect(b.cell(x: 1, y: 0).isContinuation)
    #expect(b.cell(x: 2, y: 0).symbol == "本")
    #expect(b.cell(x: 4, y: 0).symbol == "x")
    #expect(b.lines() == ["日本x "])
  }

  @Test func wideCharacterThatDoesNotFitStops() {
    var b = Buffer(area: Rect(width: 3, height: 1))
    #expect(b.setString(x: 0, y: 0, "a日本") == 3)
    #expect(b.lines() == ["a日"])
    var c = Buffer(area: Rect(width: 3, height: 1))
    c.setString(x: 0, y: 0, "ab日", maxWidth: 3)
    #expect(c.lines() == ["ab "])
  }

  @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
    var b = Buffer(area: Rect(width: 4, height: 1))
    b.setString(x: 0, y: 0, "日本")
    b.setString(x: 1, y: 0, "x")
    #expect(b.lines() == [" x本"])
    b.setString(x: 2, y: 0, "y")
    #expect(b.lines() == [" xy "])
  }

  @Test func widthFunction() {
    #expect(TextWidth.of("a") == 1)
    #expect(TextWidth.of("日本") == 4)
    #expect(TextWidth.of("⣿") == 1)
    #expect(TextWidth.of("─│┌") == 3)
    #expect(TextWidth.of("▁█") == 2)
    #expect(TextWidth.of("😀") == 2)
    #expect(TextWidth.of("e\u{301}") == 1)
    #expect(TextWidth.of("\u{1B}") == 0)
  }

  @Test func controlCharactersAreSkipped() {
    var b = Buffer(area: Rect(width: 4, height: 1))
    b.setString(x: 0, y: 0, "a\tb\u{1B}c")
    #expect(b.lines() == ["abc "])
  }

  @Test func diffOfEqualBuffersIsEmpty() {
    var a = Buffer(area: Rect(width: 10, height: 3))
    a.setString(x: 1, y: 1, "same")
    #expect(a.diff(from: a).isEmpty)
  }

  @Test func diffListsExactlyTheChangedCells() {
    var prev = Buffer(area: Rect(width: 10, height: 3))
    prev.setString(x: 0, y: 0, "hello")
    var next = prev
    next.setString(x: 1, y: 0, "a")
    next.setString(x: 9, y: 2, "z", style: .bold)
    next.setStyle(Rect(x: 4, y: 1, width: 1, height: 1), .fg(.red))
    let d = next.diff(from: prev)
    #expect(d.map { [$0.x, $0.y] } == [[1, 0], [4, 1], [9, 2]])
    #expect(d[0].cell.symbol == "a")
    #expect(d[1].cell.style.fg == .red)
    #expect(d[2].cell.style.isBold)
  }

  @Test func diffSkipsContinuationsAndRedrawsAfterReplacedWideCharacter() {
    let prev = Buffer(lines: ["日x"])
    let next = Buffer(lines: ["ab "])
    // Cell 0 and 1 changed; the narrow 'a' replaced a wide one so cell 1 is resent.
    #expect(next.diff(from: prev).map(\.x) == [0, 1, 2])
    let wide = Buffer(lines: ["日y"])
    #expect(wide.diff(from: Buffer(lines: ["abx"])).map(\.x) == [0, 2])
    #expect(wide.diff(from: Buffer(lines: ["日x"])).map(\.x) == [2])
  }

  @Test func diffAgainstOtherAreaIsFull() {
    let next = Buffer(lines: ["ab", "cd"])
    #expect(next.diff(from: Buffer(area: Rect(width: 1, height: 1))).count == 4)
  }

  @Test func stylePatch() {
    let base = Style(fg: .red, bg: .blue, modifiers: [.bold, .underline])
    let p = base.patch(Style(fg: .green, modifiers: .italic, removedModifiers: .bold))
    #expect(p.fg == .green)
    #expect(p.bg == .blue)
    #expect(p.modifiers == [.italic, .underline])
    #expect(Style.plain.patch(.reverse).isReversed)
  }

  @Test func rectHelpers() {
    let r = Rect(x: 2, y: 3, width: 10, height: 4)
    #expect(r.inner(1) == Rect(x: 3, y: 4, width: 8, height: 2))
    #expect(r.inner(3) == Rect(x: 5, y: 6, width: 4, height: 0))
    #expect(r.intersection(Rect(x: 0, y: 0, width: 5, height: 5)) == Rect(x: 2, y: 3, width: 3, height: 2))
    #expect(r.intersection(Rect(x: 50, y: 50, width: 5, height: 5)).isEmpty)
    #expect(r.splitTop(1).1 == Rect(x: 2, y: 4, width: 10, height: 3))
    #expect(r.splitRight(4).1 == Rect(x: 8, y: 3, width: 4, height: 4))
    #expect(r.centered(width: 4, height: 2) == Rect(x: 5, y: 4, width: 4, height: 2))
    #expect(Rect(width: -3, height: 2).width == 0)
  }
}

/// Seeded loop: replaying `next.diff(from: prev)` onto a screen showing `prev` gives `next`.
@Suite struct DiffReplayTests {
  struct LCG {
    var state: UInt64
    mutating func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(n))
    }
  }

  @Test func replayingTheDiffReproducesTheFrame() {
    let symbols = ["a", "b", " ", "日", "😀", "⣿", "─"]
    let styles: [Style] = [Style(), .bold, .fg(.red)]
    func random(_ rng: inout LCG) -> Buffer {
      var b = Buffer(area: Rect(width: 7, height: 3))
      for _ in 0..<12 {
        let s = symbols[rng.next(symbols.count)]
        b.setString(x: rng.next(7), y: rng.next(3), s, style: styles[rng.next(styles.count)])
      }
      return b
    }
    for seed in 0..<500 {
      var rng = LCG(state: UInt64(seed))
      let prev = random(&rng)
      let next = random(&rng)
      var screen = TestBackend(width: 7, height: 3)
      screen.draw(prev.diff(from: Buffer(area: prev.area)))
      #expect(screen.buffer == prev, "seed \(seed): initial frame")
      let changes = next.diff(from: prev)
      screen.draw(changes)
      #expect(screen.buffer == next, "seed \(seed)")
      #expect(changes.count <= next.cells.count, "seed \(seed)")
      #expect(changes.allSatisfy { !$0.cell.isContinuation }, "seed \(seed)")
    }
  }
}
