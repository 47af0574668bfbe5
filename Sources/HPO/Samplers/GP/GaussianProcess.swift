import CGPKernels
import Foundation

/// A Gaussian-process regressor with a Matérn-5/2 ARD kernel, as Optuna 5.0's `GPRegressor`:
/// inputs in [0, 1] (categorical dims hold the choice index and count as distance 1 when they
/// differ), outputs standardised by the caller, kernel hyperparameters (inverse squared length
/// scales, kernel scale, noise variance) fitted by maximum a posteriori under Optuna's priors.
///
/// - Rasmussen & Williams, "Gaussian Processes for Machine Learning", 2006, §2.2 and §5.4.1
///   (posterior, marginal likelihood and its gradient).
/// - Snoek, Larochelle & Adams, "Practical Bayesian optimization of machine learning
///   algorithms", NeurIPS 2012 (Matérn-5/2 ARD for hyperparameter search).
struct GaussianProcess: Sendable {
  /// The kernel's hyperparameters.
  struct Params: Sendable, Equatable {
    var inverseSquaredLengthscales: [Double]
    var kernelScale: Double
    var noiseVariance: Double

    /// Optuna's starting point: every parameter 1.
    static func initial(dim: Int) -> Params {
      Params(inverseSquaredLengthscales: Array(repeating: 1, count: dim), kernelScale: 1, noiseVariance: 1)
    }
  }

  /// Optuna's `DEFAULT_MINIMUM_NOISE_VAR`.
  static let minimumNoise = 1e-6

  let dim: Int
  let isCategorical: [Bool]
  /// Training inputs, row-major `n × dim`.
  private(set) var x: [Double]
  private(set) var y: [Double]
  private(set) var params: Params
  /// The fit's final loss, −log marginal likelihood − log prior (∞ before a fit or when it failed).
  private(set) var fitLoss = Double.infinity
  /// The per-dimension squared differences (Hamming for categorical dims) of every training pair
  /// `i > j`, packed row by row: pair `(i, j)` starts at `(i(i−1)/2 + j) · dim`. Each likelihood
  /// evaluation reuses them (Optuna caches the same tensor).
  private var pairSqd: [Double] = []
  /// `L⁻¹` for the Cholesky factor `L` of `K + noise I` (with three zero rows after the `n`, for
  /// the batched variance's four rows at a time), `K⁻¹ y` and `(K + noise I)⁻¹`, for the current
  /// training set.
  private var cholInverse: [Double] = []
  private(set) var alpha: [Double] = []
  private var kinv: [Double] = []

  var count: Int { y.count }

  init(x: [Double], y: [Double], dim: Int, isCategorical: [Bool], params: Params) {
    self.dim = dim
    self.isCategorical = isCategorical
    self.x = x
    self.y = y
    self.params = params
    pairSqd = Self.pairSquaredDifferences(x, dim: dim, isCategorical: isCategorical)
  }

  static func pairSquaredDifferences(_ x: [Double], dim: Int, isCategorical: [Bool]) -> [Double] {
    let n = dim == 0 ? 0 : x.count / dim
    var out = [Double](repeating: 0, count: n * max(0, n - 1) / 2 * dim)
    x.withUnsafeBufferPointer { xp in
      out.withUnsafeMutableBufferPointer { o in
        var at = 0
        for i in 0..<n {
          for j in 0..<i {
            for c in 0..<dim {
              let d = xp[i * dim + c] - xp[j * dim + c]
              o[at] = isCategorical[c] ? (d == 0 ? 0 : 1) : d * d
              at += 1
            }
          }
        }
      }
    }
    return out
  }

  // MARK: Kernel

  /// Matérn-5/2 of a squared distance: `(1 + √(5r²) + 5r²/3) e^{−√(5r²)}`.
  @inline(__always) static func matern52(_ r2: Double) -> Double {
    let s = (5 * r2).squareRoot()
    return (1 + s + 5.0 / 3.0 * r2) * Foundation.exp(-s)
  }

  /// The derivative of `matern52` with respect to the squared distance: `−5/6 (1 + s) e^{−s}`.
  @inline(__always) static func matern52Derivative(_ r2: Double) -> Double {
    let s = (5 * r2).squareRoot()
    return -5.0 / 6.0 * (1 + s) * Foundation.exp(-s)
  }

  /// The per-dimension squared difference the kernel uses (Hamming for categorical dims).
  @inline(__always) func sqd(_ a: Double, _ b: Double, dim j: Int) -> Double {
    if isCategorical[j] { return a == b ? 0 : 1 }
    let d = a - b
    return d * d
  }

