extension RegressionTree {
  /// The functional ANOVA quantities of this tree over the box `bounds`: the variance of the tree's
  /// prediction under the uniform distribution on the box, and for each group of features the
  /// variance of its first-order marginal (the prediction averaged over all other features).
  ///
  /// This follows Hutter, Hoos & Leyton-Brown, "An Efficient Approach for Assessing
  /// Hyperparameter Importance" (ICML 2014), as Optuna's `_FanovaTree` computes it: the group's
  /// axes are cut at every split threshold the tree uses on them, each cell is represented by its
  /// midpoint and weighted by its size, and the marginal in a cell is the volume-weighted mean of
  /// the leaves that cover it. Instead of one tree walk per cell, every leaf box adds its value,
  /// weighted by its volume fraction outside the group, to the cells it covers (a difference array
  /// for one-column groups), so a tree costs O(leaves · log splits) per group.
  func fanovaVariances(
    bounds: [(low: Double, high: Double)], groups: [[Int]]
  ) -> (total: Double, marginal: [Double]) {
    let d = bounds.count
    guard nodeCount > 0, d > 0 else { return (0, groups.map { _ in 0 }) }
    let (leaves, lo, hi) = leafBoxes(bounds: bounds)
    let width = bounds.map { $0.high - $0.low }
    // Volume fraction of each leaf box per feature.
    var frac = [Double](repeating: 1, count: lo.count)
    for k in 0..<leaves.count {
      for f in 0..<d {
        frac[k * d + f] = width[f] > 0 ? (hi[k * d + f] - lo[k * d + f]) / width[f] : 1
      }
    }
    // Total variance: leaves weighted by volume.
    var wSum = 0.0, vSum = 0.0
    var leafVolume = [Double](repeating: 1, count: leaves.count)
    for k in 0..<leaves.count {
      var v = 1.0
      for f in 0..<d { v *= frac[k * d + f] }
      leafVolume[k] = v
      wSum += v
      vSum += v * value[leaves[k]]
    }
    guard wSum > 0 else { return (0, groups.map { _ in 0 }) }
    let mean = vSum / wSum
    var total = 0.0
    for k in 0..<leaves.count {
      let dv = value[leaves[k]] - mean
      total += leafVolume[k] * dv * dv
    }
    total /= wSum
    // Cell edges per feature: the bounds plus every split threshold on that feature.
    var splits = [[Double]](repeating: [], count: d)
    for i in 0..<nodeCount where feature[i] >= 0 { splits[Int(feature[i])].append(threshold[i]) }
    let edges: [[Double]] = (0..<d).map { f in
      var s = Array(Set(splits[f])).sorted()
      s.insert(bounds[f].low, at: 0)
      s.append(bounds[f].high)
      return s
    }
    var marginal: [Double] = []
    for group in groups {
      marginal.append(
        groupVariance(
          group: group, leaves: leaves, lo: lo, hi: hi, frac: frac, d: d, edges: edges))
    }
    return (total, marginal)
  }

  private func groupVariance(
    group: [Int], leaves: [Int], lo: [Double], hi: [Double], frac: [Double], d: Int,
    edges: [[Double]]
  ) -> Double {
    guard !group.isEmpty else { return 0 }
    let cellCounts = group.map { edges[$0].count - 1 }
    var strides = [Int](repeating: 1, count: group.count)
    for j in stride(from: group.count - 2, through: 0, by: -1) {
      strides[j] = strides[j + 1] * cellCounts[j + 1]
    }
    let cellTotal = (strides.first ?? 1) * (cellCounts.first ?? 1)
    guard cellTotal > 1 else { return 0 }
    var acc = [Double](repeating: 0, count: cellTotal + 1)
    var cov = [Double](repeating: 0, count: cellTotal + 1)
    let inGroup = Set(group)
    var lower = [Int](repeating: 0, count: group.count)
    var upper = [Int](repeating: 0, count: group.count)
    for k in 0..<leaves.count {
      var other = 1.0
      for f in 0..<d where !inGroup.contains(f) { other *= frac[k * d + f] }
      if other <= 0 { continue }
      for (j, f) in group.enumerated() {
        lower[j] = Self.edgeIndex(edges[f], lo[k * d + f])
        upper[j] = Self.edgeIndex(edges[f], hi[k * d + f])
      }
      if zip(lower, upper).contains(where: { $0 >= $1 }) { continue }
      let v = value[leaves[k]] * other
      if group.count == 1 {
        acc[lower[0]] += v
        acc[upper[0]] -= v
        cov[lower[0]] += other
        cov[upper[0]] -= other
        continue
      }
      // Enumerate the cells of the leaf's sub-grid (odometer over the group's axes).
      var idx = lower
      outer: while true {
        var flat = 0
        for j in 0..<group.count { flat += idx[j] * strides[j] }
        acc[flat] += v
        cov[flat] += other
        var j = group.count - 1
        while j >= 0 {
          idx[j] += 1
          if idx[j] < upper[j] { continue outer }
          idx[j] = lower[j]
          j -= 1
        }
        break
      }
    }
    if group.count == 1 {
      for c in 1..<cellTotal {
        acc[c] += acc[c - 1]
        cov[c] += cov[c - 1]
      }
    }
    // Weighted variance of the cell marginals, each weighted by its size.
    var values = [Double](repeating: 0, count: cellTotal)
    var weights = [Double](repeating: 0, count: cellTotal)
    var idx = [Int](repeating: 0, count: group.count)
    for c in 0..<cellTotal {
      var rem = c
      var size = 1.0
      for j in 0..<group.count {
        idx[j] = rem / strides[j]
        rem %= strides[j]
        let e = edges[group[j]]
        size *= e[idx[j] + 1] - e[idx[j]]
      }
      weights[c] = cov[c] > 0 ? size : 0
      values[c] = cov[c] > 0 ? acc[c] / cov[c] : 0
    }
    let wSum = weights.reduce(0, +)
    guard wSum > 0 else { return 0 }
    var mean = 0.0
    for c in 0..<cellTotal { mean += weights[c] * values[c] }
    mean /= wSum
    var variance = 0.0
    for c in 0..<cellTotal {
      let dv = values[c] - mean
      variance += weights[c] * dv * dv
    }
    return max(0, variance / wSum)
  }

  /// The index of `x` in the sorted `edges` (the position of the first edge ≥ x).
  private static func edgeIndex(_ edges: [Double], _ x: Double) -> Int {
    var a = 0, b = edges.count
    while a < b {
      let mid = (a + b) / 2
      if edges[mid] < x { a = mid + 1 } else { b = mid }
    }
    return min(a, edges.count - 1)
  }
}
