import Foundation

/// The state of one CMA-ES run (one restart) between generations, after Hansen, "The CMA
/// Evolution Strategy: A Tutorial" (arXiv:1604.00772), with the defaults and details of the
/// `cmaes` package that Optuna's `CmaEsSampler` uses: active (negative) recombination weights,
/// eigen-decomposition once per generation with C rebuilt from it, `cmaes`' stopping rules.
/// Two variants share it: separable CMA (Ros & Hansen 2008: diagonal C, its own learning rates)
/// and CMA-ES with margin (Hamano et al. 2022: a per-coordinate scale A and a mean correction that
/// keep integer and stepped coordinates from fixing on one value).
///
/// Codable: the sampler stores it as JSON in a trial system attr, so any worker continues it.
public struct CMAState: Codable, Sendable, Equatable {
  public var dim: Int
  public var popsize: Int
  public var separable: Bool
  public var mean: [Double]
  public var sigma: Double
  /// The covariance: n×n row-major, or its diagonal (n entries) when separable.
  public var cov: [Double]
  public var pc: [Double]
  public var pSigma: [Double]
  /// Generations told in this run.
  public var generation: Int
  /// Best and worst value of the last generations (`cmaes`' `_funhist_values`).
  public var funhist: [Double]
  public var tolx: Double
  /// Margin only: the step of each coordinate in the [0, 1] scale (0 = continuous), the scale A,
  /// and the margin α.
  public var steps: [Double]?
  public var marginA: [Double]?
  public var margin: Double?

  /// Bounds of every coordinate: [0, 1] (the sampler scales params there).
  public static let lower = 0.0, upper = 1.0
  static let eps = 1e-8
  static let sigmaMax = 1e32

  /// A fresh run at `mean` with step size `sigma` and the default or given population.
  /// `cov`: the first C (n×n row-major, full CMA only; `nil`: the identity).
  public init(mean: [Double], sigma: Double, popsize: Int? = nil, separable: Bool = false, steps: [Double]? = nil,
              cov: [Double]? = nil) {
    let n = mean.count
    self.dim = n
    self.popsize = popsize ?? Self.defaultPopsize(n)
    self.separable = separable
    self.mean = mean
    self.sigma = sigma
    if separable {
      self.cov = [Double](repeating: 1, count: n)
    } else {
      self.cov = [Double](repeating: 0, count: n * n)
      for i in 0..<n { self.cov[i * n + i] = 1 }
      if let cov, cov.count == n * n { self.cov = cov }
    }
    pc = [Double](repeating: 0, count: n)
    pSigma = pc
    generation = 0
    let term = 10 + Int((30.0 * Double(n) / Double(self.popsize)).rounded(.up))
    funhist = [Double](repeating: 0, count: 2 * term)
    tolx = 1e-12 * sigma
    if let steps, steps.contains(where: { $0 > 0 }), !separable {
      self.steps = steps
      marginA = [Double](repeating: 1, count: n)
      margin = 1 / (Double(n) * Double(self.popsize))
    }
  }

  /// λ = 4 + ⌊3 ln n⌋ (tutorial eq. 48).
  public static func defaultPopsize(_ n: Int) -> Int { 4 + Int((3 * Foundation.log(Double(max(1, n)))).rounded(.down)) }

  // MARK: Learning rates

  /// The strategy parameters that follow from n and λ (tutorial, Table 1; separable: Ros & Hansen).
  public struct Rates: Sendable {
    public let mu: Int
    public let weights: [Double]
    public let muEff: Double
    public let c1: Double, cmu: Double, cc: Double, cSigma: Double, dSigma: Double, chiN: Double
  }

