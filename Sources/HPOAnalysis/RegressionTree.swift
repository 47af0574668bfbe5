/// A fitted binary regression tree stored in flat node arrays (as scikit-learn's `Tree`).
///
/// Node 0 is the root. A leaf has `feature[i] == -1`. A sample goes left when
/// `x[feature] <= threshold`.
public struct RegressionTree: Sendable {
  /// Split feature per node, or -1 for a leaf.
  public internal(set) var feature: [Int32] = []
  /// Split threshold per node (midpoint between two neighbouring sample values); 0 for leaves.
  public internal(set) var threshold: [Double] = []
  /// Left child per node, or -1.
  public internal(set) var left: [Int32] = []
  /// Right child per node, or -1.
  public internal(set) var right: [Int32] = []
  /// Weighted mean target of the node's samples (the prediction of a leaf).
  public internal(set) var value: [Double] = []
  /// Sum of sample weights (bootstrap counts) in the node.
  public internal(set) var weight: [Double] = []
  /// Weighted variance of the node's targets (the MSE impurity).
  public internal(set) var impurity: [Double] = []

  public init() {}

  /// The number of nodes.
  public var nodeCount: Int { feature.count }

  /// Whether node `i` is a leaf.
  @inline(__always) public func isLeaf(_ i: Int) -> Bool { feature[i] < 0 }

  /// The prediction for one feature vector.
  public func predict(_ x: [Double]) -> Double {
    guard !feature.isEmpty else { return 0 }
    var i = 0
    while feature[i] >= 0 {
      i = Int(x[Int(feature[i])] <= threshold[i] ? left[i] : right[i])
    }
    return value[i]
  }

  /// Appends a node and returns its index.
  mutating func appendNode(value: Double, weight: Double, impurity: Double) -> Int {
    feature.append(-1)
    threshold.append(0)
    left.append(-1)
    right.append(-1)
    self.value.append(value)
    self.weight.append(weight)
    self.impurity.append(impurity)
    return feature.count - 1
  }

  /// Turns leaf `node` into a split whose children are filled in later.
  mutating func setSplit(_ node: Int, feature f: Int, threshold t: Double) {
    feature[node] = Int32(f)
    threshold[node] = t
  }

  /// Records `child` as the left or right child of `parent`.
  mutating func link(parent: Int, child: Int, isLeft: Bool) {
    if isLeft { left[parent] = Int32(child) } else { right[parent] = Int32(child) }
  }

  /// Per-feature total weighted impurity decrease, divided by the root weight
  /// (scikit-learn's `compute_feature_importances(normalize=False)`).
  public func impurityDecrease(featureCount: Int) -> [Double] {
    var out = [Double](repeating: 0, count: featureCount)
    guard nodeCount > 1 else { return out }
    for i in 0..<nodeCount where feature[i] >= 0 {
      let l = Int(left[i]), r = Int(right[i])
      let dec = weight[i] * impurity[i] - weight[l] * impurity[l] - weight[r] * impurity[r]
      out[Int(feature[i])] += dec
    }
    let root = weight[0]
    return root > 0 ? out.map { $0 / root } : out
  }

  /// The leaves with the box each one covers inside `bounds` (one `(low, high)` per feature).
  /// Boxes are row-major: leaf `k`'s interval on feature `d` is at `k * featureCount + d`.
  public func leafBoxes(
    bounds: [(low: Double, high: Double)]
  ) -> (leaves: [Int], low: [Double], high: [Double]) {

    var leaves: [Int] = []
    var lows: [Double] = [], highs: [Double] = []
    guard nodeCount > 0 else { return (leaves, lows, highs) }
    // Depth-first walk with an explicit stack of boxes.
    var stack: [(node: Int, lo: [Double], hi: [Double])] = [
      (0, bounds.map(\.low), bounds.map(\.high))
    ]
    while let (node, lo, hi) = stack.popLast() {
      let f = Int(feature[node])
      if f < 0 {
        leaves.append(node)
        lows.append(contentsOf: lo)
        highs.append(contentsOf: hi)
        continue
      }
      let t = threshold[node]
      var hiL = hi
      hiL[f] = t
      var loR = lo
      loR[f] = t
      stack.append((Int(right[node]), loR, hi))
      stack.append((Int(left[node]), lo, hiL))
    }
    return (leaves, lows, highs)
  }
}
