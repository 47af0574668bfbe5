import Dispatch
import HPO

/// Sobol indices of a random-forest surrogate of the objective, with bootstrap intervals.
///
/// Where Optuna's fANOVA averages each tree's own variance fractions (so every tree's fitting
/// noise adds variance to every param, and a param that only acts together with another picks up
/// importance it does not have on its own), this decomposes the *forest mean* `F = (1/K) Σ f_k`:
/// the trees' errors average out before they are squared. Inputs are independent and uniform on
/// the search space (numbers on `[low, high]` as encoded, categoricals uniform over their
/// choices). For a param `p`, the main-effect function `E[F | x_p]` is evaluated exactly at the
/// points of a grid (`gridSize` midpoints per number, every choice of a categorical): each leaf
/// adds its value times the fraction of the other params' domain it covers to the grid points it
/// covers. Pairs use a coarser grid (`pairGridSize`) and give the second-order term
/// `V_pq = Var E[F | x_p, x_q] − V_p − V_q`.
///
/// A forest shrinks weak effects and adds small spurious ones, so each main effect and pair is
/// corrected by what the forest misses: the out-of-bag residuals' means over bins of `x_p`
/// (`residualBins`) or cells of `x_p × x_q` (up to `pairResidualBins` per side, ~10 trials a
/// cell) are added to the forest's grid, and the variance their sampling noise adds is
/// subtracted. First-order, pair and total indices divide by the trials' variance, or by the
/// forest's variance over the space where that is larger (trials concentrated by a sampler). A total is
/// its param's corrected main effect and pairs plus the forest's terms of order three and up
/// (its Jansen total, Saltelli et al. 2010, over `mcSamples` Monte-Carlo points, less its own
/// main effect and pairs).
///
/// Intervals: `replicates` forests of `replicateTrees` trees are refitted on resamples (with
/// replacement) of the trials. With θ the estimate, `b = mean(θ*) − θ` the bootstrap's bias
/// estimate (Efron & Tibshirani 1993, ch. 10) and `[q_lo, q_hi]` the replicates' quantiles at
/// `level`, the interval is `[min(θ, θ − b) − (mean − q_lo) − |b|, max(θ, θ − b) + (q_hi − mean)
/// + |b|]`, clipped to `[0, 1]`: the resampling spread around both the estimate and its
/// bias-corrected value, widened by the bias once more because the bias estimate itself comes
/// from smaller forests on resamples. A surrogate's bias belongs in the interval beside the
/// sampling error (Janon, Nodet & Prieur 2014, metamodel-based Sobol index intervals); a
/// resample interval alone covered 62% of analytic pair and 72% of total indices in `bench/`.
/// The value reported is θ itself.
public struct ForestSobol: Sendable {
  /// Settings of the estimator. The defaults are the configuration chosen in `bench/`.
  public struct Options: Sendable, Hashable {
    public var forest: RandomForest.Configuration
    /// Trees of each bootstrap replicate's forest.
    public var replicateTrees: Int
    /// Bootstrap replicates (0: no intervals, values not bias-corrected).
    public var replicates: Int
    /// Grid points per numeric param for main effects.
    public var gridSize: Int
    /// Grid points per numeric param for pairs.
    public var pairGridSize: Int
    /// Monte-Carlo points for the variance and the total effects.
    public var mcSamples: Int
    /// Confidence level of the intervals.
    public var level: Double
    /// Equal-width bins per numeric param for the out-of-bag residual correction of main effects.
    public var residualBins: Int
    /// The most equal-width bins per numeric param for the residual correction of pairs.
    public var pairResidualBins: Int = 5

    public init(
      forest: RandomForest.Configuration = .init(treeCount: 64, maxDepth: 64, minSamplesLeaf: 1, seed: 0),
      replicateTrees: Int = 8, replicates: Int = 20, gridSize: Int = 256, pairGridSize: Int = 48,
      mcSamples: Int = 2048, level: Double = 0.9, residualBins: Int = 20
    ) {
      self.residualBins = residualBins
      self.forest = forest
      self.replicateTrees = replicateTrees
      self.replicates = replicates
      self.gridSize = gridSize
      self.pairGridSize = pairGridSize
      self.mcSamples = mcSamples
      self.level = level
    }
  }

