import HPO
import HPOAnalysis
import Testing

/// Brute-force non-dominated indices (O(n²d)), the oracle.
func bruteFront(_ v: [[Double]], _ dirs: [StudyDirection]) -> [Int] {
  (0..<v.count).filter { i in
    !(0..<v.count).contains { j in j != i && ParetoFront.dominates(v[j], v[i], directions: dirs) }
  }
}

/// Random vectors on a small integer grid (so ties and duplicates happen) or continuous.
func randomVectors(_ rng: inout SeededRNG, n: Int, d: Int, grid: Bool) -> [[Double]] {
  (0..<n).map { _ in
    (0..<d).map { _ in grid ? Double(rng.next() % 5) : rng.uniform() }
  }
}

@Suite struct ParetoFrontTests {
  @Test func matchesBruteForceOnRandomSets() {
    for seed in UInt64(0)..<300 {
      var rng = SeededRNG(seed: seed)
      let d = 2 + Int(seed % 3)
      let n = 1 + Int(rng.next() % 60)
      let dirs = (0..<d).map { _ in rng.next() % 2 == 0 ? StudyDirection.minimize : .maximize }
      let v = randomVectors(&rng, n: n, d: d, grid: seed % 2 == 0)
      let got = ParetoFront.indices(of: v, directions: dirs)
      let want = bruteFront(v, dirs)
      #expect(got == want, "seed \(seed) d=\(d) n=\(n)")
    }
  }

  @Test func ranksPeelSuccessiveFronts() {
    for seed in UInt64(0)..<50 {
      var rng = SeededRNG(seed: seed)
      let d = 2 + Int(seed % 3)
      let dirs = [StudyDirection](repeating: .minimize, count: d)
      let v = randomVectors(&rng, n: 40, d: d, grid: true)
      let ranks = ParetoFront.ranks(of: v, directions: dirs)
      for i in v.indices {
        // Rank r > 0 means some vector of rank r-1 dominates it, and none of rank ≥ r does.
        let doms = v.indices.filter { ParetoFront.dominates(v[$0], v[i], directions: dirs) }
        if ranks[i] == 0 {
          #expect(doms.isEmpty, "seed \(seed) i=\(i)")
        } else {
          #expect(doms.contains { ranks[$0] == ranks[i] - 1 }, "seed \(seed) i=\(i)")
          #expect(!doms.contains { ranks[$0] >= ranks[i] }, "seed \(seed) i=\(i)")
        }
      }
    }
  }

  @Test func analysisFrontSkipsInfeasibleAndIncompleteTrials() {
    let input = AnalysisInput(
      trials: [
        trial(0, values: [1, 5]),
        trial(1, values: [2, 2]),
        trial(2, values: [0, 0], constraints: [1.0]),  // infeasible
        trial(3, .running),
        trial(4, values: [3, 3]),  // dominated by 1
        trial(5, values: [5, 1]),
        trial(6, .pruned, values: [0, 0]),
      ], directions: [.minimize, .minimize])
    #expect(ParetoAnalysis.front(input).map(\.number) == [0, 1, 5])
    #expect(ParetoAnalysis.front(input, feasibleOnly: false).map(\.number) == [2])
    let ranks = ParetoAnalysis.ranks(input)
    #expect(ranks[4] == 1 && ranks[0] == 0 && ranks[2] == nil)
  }
}