  public var rates: Rates {
    let n = Double(dim), lambda = popsize, mu = popsize / 2
    let chiN = n.squareRoot() * (1 - 1 / (4 * n) + 1 / (21 * n * n))
    if separable {
      let wp = (0..<mu).map { Foundation.log(Double(mu + 1)) - Foundation.log(Double($0 + 1)) }
      let sum = wp.reduce(0, +)
      let w = wp.map { $0 / sum }
      let muEff = 1 / w.reduce(0) { $0 + $1 * $1 }
      let c1 = 2 / ((n + 1.3) * (n + 1.3) + muEff)
      let cmuFull = 2 / muEff / ((n + 2.0.squareRoot()) * (n + 2.0.squareRoot()))
        + (1 - 1 / muEff) * min(1, (2 * muEff - 1) / ((n + 2) * (n + 2) + muEff))
      let cmu = (n + 2) / 3 * cmuFull
      let cSigma = (muEff + 2) / (n + muEff + 3)
      let dSigma = 1 + 2 * max(0, ((muEff - 1) / (n + 1)).squareRoot() - 1) + cSigma
      return Rates(mu: mu, weights: w, muEff: muEff, c1: c1, cmu: cmu, cc: 4 / (n + 4), cSigma: cSigma,
                   dSigma: dSigma, chiN: chiN)
    }
    let wp = (0..<lambda).map { Foundation.log(Double(lambda + 1) / 2) - Foundation.log(Double($0 + 1)) }
    let pos = wp.prefix(mu), neg = wp.dropFirst(mu)
    let muEff = pow(pos.reduce(0, +), 2) / pos.reduce(0) { $0 + $1 * $1 }
    let muEffMinus = pow(neg.reduce(0, +), 2) / neg.reduce(0) { $0 + $1 * $1 }
    let c1 = 2 / ((n + 1.3) * (n + 1.3) + muEff)
    let cmu = min(1 - c1 - 1e-8, 2 * (muEff - 2 + 1 / muEff) / ((n + 2) * (n + 2) + 2 * muEff / 2))
    let minAlpha = min(1 + c1 / cmu, 1 + 2 * muEffMinus / (muEff + 2), (1 - c1 - cmu) / (n * cmu))
    let positiveSum = wp.filter { $0 > 0 }.reduce(0, +)
    let negativeSum = wp.filter { $0 < 0 }.reduce(0) { $0 + abs($1) }
    let w = wp.map { $0 >= 0 ? $0 / positiveSum : minAlpha / negativeSum * $0 }
    let cSigma = (muEff + 2) / (n + muEff + 5)
    let dSigma = 1 + 2 * max(0, ((muEff - 1) / (n + 1)).squareRoot() - 1) + cSigma
    let cc = (4 + muEff / n) / (n + 4 + 2 * muEff / n)
    return Rates(mu: mu, weights: w, muEff: muEff, c1: c1, cmu: cmu, cc: cc, cSigma: cSigma, dSigma: dSigma,
                 chiN: chiN)
  }

  // MARK: Sampling

  /// B and D of C = B·D²·Bᵀ (D: square roots of the eigenvalues, negative ones taken as ε).
  public struct Basis: Sendable {
    /// Columns are eigenvectors (row-major n×n); `nil` when separable (B = I).
    public let b: [Double]?
    public let d: [Double]
  }

  public var basis: Basis {
    if separable { return Basis(b: nil, d: cov.map { ($0 < 0 ? Self.eps : $0).squareRoot() }) }
    let e = SymmetricEigen(cov, n: dim)
    return Basis(b: e.vectors, d: e.values.map { ($0 < 0 ? Self.eps : $0).squareRoot() })
  }

  /// x = m + σ·B·D·z for a standard normal z.
  public func point(z: [Double], basis: Basis) -> [Double] {
    let n = dim
    var x = mean
    for i in 0..<n {
      var y = 0.0
      if let b = basis.b {
        for j in 0..<n { y += b[i * n + j] * basis.d[j] * z[j] }
      } else {
        y = basis.d[i] * z[i]
      }
      x[i] += sigma * y
    }
    return x
  }