  public var options: Options

  public init(options: Options = .init()) { self.options = options }

  /// The indices of one forest: main-effect variances, pair terms (upper triangle, row-major),
  /// total-effect variances and the objective's variance over the space they are fractions of.
  struct Raw {
    var main: [Double]
    var pairs: [Double]
    var total: [Double]
    var variance: Double

    /// Everything as one vector in the order of `SobolIndices.flatten`: shares, first-order,
    /// pairs and totals (as fractions of the variance).
    var flattened: [Double] {
      let s = main.reduce(0, +)
      let v = variance > 0 ? variance : 1
      return main.map { s > 0 ? $0 / s : 0 } + main.map { $0 / v } + pairs.map { $0 / v }
        + total.map { $0 / v }
    }
  }

  /// Indices over a prepared data set.
  public func evaluate(_ data: ImportanceDataset) -> SobolIndices {
    let space = SobolSpace(data)
    let g = space.params.count
    let names = data.encodedParams
    let n = data.targets.count
    guard g > 0, n > 1 else {
      return SobolIndices(params: names, trialCount: n, flat: nil, level: options.level)
    }
    let mc = space.monteCarloPoints(count: options.mcSamples, seed: options.forest.seed)
    let main = RandomForest(columns: data.columns, targets: data.targets, configuration: options.forest)
    let point = indices(
      main, columns: data.columns, targets: data.targets, ids: nil, space: space, mc: mc
    ).flattened
    guard options.replicates > 0 else {
      return SobolIndices(
        params: names, trialCount: n, flat: point.map { Estimate(value: $0, low: $0, high: $0) },
        level: options.level)
    }
    var reps = [[Double]](repeating: [], count: options.replicates)
    reps.withUnsafeMutableBufferPointer { buf in
      let base = UnsafeSendablePointer(buf.baseAddress)
      DispatchQueue.concurrentPerform(iterations: options.replicates) { b in
        var rng = SeededRNG(seed: options.forest.seed, trialNumber: b, purpose: "importance-bootstrap")
        var pick = [Int](repeating: 0, count: n)
        for i in 0..<n { pick[i] = Int(rng.next() % UInt64(n)) }
        let cols = data.columns.map { col in pick.map { col[$0] } }
        let ys = pick.map { data.targets[$0] }
        var config = options.forest
        config.treeCount = options.replicateTrees
        config.seed = options.forest.seed &+ UInt64(b + 1) &* 0x9E37_79B9
        let forest = RandomForest(columns: cols, targets: ys, configuration: config)
        base.pointer?.advanced(by: b).pointee =
          indices(forest, columns: cols, targets: ys, ids: pick, space: space, mc: mc).flattened
      }
    }
    let alpha = (1 - options.level) / 2
    var flat: [Estimate] = []
    for j in point.indices {
      let xs = reps.map { $0[j] }.sorted()
      let mean = xs.reduce(0, +) / Double(xs.count)
      let lo = Self.quantile(xs, alpha), hi = Self.quantile(xs, 1 - alpha)
      // The bootstrap's bias estimate b and the bias-corrected value θ − b; the interval spans
      // both, the replicates' spread below and above, and |b| more on each side.
      let bias = mean - point[j], corrected = point[j] - bias
      let clip = { (x: Double) in min(1, max(0, x)) }
      flat.append(Estimate(
        value: clip(point[j]), low: clip(min(point[j], corrected) - (mean - lo) - abs(bias)),
        high: clip(max(point[j], corrected) + (hi - mean) + abs(bias))))
    }
    return SobolIndices(params: names, trialCount: n, flat: flat, level: options.level)
  }

  /// Linear-interpolated quantile of sorted values.
  static func quantile(_ sorted: [Double], _ q: Double) -> Double {
    guard sorted.count > 1 else { return sorted.first ?? 0 }
    let h = q * Double(sorted.count - 1)
    let i = min(sorted.count - 2, Int(h))
    return sorted[i] + (h - Double(i)) * (sorted[i + 1] - sorted[i])
  }

