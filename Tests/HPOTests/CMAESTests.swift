import Foundation
import OrderedCollections
import Testing

@testable import HPO

/// The Jacobi eigen-decomposition against known results.
@Suite struct SymmetricEigenTests {
  @Test func twoByTwo() {
    let e = SymmetricEigen([2, 1, 1, 2], n: 2)
    #expect(abs(e.values[0] - 1) < 1e-14 && abs(e.values[1] - 3) < 1e-14)
    let r = 1 / 2.0.squareRoot()
    // Columns: (1, −1)/√2 for 1 (largest-magnitude component positive: the first on a tie) and (1, 1)/√2 for 3.
    #expect(abs(abs(e.vectors[0]) - r) < 1e-14 && abs(e.vectors[0] + e.vectors[2]) < 1e-14)
    #expect(abs(e.vectors[1] - r) < 1e-14 && abs(e.vectors[3] - r) < 1e-14)
  }

  @Test func tridiagonalThreeByThree() {
    // Eigenvalues of tridiag(−1, 2, −1): 2 − √2, 2, 2 + √2.
    let e = SymmetricEigen([2, -1, 0, -1, 2, -1, 0, -1, 2], n: 3)
    let want = [2 - 2.0.squareRoot(), 2, 2 + 2.0.squareRoot()]
    for (a, b) in zip(e.values, want) { #expect(abs(a - b) < 1e-14) }
    // The eigenvector of 2 is (1, 0, −1)/√2.
    #expect(abs(e.vectors[0 * 3 + 1] - 1 / 2.0.squareRoot()) < 1e-14 && abs(e.vectors[1 * 3 + 1]) < 1e-14)
  }

  @Test func repeatedEigenvaluesAndDiagonal() {
    let e = SymmetricEigen([3, 0, 0, 0, 1, 0, 0, 0, 1], n: 3)
    #expect(e.values == [1, 1, 3])
    let i = SymmetricEigen([1, 0, 0, 1], n: 2)
    #expect(i.values == [1, 1] && i.vectors == [1, 0, 0, 1])
  }

  @Test(arguments: [5, 12, 30])
  func randomSymmetricReconstructs(_ n: Int) {
    var rng = SeededRNG(seed: UInt64(n))
    var a = [Double](repeating: 0, count: n * n)
    for i in 0..<n { for j in i..<n { let v = rng.normal(); a[i * n + j] = v; a[j * n + i] = v } }
    let e = SymmetricEigen(a, n: n)
    #expect(e.values == e.values.sorted())
    for j in 0..<n {  // A·v = λ·v and VᵀV = I
      for i in 0..<n {
        var av = 0.0
        for k in 0..<n { av += a[i * n + k] * e.vectors[k * n + j] }
        #expect(abs(av - e.values[j] * e.vectors[i * n + j]) < 1e-11)
      }
      for k in 0..<n {
        var dot = 0.0
        for i in 0..<n { dot += e.vectors[i * n + j] * e.vectors[i * n + k] }
        #expect(abs(dot - (j == k ? 1 : 0)) < 1e-12)
      }
    }
  }
}

/// One generation's update against the tutorial's equations (Hansen, arXiv:1604.00772, (39)–(47)
/// and Table 1), written out here on a fixed sample from C = I, where C^(−1/2) = I.
@Suite struct CMATutorialTests {
  @Test func defaultPopulation() {
    #expect(CMAState.defaultPopsize(2) == 6 && CMAState.defaultPopsize(10) == 10 && CMAState.defaultPopsize(20) == 12)
    #expect(CMAState(mean: [0.5, 0.5, 0.5], sigma: 1.0 / 6).popsize == 7)
  }