  /// One individual: draws until x lies in [0, 1]ⁿ (continuous coordinates only, with margin),
  /// at most `maxResampling` times, then clips the last draw (as `cmaes`' `ask`).
  public func sample(rng: inout SeededRNG, basis: Basis, maxResampling: Int) -> [Double] {
    func draw() -> [Double] { point(z: (0..<dim).map { _ in rng.normal() }, basis: basis) }
    func feasible(_ x: [Double]) -> Bool {
      x.indices.allSatisfy { i in (steps?[i] ?? 0) > 0 || (x[i] >= Self.lower && x[i] <= Self.upper) }
    }
    for _ in 0..<maxResampling {
      let x = draw()
      if feasible(x) { return x }
    }
    return draw().enumerated().map { i, v in (steps?[i] ?? 0) > 0 ? v : min(max(v, Self.lower), Self.upper) }
  }

  // MARK: Update

  /// One generation's update from λ (x, f) pairs, minimising f (tutorial eqs. 39–47 with active
  /// weights; separable: the diagonal forms). Then, with margin, the margin correction.
  /// `basis`: this state's `basis` when the caller has it already (else it is computed).
  public mutating func tell(_ solutions: [(x: [Double], value: Double)], basis known: Basis? = nil) {
    precondition(solutions.count == popsize, "tell takes popsize solutions")
    let n = dim, r = rates
    generation += 1
    let sorted = solutions.enumerated().sorted { $0.element.value != $1.element.value ? $0.element.value < $1.element.value : $0.offset < $1.offset }.map(\.element)
    let term = funhist.count / 2
    let idx = 2 * (generation % term)
    funhist[idx] = sorted[0].value
    funhist[idx + 1] = sorted[sorted.count - 1].value
    let basis = known ?? self.basis
    let ys = sorted.map { s in (0..<n).map { (s.x[$0] - mean[$0]) / sigma } }
    var yw = [Double](repeating: 0, count: n)
    for k in 0..<r.mu { for i in 0..<n { yw[i] += r.weights[k] * ys[k][i] } }
    for i in 0..<n { mean[i] += sigma * yw[i] }  // c_m = 1

    // C^(-1/2)·v = B·D⁻¹·Bᵀ·v
    func invSqrtC(_ v: [Double]) -> [Double] {
      guard let b = basis.b else { return (0..<n).map { v[$0] / basis.d[$0] } }
      var t = [Double](repeating: 0, count: n)
      for j in 0..<n { var s = 0.0; for i in 0..<n { s += b[i * n + j] * v[i] }; t[j] = s / basis.d[j] }
      var out = [Double](repeating: 0, count: n)
      for i in 0..<n { var s = 0.0; for j in 0..<n { s += b[i * n + j] * t[j] }; out[i] = s }
      return out
    }
    let cs = invSqrtC(yw)
    let kSigma = (r.cSigma * (2 - r.cSigma) * r.muEff).squareRoot()
    for i in 0..<n { pSigma[i] = (1 - r.cSigma) * pSigma[i] + kSigma * cs[i] }
    let normPS = pSigma.reduce(0) { $0 + $1 * $1 }.squareRoot()
    sigma *= Foundation.exp((r.cSigma / r.dSigma) * (normPS / r.chiN - 1))
    sigma = min(sigma, Self.sigmaMax)
    let left = normPS / (1 - pow(1 - r.cSigma, Double(2 * (generation + 1)))).squareRoot()
    let hSigma: Double = left < (1.4 + 2 / (Double(n) + 1)) * r.chiN ? 1 : 0
    let kc = (r.cc * (2 - r.cc) * r.muEff).squareRoot()
    for i in 0..<n { pc[i] = (1 - r.cc) * pc[i] + hSigma * kc * yw[i] }
    let deltaH = (1 - hSigma) * r.cc * (2 - r.cc)
    let wsum = r.weights.reduce(0, +)
    let keep = 1 + r.c1 * deltaH - r.c1 - r.cmu * wsum
    if separable {
      for i in 0..<n {
        var rankMu = 0.0
        for k in 0..<r.mu { rankMu += r.weights[k] * ys[k][i] * ys[k][i] }
        cov[i] = keep * cov[i] + r.c1 * pc[i] * pc[i] + r.cmu * rankMu
      }
    } else {
      // w∘: negative weights scaled by n / ‖C^(-1/2) y‖² (eq. 46)
      let wio = (0..<popsize).map { k -> Double in
        if r.weights[k] >= 0 { return r.weights[k] }
        let z = invSqrtC(ys[k])
        return r.weights[k] * Double(n) / (z.reduce(0) { $0 + $1 * $1 } + Self.eps)
      }
      for i in 0..<n {
        for j in 0..<n {
          var rankMu = 0.0
          for k in 0..<popsize { rankMu += wio[k] * ys[k][i] * ys[k][j] }
          cov[i * n + j] = keep * cov[i * n + j] + r.c1 * pc[i] * pc[j] + r.cmu * rankMu
        }
      }
      rebuildCovariance()
    }
    if marginA != nil { applyMargin() }
  }