  func indices(
    _ forest: RandomForest, columns: [[Double]], targets: [Double], ids: [Int]?, space: SobolSpace,
    mc: [[Double]]
  ) -> Raw {
    let g = space.params.count
    let G = options.gridSize, P = options.pairGridSize
    let K = Double(max(1, forest.trees.count))
    var mainGrid = (0..<g).map { [Double](repeating: 0, count: space.points(for: $0, grid: G) + 1) }
    var pairIndex: [(Int, Int)] = []
    for p in 0..<g { for q in (p + 1)..<g { pairIndex.append((p, q)) } }
    var pairGrid = pairIndex.map { p, q in
      [Double](repeating: 0, count: (space.points(for: p, grid: P) + 1) * (space.points(for: q, grid: P) + 1))
    }
    let c = space.bounds.count
    var boxLo = [Double](repeating: 0, count: c), boxHi = boxLo
    var cover = [Double](repeating: 0, count: g)
    var mainRuns = [[Range<Int>]](repeating: [], count: g), pairRuns = mainRuns
    for tree in forest.trees {
      let (leaves, lo, hi) = tree.leafBoxes(bounds: space.bounds)
      for (k, leaf) in leaves.enumerated() {
        for j in 0..<c {
          boxLo[j] = lo[k * c + j]
          boxHi[j] = hi[k * c + j]
        }
        let box = (lo: boxLo, hi: boxHi)
        var empty = false
        for p in 0..<g {
          cover[p] = space.fraction(of: p, in: box)
          if cover[p] <= 0 { empty = true }
        }
        if empty { continue }
        for p in 0..<g {
          mainRuns[p] = space.runs(of: p, in: box, grid: G)
          pairRuns[p] = space.runs(of: p, in: box, grid: P)
        }
        let value = tree.value[leaf] / K
        for p in 0..<g {
          var w = value
          for r in 0..<g where r != p { w *= cover[r] }
          for run in mainRuns[p] {
            mainGrid[p][run.lowerBound] += w
            mainGrid[p][run.upperBound] -= w
          }
        }
        for (idx, (p, q)) in pairIndex.enumerated() {
          var w = value
          for r in 0..<g where r != p && r != q { w *= cover[r] }
          let stride = space.points(for: q, grid: P) + 1
          for a in pairRuns[p] {
            for b in pairRuns[q] {
              pairGrid[idx][a.lowerBound * stride + b.lowerBound] += w
              pairGrid[idx][a.lowerBound * stride + b.upperBound] -= w
              pairGrid[idx][a.upperBound * stride + b.lowerBound] -= w
              pairGrid[idx][a.upperBound * stride + b.upperBound] += w
            }
          }
        }
      }
    }
    // Main effects: the forest's marginal plus the binned mean of the out-of-bag residuals (what
    // the forest misses along x_p), less the binning noise the residual means add.
    let oob = forest.outOfBagPredictions(columns: columns, ids: ids)
    let residuals = zip(targets, oob).map { $0 - $1 }
    var forestMain = [Double](repeating: 0, count: g)
    let main = (0..<g).map { p -> Double in
      var acc = 0.0
      var values: [Double] = []
      for i in 0..<(mainGrid[p].count - 1) {
        acc += mainGrid[p][i]
        values.append(acc)
      }
      forestMain[p] = Self.variance(values)
      let bins = space.params[p].categorical ? values.count : max(1, options.residualBins)
      var sum = [Double](repeating: 0, count: bins), sq = sum, count = sum
      for i in residuals.indices {
        let b = space.bin(of: p, sample: i, columns: columns, bins: bins)
        sum[b] += residuals[i]
        sq[b] += residuals[i] * residuals[i]
        count[b] += 1
      }
      var noise = 0.0
      for b in 0..<bins where count[b] > 0 {
        let mean = sum[b] / count[b]
        if count[b] > 1 { noise += (sq[b] / count[b] - mean * mean) / (count[b] - 1) }
        sum[b] = mean
      }
      noise *= (1 - 1 / Double(bins)) / Double(bins)
      for j in values.indices { values[j] += sum[j * bins / values.count] }
      return Self.variance(values) - noise
    }
    // Pairs get the same correction: the interaction part of the out-of-bag residuals' cell means
    // on a coarse grid (what the forest misses of x_p × x_q), less the noise those means add.
    let pairCorrection = pairIndex.map { p, q in
      residualCells(residuals, p, q, space: space, columns: columns, bins: options.pairResidualBins)
    }
    var pairs: [Double] = []
    var forestPairs: [Double] = []
    for (idx, (p, q)) in pairIndex.enumerated() {
      let rows = space.points(for: p, grid: P), cols = space.points(for: q, grid: P)
      let stride = cols + 1
      var grid = pairGrid[idx]
      for a in 0...rows { for b in 1...cols { grid[a * stride + b] += grid[a * stride + b - 1] } }
      for a in 1...rows { for b in 0...cols { grid[a * stride + b] += grid[(a - 1) * stride + b] } }
      let cells = pairCorrection[idx]
      forestPairs.append(Self.interactionVariance(rows: rows, cols: cols) { a, b in grid[a * stride + b] })
      pairs.append(
        Self.interactionVariance(rows: rows, cols: cols) { a, b in
          grid[a * stride + b] + cells.mean[(a * cells.rows / rows) * cells.cols + b * cells.cols / cols]
        } - cells.noise)
    }
    // Monte Carlo: rows 0..<m are A, m..<2m are B; the forest's variance over A and B, and
    // Jansen's total effect E[(F(A) − F(A with p from B))²] / 2.
    let m = mc.count / 2
    let fA = mc[0..<m].map { forest.predict($0) }
    let fB = mc[m..<(2 * m)].map { forest.predict($0) }
    let variance = Self.variance(fA + fB)
    var total: [Double] = []
    for p in 0..<g {
      var sum = 0.0
      for i in 0..<m {
        var x = mc[i]
        for col in space.params[p].columns { x[col] = mc[m + i][col] }
        let d = fA[i] - forest.predict(x)
        sum += d * d
      }
      total.append(m > 0 ? sum / Double(2 * m) : 0)
    }
    // The indices divide by the objective's variance over the search space (inputs uniform and
    // independent). The trials' variance estimates it when the trials were spread uniformly
    // (random search); a model-based sampler concentrates them where the objective is good, where
    // they vary far less than over the whole space (a TPE study on Branin: 100× less, and every
    // index came out 1). So the forest's own variance over the space is the denominator when it
    // is the larger: under uniform sampling it is the smaller (the forest smooths, the trials add
    // noise), and the trials' variance stays.
    let denominator = max(Self.variance(targets), variance)
    // Totals: the corrected main effect and pairs, plus the forest's terms of order three and up
    // (its total less its own main effect and pairs).
    for p in 0..<g {
      var lower = main[p], forestLower = forestMain[p]
      for (idx, (a, b)) in pairIndex.enumerated() where a == p || b == p {
        lower += pairs[idx]
        forestLower += forestPairs[idx]
      }
      total[p] = lower + max(0, total[p] - forestLower) * (variance > 0 ? denominator / variance : 1)
    }
    return Raw(main: main, pairs: pairs, total: total, variance: denominator)
  }

