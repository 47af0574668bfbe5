import Foundation

/// Greedy hypervolume subset selection, used by multi-objective TPE to break ties inside the
/// last non-domination rank of the good trials; the hypervolume itself is `Hypervolume`'s.
/// The greedy selection is the (1 − 1/e)-approximation of
/// Guerreiro, Fonseca & Paquete, "Greedy hypervolume subset selection in low dimensions",
/// Evolutionary Computation 2016, as Optuna's `_hypervolume/hssp.py` uses it.
enum HypervolumeSubset {
  /// Optuna's reference point for a rank: max(1.1·worst, 0.9·worst) per objective, with zeros
  /// replaced by 1e-12.
  static func referencePoint(_ values: [[Double]]) -> [Double] {
    guard let first = values.first else { return [] }
    var worst = first
    for v in values.dropFirst() { for j in v.indices { worst[j] = max(worst[j], v[j]) } }
    return worst.map { w in
      let r = max(1.1 * w, 0.9 * w)
      return r == 0 ? 1e-12 : r
    }
  }

  /// Picks `size` of the `values` (loss vectors, minimised) greedily by hypervolume contribution.
  /// Returns positions into `values`. Duplicated vectors are considered once, and only used when
  /// there are fewer distinct vectors than `size`.
  static func select(_ values: [[Double]], size: Int, reference: [Double]) -> [Int] {
    let n = values.count
    if size >= n { return Array(0..<n) }
    if size <= 0 { return [] }
    // Distinct vectors in lexicographic order, each with the first position it occurs at.
    let order = (0..<n).sorted { a, b in
      let x = values[a], y = values[b]
      for j in x.indices where x[j] != y[j] { return x[j] < y[j] }
      return a < b
    }
    var unique: [Int] = []
    for i in order where unique.last.map({ values[$0] != values[i] }) ?? true { unique.append(i) }
    if unique.count < size {
      var chosen = Set(unique)
      for i in 0..<n where chosen.count < size && !chosen.contains(i) { chosen.insert(i) }
      return chosen.sorted()
    }
    if !reference.allSatisfy(\.isFinite) || values.contains(where: { !$0.allSatisfy(\.isFinite) }) {
      return Array(unique.prefix(size))
    }
    if reference.count == 2 { return select2D(values, unique, size: size, reference: reference) }
    var selected: [Int] = []
    var selectedVecs: [[Double]] = []
    var remaining = unique
    var currentHV = 0.0
    while selected.count < size {
      var bestPos = 0
      var bestGain = -Double.infinity
      for (pos, i) in remaining.enumerated() {
        let gain = Hypervolume.compute(selectedVecs + [values[i]], reference: reference) - currentHV
        if gain > bestGain {
          bestGain = gain
          bestPos = pos
        }
      }
      let i = remaining.remove(at: bestPos)
      selected.append(i)
      selectedVecs.append(values[i])
      currentHV += max(bestGain, 0)
    }
    return selected
  }

  /// The two-objective greedy in O(n) per pick: on one front, sorted by the first objective, a
  /// point's contribution is the rectangle up to its nearest selected neighbours.
  private static func select2D(_ values: [[Double]], _ unique: [Int], size: Int, reference: [Double])
    -> [Int]
  {
    var idx = unique  // lexicographic: first objective ascending
    var rectX = [Double](repeating: reference[0], count: idx.count)
    var rectY = [Double](repeating: reference[1], count: idx.count)
    var selected: [Int] = []
    while selected.count < size && !idx.isEmpty {
      var best = 0
      var bestContrib = -Double.infinity
      for p in idx.indices {
        let v = values[idx[p]]
        let c = (rectX[p] - v[0]) * (rectY[p] - v[1])
        if c > bestContrib {
          bestContrib = c
          best = p
        }
      }
      let chosen = values[idx[best]]
      selected.append(idx[best])
      idx.remove(at: best)
      rectX.remove(at: best)
      rectY.remove(at: best)
      for p in 0..<best { rectX[p] = min(chosen[0], rectX[p]) }
      for p in best..<idx.count { rectY[p] = min(chosen[1], rectY[p]) }
    }
    return selected
  }
}
