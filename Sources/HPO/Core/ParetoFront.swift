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
  /// kept, as Optuna does. Two objectives take O(n log n) (sort and sweep); more take
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
    if directions.count == 3, !norm.contains(where: { $0.contains(where: \.isNaN) }) {
      return frontOf3(norm)
    }
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

  /// The front of three minimised objectives in O(n log n) (Kung, Luccio & Preparata, JACM 1975,
  /// with a Fenwick tree of prefix minima): visit the vectors in lexicographic order, a group of
  /// identical vectors at a time. A vector is dominated iff an earlier, different vector has
  /// second ≤ and third ≤ its own (the first is ≤ by the order), that is iff the smallest third
  /// value among earlier vectors whose second value ranks ≤ its own is ≤ its third value.
  static func frontOf3(_ norm: [[Double]]) -> [Int] {
    let n = norm.count
    let a = norm.map { $0[0] }, b = norm.map { $0[1] }, c = norm.map { $0[2] }
    let order = (0..<n).sorted { (x: Int, y: Int) -> Bool in
      if a[x] != a[y] { return a[x] < a[y] }
      if b[x] != b[y] { return b[x] < b[y] }
      if c[x] != c[y] { return c[x] < c[y] }
      return x < y
    }
    let distinctB = Array(Set(b)).sorted()
    var rankOfB: [Double: Int] = [:]
    rankOfB.reserveCapacity(distinctB.count)
    for (r, v) in distinctB.enumerated() { rankOfB[v] = r + 1 }  // 1-based for the Fenwick tree
    var tree = [Double](repeating: .infinity, count: distinctB.count + 1)
    var front: [Int] = []
    var g = 0
    while g < n {
      let first = order[g]
      var end = g + 1
      while end < n, a[order[end]] == a[first], b[order[end]] == b[first], c[order[end]] == c[first] { end += 1 }
      let r = rankOfB[b[first]] ?? distinctB.count
      var minC = Double.infinity
      var i: Int = r
      while i > 0 {
        minC = Swift.min(minC, tree[i])
        i -= i & (0 - i)
      }
      if !(minC <= c[first]) { front.append(contentsOf: order[g..<end]) }
      i = r
      while i < tree.count {
        if c[first] < tree[i] { tree[i] = c[first] }
        i += i & (0 - i)
      }
      g = end
    }
    return front.sorted()
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