  /// `k(a, b)` for two points.
  func kernel(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>, params p: Params) -> Double {
    var r2 = 0.0
    var ia = a.startIndex, ib = b.startIndex
    for j in 0..<dim {
      r2 += sqd(a[ia], b[ib], dim: j) * p.inverseSquaredLengthscales[j]
      ia += 1; ib += 1
    }
    return p.kernelScale * Self.matern52(r2)
  }

  /// `K + noise I` on the training inputs: its lower triangle, zeros above (the Cholesky factor
  /// and the likelihood's gradient read no more).
  func covariance(_ p: Params) -> [Double] {
    var unused: [Double]? = nil
    return covariance(p, derivative: &unused)
  }

  /// `K + noise I` (lower triangle), and when `derivative` is non-nil, `scale · ∂matern/∂r²` of
  /// every pair `i > j`, packed as `pairSqd`'s pairs (the likelihood's gradient reuses them).
  func covariance(_ p: Params, derivative: inout [Double]?) -> [Double] {
    let n = count
    var k = [Double](repeating: 0, count: n * n)
    var dk = [Double](repeating: 0, count: derivative != nil ? n * max(0, n - 1) / 2 : 0)
    k.withUnsafeMutableBufferPointer { kp in
      dk.withUnsafeMutableBufferPointer { dp in
        fillCovariance(p, kp.baseAddress!, derivative: derivative != nil ? dp.baseAddress : nil)
      }
    }
    if derivative != nil { derivative = dk }
    return k
  }

  /// Writes `K + noise I`'s lower triangle to `k` (`n × n`; the entries above the diagonal are
  /// left as they are) and, when given, the pairs' `scale · ∂matern/∂r²` to `derivative`.
  private func fillCovariance(_ p: Params, _ k: UnsafeMutablePointer<Double>, derivative: UnsafeMutablePointer<Double>?) {
    let n = count
    pairSqd.withUnsafeBufferPointer { sp in
      p.inverseSquaredLengthscales.withUnsafeBufferPointer { rp in
        var at = 0
        for i in 0..<n {
          let row = k + i * n  // r² of the pairs (i, j < i), then their kernel, in place
          for j in 0..<i {
            var r2 = 0.0
            for c in 0..<dim { r2 += sp[at + c] * rp[c] }
            at += dim
            row[j] = r2
          }
          LinearAlgebra.matern52(row, i, scale: p.kernelScale, derivative: derivative.map { $0 + i * (i - 1) / 2 })
          row[i] = p.kernelScale + p.noiseVariance
        }
      }
    }
  }

  // MARK: Marginal likelihood

  /// The log marginal likelihood without its constant (`−Σ log Lᵢᵢ − ½ yᵀK⁻¹y`, as Optuna), or
  /// `nil` when the covariance is not positive definite.
  func logMarginalLikelihood(_ p: Params) -> Double? {
    let n = count
    guard let l = LinearAlgebra.cholesky(covariance(p), n: n) else { return nil }
    let u = LinearAlgebra.solveLower(l, n: n, y)
    var logdet = 0.0
    for i in 0..<n { logdet += Foundation.log(l[i * n + i]) }
    var quad = 0.0
    for v in u { quad += v * v }
    return -logdet - 0.5 * quad
  }

  /// Optuna's `default_log_prior`: `−Σ(0.1/ρ + 0.1ρ)` on the inverse squared length scales,
  /// Gamma(2, 1) on the kernel scale and Gamma(1.1, 30) on the noise (constants omitted).
  static func logPrior(_ p: Params) -> Double {
    var s = 0.0
    for r in p.inverseSquaredLengthscales { s -= 0.1 / r + 0.1 * r }
    s += (2 - 1) * Foundation.log(p.kernelScale) - 1 * p.kernelScale
    s += (1.1 - 1) * Foundation.log(p.noiseVariance) - 30 * p.noiseVariance
    return s
  }

  /// The raw (unconstrained) coordinates the fit moves in: log ρ, log scale, log(noise − min).
  static func raw(_ p: Params) -> [Double] {
    p.inverseSquaredLengthscales.map { Foundation.log($0) } + [
      Foundation.log(p.kernelScale), Foundation.log(max(p.noiseVariance - 0.99 * minimumNoise, 1e-300)),
    ]
  }