  @Test func oneGenerationFollowsTheEquations() {
    let n = 3, lambda = 6
    let m0 = [0.5, 0.4, 0.6], s0 = 0.2
    let xs: [[Double]] = [[0.55, 0.38, 0.61], [0.3, 0.5, 0.7], [0.62, 0.41, 0.45], [0.5, 0.2, 0.66],
                          [0.71, 0.55, 0.58], [0.45, 0.33, 0.52]]
    let f: ([Double]) -> Double = { x in x.enumerated().reduce(0) { $0 + Double($1.offset + 1) * pow($1.element - 0.5, 2) } }
    var state = CMAState(mean: m0, sigma: s0, popsize: lambda)
    state.tell(xs.map { ($0, f($0)) })

    // Table 1
    let dn = Double(n), mu = lambda / 2
    let wPrime = (1...lambda).map { log(Double(lambda + 1) / 2) - log(Double($0)) }
    let muEff = pow(wPrime[0..<mu].reduce(0, +), 2) / wPrime[0..<mu].map { $0 * $0 }.reduce(0, +)
    let muEffMinus = pow(wPrime[mu...].reduce(0, +), 2) / wPrime[mu...].map { $0 * $0 }.reduce(0, +)
    let c1 = 2 / (pow(dn + 1.3, 2) + muEff)
    let cmu = min(1 - c1, 2 * (muEff - 2 + 1 / muEff) / (pow(dn + 2, 2) + muEff))
    let alphaMu = 1 + c1 / cmu, alphaMuEff = 1 + 2 * muEffMinus / (muEff + 2), alphaPosDef = (1 - c1 - cmu) / (dn * cmu)
    let sumPos = wPrime.filter { $0 > 0 }.reduce(0, +), sumNeg = -wPrime.filter { $0 < 0 }.reduce(0, +)
    let w = wPrime.map { $0 >= 0 ? $0 / sumPos : min(alphaMu, alphaMuEff, alphaPosDef) / sumNeg * $0 }
    let cSigma = (muEff + 2) / (dn + muEff + 5)
    let dSigma = 1 + 2 * max(0, ((muEff - 1) / (dn + 1)).squareRoot() - 1) + cSigma
    let cc = (4 + muEff / dn) / (dn + 4 + 2 * muEff / dn)
    let chiN = dn.squareRoot() * (1 - 1 / (4 * dn) + 1 / (21 * dn * dn))

    // (39)–(41): rank, y = (x − m)/σ, ⟨y⟩_w
    let ranked = xs.sorted { f($0) < f($1) }
    let y = ranked.map { x in (0..<n).map { (x[$0] - m0[$0]) / s0 } }
    let yw = (0..<n).map { i in (0..<mu).reduce(0) { $0 + w[$1] * y[$1][i] } }
    // (42) c_m = 1
    let m1 = (0..<n).map { m0[$0] + s0 * yw[$0] }
    // (43), (44)
    let ps = yw.map { (cSigma * (2 - cSigma) * muEff).squareRoot() * $0 }
    let normPs = ps.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let s1 = s0 * exp(cSigma / dSigma * (normPs / chiN - 1))
    // (45) with h_σ (p. 28; g = 1 after this generation)
    let h: Double = normPs / (1 - pow(1 - cSigma, 2 * 2)).squareRoot() < (1.4 + 2 / (dn + 1)) * chiN ? 1 : 0
    let pc = yw.map { h * (cc * (2 - cc) * muEff).squareRoot() * $0 }
    // (46), (47)
    // (+ 1e-8: `cmaes`' guard against y = 0, kept by hpotop)
    let wo = (0..<lambda).map { k in w[k] >= 0 ? w[k] : w[k] * dn / (y[k].reduce(0) { $0 + $1 * $1 } + 1e-8) }
    let dh = (1 - h) * cc * (2 - cc)
    var c = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n {
        let rankMu = (0..<lambda).reduce(0) { $0 + wo[$1] * y[$1][i] * y[$1][j] }
        c[i * n + j] = (1 + c1 * dh - c1 - cmu * w.reduce(0, +)) * (i == j ? 1 : 0) + c1 * pc[i] * pc[j] + cmu * rankMu
      }
    }
    for i in 0..<n {
      #expect(abs(state.mean[i] - m1[i]) < 1e-14)
      #expect(abs(state.pSigma[i] - ps[i]) < 1e-12)
      #expect(abs(state.pc[i] - pc[i]) < 1e-12)
    }
    #expect(abs(state.sigma - s1) < 1e-14)
    for k in 0..<(n * n) { #expect(abs(state.cov[k] - c[k]) < 1e-13) }
  }
}

// MARK: Fixtures from the `cmaes` package

struct CMAFixture: Decodable {
  struct Generation: Decodable {
    let xs: [[Double]]
    let values: [Double]
    let mean: [Double]
    let sigma: Double
    let cov: [Double]?
    let pc: [Double]?
    let p_sigma: [Double]?
    let should_stop: Bool?
    let encoded: [[Double]]?
    let a: [Double]?
    let restart: Restart?
  }
  struct Restart: Decodable {
    let u1: Double, u2: Double, popsize: Int, sigma: Double, mean: [Double], small: Bool
    let small_evals: Int, large_evals: Int
  }
  struct Case: Decodable {
    let mean0: [Double]
    let sigma0: Double
    let popsize: Int
    let steps: [Double]?
    let margin: Double?
    let generations: [Generation]
  }
  let plain: Case
  let separable: Case
  let margin: Case
  let bipop: Case