  /// The interaction variance `Var g − Var(row means) − Var(column means)` of a table with
  /// equally weighted cells.
  static func interactionVariance(rows: Int, cols: Int, _ g: (Int, Int) -> Double) -> Double {
    var all: [Double] = []
    var rowMeans = [Double](repeating: 0, count: rows)
    var colMeans = [Double](repeating: 0, count: cols)
    for a in 0..<rows {
      for b in 0..<cols {
        let v = g(a, b)
        all.append(v)
        rowMeans[a] += v / Double(cols)
        colMeans[b] += v / Double(rows)
      }
    }
    return variance(all) - variance(rowMeans) - variance(colMeans)
  }

  /// Cell means of the residuals over the bins of params `p` × `q`, and the variance that the
  /// means' sampling noise adds to their interaction part (pooled within-cell variance).
  func residualCells(
    _ residuals: [Double], _ p: Int, _ q: Int, space: SobolSpace, columns: [[Double]], bins: Int
  ) -> (mean: [Double], rows: Int, cols: Int, noise: Double) {
    let n = residuals.count
    // Numbers: as many bins as leave ~10 trials per cell, at most `bins`; categoricals: their choices.
    let numeric = max(2, min(bins, Int(Double(n / 10).squareRoot())))
    let rows = space.params[p].categorical ? space.params[p].columns.count : numeric
    let cols = space.params[q].categorical ? space.params[q].columns.count : numeric
    var sum = [Double](repeating: 0, count: rows * cols), sq = sum, count = sum
    for i in 0..<n {
      let c = space.bin(of: p, sample: i, columns: columns, bins: rows) * cols
        + space.bin(of: q, sample: i, columns: columns, bins: cols)
      sum[c] += residuals[i]
      sq[c] += residuals[i] * residuals[i]
      count[c] += 1
    }
    var noise = 0.0
    for c in sum.indices {
      // As for main effects: a cell needs two trials for its noise to be known, and each cell's
      // own spread is its noise (a sampler's trials are dense and close where the objective is
      // good, sparse and far apart elsewhere, so one pooled spread understates the sparse cells).
      guard count[c] >= Double(Self.minimumCellTrials) else {
        sum[c] = 0
        continue
      }
      let mean = sum[c] / count[c]
      noise += (sq[c] / count[c] - mean * mean) / (count[c] - 1)
      sum[c] = mean
    }
    noise *= (1 - 1 / Double(rows)) * (1 - 1 / Double(cols)) / Double(rows * cols)
    return (sum, rows, cols, noise)
  }

