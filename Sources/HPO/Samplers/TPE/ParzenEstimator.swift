import Foundation

/// How one dimension of a TPE search space is modelled: the kernel family, and the bounds in the
/// transformed space (log for log ranges, widened by half a step for stepped ones).
struct KernelDim: Sendable {
  enum Kind: Sendable { case continuous, discrete, categorical }
  let kind: Kind
  let log: Bool
  /// Bounds of the internal repr (ints as doubles).
  let low: Double
  let high: Double
  /// The grid step of ints and stepped floats; 0 for continuous ranges.
  let step: Double
  let nChoices: Int
  /// Bounds in the transformed space, where the normal kernels live.
  let lowT: Double
  let highT: Double

  init(_ distribution: Distribution) {
    switch distribution {
    case .float(let f):
      log = f.log
      low = f.low
      high = f.high
      step = f.step ?? 0
      kind = f.step == nil ? .continuous : .discrete
      nChoices = 0
    case .int(let i):
      log = i.log
      low = Double(i.low)
      high = Double(i.high)
      step = Double(i.step)
      kind = .discrete
      nChoices = 0
    case .categorical(let c):
      log = false
      low = 0
      high = Double(c.choices.count - 1)
      step = 0
      kind = .categorical
      nChoices = c.choices.count
    }
    var lo = low, hi = high
    if kind == .discrete {
      lo -= step / 2
      hi += step / 2
    }
    if log {
      lo = Foundation.log(lo)
      hi = Foundation.log(hi)
    }
    lowT = lo
    highT = hi
  }

  /// The kernel-space value of an internal value (log for log ranges).
  @inline(__always) func transform(_ x: Double) -> Double { log ? Foundation.log(x) : x }
}

/// A value with its position, ordered by value then position (a deterministic argsort).
struct SortKey: Comparable, Sendable {
  var value: Double
  var index: Int32
  @inline(__always) static func < (a: SortKey, b: SortKey) -> Bool {
    a.value < b.value || (a.value == b.value && a.index < b.index)
  }
}

/// A Parzen estimator (mixture of product kernels, one kernel per observation plus a prior
/// kernel) as TPE fits to the good and the bad trials.
///
/// Follows Optuna 5's `_ParzenEstimator` and `_MixtureOfProductDistribution`
/// (`samplers/_tpe/parzen_estimator.py`, `probability_distributions.py`): truncated normal
/// kernels for continuous ranges (in log space for log ranges), discretised truncated normals for
/// ints and stepped floats, a smoothed one-hot weight matrix for categoricals; bandwidths by the
/// neighbour-gap rule with the "magic clip" (Bergstra et al. 2011; Watanabe 2023, §3).
/// All per-kernel constants are computed once at construction and kept in flat arrays, laid out
/// dimension-major so the log-density loops run over contiguous memory.
struct ParzenEstimator: Sendable {
  static let eps = 1e-12

  let dims: [KernelDim]
  /// Number of kernels (observations + 1 prior).
  let k: Int
  private(set) var cumWeights: [Double]
  /// Per kernel: log weight plus the normalising terms of every continuous/discrete dimension.
  private(set) var base: [Double]
  /// Per dim: the offset of its block in `mu` / `sigma` / `invSigma` / `aStd` / `bStd`, or in
  /// `catProb` / `catLogProb`.
  private var offset: [Int]
  private var mu: [Double] = []
  private var sigma: [Double] = []
  private var invSigma: [Double] = []
  private var aStd: [Double] = []
  private var bStd: [Double] = []
  private var catProb: [Double] = []
  private var catLogProb: [Double] = []
  /// For discrete dims: the distinct (μ, σ) pairs and which pair each kernel uses; the
  /// discretised density is evaluated once per distinct pair.
  private var uniqueMu: [[Double]]
  private var uniqueInvSigma: [[Double]]
  private var uniqueIndex: [[Int32]]