  static func load() throws -> CMAFixture {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/cmaes_fixture.json")
    return try JSONDecoder().decode(CMAFixture.self, from: Data(contentsOf: url))
  }
}

func close(_ a: [Double], _ b: [Double], rel: Double) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= rel * max(1, abs($1)) }
}

/// hpotop's CMAState fed the solutions the `cmaes` package sampled, generation by generation
/// (bench/cmaes/make_fixture.py), against the package's state after each tell.
@Suite struct CMAFixtureTests {
  @Test func plain() throws {
    let fx = try CMAFixture.load().plain
    var s = CMAState(mean: fx.mean0, sigma: fx.sigma0)
    #expect(s.popsize == fx.popsize)
    for (g, gen) in fx.generations.enumerated() {
      s.tell(zip(gen.xs, gen.values).map { ($0, $1) })
      #expect(close(s.mean, gen.mean, rel: 1e-9), "mean, generation \(g + 1)")
      #expect(abs(s.sigma - gen.sigma) <= 1e-9 * gen.sigma, "sigma, generation \(g + 1)")
      #expect(close(s.cov, gen.cov!, rel: 1e-8), "C, generation \(g + 1)")
      #expect(close(s.pc, gen.pc!, rel: 1e-8) && close(s.pSigma, gen.p_sigma!, rel: 1e-8), "paths, generation \(g + 1)")
      #expect(s.shouldStop() == gen.should_stop)
    }
  }

  @Test func separable() throws {
    let fx = try CMAFixture.load().separable
    var s = CMAState(mean: fx.mean0, sigma: fx.sigma0, separable: true)
    #expect(s.popsize == fx.popsize && s.cov.count == fx.mean0.count)
    for (g, gen) in fx.generations.enumerated() {
      s.tell(zip(gen.xs, gen.values).map { ($0, $1) })
      #expect(close(s.mean, gen.mean, rel: 1e-9), "mean, generation \(g + 1)")
      #expect(abs(s.sigma - gen.sigma) <= 1e-9 * gen.sigma, "sigma, generation \(g + 1)")
      #expect(close(s.cov, gen.cov!, rel: 1e-8), "diag C, generation \(g + 1)")
      #expect(s.shouldStop() == gen.should_stop)
    }
  }