  /// C ← B·D²·Bᵀ from its own eigen-decomposition, negative eigenvalues raised to ε (what
  /// `cmaes` does before each generation's sampling).
  mutating func rebuildCovariance() {
    let n = dim
    for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { let s = (cov[i * n + j] + cov[j * n + i]) / 2; cov[i * n + j] = s; cov[j * n + i] = s } }
    let e = SymmetricEigen(cov, n: n)
    let d2 = e.values.map { $0 < 0 ? Self.eps : $0 }
    for i in 0..<n {
      for j in 0..<n {
        var s = 0.0
        for k in 0..<n { s += e.vectors[i * n + k] * d2[k] * e.vectors[j * n + k] }
        cov[i * n + j] = s
      }
    }
  }

  /// The variance of coordinate i.
  public func variance(_ i: Int) -> Double { separable ? cov[i] : cov[i * dim + i] }

  // MARK: Stopping

  /// `cmaes`' stopping rules: flat values over the last generations, a tiny or huge step, no
  /// effect of a coordinate or an axis on the mean, or an ill-conditioned C.
  public func shouldStop() -> Bool {
    let n = dim, basis = self.basis
    let term = funhist.count / 2
    if generation > term, let hi = funhist.max(), let lo = funhist.min(), hi - lo < 1e-12 { return true }
    let dC = (0..<n).map(variance)
    if dC.allSatisfy({ sigma * $0 < tolx }) && pc.allSatisfy({ sigma * $0 < tolx }) { return true }
    if let dmax = basis.d.max(), sigma * dmax > 1e4 { return true }
    if (0..<n).contains(where: { mean[$0] == mean[$0] + 0.2 * sigma * dC[$0].squareRoot() }) { return true }
    let i = generation % n
    if (0..<n).allSatisfy({ j in mean[j] == mean[j] + 0.1 * sigma * basis.d[i] * (basis.b?[j * n + i] ?? 1) }) { return true }
    if let dmax = basis.d.max(), let dmin = basis.d.min(), dmax / dmin > 1e14 { return true }
    return false
  }
}

// MARK: Margin (Hamano, Saito, Nomura & Shirakawa, "CMA-ES with Margin", GECCO 2022)

extension CMAState {
  /// The discrete grid of coordinate i: values 0, s, 2s, … in the [0, 1] scale.
  func gridSize(_ i: Int) -> Int { Int(((1 + steps![i] / 2) / steps![i]).rounded(.up)) }

  /// The grid index nearest to v (ties to the lower value), as `cmaes`' CMAwM.
  func gridIndex(_ i: Int, _ v: Double) -> Int {
    let s = steps![i], size = gridSize(i)
    var k = min(max(Int((v / s + 0.5).rounded(.down)), 0), size - 1)
    if k > 0, v <= threshold(i, k - 1) { k -= 1 }
    if k < size - 1, v > threshold(i, min(k, size - 2)) { k += 1 }
    return k
  }

  /// The midpoint between grid values k and k + 1.
  func threshold(_ i: Int, _ k: Int) -> Double { (Double(k) * steps![i] + Double(k + 1) * steps![i]) / 2 }