  /// Fits the mixture.
  /// - Parameters:
  ///   - observations: internal values, dimension-major (`observations[d * n + i]`).
  ///   - n: the number of observations.
  ///   - weights: the unnormalised weight of each observation (the prior weight is appended).
  init(
    dims: [KernelDim], observations: [Double], n: Int, weights: [Double], priorWeight: Double,
    magicClip: Bool, endpoints: Bool
  ) {
    self.dims = dims
    let k = n + 1
    self.k = k
    var w = [Double](repeating: 0, count: k)
    if n == 0 {
      w[0] = 1
    } else {
      for i in 0..<n { w[i] = weights[i] }
      w[n] = priorWeight
    }
    let total = w.reduce(0, +)
    var cum = [Double](repeating: 0, count: k)
    var base = [Double](repeating: 0, count: k)
    var acc = 0.0
    for i in 0..<k {
      w[i] /= total
      acc += w[i]
      cum[i] = acc
      base[i] = Foundation.log(w[i])
    }
    cum[k - 1] = 1
    self.cumWeights = cum

    var offset = [Int](repeating: 0, count: dims.count)
    var uniqueMu = [[Double]](repeating: [], count: dims.count)
    var uniqueInvSigma = [[Double]](repeating: [], count: dims.count)
    var uniqueIndex = [[Int32]](repeating: [], count: dims.count)
    var mu: [Double] = [], sigma: [Double] = [], invSigma: [Double] = []
    var aStd: [Double] = [], bStd: [Double] = [], catProb: [Double] = []
    var order = [Int](repeating: 0, count: n)
    var keys = [SortKey](repeating: SortKey(value: 0, index: 0), count: n)
    var sortedMu = [Double](repeating: 0, count: n + 2)

    for (d, dim) in dims.enumerated() {
      let obs = observations[(d * n)..<(d * n + n)]
      if dim.kind == .categorical {
        let c = dim.nChoices
        let off = catProb.count
        offset[d] = off
        catProb.append(contentsOf: repeatElement(0, count: c * k))
        if n == 0 {
          for j in 0..<c { catProb[off + j * k] = 1 / Double(c) }
        } else {
          let fill = priorWeight / Double(k)
          for j in 0..<c { for i in 0..<k { catProb[off + j * k + i] = fill } }
          for (i, x) in obs.enumerated() {
            let j = Int(x)
            if j >= 0 && j < c { catProb[off + j * k + i] += 1 }
          }
          for i in 0..<k {
            var s = 0.0
            for j in 0..<c { s += catProb[off + j * k + i] }
            if s == 0 { s = 1 }
            for j in 0..<c { catProb[off + j * k + i] /= s }
          }
        }
        continue
      }
      let off = mu.count
      offset[d] = off
      let lowT = dim.lowT, highT = dim.highT
      for x in obs { mu.append(dim.transform(x)) }
      sigma.append(contentsOf: repeatElement(0, count: n))
      if n > 0 {
        for i in 0..<n { keys[i] = SortKey(value: mu[off + i], index: Int32(i)) }
        keys.sort()
        sortedMu[0] = lowT
        for i in 0..<n {
          order[i] = Int(keys[i].index)
          sortedMu[i + 1] = keys[i].value
        }
        sortedMu[n + 1] = highT
        let maxSigma = highT - lowT
        let minSigma = magicClip ? (highT - lowT) / min(100.0, 1.0 + Double(k)) : Self.eps
        for i in 0..<n {
          var s = max(sortedMu[i + 1] - sortedMu[i], sortedMu[i + 2] - sortedMu[i + 1])
          if !endpoints && n >= 2 {
            if i == 0 { s = sortedMu[2] - sortedMu[1] }
            if i == n - 1 { s = sortedMu[n] - sortedMu[n - 1] }
          }
          sigma[off + order[i]] = min(max(s, minSigma), maxSigma)
        }
      }
      mu.append(0.5 * (lowT + highT))
      sigma.append(highT - lowT)
      for i in 0..<k {
        let s = sigma[off + i], m = mu[off + i]
        let inv = 1 / s
        let a = (lowT - m) * inv, b = (highT - m) * inv
        invSigma.append(inv)
        aStd.append(a)
        bStd.append(b)
        let logMass = TruncNorm.logGaussMass(a, b)
        if dim.kind == .continuous {
          base[i] -= Foundation.log(s) + TruncNorm.logSqrt2Pi + logMass
        } else {
          base[i] -= logMass
        }
      }
      if dim.kind == .discrete {
        var idx = Array(0..<k)
        idx.sort { a, b in
          let x = mu[off + a], y = mu[off + b]
          if x != y { return x < y }
          return sigma[off + a] < sigma[off + b]
        }
        var um: [Double] = [], ui: [Double] = []
        var map = [Int32](repeating: 0, count: k)
        for i in idx {
          let m = mu[off + i], s = sigma[off + i]
          if let lastM = um.last, lastM == m, let lastInv = ui.last, lastInv == 1 / s {
            map[i] = Int32(um.count - 1)
          } else {
            um.append(m)
            ui.append(1 / s)
            map[i] = Int32(um.count - 1)
          }
        }
        uniqueMu[d] = um
        uniqueInvSigma[d] = ui
        uniqueIndex[d] = map
      }
    }
    self.catLogProb = catProb.map { Foundation.log($0) }
    self.catProb = catProb
    self.base = base
    self.offset = offset
    self.mu = mu
    self.sigma = sigma
    self.invSigma = invSigma
    self.aStd = aStd
    self.bStd = bStd
    self.uniqueMu = uniqueMu
    self.uniqueInvSigma = uniqueInvSigma
    self.uniqueIndex = uniqueIndex
  }