@Suite struct HypervolumeTests {
  @Test func knownValues() {
    // One box.
    #expect(Hypervolume.compute([[1, 2]], reference: [3, 3]) == 2)
    // 2-D staircase: (1,3),(2,2),(3,1) vs (4,4): 3*1 + 2*1 + 1*1 ... = 6.
    #expect(Hypervolume.compute([[1, 3], [2, 2], [3, 1]], reference: [4, 4]) == 6)
    // Dominated, duplicate and outside points change nothing.
    #expect(
      Hypervolume.compute(
        [[1, 3], [2, 2], [3, 1], [2, 2], [3, 3], [5, 0], [0, 4], [4, 0.5]], reference: [4, 4])
        == 6)
    // 3-D: two unit-overlapping boxes: (0,0,1) and (1,1,0) vs (2,2,2): 4*1 + 1*2 - 1*1 = 5.
    #expect(Hypervolume.compute([[0, 0, 1], [1, 1, 0]], reference: [2, 2, 2]) == 5)
    // 4-D: corners of the unit cube shifted: union of e_i-boxes in [0,2]^4.
    // Points p_i = 1 - e_i (i.e. 0 in one coordinate, 1 elsewhere): each box 2·1·1·1 = 2,
    // pairwise intersections 1, triples 1, quadruple 1: 4·2 - 6 + 4 - 1 = 5.
    let p4: [[Double]] = (0..<4).map { i in (0..<4).map { $0 == i ? 0 : 1 } }
    #expect(abs(Hypervolume.compute(p4, reference: [2, 2, 2, 2]) - 5) < 1e-12)
    // Empty and degenerate.
    #expect(Hypervolume.compute([], reference: [1, 1]) == 0)
    #expect(Hypervolume.compute([[1, 0]], reference: [1, 1]) == 0)
    // ZDT1-like true front sample: the benchmark's optimum 11 - 1/3 + 1.1 as the count grows.
    let front = (0...20000).map { i -> [Double] in
      let f1 = Double(i) / 20000
      return [f1, 1 - f1.squareRoot()]
    }
    #expect(abs(Hypervolume.compute(front, reference: [1.1, 11]) - (11 - 1.0 / 3 + 1.1)) < 1e-3)
  }

  @Test func directionsNegateMaximisedObjectives() {
    let hv = Hypervolume.compute(
      [[1, 3], [2, 4]], directions: [.minimize, .maximize], reference: [3, 0])
    // Minimisation form: (1,-3), (2,-4) vs (3, 0): 2*3 + 1*1 = 7.
    #expect(hv == 7)
  }

  /// Inclusion–exclusion over all subsets: exact for small sets in any dimension.
  func inclusionExclusion(_ pts: [[Double]], _ r: [Double]) -> Double {
    let inside = pts.filter { p in p.indices.allSatisfy { p[$0] < r[$0] } }
    var total = 0.0
    let n = inside.count
    for mask in 1..<(1 << n) {
      var corner = [Double](repeating: -.infinity, count: r.count)
      var bits = 0
      for i in 0..<n where mask & (1 << i) != 0 {
        bits += 1
        for k in r.indices { corner[k] = max(corner[k], inside[i][k]) }
      }
      let vol = r.indices.reduce(1.0) { $0 * (r[$1] - corner[$1]) }
      total += bits % 2 == 1 ? vol : -vol
    }
    return total
  }

  @Test func matchesInclusionExclusionOnSmallSets() {
    for seed in UInt64(0)..<200 {
      var rng = SeededRNG(seed: seed)
      let d = 2 + Int(seed % 4)
      let n = 1 + Int(rng.next() % 10)
      let pts = randomVectors(&rng, n: n, d: d, grid: seed % 2 == 0)
      let r = [Double](repeating: seed % 2 == 0 ? 4 : 0.9, count: d)
      let got = Hypervolume.compute(pts, reference: r)
      let want = inclusionExclusion(pts, r)
      #expect(abs(got - want) <= 1e-9 * max(1, want), "seed \(seed) d=\(d) n=\(n)")
    }
  }

  @Test func matchesMonteCarlo() {
    for seed in UInt64(0)..<8 {
      var rng = SeededRNG(seed: 1000 + seed)
      let d = 2 + Int(seed % 4)
      let pts = randomVectors(&rng, n: 30, d: d, grid: false)
      let r = [Double](repeating: 1, count: d)
      let exact = Hypervolume.compute(pts, reference: r)
      let samples = 20_000
      var hits = 0
      for _ in 0..<samples {
        let x = (0..<d).map { _ in rng.uniform() }
        if pts.contains(where: { p in (0..<d).allSatisfy { p[$0] <= x[$0] } }) { hits += 1 }
      }
      let mc = Double(hits) / Double(samples)
      // 5 standard errors of a Bernoulli mean (the box [0,1]^d has volume 1).
      let tol = 5 * (mc * (1 - mc) / Double(samples)).squareRoot() + 1e-9
      #expect(abs(exact - mc) <= tol, "seed \(seed) d=\(d): exact \(exact) mc \(mc)")
    }
  }

  @Test func historyMatchesRecomputation() {
    for seed in UInt64(0)..<60 {
      var rng = SeededRNG(seed: seed)
      let d = 2 + Int(seed % 3)
      let pts = randomVectors(&rng, n: 40, d: d, grid: seed % 2 == 0)
      let r = [Double](repeating: seed % 2 == 0 ? 4 : 0.95, count: d)
      let hist = Hypervolume.history(pts, reference: r)
      #expect(hist.count == pts.count)
      for k in [0, 5, 17, 39] {
        let want = Hypervolume.compute(Array(pts[0...k]), reference: r)
        #expect(abs(hist[k] - want) <= 1e-9 * max(1, want), "seed \(seed) d=\(d) k=\(k)")
      }
      #expect(zip(hist, hist.dropFirst()).allSatisfy { $0 <= $1 + 1e-12 }, "seed \(seed)")
    }
  }
}