  /// The thresholds around the grid cell that holds v.
  func limits(_ i: Int, _ v: Double) -> (low: Double, up: Double) {
    let k = gridIndex(i, v), size = gridSize(i)
    return (threshold(i, min(max(k - 1, 0), size - 2)), threshold(i, min(max(k, 0), size - 2)))
  }

  /// The value to evaluate for a raw sample x: discrete coordinates scaled by A about the mean and
  /// snapped to their grid; continuous ones unchanged.
  public func encoded(_ x: [Double]) -> [Double] {
    guard let steps, let a = marginA else { return x }
    return x.indices.map { i in
      guard steps[i] > 0 else { return x[i] }
      let v = (x[i] - mean[i]) * a[i] + mean[i]
      return Double(gridIndex(i, v)) * steps[i]
    }
  }

  /// After the CMA update: keeps the probability of leaving the mean's grid cell at least α/2 on
  /// each side, by moving the mean (edge cells) or scaling A (inner cells).
  mutating func applyMargin() {
    guard let steps, var a = marginA, let alpha = margin else { return }
    for i in 0..<dim where steps[i] > 0 {
      let m = mean[i]
      let (lo, up) = limits(i, m)
      let cii = variance(i)
      let scale = sigma * a[i] * cii.squareRoot()
      var lowCDF = Self.normCDF(lo, loc: m, scale: scale)
      var upCDF = 1 - Self.normCDF(up, loc: m, scale: scale)
      let midCDF = 1 - (lowCDF + upCDF)
      let edge = max(lowCDF, upCDF) > 0.5
      if edge {
        if min(lowCDF, upCDF) < alpha {
          let sign: Double = m - up > 0 ? 1 : (m - up < 0 ? -1 : 0)
          let dist = sigma * a[i] * (Self.chi2PPF(1 - 2 * alpha) * cii).squareRoot()
          mean[i] = up + sign * dist
        }
      }
      lowCDF = max(lowCDF, alpha / 2)
      upCDF = max(upCDF, alpha / 2)
      let denom = lowCDF + midCDF + upCDF - 3 * alpha / 2
      var mLow = lowCDF + (1 - lowCDF - upCDF - midCDF) * (lowCDF - alpha / 2) / denom
      var mUp = upCDF + (1 - lowCDF - upCDF - midCDF) * (upCDF - alpha / 2) / denom
      mLow = min(max(mLow, 1e-10), 0.5 - 1e-10)
      mUp = min(max(mUp, 1e-10), 0.5 - 1e-10)
      if !edge {
        let chiLow = Self.chi2PPF(1 - 2 * mLow).squareRoot()
        let chiUp = Self.chi2PPF(1 - 2 * mUp).squareRoot()
        a[i] = (up - lo) / ((chiLow + chiUp) * sigma * cii.squareRoot())
        mean[i] = (lo * chiUp + up * chiLow) / (chiLow + chiUp)
      }
    }
    marginA = a
  }

  /// Φ((x − loc) / scale), accurate in both tails.
  static func normCDF(_ x: Double, loc: Double, scale: Double) -> Double {
    let t = (x - loc) / scale / 2.0.squareRoot()
    if abs(t) < 1 / 2.0.squareRoot() { return 0.5 + 0.5 * erf(t) }
    let y = 0.5 * erfc(abs(t))
    return t > 0 ? 1 - y : y
  }

  /// The q-quantile of χ² with one degree of freedom, by bisection on erf(√(x/2)) = q.
  static func chi2PPF(_ q: Double) -> Double {
    if q == 0 { return 0 }
    if q == 1 { return .infinity }
    var a = 0.0, b = 100.0, m = 0.0
    for _ in 0..<100 {
      m = (a + b) / 2
      let below = q < 0.9 ? erf((m / 2).squareRoot()) < q : erfc((m / 2).squareRoot()) > 1 - q
      if below { a = m } else { b = m }
    }
    return m
  }
}
