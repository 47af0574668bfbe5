import Testing

@testable import Terminal

@Suite struct LayoutTests {
  @Test func lengthAndFill() {
    let r = Layout.vertical([.length(1), .fill(1), .length(1)]).split(Rect(width: 80, height: 24))
    #expect(r.map(\.height) == [1, 22, 1])
    #expect(r.map(\.y) == [0, 1, 23])
    #expect(r.allSatisfy { $0.width == 80 })
  }

  @Test func percentagesTileTheArea() {
    #expect(Layout.solve([.percentage(50), .percentage(50)], total: 81) == [41, 40])
    #expect(Layout.solve([.percentage(25), .percentage(75)], total: 80) == [20, 60])
    #expect(Layout.solve([.ratio(1, 3), .ratio(2, 3)], total: 30) == [10, 20])
  }

  @Test func fillWeights() {
    #expect(Layout.solve([.fill(1), .fill(3)], total: 40) == [10, 30])
    #expect(Layout.solve([.length(10), .fill(1), .fill(1)], total: 31) == [10, 11, 10])
  }

  @Test func minGrowsAndMaxCaps() {
    #expect(Layout.solve([.min(5), .length(10)], total: 30) == [20, 10])
    #expect(Layout.solve([.max(5), .fill(1)], total: 30) == [5, 25])
    #expect(Layout.solve([.max(50), .fill(1)], total: 30) == [30, 0])
  }

  @Test func overflowShrinksLowPriorityFirst() {
    // max shrinks before length; min shrinks last.
    #expect(Layout.solve([.max(10), .length(10)], total: 15) == [5, 10])
    #expect(Layout.solve([.length(10), .min(10)], total: 15) == [5, 10])
    #expect(Layout.solve([.length(10), .length(10)], total: 5) == [3, 2])
    #expect(Layout.solve([.length(3), .min(3)], total: 0) == [0, 0])
  }

  @Test func horizontalWithSpacingAndMargin() {
    let r = Layout.horizontal([.length(3), .fill(1)], margin: 1, spacing: 2)
      .split(Rect(width: 20, height: 5))
    #expect(r == [Rect(x: 1, y: 1, width: 3, height: 3), Rect(x: 6, y: 1, width: 13, height: 3)])
  }

  @Test func neverLeavesTheArea() {
    let cs: [Constraint] = [.length(7), .percentage(40), .min(3), .max(9), .ratio(1, 4), .fill(2)]
    for total in 0..<40 {
      let sizes = Layout.solve(cs, total: total)
      #expect(sizes.allSatisfy { $0 >= 0 }, "total \(total)")
      #expect(sizes.reduce(0, +) <= total, "total \(total): \(sizes)")
      let rects = Layout.horizontal(cs, spacing: 1).split(Rect(x: 3, y: 0, width: total, height: 1))
      #expect(rects.allSatisfy { $0.x >= 3 && $0.right <= 3 + total }, "total \(total)")
    }
  }
}