  /// The raw coordinates of a previous fit's params, to resume from them: `raw(p)` without its
  /// shift of the noise by 0.01 · min, which would move a noise fitted at its minimum back up to
  /// 1e-8 above it (log 1e-8 ≈ −18.4), where the gradient in that coordinate exceeds the stopping
  /// tolerance and the fit spends about ten iterations walking it down again. A noise less than
  /// 1e-10 above the minimum starts at 1e-10 above it (there that gradient is below tolerance).
  static func raw(resuming p: Params) -> [Double] {
    p.inverseSquaredLengthscales.map { Foundation.log($0) } + [
      Foundation.log(p.kernelScale), Foundation.log(max(p.noiseVariance - minimumNoise, 1e-4 * minimumNoise)),
    ]
  }

  /// The params at raw coordinates; a deterministic objective keeps the minimum noise.
  static func params(raw: [Double], dim: Int, deterministic: Bool) -> Params {
    Params(
      inverseSquaredLengthscales: raw[0..<dim].map { Foundation.exp($0) },
      kernelScale: Foundation.exp(raw[dim]),
      noiseVariance: deterministic ? minimumNoise : Foundation.exp(raw[dim + 1]) + minimumNoise)
  }

  /// The fit's loss (−log marginal likelihood − log prior) and its gradient in raw coordinates:
  /// `∂ log p(y)/∂θ = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ)` with `α = K⁻¹y`.
  func loss(raw: [Double], deterministic: Bool) -> (value: Double, gradient: [Double]) {
    let r = lazyLoss(raw: raw, deterministic: deterministic)
    return (r.value, r.gradient())
  }

  /// Matrices a fit's likelihood evaluations reuse, so a fit allocates them once: each
  /// evaluation overwrites them, so its deferred gradient must run before the next evaluation
  /// (`LBFGS.minimizeDeferringGradient` calls it at once or never).
  final class Workspace {
    /// `K + noise I`, its Cholesky factor, `L⁻¹` and `K⁻¹` (lower triangles), the pairs' kernel
    /// derivatives.
    var k: [Double], l: [Double], m: [Double], kinv: [Double], dk: [Double]

    init(n: Int) {
      k = [Double](repeating: 0, count: n * n)
      l = k
      m = k
      kinv = k
      dk = [Double](repeating: 0, count: n * max(0, n - 1) / 2)
    }
  }

  /// `loss` with the gradient deferred: the value needs only the Cholesky factor; the gradient
  /// (which needs `K⁻¹`, twice the factor's work) is computed when the closure is called.
  func lazyLoss(raw: [Double], deterministic: Bool, workspace: Workspace? = nil)
    -> (value: Double, gradient: () -> [Double])
  {
    let p = Self.params(raw: raw, dim: dim, deterministic: deterministic)
    let n = count
    let zero = [Double](repeating: 0, count: raw.count)
    let inf: (Double, () -> [Double]) = (Double.infinity, { zero })
    guard raw.allSatisfy(\.isFinite) else { return inf }
    let ws = workspace ?? Workspace(n: n)
    let factored = ws.k.withUnsafeMutableBufferPointer { kp in
      ws.dk.withUnsafeMutableBufferPointer { dp in
        ws.l.withUnsafeMutableBufferPointer { lp in
          fillCovariance(p, kp.baseAddress!, derivative: dp.baseAddress)
          return gpk_cholesky(kp.baseAddress!, lp.baseAddress!, n) == 0
        }
      }
    }
    guard factored else { return inf }
    let a = LinearAlgebra.solveCholesky(ws.l, n: n, y)
    var logdet = 0.0
    for i in 0..<n { logdet += Foundation.log(ws.l[i * n + i]) }
    var quad = 0.0
    for i in 0..<n { quad += y[i] * a[i] }
    let mll = -logdet - 0.5 * quad
    return (-mll - Self.logPrior(p), { gradient(p, workspace: ws, alpha: a, deterministic: deterministic) })
  }