  /// Draws `count` points from the mixture; returns internal values row-major
  /// (`out[c * dims.count + d]`).
  func sample(count: Int, rng: inout SeededRNG) -> [Double] {
    let dn = dims.count
    var out = [Double](repeating: 0, count: count * dn)
    for c in 0..<count {
      let kernel = pickKernel(rng.uniform())
      for (d, dim) in dims.enumerated() {
        let u = rng.uniform()
        let off = offset[d]
        switch dim.kind {
        case .categorical:
          var s = 0.0
          var choice = dim.nChoices - 1
          for j in 0..<dim.nChoices {
            s += catProb[off + j * k + kernel]
            if s > u {
              choice = j
              break
            }
          }
          out[c * dn + d] = Double(choice)
        case .continuous, .discrete:
          let i = off + kernel
          let z = TruncNorm.sample(aStd[i], bStd[i], u)
          var x = mu[i] + sigma[i] * z
          if dim.log { x = Foundation.exp(x) }
          if dim.kind == .discrete {
            x = dim.low + ((x - dim.low) / dim.step).rounded(.toNearestOrEven) * dim.step
          }
          out[c * dn + d] = min(max(x, dim.low), dim.high)
        }
      }
    }
    return out
  }

  @inline(__always) private func pickKernel(_ u: Double) -> Int {
    var lo = 0, hi = k - 1
    while lo < hi {
      let mid = (lo + hi) >> 1
      if cumWeights[mid] > u { hi = mid } else { lo = mid + 1 }
    }
    return lo
  }

  /// The log density of each of `count` points (row-major internal values, as `sample` returns).
  func logPdf(_ points: [Double], count: Int) -> [Double] {
    let dn = dims.count
    var acc = [Double](repeating: 0, count: count * k)
    for c in 0..<count {
      for i in 0..<k { acc[c * k + i] = base[i] }
    }
    acc.withUnsafeMutableBufferPointer { acc in
      for (d, dim) in dims.enumerated() {
        let off = offset[d]
        switch dim.kind {
        case .categorical:
          catLogProb.withUnsafeBufferPointer { lp in
            for c in 0..<count {
              let j = Int(points[c * dn + d])
              let row = c * k
              if j < 0 || j >= dim.nChoices {
                for i in 0..<k { acc[row + i] = -.infinity }
                continue
              }
              let src = off + j * k
              for i in 0..<k { acc[row + i] += lp[src + i] }
            }
          }
        case .continuous:
          mu.withUnsafeBufferPointer { mu in
            invSigma.withUnsafeBufferPointer { inv in
              for c in 0..<count {
                let raw = points[c * dn + d]
                let x = dim.transform(raw)
                let row = c * k
                if !(x >= dim.lowT && x <= dim.highT) {
                  for i in 0..<k { acc[row + i] = -.infinity }
                  continue
                }
                for i in 0..<k {
                  let z = (x - mu[off + i]) * inv[off + i]
                  acc[row + i] -= 0.5 * z * z
                }
              }
            }
          }
        case .discrete:
          let um = uniqueMu[d], ui = uniqueInvSigma[d], map = uniqueIndex[d]
          var cachedX: [Double] = []
          var cachedRows: [[Double]] = []
          for c in 0..<count {
            let x = points[c * dn + d]
            let rowValues: [Double]
            if let j = cachedX.firstIndex(of: x) {
              rowValues = cachedRows[j]
            } else {
              let l = dim.transform(x - dim.step / 2), r = dim.transform(x + dim.step / 2)
              var values = [Double](repeating: 0, count: um.count)
              for u in 0..<um.count {
                values[u] = TruncNorm.logGaussMass((l - um[u]) * ui[u], (r - um[u]) * ui[u])
              }
              cachedX.append(x)
              cachedRows.append(values)
              rowValues = values
            }
            let row = c * k
            for i in 0..<k { acc[row + i] += rowValues[Int(map[i])] }
          }
        }
      }
    }
    var out = [Double](repeating: 0, count: count)
    for c in 0..<count {
      let row = c * k
      var m = -Double.infinity
      for i in 0..<k where acc[row + i] > m { m = acc[row + i] }
      if m == -.infinity || m.isNaN {
        out[c] = m
        continue
      }
      var s = 0.0
      for i in 0..<k {
        let v = acc[row + i] - m
        if v > -60 { s += Foundation.exp(v) }
      }
      out[c] = m + Foundation.log(s)
    }
    return out
  }
}
