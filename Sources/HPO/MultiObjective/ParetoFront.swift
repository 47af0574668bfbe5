/// Non-dominated sorting over objective vectors (Deb et al., "A fast and elitist multiobjective
/// genetic algorithm: NSGA-II", IEEE TEC 2002), used for `bestTrials` and multi-objective samplers.
public enum ParetoFront {
  /// Whether `a` dominates `b`: no worse in every objective and better in one.
  public static func dominates(_ a: [Double], _ b: [Double], directions: [StudyDirection]) -> Bool {
    var better = false
    for i in directions.indices {
      let x = directions[i].normalized(a[i]), y = directions[i].normalized(b[i])
      if x > y { return false }
      if x < y { better = true }
    }
    return better
  }

  /// The indices of the non-dominated vectors, in input order. Duplicated optimal vectors are all
  /// kept, as Optuna does. Two and three objectives take O(n log n) (sort and sweep); more take
  /// O(n log n + n·|front|·d) (lexicographic sort, then comparison with the front so far).
  public static func indices(of values: [[Double]], directions: [StudyDirection]) -> [Int] {
    let n = values.count
    if n == 0 { return [] }
    let norm = values.map { v in directions.indices.map { directions[$0].normalized(v[$0]) } }
    if directions.count == 1 {
      let best = norm.map { $0[0] }.min() ?? 0
      return (0..<n).filter { norm[$0][0] == best }
    }
    if directions.count == 2 {
      let order = (0..<n).sorted { norm[$0][0] != norm[$1][0] ? norm[$0][0] < norm[$1][0] : norm[$0][1] < norm[$1][1] }
      var keep: [Int] = []
      var bestSecond = Double.infinity
      var lastKept: [Double]? = nil
      for i in order {
        let v = norm[i]
        if v[1] < bestSecond {
          keep.append(i)
          bestSecond = v[1]
          lastKept = v
        } else if let l = lastKept, l == v {
          keep.append(i)  // an exact duplicate of a front point is not dominated
        }
      }
      return keep.sorted()
    }
    if directions.count == 3 { return indices3D(norm) }
    // Four or more objectives: visit the vectors in lexicographic order. A vector can only be
    // dominated by one that comes before it, and if it is dominated at all then some front vector
    // dominates it (dominance is transitive), so it is compared with the front found so far only:
    // O(n log n + n·|front|·d) instead of O(n²·d).
    let order = (0..<n).sorted { a, b in
      let x = norm[a], y = norm[b]
      for k in x.indices where x[k] != y[k] { return x[k] < y[k] }
      return a < b
    }
    var front: [Int] = []
    for i in order {
      let v = norm[i]
      let dominated = front.contains { j in
        let u = norm[j]
        var better = false
        for k in u.indices {
          if u[k] > v[k] { return false }
          if u[k] < v[k] { better = true }
        }
        return better
      }
      if !dominated { front.append(i) }
    }
    return front.sorted()
  }

  /// Three objectives in O(n log n) (Kung, Luccio & Preparata, "On finding the maxima of a set of
  /// vectors", JACM 1975): in lexicographic order, a vector is dominated exactly when an earlier
  /// front vector has no larger second and third values, i.e. when the (second, third) staircase
  /// of the front so far reaches it. An exact duplicate shares the status of its twin.
  static func indices3D(_ norm: [[Double]]) -> [Int] {
    let n = norm.count
    let order = (0..<n).sorted { a, b in
      let x = norm[a], y = norm[b]
      for k in 0..<3 where x[k] != y[k] { return x[k] < y[k] }
      return a < b
    }
    // Staircase of front vectors: ys ascending, zs strictly descending.
    var ys: [Double] = [], zs: [Double] = []
    var keep: [Int] = []
    var prev: Int? = nil
    var prevKept = false
    for i in order {
      let v = norm[i]
      if let p = prev, norm[p] == v {
        if prevKept { keep.append(i) }
        continue
      }
      // The last staircase entry with y ≤ v.y holds the least z among them.
      var a = 0, b = ys.count
      while a < b {
        let m = (a + b) / 2
        if ys[m] <= v[1] { a = m + 1 } else { b = m }
      }
      let dominated = a > 0 && zs[a - 1] <= v[2]
      prev = i
      prevKept = !dominated
      guard !dominated else { continue }
      keep.append(i)
      // Insert (v.y, v.z), dropping entries it covers (y ≥ v.y and z ≥ v.z).
      var lo = a
      while lo > 0 && ys[lo - 1] == v[1] { lo -= 1 }
      var hi = lo
      while hi < ys.count && zs[hi] >= v[2] { hi += 1 }
      ys.replaceSubrange(lo..<hi, with: [v[1]])
      zs.replaceSubrange(lo..<hi, with: [v[2]])
    }
    return keep.sorted()
  }

  /// Non-domination ranks: 0 for the front, 1 for the front of the rest, and so on.
  public static func ranks(of values: [[Double]], directions: [StudyDirection]) -> [Int] {
    var rank = [Int](repeating: -1, count: values.count)
    var remaining = Array(values.indices)
    var r = 0
    while !remaining.isEmpty {
      let front = indices(of: remaining.map { values[$0] }, directions: directions).map { remaining[$0] }
      for i in front { rank[i] = r }
      let frontSet = Set(front)
      remaining.removeAll { frontSet.contains($0) }
      r += 1
    }
    return rank
  }
}
