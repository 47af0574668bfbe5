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
///
/// For the log density the kernels are also kept sorted into groups that share every categorical
/// and discrete term (the same observed choice, the same distinct (μ, σ) pair): a group's terms
/// are added once per point, and a group whose best kernel lies more than `negligible` below the
/// largest term found cannot change the log-sum-exp (see `logPdf`).
struct ParzenEstimator: Sendable {
  static let eps = 1e-12
  /// Kernel terms more than this many log units below the largest one are left out of the
  /// log-sum-exp: each adds under e⁻⁴⁰ ≈ 4e-18 to a sum of at least 1 (under 1e-13 together for
  /// 10⁴ kernels, far inside the 1e-9 Optuna parity).
  static let negligible = 40.0

  let dims: [KernelDim]
  /// Number of kernels (observations + 1 prior).
  let k: Int
  private(set) var cumWeights: [Double]
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
  /// For discrete dims: the distinct (μ, σ) pairs; the discretised density is evaluated once per
  /// distinct pair.
  private var uniqueMu: [[Double]]
  private var uniqueInvSigma: [[Double]]

  /// The density's layout: the continuous dims, and the dims whose term is looked up per group
  /// (categorical: by choice + 1, 0 for the prior; discrete: by distinct pair).
  private var continuousDims: [Int] = []
  private var lookupDims: [Int] = []
  /// Per kernel in group order: log weight plus the normalising terms of every continuous and
  /// discrete dim; and μ, 1/σ of the continuous dims (`evalMu[q * k + p]`).
  private var evalBase: [Double] = []
  private var evalMu: [Double] = []
  private var evalInv: [Double] = []
  /// A point's lookup terms go in one flat table: lookup dim l's values by index from
  /// `tableOffset[l]`.
  private var tableOffset: [Int] = [0]
  /// Group g holds the kernels `groupStart[g]..<groupStart[g + 1]` (in group order), finds its
  /// terms in the table at `groupKey[g * lookupDims.count + l]`, and has the largest `evalBase`
  /// `groupMaxBase[g]`.
  private var groupStart: [Int] = []
  private var groupKey: [Int32] = []
  private var groupMaxBase: [Double] = []

