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
  /// Per dim: the offset of its block of `k` kernels in `mu` / `sigma` / `invSigma`, or in
  /// `catChoice`.
  private var offset: [Int]
  private var mu: [Double] = []
  private var sigma: [Double] = []
  private var invSigma: [Double] = []
  /// Categorical dims: each kernel's observed choice (−1 for the prior kernel). A kernel's row
  /// of the smoothed one-hot matrix holds `hit` at its choice and `miss` elsewhere; the prior's
  /// row holds `other` everywhere. Keeping three numbers per dim instead of a k × c matrix keeps
  /// the memory a fit touches small.
  private var catChoice: [Int32] = []
  private var catValues: [CategoricalRow] = []
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
  ///   - sortedOrders: optionally, per non-categorical dim, the observation indices sorted by
  ///     (kernel-space value, index), which spares the sort (`ObservationCache` keeps them).
  init(
    dims: [KernelDim], observations: [Double], n: Int, weights: [Double], priorWeight: Double,
    magicClip: Bool, endpoints: Bool, sortedOrders: [[Int32]]? = nil
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
    let numeric = dims.count { $0.kind != .categorical }
    var mu: [Double] = [], sigma: [Double] = [], invSigma: [Double] = []
    mu.reserveCapacity(numeric * k)
    sigma.reserveCapacity(numeric * k)
    invSigma.reserveCapacity(numeric * k)
    var catChoice: [Int32] = []
    catChoice.reserveCapacity((dims.count - numeric) * k)
    var catValues = [CategoricalRow](repeating: CategoricalRow(), count: dims.count)
    var order = [Int](repeating: 0, count: n)
    var keys = [SortKey](repeating: SortKey(value: 0, index: 0), count: n)
    var sortedMu = [Double](repeating: 0, count: n + 2)

    for (d, dim) in dims.enumerated() {
      let obs = observations[(d * n)..<(d * n + n)]
      if dim.kind == .categorical {
        let c = dim.nChoices
        let off = catChoice.count
        offset[d] = off
        if n == 0 {
          catChoice.append(-1)
          catValues[d] = CategoricalRow(hit: 1 / Double(c), miss: 1 / Double(c), other: 1 / Double(c))
        } else {
          // Each observation's row is `fill` everywhere plus 1 at its choice, normalised.
          let fill = priorWeight / Double(k)
          let sObs = 1 + Double(c) * fill
          var sOther = Double(c) * fill
          if sOther == 0 { sOther = 1 }
          catValues[d] = CategoricalRow(hit: (fill + 1) / sObs, miss: fill / sObs, other: fill / sOther)
          for x in obs {
            let j = Int(x)
            catChoice.append(j >= 0 && j < c ? Int32(j) : -1)
          }
          catChoice.append(-1)
        }
        continue
      }
      let off = mu.count
      offset[d] = off
      let lowT = dim.lowT, highT = dim.highT
      for x in obs { mu.append(dim.transform(x)) }
      sigma.append(contentsOf: repeatElement(0, count: n))
      if n > 0 {
        if let given = sortedOrders?[d], given.count == n {
          for i in 0..<n {
            let j = Int(given[i])
            order[i] = j
            sortedMu[i + 1] = mu[off + j]
          }
        } else {
          for i in 0..<n { keys[i] = SortKey(value: mu[off + i], index: Int32(i)) }
          keys.sort()
          for i in 0..<n {
            order[i] = Int(keys[i].index)
            sortedMu[i + 1] = keys[i].value
          }
        }
        sortedMu[0] = lowT
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
      var lastS = Double.nan, lastLogS = Double.nan  // clipped bandwidths repeat: log once
      for i in 0..<k {
        let s = sigma[off + i], m = mu[off + i]
        let inv = 1 / s
        let a = (lowT - m) * inv, b = (highT - m) * inv
        invSigma.append(inv)
        let logMass = TruncNorm.logGaussMass(a, b)
        if dim.kind == .continuous {
          if s != lastS {
            lastS = s
            lastLogS = Foundation.log(s)
          }
          base[i] -= lastLogS + TruncNorm.logSqrt2Pi + logMass
        } else {
          base[i] -= logMass
        }
      }
      if dim.kind == .discrete {
        // Distinct (μ, σ) pairs: walk the kernels by μ (the observations' sorted order, then
        // the prior) and compare σ only within a run of equal μ.
        var um: [Double] = [], ui: [Double] = []
        var map = [Int32](repeating: 0, count: k)
        var groupStart = 0
        var lastM = Double.nan
        for t in 0..<k {
          let i = t < n ? order[t] : n
          let m = mu[off + i], inv = 1 / sigma[off + i]
          if m != lastM {
            groupStart = um.count
            lastM = m
          }
          var found = -1
          for u in groupStart..<um.count where ui[u] == inv {
            found = u
            break
          }
          if found < 0 {
            found = um.count
            um.append(m)
            ui.append(inv)
          }
          map[i] = Int32(found)
        }
        uniqueMu[d] = um
        uniqueInvSigma[d] = ui
        uniqueIndex[d] = map
      }
    }
    self.catChoice = catChoice
    self.catValues = catValues
    self.base = base
    self.offset = offset
    self.mu = mu
    self.sigma = sigma
    self.invSigma = invSigma
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
          // Optuna: the number of cumulative probabilities below u (the last one set to 1).
          let row = catValues[d], own = Int(catChoice[off + kernel])
          var s = 0.0
          var choice = dim.nChoices - 1
          for j in 0..<(dim.nChoices - 1) {
            s += own < 0 ? row.other : (j == own ? row.hit : row.miss)
            if !(s < u) {
              choice = j
              break
            }
          }
          out[c * dn + d] = Double(choice)
        case .continuous, .discrete:
          let i = off + kernel
          let a = (dim.lowT - mu[i]) * invSigma[i], b = (dim.highT - mu[i]) * invSigma[i]
          let z = TruncNorm.sample(a, b, u)
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
  ///
  /// One point at a time over a buffer of `k` values (which stays in cache), adding the terms of
  /// each dimension in order, then a log-sum-exp over the kernels.
  func logPdf(_ points: [Double], count: Int) -> [Double] {
    let dn = dims.count
    // Discrete dims: the log mass of each distinct (μ, σ) pair, once per distinct point value.
    var discreteRows = [[[Double]]](repeating: [], count: dn)
    var discreteRowOf = [[Int]](repeating: [], count: dn)
    for (d, dim) in dims.enumerated() where dim.kind == .discrete {
      let um = uniqueMu[d], ui = uniqueInvSigma[d]
      var cachedX: [Double] = []
      var rows: [[Double]] = []
      var rowOf = [Int](repeating: 0, count: count)
      for c in 0..<count {
        let x = points[c * dn + d]
        if let j = cachedX.firstIndex(of: x) {
          rowOf[c] = j
          continue
        }
        let l = dim.transform(x - dim.step / 2), r = dim.transform(x + dim.step / 2)
        var values = [Double](repeating: 0, count: um.count)
        for u in 0..<um.count {
          values[u] = TruncNorm.logGaussMass((l - um[u]) * ui[u], (r - um[u]) * ui[u])
        }
        rowOf[c] = rows.count
        cachedX.append(x)
        rows.append(values)
      }
      discreteRows[d] = rows
      discreteRowOf[d] = rowOf
    }
    var out = [Double](repeating: 0, count: count)
    var acc = [Double](repeating: 0, count: k)
    let chunks = (k + 15) / 16
    var chunkMax = [Double](repeating: 0, count: chunks)
    acc.withUnsafeMutableBufferPointer { acc in
      mu.withUnsafeBufferPointer { mu in
        invSigma.withUnsafeBufferPointer { inv in
          catChoice.withUnsafeBufferPointer { choice in
            base.withUnsafeBufferPointer { base in
              for c in 0..<count {
                for i in 0..<k { acc[i] = base[i] }
                var impossible = false
                for (d, dim) in dims.enumerated() {
                  let off = offset[d]
                  switch dim.kind {
                  case .categorical:
                    let j = Int(points[c * dn + d])
                    if j < 0 || j >= dim.nChoices {
                      impossible = true
                      continue
                    }
                    // A lookup by (choice + 1): the prior's −1 reads `logOther`.
                    let row = catValues[d]
                    var table = [Double](repeating: row.logMiss, count: dim.nChoices + 1)
                    table[0] = row.logOther
                    table[j + 1] = row.logHit
                    table.withUnsafeBufferPointer { table in
                      let own = UnsafeBufferPointer(rebasing: choice[off..<(off + k)])
                      for i in 0..<k { acc[i] += table[Int(own[i] &+ 1)] }
                    }
                  case .continuous:
                    let x = dim.transform(points[c * dn + d])
                    if !(x >= dim.lowT && x <= dim.highT) {
                      impossible = true
                      continue
                    }
                    let m = UnsafeBufferPointer(rebasing: mu[off..<(off + k)])
                    let s = UnsafeBufferPointer(rebasing: inv[off..<(off + k)])
                    for i in 0..<k {
                      let z = (x - m[i]) * s[i]
                      acc[i] -= 0.5 * z * z
                    }
                  case .discrete:
                    let rowValues = discreteRows[d][discreteRowOf[d][c]]
                    let map = uniqueIndex[d]
                    rowValues.withUnsafeBufferPointer { rv in
                      map.withUnsafeBufferPointer { map in
                        for i in 0..<k { acc[i] += rv[Int(map[i])] }
                      }
                    }
                  }
                }
                if impossible {
                  out[c] = -.infinity
                  continue
                }
                // The maximum, and the maximum of each chunk of 16 kernels.
                var m = -Double.infinity
                for ch in 0..<chunks {
                  var cm = -Double.infinity
                  for i in (ch * 16)..<min(k, ch * 16 + 16) where acc[i] > cm { cm = acc[i] }
                  chunkMax[ch] = cm
                  if cm > m { m = cm }
                }
                if m == -.infinity || m.isNaN {
                  out[c] = m
                  continue
                }
                // exp(acc − m) (a branch-free exp the compiler vectorises) over the chunks that
                // can matter: a chunk whose maximum is below m − 40 adds under 16·e⁻⁴⁰ ≈ 7e-17
                // to a sum of at least 1.
                var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                for ch in 0..<chunks where chunkMax[ch] - m >= -40 {
                  let lo = ch * 16, hi = min(k, lo + 16)
                  for i in lo..<hi { acc[i] = TruncNorm.expNonPositive(acc[i] - m) }
                  var i = lo
                  while i + 4 <= hi {
                    s0 += acc[i]
                    s1 += acc[i + 1]
                    s2 += acc[i + 2]
                    s3 += acc[i + 3]
                    i += 4
                  }
                  while i < hi {
                    s0 += acc[i]
                    i += 1
                  }
                }
                out[c] = m + Foundation.log((s0 + s1) + (s2 + s3))
              }
            }
          }
        }
      }
    }
    return out
  }
}

/// The smoothed one-hot row of a categorical kernel: `hit` at the observed choice, `miss`
/// elsewhere; the prior kernel's row is `other` everywhere (Optuna's `prior_weight / k` fill).
struct CategoricalRow: Sendable {
  var hit = 0.0, miss = 0.0, other = 0.0
  var logHit = 0.0, logMiss = 0.0, logOther = 0.0

  init() {}

  init(hit: Double, miss: Double, other: Double) {
    self.hit = hit
    self.miss = miss
    self.other = other
    logHit = Foundation.log(hit)
    logMiss = Foundation.log(miss)
    logOther = Foundation.log(other)
  }
}
