import Dispatch
import HPO

/// A random forest of regression trees, grown as scikit-learn's `RandomForestRegressor` with
/// Optuna's importance settings (Breiman, "Random Forests", Machine Learning 45, 2001).
///
/// Each tree is fitted on a bootstrap sample (drawn counts become sample weights, as in
/// scikit-learn), splits minimise the weighted squared error (variance reduction) over all
/// features (`max_features = 1.0`, the regressor default), and thresholds sit at the midpoint of
/// two neighbouring distinct values. Trees grow until leaves are pure, hold fewer than
/// `minSamplesSplit` distinct samples, or reach `maxDepth`.
///
/// Split search is sort-based: every feature is sorted once, each tree filters the presorted
/// orders to its bootstrap sample, and each split stable-partitions the per-feature orders of the
/// node, so a tree costs O(n·d·depth). Trees are fitted in parallel; tree `k` draws from its own
/// `SeededRNG` stream, so the forest depends only on the seed.
public struct RandomForest: Sendable {
  /// Forest settings; the defaults are Optuna's fANOVA / MDI evaluator settings.
  public struct Configuration: Sendable, Hashable {
    public var treeCount: Int
    public var maxDepth: Int
    public var minSamplesSplit: Int
    public var minSamplesLeaf: Int
    /// Features tried per split; `nil` means all (scikit-learn's regressor default).
    public var maxFeatures: Int?
    public var bootstrap: Bool
    public var seed: UInt64

    public init(
      treeCount: Int = 64, maxDepth: Int = 64, minSamplesSplit: Int = 2, minSamplesLeaf: Int = 1,
      maxFeatures: Int? = nil, bootstrap: Bool = true, seed: UInt64 = 0
    ) {
      self.treeCount = treeCount
      self.maxDepth = maxDepth
      self.minSamplesSplit = minSamplesSplit
      self.minSamplesLeaf = minSamplesLeaf
      self.maxFeatures = maxFeatures
      self.bootstrap = bootstrap
      self.seed = seed
    }
  }

  public let trees: [RegressionTree]
  public let featureCount: Int
  public let configuration: Configuration

  /// Fits a forest on `rows` (one feature vector per sample) and targets `y`.
  public init(rows: [[Double]], targets y: [Double], configuration: Configuration = .init()) {
    let d = rows.first?.count ?? 0
    var columns = [[Double]](repeating: [], count: d)
    for f in 0..<d { columns[f] = rows.map { $0[f] } }
    self.init(columns: columns, targets: y, configuration: configuration)
  }

  /// Fits a forest on feature `columns` (`columns[f][i]` is feature `f` of sample `i`).
  public init(columns: [[Double]], targets y: [Double], configuration: Configuration = .init()) {
    let d = columns.count
    let n = y.count
    self.featureCount = d
    self.configuration = configuration
    guard n > 0, configuration.treeCount > 0 else {
      self.trees = []
      return
    }
    // Presort every feature once (ties by sample index, so the order is deterministic).
    let presorted: [[Int32]] = columns.map { col in
      (0..<n).sorted { col[$0] != col[$1] ? col[$0] < col[$1] : $0 < $1 }.map { Int32($0) }
    }
    let builder = TreeBuilder(columns: columns, y: y, presorted: presorted, config: configuration)
    let count = configuration.treeCount
    let slots = UnsafeMutableBufferPointer<RegressionTree>.allocate(capacity: count)
    slots.initialize(repeating: RegressionTree())
    defer { slots.deallocate() }
    let base = UnsafeSendablePointer(slots.baseAddress)
    DispatchQueue.concurrentPerform(iterations: count) { k in
      var rng = SeededRNG(seed: configuration.seed, trialNumber: k, purpose: "random-forest")
      let tree = builder.build(rng: &rng)
      base.pointer?.advanced(by: k).pointee = tree
    }
    self.trees = Array(slots)
  }