  /// The loss's gradient in raw coordinates at params `p`, from `lazyLoss`'s covariance, its
  /// factor and the kernel derivatives (in `ws`) and `α = K⁻¹y`.
  private func gradient(_ p: Params, workspace ws: Workspace, alpha a: [Double], deterministic: Bool) -> [Double] {
    let n = count
    ws.m.withUnsafeMutableBufferPointer { mp in
      ws.kinv.withUnsafeMutableBufferPointer { kp in
        ws.l.withUnsafeBufferPointer { gpk_inverse_lower($0.baseAddress!, mp.baseAddress!, n) }
        gpk_gram_lower(mp.baseAddress!, kp.baseAddress!, n, 0)
      }
    }
    let kinv = ws.kinv, k = ws.k, dk = ws.dk
    var grad = [Double](repeating: 0, count: dim + 2)
    // ½ Σᵢⱼ Wᵢⱼ ∂Kᵢⱼ: off-diagonal pairs twice, the diagonal once.
    var traceW = 0.0
    var scaleTerm = 0.0
    let rho = p.inverseSquaredLengthscales
    a.withUnsafeBufferPointer { ap in
      kinv.withUnsafeBufferPointer { kp in
        k.withUnsafeBufferPointer { cov in
          dk.withUnsafeBufferPointer { dp in
            pairSqd.withUnsafeBufferPointer { sp in
              grad.withUnsafeMutableBufferPointer { gp in
                var at = 0, pair = 0
                for i in 0..<n {
                  let wii = ap[i] * ap[i] - kp[i * n + i]
                  traceW += wii
                  scaleTerm += wii * p.kernelScale  // ∂Kᵢᵢ/∂log scale = scale
                  for j in 0..<i {
                    let w = ap[i] * ap[j] - kp[i * n + j]
                    scaleTerm += 2 * w * cov[i * n + j]  // ∂Kᵢⱼ/∂log scale = Kᵢⱼ
                    let dm = 2 * w * dp[pair]
                    for c in 0..<dim { gp[c] += dm * sp[at + c] }
                    at += dim
                    pair += 1
                  }
                }
              }
            }
          }
        }
      }
    }
    var out = [Double](repeating: 0, count: dim + 2)
    for c in 0..<dim {
      // ∂r²/∂log ρ_c = sqd_c ρ_c, and ∂(−log prior)/∂log ρ = −(0.1/ρ − 0.1ρ).
      out[c] = -(0.5 * grad[c] * rho[c]) - (0.1 / rho[c] - 0.1 * rho[c])
    }
    out[dim] = -(0.5 * scaleTerm) - (1 - p.kernelScale)
    if !deterministic {
      let e = p.noiseVariance - Self.minimumNoise  // ∂noise/∂raw
      out[dim + 1] = -(0.5 * traceW * e) - (0.1 / p.noiseVariance - 30) * e
    }
    return out
  }

  /// The loss at given params (the value only: one Cholesky factor).
  func loss(at p: Params, deterministic: Bool) -> Double {
    lazyLoss(raw: Self.raw(resuming: p), deterministic: deterministic).value
  }

  /// Fits the hyperparameters by MAP from `start` (Optuna: L-BFGS-B, gtol 1e-2), falling back to
  /// the initial params when the fit fails, then caches the posterior's matrices (unless told
  /// not to: a model fitted only for its evidence needs no posterior; `set(params:)` caches later).
  mutating func fit(start: Params? = nil, deterministic: Bool = false, cachePosterior: Bool = true) {
    var best: Params?
    fitLoss = .infinity
    let starts = (start.map { [Self.raw(resuming: $0)] } ?? []) + [Self.raw(Params.initial(dim: dim))]
    let workspace = Workspace(n: count)
    for initial in starts {
      let r = LBFGS(pgtol: 1e-2, maxIterations: 500).minimizeDeferringGradient(initial) {
        lazyLoss(raw: $0, deterministic: deterministic, workspace: workspace)
      }
      if r.value.isFinite {
        best = Self.params(raw: r.x, dim: dim, deterministic: deterministic)
        fitLoss = r.value
        break
      }
    }
    params = best ?? Params.initial(dim: dim)
    if cachePosterior { cache() }
  }

  /// Uses `p` as they are and caches the posterior's matrices.
  mutating func set(params p: Params) {
    params = p
    cache()
  }

  private mutating func cache() {
    let n = count
    var k = covariance(params)
    var jitter = 0.0
    var l = LinearAlgebra.cholesky(k, n: n)
    while l == nil && jitter < 1e6 {
      jitter = jitter == 0 ? 1e-10 : jitter * 10
      for i in 0..<n { k[i * n + i] += jitter }
      l = LinearAlgebra.cholesky(k, n: n)
    }
    if l == nil {  // only with non-finite entries: fall back to independent points
      var d = [Double](repeating: 0, count: n * n)
      for i in 0..<n { d[i * n + i] = 1 }
      l = d
    }
    let chol = l ?? []
    alpha = LinearAlgebra.solveCholesky(chol, n: n, y)
    cholInverse = LinearAlgebra.inverseLower(chol, n: n, paddingRows: 3)
    kinv = LinearAlgebra.inverse(lowerInverse: cholInverse, n: n)
  }

  /// Adds points with given outputs (a constant liar's values for running trials) without
  /// refitting the hyperparameters, as Optuna's `append_running_data`.
  mutating func append(x more: [Double], y values: [Double]) {
    guard !values.isEmpty else { return }
    x += more
    y += values
    pairSqd = Self.pairSquaredDifferences(x, dim: dim, isCategorical: isCategorical)
    cache()
  }