  /// The fewest trials a cell of two params needs for its residual mean to correct a pair.
  static let minimumCellTrials = 2

  static func variance(_ xs: [Double]) -> Double {
    guard !xs.isEmpty else { return 0 }
    let mean = xs.reduce(0, +) / Double(xs.count)
    return xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(xs.count)
  }
}

/// The encoded search space as independent uniform inputs: a numeric param is one column on
/// `[low, high]`; a categorical is its one-hot columns, uniform over its choices.
struct SobolSpace: Sendable {
  struct Param: Sendable {
    var columns: [Int]
    var categorical: Bool
  }

  let params: [Param]
  let bounds: [(low: Double, high: Double)]

  init(_ data: ImportanceDataset) {
    bounds = data.bounds
    params = zip(data.encodedParams, data.columnGroups).map { name, cols in
      if case .categorical = data.distributions[name] { return Param(columns: cols, categorical: true) }
      return Param(columns: cols, categorical: false)
    }
  }

  /// Grid points of param `p`: `grid` midpoints for a number, one per choice for a categorical.
  func points(for p: Int, grid: Int) -> Int {
    params[p].categorical ? params[p].columns.count : grid
  }

  /// The share of param `p`'s domain inside a leaf box.
  func fraction(of p: Int, in box: (lo: [Double], hi: [Double])) -> Double {
    let param = params[p]
    if param.categorical {
      var inside = 0
      for choice in param.columns.indices where containsChoice(choice, of: param, box) { inside += 1 }
      return Double(inside) / Double(param.columns.count)
    }
    let c = param.columns[0]
    let width = bounds[c].high - bounds[c].low
    return width > 0 ? max(0, box.hi[c] - box.lo[c]) / width : 1
  }

  /// The residual bin of sample `i` along param `p`: its choice, or one of `bins` equal-width bins.
  func bin(of p: Int, sample i: Int, columns: [[Double]], bins: Int) -> Int {
    let param = params[p]
    if param.categorical {
      return param.columns.indices.max { columns[param.columns[$0]][i] < columns[param.columns[$1]][i] } ?? 0
    }
    let c = param.columns[0]
    let width = bounds[c].high - bounds[c].low
    guard width > 0 else { return 0 }
    return max(0, min(bins - 1, Int((columns[c][i] - bounds[c].low) / width * Double(bins))))
  }

  /// Whether the one-hot vector of `choice` lies in the box (a leaf holds `lo < x ≤ hi`).
  private func containsChoice(_ choice: Int, of param: Param, _ box: (lo: [Double], hi: [Double])) -> Bool {
    for (j, c) in param.columns.enumerated() {
      let x: Double = j == choice ? 1 : 0
      if !(box.lo[c] < x || (box.lo[c] == bounds[c].low && x == bounds[c].low)) || x > box.hi[c] {
        return false
      }
    }
    return true
  }