  /// Out-of-bag predictions: for each sample of `columns`, the mean prediction of the trees whose
  /// bootstrap sample left it out (the forest's mean prediction where every tree holds it).
  /// `ids` names the original sample of each row when rows repeat (a resample): a row is out of
  /// a tree's bag only when no copy of it is in.
  public func outOfBagPredictions(columns: [[Double]], ids: [Int]? = nil) -> [Double] {
    let n = columns.first?.count ?? 0
    var sum = [Double](repeating: 0, count: n), count = [Int](repeating: 0, count: n)
    var x = [Double](repeating: 0, count: columns.count)
    let ids = ids ?? Array(0..<n)
    var inBag = [Bool](repeating: false, count: (ids.max() ?? 0) + 1)
    for (k, tree) in trees.enumerated() {
      var rng = SeededRNG(seed: configuration.seed, trialNumber: k, purpose: "random-forest")
      let w = TreeBuilder.sampleWeights(n: n, bootstrap: configuration.bootstrap, rng: &rng)
      for i in inBag.indices { inBag[i] = false }
      for i in 0..<n where w[i] > 0 { inBag[ids[i]] = true }
      for i in 0..<n where !inBag[ids[i]] {
        for c in columns.indices { x[c] = columns[c][i] }
        sum[i] += tree.predict(x)
        count[i] += 1
      }
    }
    return (0..<n).map { i in
      if count[i] > 0 { return sum[i] / Double(count[i]) }
      for c in columns.indices { x[c] = columns[c][i] }
      return predict(x)
    }
  }

  /// The mean prediction of the trees.
  public func predict(_ x: [Double]) -> Double {
    guard !trees.isEmpty else { return 0 }
    return trees.reduce(0) { $0 + $1.predict(x) } / Double(trees.count)
  }

  /// Mean decrease in impurity per feature (scikit-learn's `feature_importances_`): each tree's
  /// weighted impurity decreases per feature, normalised to sum 1 per tree; the mean over trees
  /// with more than one node, normalised again to sum 1 (all zeros if no tree split).
  public var featureImportances: [Double] {
    var total = [Double](repeating: 0, count: featureCount)
    var used = 0
    for t in trees where t.nodeCount > 1 {
      var imp = t.impurityDecrease(featureCount: featureCount)
      let s = imp.reduce(0, +)
      if s > 0 { imp = imp.map { $0 / s } }
      for f in 0..<featureCount { total[f] += imp[f] }
      used += 1
    }
    guard used > 0 else { return total }
    total = total.map { $0 / Double(used) }
    let s = total.reduce(0, +)
    return s > 0 ? total.map { $0 / s } : total
  }
}

/// A raw pointer that the parallel loop may share: each iteration writes only its own slot.
struct UnsafeSendablePointer<T>: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<T>?
  init(_ pointer: UnsafeMutablePointer<T>?) { self.pointer = pointer }
}

/// Grows one tree of a `RandomForest` from shared, read-only data.
struct TreeBuilder: Sendable {
  let columns: [[Double]]
  let y: [Double]
  let presorted: [[Int32]]
  let config: RandomForest.Configuration

  /// scikit-learn's `FEATURE_THRESHOLD`: values closer than this are not split apart.
  static let featureThreshold = 1.0e-7

  /// The weight of each sample in one tree: its bootstrap count, drawn first from the tree's
  /// stream (all ones without bootstrap).
  static func sampleWeights(n: Int, bootstrap: Bool, rng: inout SeededRNG) -> [Double] {
    var w = [Double](repeating: bootstrap ? 0 : 1, count: n)
    if bootstrap { for _ in 0..<n { w[Int(rng.next() % UInt64(n))] += 1 } }
    return w
  }

