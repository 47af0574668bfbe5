import Testing

@testable import Terminal

@Suite struct KeyTests {
  @Test func rawCodePoints() {
    #expect(Key.fromCodePoint(3) == .ctrl("c"))
    #expect(Key.fromCodePoint(9) == .tab)
    #expect(Key.fromCodePoint(10) == .enter)
    #expect(Key.fromCodePoint(13) == .enter)
    #expect(Key.fromCodePoint(127) == .backspace)
    #expect(Key.fromCodePoint(8) == .backspace)
    #expect(Key.fromCodePoint(27) == .escape)
    #expect(Key.fromCodePoint(0) == .ctrl(" "))
    #expect(Key.fromCodePoint(31) == .ctrl("_"))
    #expect(Key.fromCodePoint(0x71) == .char("q"))
    #expect(Key.fromCodePoint(0x65E5) == .char("日"))
    #expect(Key.fromCodePoint(0x85) == nil)
  }

  @Test func namesRoundTrip() {
    let keys: [Key] = [
      .char("q"), .char(" "), .char("?"), .ctrl("c"), .alt("x"), .up, .down, .left, .right,
      .pageUp, .pageDown, .home, .end, .insert, .delete, .escape, .enter, .tab, .backTab,
      .backspace,
    ] + (1...12).map { .function($0) }
    for k in keys { #expect(Key(name: k.description) == k, "\(k)") }
    #expect(Key.function(10).description == "F10")
    #expect(Key(name: "F13") == nil)
    #expect(Key(name: "Nope") == nil)
  }
}