  /// The grid points of param `p` inside the box, as runs of consecutive indices.
  func runs(of p: Int, in box: (lo: [Double], hi: [Double]), grid: Int) -> [Range<Int>] {
    let param = params[p]
    if param.categorical {
      var out: [Range<Int>] = []
      for choice in param.columns.indices where containsChoice(choice, of: param, box) {
        if let last = out.last, last.upperBound == choice {
          out[out.count - 1] = last.lowerBound..<(choice + 1)
        } else {
          out.append(choice..<(choice + 1))
        }
      }
      return out
    }
    let c = param.columns[0]
    let low = bounds[c].low, width = bounds[c].high - bounds[c].low
    guard width > 0 else { return [0..<grid] }
    // Point j sits at low + (j + ½)·width/grid; the box holds lo < x ≤ hi.
    let scale = Double(grid) / width
    let a = max(0, min(grid, Int(((box.lo[c] - low) * scale - 0.5).rounded(.down)) + 1))
    let b = max(0, min(grid, Int(((box.hi[c] - low) * scale - 0.5).rounded(.down)) + 1))
    return a < b ? [a..<b] : []
  }

  /// `count` points (even count: the first half are Saltelli's matrix A, the second half B)
  /// drawn uniformly from the space, encoded as columns.
  func monteCarloPoints(count: Int, seed: UInt64) -> [[Double]] {
    var rng = SeededRNG(seed: seed, trialNumber: 0, purpose: "importance-monte-carlo")
    let m = max(1, count / 2) * 2
    return (0..<m).map { _ in
      var x = [Double](repeating: 0, count: bounds.count)
      for param in params {
        if param.categorical {
          x[param.columns[Int(rng.next() % UInt64(param.columns.count))]] = 1
        } else {
          let c = param.columns[0]
          let u = Double(rng.next() >> 11) / Double(1 << 53)
          x[c] = bounds[c].low + u * (bounds[c].high - bounds[c].low)
        }
      }
      return x
    }
  }
}

/// One estimated index with its interval.
public struct Estimate: Sendable, Hashable {
  public var value: Double
  public var low: Double
  public var high: Double

  public init(value: Double, low: Double, high: Double) {
    self.value = value
    self.low = low
    self.high = high
  }
}

/// Sobol indices of each param: main-effect shares (first-order indices over their sum, what
/// normalised importances compare with), first-order and total indices, and pairwise interaction
/// (second-order) indices, each with an interval.
public struct SobolIndices: Sendable, Hashable {
  /// An interaction of two params.
  public struct Pair: Sendable, Hashable {
    public var first: String
    public var second: String
    public var index: Estimate
  }

  /// The assessed params, sorted by name.
  public var params: [String]
  public var shares: [Estimate]
  public var firstOrder: [Estimate]
  public var total: [Estimate]
  /// Every pair, in the order (0,1), (0,2), …, (1,2), ….
  public var pairs: [Pair]
  /// The confidence level of the intervals.
  public var level: Double
  public var trialCount: Int

  init(params: [String], trialCount: Int, flat: [Estimate]?, level: Double) {
    self.params = params
    self.trialCount = trialCount
    self.level = level
    let g = params.count
    let zero = Estimate(value: 0, low: 0, high: 0)
    let f = flat ?? [Estimate](repeating: zero, count: 3 * g + g * (g - 1) / 2)
    shares = Array(f[0..<g])
    firstOrder = Array(f[g..<(2 * g)])
    let pairCount = g * (g - 1) / 2
    var pairs: [Pair] = []
    var k = 2 * g
    for p in 0..<g {
      for q in (p + 1)..<g {
        pairs.append(Pair(first: params[p], second: params[q], index: f[k]))
        k += 1
      }
    }
    self.pairs = pairs
    total = Array(f[(2 * g + pairCount)..<(3 * g + pairCount)])
  }

  /// The interaction index of two params (either order).
  public func interaction(_ a: String, _ b: String) -> Estimate? {
    pairs.first { ($0.first == a && $0.second == b) || ($0.first == b && $0.second == a) }?.index
  }
}