  func build(rng: inout SeededRNG) -> RegressionTree {
    let n = y.count
    let d = columns.count
    // Bootstrap counts become sample weights.
    let w = Self.sampleWeights(n: n, bootstrap: config.bootstrap, rng: &rng)
    var m = 0
    for i in 0..<n where w[i] > 0 { m += 1 }
    // order[f * m + k]: the k-th sample of feature f's sorted order (samples with weight > 0).
    var order = [Int32](repeating: 0, count: max(1, d * m))
    for f in 0..<d {
      var k = f * m
      for s in presorted[f] where w[Int(s)] > 0 {
        order[k] = s
        k += 1
      }
    }
    if d == 0 {
      var k = 0
      for i in 0..<n where w[i] > 0 {
        order[k] = Int32(i)
        k += 1
      }
    }
    var tree = RegressionTree()
    var goesLeft = [Bool](repeating: false, count: n)
    var temp = [Int32](repeating: 0, count: max(1, m))
    var features = Array(0..<d)
    let maxFeatures = min(d, max(1, config.maxFeatures ?? d))
    // (start, end, depth, parent, isLeft)
    var stack: [(Int, Int, Int, Int, Bool)] = [(0, m, 0, -1, true)]
    while let (s, e, depth, parent, isLeft) = stack.popLast() {
      // Node statistics (two-pass weighted variance) over any feature's segment.
      var wSum = 0.0, ySum = 0.0
      for k in s..<e {
        let i = Int(order[k])
        wSum += w[i]
        ySum += w[i] * y[i]
      }
      let mean = ySum / wSum
      var ss = 0.0
      for k in s..<e {
        let i = Int(order[k])
        let dy = y[i] - mean
        ss += w[i] * dy * dy
      }
      let imp = ss / wSum
      let node = tree.appendNode(value: mean, weight: wSum, impurity: imp)
      if parent >= 0 { tree.link(parent: parent, child: node, isLeft: isLeft) }
      let count = e - s
      if depth >= config.maxDepth || count < config.minSamplesSplit
        || count < 2 * config.minSamplesLeaf || imp <= Double.ulpOfOne || d == 0
      {
        continue
      }
      // Best split over the features, visited in a random order (ties keep the first seen).
      var bestProxy = -Double.infinity
      var bestFeature = -1, bestPos = -1
      var bestThreshold = 0.0
      for j in stride(from: d - 1, to: 0, by: -1) {
        features.swapAt(j, Int(rng.next() % UInt64(j + 1)))
      }
      var visited = 0
      for f in features {
        if visited >= maxFeatures { break }
        let col = columns[f]
        let base = f * m
        if col[Int(order[base + e - 1])] <= col[Int(order[base + s])] + Self.featureThreshold {
          continue  // constant in this node; scikit-learn does not count it as visited
        }
        visited += 1
        var wL = 0.0, sL = 0.0
        for k in s..<(e - 1) {
          let i = Int(order[base + k])
          wL += w[i]
          sL += w[i] * y[i]
          let xi = col[i], xn = col[Int(order[base + k + 1])]
          if xn <= xi + Self.featureThreshold { continue }
          let nL = k - s + 1
          if nL < config.minSamplesLeaf || count - nL < config.minSamplesLeaf { continue }
          let wR = wSum - wL, sR = ySum - sL
          let proxy = sL * sL / wL + sR * sR / wR
          if proxy > bestProxy {
            bestProxy = proxy
            bestFeature = f
            bestPos = k
            var t = xi / 2 + xn / 2
            if t == xn || !t.isFinite { t = xi }
            bestThreshold = t
          }
        }
      }
      if bestFeature < 0 { continue }
      tree.setSplit(node, feature: bestFeature, threshold: bestThreshold)
      // Partition every other feature's segment stably by the side of the split.
      let bb = bestFeature * m
      for k in s..<e { goesLeft[Int(order[bb + k])] = k <= bestPos }
      let nLeft = bestPos - s + 1
      for f in 0..<d where f != bestFeature {
        let base = f * m
        var l = base + s, r = 0
        for k in s..<e {
          let i = order[base + k]
          if goesLeft[Int(i)] {
            order[l] = i
            l += 1
          } else {
            temp[r] = i
            r += 1
          }
        }
        for k in 0..<r { order[l + k] = temp[k] }
      }
      // Right pushed first so the left subtree is numbered first (depth-first, as scikit-learn).
      stack.append((s + nLeft, e, depth + 1, node, false))
      stack.append((s, s + nLeft, depth + 1, node, true))
    }
    return tree
  }
}
