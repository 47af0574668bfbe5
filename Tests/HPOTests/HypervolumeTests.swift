import HPO
import Testing

/// The one hypervolume in `HPO` (TPE's subset selection and the analysis use it) against values
/// worked out by hand.
@Suite struct HypervolumeTests {
  @Test func linearFrontIn2D() {
    // n + 1 points on x + y = 1 with reference (1, 1): the staircase covers 1/2 − 1/(2n).
    let n = 10
    let points = (0...n).map { [Double($0) / Double(n), 1 - Double($0) / Double(n)] }
    #expect(abs(Hypervolume.compute(points, reference: [1, 1]) - 0.45) < 1e-12)
  }

  @Test func unitBoxesByInclusionExclusion() {
    // k points, each 0 in one coordinate and 1 in the others, reference 2 everywhere: each box
    // has volume 2 and every intersection of j ≥ 2 boxes volume 1, so the union is
    // 2k − C(k,2) + C(k,3) − … = k + 1.
    for (k, want) in [(3, 4.0), (4, 5.0), (5, 6.0)] {
      let points = (0..<k).map { i in (0..<k).map { $0 == i ? 0.0 : 1.0 } }
      let got = Hypervolume.compute(points, reference: [Double](repeating: 2, count: k))
      #expect(abs(got - want) < 1e-12, "\(k)-D: \(got)")
    }
  }

  @Test func dominatedDuplicateAndOutsidePointsAddNothing() {
    let base = Hypervolume.compute([[1, 3], [2, 2], [3, 1]], reference: [4, 4])
    #expect(base == 6)
    let noisy = Hypervolume.compute([[1, 3], [2, 2], [3, 1], [2, 2], [3, 3], [5, 0], [0, 4]], reference: [4, 4])
    #expect(noisy == base)
  }

  @Test func directionsNegateMaximisedObjectives() {
    // Maximising the second objective: (1, 1) and (3, 3) with reference (4, 0) cover as
    // (1, −1) and (3, −3) do when minimised: 3·1 + 1·2 = 5.
    let hv = Hypervolume.compute([[1, 1], [3, 3]], directions: [.minimize, .maximize], reference: [4, 0])
    #expect(hv == 5)
  }

  @Test func historyMatchesThePrefixes() {
    let points: [[Double]] = [[3, 3, 3, 3], [1, 2, 3, 2], [2, 1, 1, 3], [0.5, 3, 2, 1], [3, 3, 3, 3]]
    let history = Hypervolume.history(points, reference: [4, 4, 4, 4])
    for k in points.indices {
      let want = Hypervolume.compute(Array(points[0...k]), reference: [4, 4, 4, 4])
      #expect(abs(history[k] - want) < 1e-9, "prefix \(k)")
    }
  }
}