  // MARK: Posterior

  /// The posterior mean and variance at `point`, with their gradients over the dims in
  /// `gradientDims` (continuous ones; a categorical dim has none).
  func posterior(_ point: [Double], gradientDims: [Int] = [])
    -> (mean: Double, variance: Double, dMean: [Double], dVariance: [Double])
  {
    let n = count
    guard !gradientDims.isEmpty else {
      let b = posterior(batch: point, count: 1)
      return (b.mean[0], b.variance[0], [], [])
    }
    var k = [Double](repeating: 0, count: n)
    var dk = [Double](repeating: 0, count: n)  // ∂k/∂r² per training point
    var v = [Double](repeating: 0, count: n)  // K⁻¹k
    let p = params
    var mean = 0.0, kv = 0.0
    var dMean = [Double](repeating: 0, count: gradientDims.count)
    var dVar = dMean
    x.withUnsafeBufferPointer { xp in
      p.inverseSquaredLengthscales.withUnsafeBufferPointer { rp in
        for i in 0..<n {
          var r2 = 0.0
          for c in 0..<dim { r2 += sqd(point[c], xp[i * dim + c], dim: c) * rp[c] }
          k[i] = r2
        }
        k.withUnsafeMutableBufferPointer { kb in
          dk.withUnsafeMutableBufferPointer { LinearAlgebra.matern52(kb.baseAddress!, n, scale: p.kernelScale, derivative: $0.baseAddress!) }
        }
        kinv.withUnsafeBufferPointer { kp in
          for i in 0..<n {
            let s = k.withUnsafeBufferPointer { LinearAlgebra.dot(kp.baseAddress! + i * n, $0.baseAddress!, n) }
            v[i] = s
            mean += k[i] * alpha[i]
            kv += k[i] * s
          }
        }
        let positive = p.kernelScale - kv > 0
        for (g, c) in gradientDims.enumerated() {
          var sm = 0.0, sv = 0.0
          for i in 0..<n {
            let dki = dk[i] * 2 * (point[c] - xp[i * dim + c]) * rp[c]
            sm += alpha[i] * dki
            sv += v[i] * dki
          }
          dMean[g] = sm
          dVar[g] = positive ? -2 * sv : 0
        }
      }
    }
    return (mean, max(p.kernelScale - kv, 0), dMean, dVar)
  }

  /// The posterior mean and variance at `m` points (row-major `m × dim`), without gradients, in
  /// blocks of up to 256 points that keep the working set in cache: each block's cross-covariances
  /// as an `n × block` matrix `K*` (one buffer for all blocks), then variance = scale −
  /// ‖column of L⁻¹K*‖².
  func posterior(batch points: [Double], count m: Int) -> (mean: [Double], variance: [Double]) {
    let n = count
    var mean = [Double](repeating: 0, count: m)
    var variance = [Double](repeating: params.kernelScale, count: m)
    guard n > 0, m > 0 else { return (mean, variance) }
    let block = min(m, 256)
    var kstar = [Double](repeating: 0, count: n * block)
    var byDim = [Double](repeating: 0, count: block * dim)  // a block's points dim-major
    let p = params
    let categorical = isCategorical.map { UInt8($0 ? 1 : 0) }
    kstar.withUnsafeMutableBufferPointer { kp in
      byDim.withUnsafeMutableBufferPointer { pp in
        mean.withUnsafeMutableBufferPointer { mp in
          variance.withUnsafeMutableBufferPointer { varp in
            for start in stride(from: 0, to: m, by: block) {
              let b = min(block, m - start)
              for q in 0..<b { for c in 0..<dim { pp[c * b + q] = points[(start + q) * dim + c] } }
              // Row i of K*: the squared distances to training point i, dim by dim over
              // contiguous points, then the kernel; the mean adds αᵢ times the row.
              for i in 0..<n {
                let row = kp.baseAddress! + i * b
                x.withUnsafeBufferPointer { xp in
                  gpk_scaled_squared_distances(
                    pp.baseAddress!, b, xp.baseAddress! + i * dim, p.inverseSquaredLengthscales, categorical, dim, row)
                }
                LinearAlgebra.matern52(row, b, scale: p.kernelScale)
                gpk_axpy(alpha[i], row, mp.baseAddress! + start, b)
              }
              cholInverse.withUnsafeBufferPointer { lp in
                gpk_subtract_explained_variance(lp.baseAddress!, kp.baseAddress!, n, b, varp.baseAddress! + start)
              }
            }
            for q in 0..<m { varp[q] = max(varp[q], 0) }
          }
        }
      }
    }
    return (mean, variance)
  }
}