  /// Fits the mixture.
  /// - Parameters:
  ///   - observations: internal values, dimension-major (`observations[d * n + i]`); with
  ///     `kernelSpace`, numeric dims already hold kernel-space values (`KernelDim.transform`).
  ///   - n: the number of observations.
  ///   - weights: the unnormalised weight of each observation (the prior weight is appended).
  ///   - sortedOrders: optionally, per non-categorical dim, the observation indices sorted by
  ///     (kernel-space value, index), which spares the sort (`ObservationCache` keeps them).
  init(
    dims: [KernelDim], observations: [Double], n: Int, weights: [Double], priorWeight: Double,
    magicClip: Bool, endpoints: Bool, sortedOrders: [[Int32]]? = nil, kernelSpace: Bool = false
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
    var lastW = Double.nan, lastLogW = Double.nan  // equal weights (the newest 25) repeat: log once
    for i in 0..<k {
      w[i] /= total
      acc += w[i]
      cum[i] = acc
      if w[i] != lastW {
        lastW = w[i]
        lastLogW = Foundation.log(w[i])
      }
      base[i] = lastLogW
    }
    cum[k - 1] = 1
    self.cumWeights = cum

    var offset = [Int](repeating: 0, count: dims.count)
    var uniqueMu = [[Double]](repeating: [], count: dims.count)
    var uniqueInvSigma = [[Double]](repeating: [], count: dims.count)
    var uniqueIndex = [[Int32]](repeating: [], count: dims.count)
    let numeric = dims.count { $0.kind != .categorical }
    var mu = [Double](repeating: 0, count: numeric * k)
    var sigma = [Double](repeating: 0, count: numeric * k)
    var invSigma = [Double](repeating: 0, count: numeric * k)
    var catChoice = [Int32](repeating: -1, count: (dims.count - numeric) * k)
    var catValues = [CategoricalRow](repeating: CategoricalRow(), count: dims.count)
    var order = [Int32](repeating: 0, count: n)
    var sortedMu = [Double](repeating: 0, count: n + 2)
    var nextNumeric = 0, nextCategorical = 0

    for (d, dim) in dims.enumerated() {
      if dim.kind == .categorical {
        let c = dim.nChoices
        let off = nextCategorical * k
        nextCategorical += 1
        offset[d] = off
        if n == 0 {
          catValues[d] = CategoricalRow(hit: 1 / Double(c), miss: 1 / Double(c), other: 1 / Double(c))
        } else {
          // Each observation's row is `fill` everywhere plus 1 at its choice, normalised.
          let fill = priorWeight / Double(k)
          let sObs = 1 + Double(c) * fill
          var sOther = Double(c) * fill
          if sOther == 0 { sOther = 1 }
          catValues[d] = CategoricalRow(hit: (fill + 1) / sObs, miss: fill / sObs, other: fill / sOther)
          for i in 0..<n {
            let j = Int(observations[d * n + i])
            catChoice[off + i] = j >= 0 && j < c ? Int32(j) : -1
          }
        }
        continue
      }
      let off = nextNumeric * k
      nextNumeric += 1
      offset[d] = off
      let lowT = dim.lowT, highT = dim.highT
      let isContinuous = dim.kind == .continuous
      mu.withUnsafeMutableBufferPointer { mu in
        sigma.withUnsafeMutableBufferPointer { sigma in
          invSigma.withUnsafeMutableBufferPointer { invSigma in
            base.withUnsafeMutableBufferPointer { base in
              order.withUnsafeMutableBufferPointer { order in
                sortedMu.withUnsafeMutableBufferPointer { sortedMu in
                  observations.withUnsafeBufferPointer { obs in
                    if kernelSpace {
                      for i in 0..<n { mu[off + i] = obs[d * n + i] }
                    } else {
                      for i in 0..<n { mu[off + i] = dim.transform(obs[d * n + i]) }
                    }
                    if n > 0 {
                      if let given = sortedOrders?[d], given.count == n {
                        given.withUnsafeBufferPointer { given in
                          for i in 0..<n { order[i] = given[i] }
                        }
                      } else {
                        var keys = (0..<n).map { SortKey(value: mu[off + $0], index: Int32($0)) }
                        keys.sort()
                        for i in 0..<n { order[i] = keys[i].index }
                      }
                      for i in 0..<n { sortedMu[i + 1] = mu[off + Int(order[i])] }
                      sortedMu[0] = lowT
                      sortedMu[n + 1] = highT
                      let maxSigma = highT - lowT
                      let minSigma = magicClip ? (highT - lowT) / min(100.0, 1.0 + Double(k)) : Self.eps
                      for i in 0..<n {
                        let s = max(sortedMu[i + 1] - sortedMu[i], sortedMu[i + 2] - sortedMu[i + 1])
                        sigma[off + Int(order[i])] = min(max(s, minSigma), maxSigma)
                      }
                      if !endpoints && n >= 2 {
                        // The outermost kernels take their inner gap only.
                        sigma[off + Int(order[0])] = min(max(sortedMu[2] - sortedMu[1], minSigma), maxSigma)
                        sigma[off + Int(order[n - 1])] = min(max(sortedMu[n] - sortedMu[n - 1], minSigma), maxSigma)
                      }
                    }
                    mu[off + n] = 0.5 * (lowT + highT)
                    sigma[off + n] = highT - lowT
                    var lastS = Double.nan, lastLogS = Double.nan  // clipped bandwidths repeat: log once
                    let logSqrt2Pi = TruncNorm.logSqrt2Pi
                    for i in 0..<k {
                      let s = sigma[off + i], m = mu[off + i]
                      let inv = 1 / s
                      let a = (lowT - m) * inv, b = (highT - m) * inv
                      invSigma[off + i] = inv
                      // Most kernels lie far from both bounds: their mass is 1 (`logGaussMass`).
                      let logMass = a < -8.5 && b > 8.5 ? 0 : TruncNorm.logGaussMass(a, b)
                      if isContinuous {
                        if s != lastS {
                          lastS = s
                          lastLogS = Foundation.log(s)
                        }
                        base[i] -= lastLogS + logSqrt2Pi + logMass
                      } else {
                        base[i] -= logMass
                      }
                    }
                  }
                }
              }
            }
          }
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
          let i = t < n ? Int(order[t]) : n
          let m = mu[off + i], inv = invSigma[off + i]
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
    self.offset = offset
    self.mu = mu
    self.sigma = sigma
    self.invSigma = invSigma
    self.uniqueMu = uniqueMu
    self.uniqueInvSigma = uniqueInvSigma
    layOutGroups(base: base, uniqueIndex: uniqueIndex)
  }

  /// Sorts the kernels into groups with equal lookup terms (a stable radix sort by each lookup
  /// dim's index) and copies what the density reads into that order.
  private mutating func layOutGroups(base: [Double], uniqueIndex: [[Int32]]) {
    let k = self.k
    let continuousDims = dims.indices.filter { dims[$0].kind == .continuous }
    let lookupDims = dims.indices.filter { dims[$0].kind != .continuous }
    let nLook = lookupDims.count
    // Each lookup dim's index per kernel (original order, `codes[l * k + i]`), and how many
    // values it takes.
    var codes = [Int32](repeating: 0, count: nLook * k)
    var cards = [Int](repeating: 0, count: nLook)
    for (l, d) in lookupDims.enumerated() {
      if dims[d].kind == .categorical {
        let off = offset[d]
        for i in 0..<k { codes[l * k + i] = catChoice[off + i] &+ 1 }
        cards[l] = dims[d].nChoices + 1
      } else {
        for i in 0..<k { codes[l * k + i] = uniqueIndex[d][i] }
        cards[l] = uniqueMu[d].count
      }
    }
    var tableOffset = [Int](repeating: 0, count: nLook + 1)
    for l in 0..<nLook { tableOffset[l + 1] = tableOffset[l] + cards[l] }
    var perm = [Int32](repeating: 0, count: k)
    var evalBase = [Double](repeating: 0, count: k)
    var evalMu = [Double](repeating: 0, count: continuousDims.count * k)
    var evalInv = [Double](repeating: 0, count: continuousDims.count * k)
    var groupStart: [Int] = [0]
    var groupKey: [Int32] = []
    var groupMaxBase: [Double] = []
    var groupMax = -Double.infinity
    codes.withUnsafeBufferPointer { codes in
      perm.withUnsafeMutableBufferPointer { perm in
        for i in 0..<k { perm[i] = Int32(i) }
        if nLook > 0 && k > 1 {
          // A stable counting sort by one key per kernel: the lookup indices in mixed radix
          // (first dim most significant) while there are few combinations, else by each dim
          // in turn from the last (a radix sort).
          var radix = 1
          for c in cards where radix <= 4 * k + 4096 { radix *= c }
          let combined = radix <= 4 * k + 4096
          var key = [Int32](repeating: 0, count: k)
          var next = [Int32](repeating: 0, count: k)
          var count = [Int](repeating: 0, count: (combined ? radix : (cards.max() ?? 0)) + 1)
          key.withUnsafeMutableBufferPointer { key in
            next.withUnsafeMutableBufferPointer { next in
              count.withUnsafeMutableBufferPointer { count in
                var from = perm, to = next
                let passes = combined ? [-1] : Array((0..<nLook).reversed())
                for l in passes {
                  let card: Int
                  if l < 0 {
                    for l in 0..<nLook {
                      let code = codes.baseAddress! + l * k, c = Int32(cards[l])
                      for i in 0..<k { key[i] = key[i] &* c &+ code[i] }
                    }
                    card = radix
                  } else {
                    for i in 0..<k { key[i] = codes[l * k + i] }
                    card = cards[l]
                  }
                  for v in 0...card { count[v] = 0 }
                  for i in 0..<k { count[Int(key[i]) + 1] += 1 }
                  for v in 0..<card { count[v + 1] += count[v] }
                  for p in 0..<k {
                    let i = from[p]
                    let v = Int(key[Int(i)])
                    to[count[v]] = i
                    count[v] += 1
                  }
                  swap(&from, &to)
                }
                if from.baseAddress != perm.baseAddress {
                  for p in 0..<k { perm[p] = from[p] }
                }
              }
            }
          }
        }
        for p in 0..<k { evalBase[p] = base[Int(perm[p])] }
        for (q, d) in continuousDims.enumerated() {
          let off = offset[d]
          mu.withUnsafeBufferPointer { mu in
            invSigma.withUnsafeBufferPointer { inv in
              evalMu.withUnsafeMutableBufferPointer { evalMu in
                evalInv.withUnsafeMutableBufferPointer { evalInv in
                  for p in 0..<k {
                    let i = off + Int(perm[p])
                    evalMu[q * k + p] = mu[i]
                    evalInv[q * k + p] = inv[i]
                  }
                }
              }
            }
          }
        }
        for p in 0..<k {
          let i = Int(perm[p])
          var same = p > 0
          if same {
            let j = Int(perm[p - 1])
            for l in 0..<nLook where codes[l * k + i] != codes[l * k + j] {
              same = false
              break
            }
          }
          if !same && p > 0 {
            groupStart.append(p)
            groupMaxBase.append(groupMax)
            groupMax = -.infinity
          }
          if !same { for l in 0..<nLook { groupKey.append(Int32(tableOffset[l]) + codes[l * k + i]) } }
          if evalBase[p] > groupMax { groupMax = evalBase[p] }
        }
      }
    }
    groupStart.append(k)
    groupMaxBase.append(groupMax)
    self.continuousDims = continuousDims
    self.lookupDims = lookupDims
    self.tableOffset = tableOffset
    self.evalBase = evalBase
    self.evalMu = evalMu
    self.evalInv = evalInv
    self.groupStart = groupStart
    self.groupKey = groupKey
    self.groupMaxBase = groupMaxBase
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
  /// Per point: each group's lookup terms, and its bound (largest base plus those terms; the
  /// continuous terms −z²/2 are ≤ 0); the group with the best bound first, then every group
  /// whose bound reaches within `negligible` of the largest kernel term found so far. The terms
  /// of a group's kernels are computed over contiguous arrays, and only those within
  /// `negligible` of the largest so far are kept for the log-sum-exp (a compacting pass), whose
  /// `exp` is branch-free and vectorises.
  func logPdf(_ points: [Double], count: Int) -> [Double] {
    let dn = dims.count
    let nLook = lookupDims.count, nCont = continuousDims.count
    let nGroups = groupStart.count - 1
    // Discrete dims: the log mass of each distinct (μ, σ) pair, once per distinct point value.
    var discreteRows = [[Double]](repeating: [], count: nLook)
    var discreteRowOf = [[Int]](repeating: [], count: nLook)
    for (l, d) in lookupDims.enumerated() where dims[d].kind == .discrete {
      let dim = dims[d]
      let um = uniqueMu[d], ui = uniqueInvSigma[d]
      var cachedX: [Double] = []
      var rows: [Double] = []
      var rowOf = [Int](repeating: 0, count: count)
      for c in 0..<count {
        let x = points[c * dn + d]
        if let j = cachedX.firstIndex(of: x) {
          rowOf[c] = j
          continue
        }
        let lo = dim.transform(x - dim.step / 2), hi = dim.transform(x + dim.step / 2)
        rowOf[c] = cachedX.count
        cachedX.append(x)
        for u in 0..<um.count {
          rows.append(TruncNorm.logGaussMass((lo - um[u]) * ui[u], (hi - um[u]) * ui[u]))
        }
      }
      discreteRows[l] = rows
      discreteRowOf[l] = rowOf
    }
    var out = [Double](repeating: 0, count: count)
    var table = [Double](repeating: 0, count: tableOffset[nLook])
    var groupTerm = [Double](repeating: 0, count: nGroups)
    var groupBound = [Double](repeating: 0, count: nGroups)
    var kept = [Double](repeating: 0, count: k)
    var xs = [Double](repeating: 0, count: nCont)
    evalBase.withUnsafeBufferPointer { base in
      evalMu.withUnsafeBufferPointer { mu in
        evalInv.withUnsafeBufferPointer { inv in
          groupKey.withUnsafeBufferPointer { key in
            kept.withUnsafeMutableBufferPointer { kept in
              for c in 0..<count {
                // Points outside the support have density 0.
                var impossible = false
                for (q, d) in continuousDims.enumerated() {
                  let x = dims[d].transform(points[c * dn + d])
                  if !(x >= dims[d].lowT && x <= dims[d].highT) { impossible = true }
                  xs[q] = x
                }
                for (l, d) in lookupDims.enumerated() {
                  let at = tableOffset[l]
                  if dims[d].kind == .categorical {
                    let j = Int(points[c * dn + d])
                    let nc = dims[d].nChoices
                    if !(j >= 0 && j < nc) {
                      impossible = true
                      continue
                    }
                    // By choice + 1: the prior's −1 reads `logOther`.
                    let row = catValues[d]
                    table[at] = row.logOther
                    for v in 1...nc { table[at + v] = row.logMiss }
                    table[at + j + 1] = row.logHit
                  } else {
                    let rows = discreteRows[l], r = discreteRowOf[l][c]
                    let width = tableOffset[l + 1] - at
                    for u in 0..<width { table[at + u] = rows[r * width + u] }
                  }
                }
                if impossible {
                  out[c] = -.infinity
                  continue
                }
                // Each group's bound, and the best.
                var best = -1
                var bestBound = -Double.infinity
                table.withUnsafeBufferPointer { table in
                  for g in 0..<nGroups {
                    var t = 0.0
                    for l in 0..<nLook { t += table[Int(key[g * nLook + l])] }
                    groupTerm[g] = t
                    let bound = groupMaxBase[g] + t
                    groupBound[g] = bound
                    if bound > bestBound {
                      bestBound = bound
                      best = g
                    }
                  }
                }
                if best < 0 {
                  out[c] = -.infinity
                  continue
                }
                var m = -Double.infinity
                var nKept = 0
                var g = best
                var next = 0
                while g >= 0 {
                  let lo = groupStart[g], hi = groupStart[g + 1], len = hi - lo
                  let term = groupTerm[g]
                  let dst = UnsafeMutableBufferPointer(rebasing: kept[nKept..<(nKept + len)])
                  // Base, lookup terms and the first continuous dims in one pass, then the
                  // others two at a time.
                  let src = UnsafeBufferPointer(rebasing: base[lo..<hi])
                  var q = 0
                  if nCont >= 2 {
                    let x0 = xs[0], x1 = xs[1]
                    let m0 = mu.baseAddress! + lo, s0 = inv.baseAddress! + lo
                    let m1 = mu.baseAddress! + (k + lo), s1 = inv.baseAddress! + (k + lo)
                    for i in 0..<len {
                      let z0 = (x0 - m0[i]) * s0[i], z1 = (x1 - m1[i]) * s1[i]
                      dst[i] = (src[i] + term) - 0.5 * (z0 * z0 + z1 * z1)
                    }
                    q = 2
                  } else if nCont == 1 {
                    let x0 = xs[0]
                    let m0 = mu.baseAddress! + lo, s0 = inv.baseAddress! + lo
                    for i in 0..<len {
                      let z0 = (x0 - m0[i]) * s0[i]
                      dst[i] = (src[i] + term) - 0.5 * (z0 * z0)
                    }
                    q = 1
                  } else {
                    for i in 0..<len { dst[i] = src[i] + term }
                  }
                  while q + 2 <= nCont {
                    let x0 = xs[q], x1 = xs[q + 1]
                    let m0 = mu.baseAddress! + (q * k + lo), s0 = inv.baseAddress! + (q * k + lo)
                    let m1 = mu.baseAddress! + ((q + 1) * k + lo), s1 = inv.baseAddress! + ((q + 1) * k + lo)
                    for i in 0..<len {
                      let z0 = (x0 - m0[i]) * s0[i], z1 = (x1 - m1[i]) * s1[i]
                      dst[i] -= 0.5 * (z0 * z0 + z1 * z1)
                    }
                    q += 2
                  }
                  if q < nCont {
                    let x0 = xs[q]
                    let m0 = mu.baseAddress! + (q * k + lo), s0 = inv.baseAddress! + (q * k + lo)
                    for i in 0..<len {
                      let z0 = (x0 - m0[i]) * s0[i]
                      dst[i] -= 0.5 * (z0 * z0)
                    }
                  }
                  // Keep the terms within `negligible` of the largest so far (a branch-free
                  // compaction): the first group finds its maximum first; later ones compare
                  // with the maximum before them (keeping a few more terms than needed) and
                  // find theirs in the same pass.
                  var w = nKept
                  if m == -.infinity {
                    var g0 = -Double.infinity, g1 = -Double.infinity
                    var i = 0
                    while i + 2 <= len {
                      g0 = dst[i] > g0 ? dst[i] : g0
                      g1 = dst[i + 1] > g1 ? dst[i + 1] : g1
                      i += 2
                    }
                    if i < len { g0 = dst[i] > g0 ? dst[i] : g0 }
                    m = g0 > g1 ? g0 : g1
                    let threshold = m - Self.negligible
                    for i in 0..<len {
                      let v = dst[i]
                      kept[w] = v
                      w += v >= threshold ? 1 : 0
                    }
                  } else {
                    let threshold = m - Self.negligible
                    var gm = m
                    for i in 0..<len {
                      let v = dst[i]
                      kept[w] = v
                      w += v >= threshold ? 1 : 0
                      gm = v > gm ? v : gm
                    }
                    m = gm
                  }
                  nKept = w
                  // The next group that can matter.
                  g = -1
                  while next < nGroups {
                    let h = next
                    next += 1
                    if h != best && groupBound[h] >= m - Self.negligible {
                      g = h
                      break
                    }
                  }
                }
                if m == -.infinity || m.isNaN {
                  out[c] = m
                  continue
                }
                var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                var i = 0
                while i + 4 <= nKept {
                  s0 += TruncNorm.expNonPositive(kept[i] - m)
                  s1 += TruncNorm.expNonPositive(kept[i + 1] - m)
                  s2 += TruncNorm.expNonPositive(kept[i + 2] - m)
                  s3 += TruncNorm.expNonPositive(kept[i + 3] - m)
                  i += 4
                }
                while i < nKept {
                  s0 += TruncNorm.expNonPositive(kept[i] - m)
                  i += 1
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