  /// CMA-ES with margin: the encoding of each raw sample onto the grid, and the mean, σ, C and A
  /// after each generation's margin correction.
  @Test func withMargin() throws {
    let fx = try CMAFixture.load().margin
    var s = CMAState(mean: fx.mean0, sigma: fx.sigma0, steps: fx.steps)
    #expect(s.margin == fx.margin)
    var corrected = 0
    for (g, gen) in fx.generations.enumerated() {
      for (x, enc) in zip(gen.xs, gen.encoded!) {
        #expect(close(s.encoded(x), enc, rel: 1e-12), "encoding, generation \(g + 1)")
      }
      let before = s.marginA!
      s.tell(zip(gen.xs, gen.values).map { ($0, $1) })
      if s.marginA! != before { corrected += 1 }
      #expect(close(s.mean, gen.mean, rel: 1e-8), "mean, generation \(g + 1)")
      #expect(abs(s.sigma - gen.sigma) <= 1e-9 * gen.sigma, "sigma, generation \(g + 1)")
      #expect(close(s.cov, gen.cov!, rel: 1e-8), "C, generation \(g + 1)")
      #expect(close(s.marginA!, gen.a!, rel: 1e-8), "A, generation \(g + 1)")
    }
    #expect(corrected > 0, "the margin never changed A: the fixture does not exercise it")
  }

  /// BIPOP: the package's run on Rastrigin with restarts; `shouldStop` must agree every
  /// generation, and each restart must choose the same regime, population and σ.
  @Test func bipop() throws {
    let fx = try CMAFixture.load().bipop
    var run = CMARun(params: ["a", "b", "c", "d"], generation: 0, state: CMAState(mean: fx.mean0, sigma: fx.sigma0))
    var restarts = 0, small = 0, large = 0
    for (g, gen) in fx.generations.enumerated() {
      run.state.tell(zip(gen.xs, gen.values).map { ($0, $1) })
      #expect(close(run.state.mean, gen.mean, rel: 1e-7), "mean, generation \(g + 1)")
      let stop = run.state.shouldStop()
      try #require(stop == gen.should_stop, "should_stop, generation \(g + 1)")
      if let r = gen.restart {
        let (popsize, sigma) = run.restart(strategy: .bipop, incPopsize: 2, u1: r.u1, u2: r.u2)
        #expect(popsize == r.popsize && abs(sigma - r.sigma) < 1e-15 && run.smallRegime == r.small)
        #expect(run.smallEvaluations == r.small_evals && run.largeEvaluations == r.large_evals)
        run.state = CMAState(mean: r.mean, sigma: sigma, popsize: popsize)
        restarts += 1
        if r.small { small += 1 } else { large += 1 }
      }
    }
    #expect(restarts == 3 && small >= 1 && large >= 1, "the fixture covers both regimes")
  }

  @Test func ipopDoublesThePopulation() {
    var run = CMARun(params: ["a"], generation: 5, state: CMAState(mean: [0.5, 0.5], sigma: 0.1))
    let (p, s) = run.restart(strategy: .ipop, incPopsize: 2, u1: 0.3, u2: 0.3)
    #expect(p == 2 * CMAState.defaultPopsize(2) && s == 0.1 && run.restarts == 1)
  }

  /// The sampler hands `tell` the basis it already holds for the state: the update must be the
  /// one `tell` computes on its own, bit for bit.
  @Test func tellWithTheKnownBasisIsTheSameUpdate() throws {
    let fx = try CMAFixture.load().plain
    var own = CMAState(mean: fx.mean0, sigma: fx.sigma0), given = own
    for (g, gen) in fx.generations.enumerated() {
      let solutions = zip(gen.xs, gen.values).map { ($0, $1) }
      own.tell(solutions)
      given.tell(solutions, basis: given.basis)
      #expect(own == given, "generation \(g + 1)")
    }
  }

  @Test func stateRoundTripsThroughJSON() throws {
    var s = CMAState(mean: [0.1, 0.2, 0.3], sigma: 0.2, steps: [0, 0.5, 0])
    s.tell((0..<s.popsize).map { k in ([0.1 + 0.01 * Double(k), 0.3, 0.2], Double(k)) })
    let run = CMARun(params: ["x", "y", "z"], generation: 4, state: s)
    #expect(CMARun.decode(run.json()) == run)
  }
}
