import Testing

@testable import Terminal

/// Nice axis ticks: 1/2/5 × 10ⁿ steps, at least three, labels that tell neighbours apart.
@Suite struct AxisTicksTests {
  @Test func niceStepsInsideTheRange() {
    #expect(AxisTicks.nice(0, 10, maxCount: 6).map(\.label) == ["0", "2", "4", "6", "8", "10"])
    #expect(AxisTicks.nice(0.398, 300, maxCount: 5).map(\.label) == ["100", "200", "300"])
    #expect(AxisTicks.nice(0, 1, maxCount: 5).map(\.label) == ["0", "0.5", "1"])
    #expect(AxisTicks.nice(-3, 3, maxCount: 5).map(\.label) == ["-2", "0", "2"])
  }

  @Test func atLeastThreeTicksAndDistinctLabels() {
    for (lo, hi) in [(0.1836, 2.167), (1e-5, 3e-5), (1000.291, 1000.3421), (-0.004, 0.002), (16.0, 256.0), (0.0, 0.99)] {
      let t = AxisTicks.nice(lo, hi, maxCount: 5)
      #expect(t.count >= 3, "\(lo)…\(hi): \(t)")
      #expect(Set(t.map(\.label)).count == t.count, "\(lo)…\(hi): \(t.map(\.label))")
      #expect(t.allSatisfy { $0.value >= lo - 1e-12 && $0.value <= hi + 1e-12 })
    }
  }

  @Test func anEmptyRangeIsOneTick() {
    #expect(AxisTicks.nice(2, 2).map(\.label) == ["2"])
  }
}
