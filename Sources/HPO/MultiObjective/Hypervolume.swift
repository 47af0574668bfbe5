
/// Exact hypervolume, the one implementation that TPE's subset selection, NSGA-II's tests and
/// the analysis (`ParetoAnalysis`, `hpotop pareto`) share: the measure of the region that a set of points dominates and that
/// dominates a reference point, with every objective minimised (Zitzler & Thiele,
/// "Multiobjective optimization using evolutionary algorithms — a comparative case study",
/// PPSN 1998).
///
/// Points that do not strictly dominate the reference point in every objective add nothing and
/// are dropped; dominated and duplicate points are removed before the computation.
/// - 1-D: `r − min`.
/// - 2-D: sort by the first objective and sweep, O(n log n).
/// - 3-D: sweep along the third objective while keeping the 2-D front of the points seen so far
///   as a sorted staircase whose area is updated on each insertion (Beume et al., "On the
///   complexity of computing the hypervolume indicator", IEEE TEC 2009; HV3D), O(n²) worst case
///   with small constants.
/// - 4-D and more: WFG (While, Bradstreet & Barone, "A fast way of calculating exact
///   hypervolumes", IEEE TEC 2012): the sum of each point's exclusive contribution with respect
///   to the points after it, each computed from the non-dominated "limit set", down to the 3-D
///   sweep. Optuna's `optuna._hypervolume.wfg` follows the same scheme.
public enum Hypervolume {
  /// The hypervolume of `points` (minimisation) with respect to `reference`.
  public static func compute(_ points: [[Double]], reference: [Double]) -> Double {
    let d = reference.count
    guard d > 0 else { return 0 }
    let inside = points.filter { p in
      p.count == d && (0..<d).allSatisfy { p[$0] < reference[$0] }
    }
    guard !inside.isEmpty else { return 0 }
    if reference.contains(where: { $0.isInfinite }) { return .infinity }
    return computeFront(nondominatedUnique(inside), reference: reference)
  }

  /// The hypervolume of objective vectors under `directions`: maximised objectives are negated,
  /// and so is their coordinate of `reference` (given in the objectives' own units).
  public static func compute(
    _ values: [[Double]], directions: [StudyDirection], reference: [Double]
  ) -> Double {
    compute(
      values.map { v in directions.indices.map { directions[$0].normalized(v[$0]) } },
      reference: directions.indices.map { directions[$0].normalized(reference[$0]) })
  }

  /// The hypervolume of the first `k` points for every `k` (minimisation), computed
  /// incrementally: a point that is dominated by the current front, or that does not dominate the
  /// reference point, leaves it unchanged; in 2-D the added area of a point is exact and
  /// O(log n + removed); otherwise the point's exclusive contribution is added (its box minus
  /// the hypervolume of its limit set with the current front).
  public static func history(_ points: [[Double]], reference: [Double]) -> [Double] {
    let d = reference.count
    var out: [Double] = []
    out.reserveCapacity(points.count)
    var hv = 0.0
    if reference.contains(where: { $0.isInfinite }) {
      var any = false
      for p in points {
        if p.count == d && (0..<d).allSatisfy({ p[$0] < reference[$0] }) { any = true }
        out.append(any ? .infinity : 0)
      }
      return out
    }
    if d == 2 {
      var stairs = Staircase(rx: reference[0], ry: reference[1])
      for p in points {
        if p.count == 2 && p[0] < reference[0] && p[1] < reference[1] {
          hv += stairs.insert(x: p[0], y: p[1])
        }
        out.append(hv)
      }
      return out
    }
    var front: [[Double]] = []
    for p in points {
      guard p.count == d, (0..<d).allSatisfy({ p[$0] < reference[$0] }) else {
        out.append(hv)
        continue
      }
      let covered = front.contains { q in (0..<d).allSatisfy { q[$0] <= p[$0] } }
      if !covered {
        // The exclusive contribution of p: its box minus the volume the front already covers
        // inside it (the hypervolume of the limit set {max(p, q)}), as in WFG.
        if d == 1 {
          hv = reference[0] - p[0]
        } else {
          let limited = front.map { q in (0..<d).map { Swift.max(p[$0], q[$0]) } }
          // The 3-D sweep is exact on any set, so it needs no non-dominated filtering first.
          let cover = d == 3 ? limited : nondominatedUnique(limited)
          hv += inclusive(p, reference) - computeFront(cover, reference: reference)
        }
        front.removeAll { q in (0..<d).allSatisfy { p[$0] <= q[$0] } }
        front.append(p)
      }
      out.append(hv)
    }
    return out
  }

  // MARK: - Internals

  /// Removes dominated and duplicate points (all inside the reference box).
  static func nondominatedUnique(_ points: [[Double]]) -> [[Double]] {
    guard points.count > 1 else { return points }
    let d = points[0].count
    let keep = ParetoFront.indices(
      of: points, directions: [StudyDirection](repeating: .minimize, count: d))
    var front = keep.map { points[$0] }
    front.sort { a, b in
      for k in 0..<d where a[k] != b[k] { return a[k] < b[k] }
      return false
    }
    var unique: [[Double]] = []
    unique.reserveCapacity(front.count)
    for p in front where unique.last != p { unique.append(p) }
    return unique
  }

  /// The hypervolume of a non-dominated set of distinct points inside the reference box.
  static func computeFront(_ front: [[Double]], reference r: [Double]) -> Double {
    switch r.count {
    case 1: return r[0] - (front.map { $0[0] }.min() ?? r[0])
    case 2: return sweep2D(front, reference: r)
    case 3: return sweep3D(front, reference: r)
    default: return wfg(front, reference: r)
    }
  }

  static func sweep2D(_ points: [[Double]], reference r: [Double]) -> Double {
    let sorted = points.sorted { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] < $1[1] }
    var hv = 0.0
    var bestY = r[1]
    for p in sorted where p[1] < bestY {
      hv += (r[0] - p[0]) * (bestY - p[1])
      bestY = p[1]
    }
    return hv
  }

  static func sweep3D(_ points: [[Double]], reference r: [Double]) -> Double {
    let sorted = points.sorted { $0[2] < $1[2] }
    var stairs = Staircase(rx: r[0], ry: r[1])
    var hv = 0.0
    var lastZ = sorted.first?[2] ?? r[2]
    for p in sorted {
      hv += stairs.area * (p[2] - lastZ)
      lastZ = p[2]
      _ = stairs.insert(x: p[0], y: p[1])
    }
    hv += stairs.area * (r[2] - lastZ)
    return hv
  }

  static func wfg(_ points: [[Double]], reference r: [Double]) -> Double {
    let d = r.count
    if d <= 3 { return computeFront(points, reference: r) }
    let n = points.count
    if n == 0 { return 0 }
    if n == 1 { return inclusive(points[0], r) }
    // Sorted by the first objective (ascending), as Optuna does: later points' limit sets shrink.
    let sorted = points.sorted { $0[0] < $1[0] }
    var hv = inclusive(sorted[n - 1], r)
    for i in 0..<(n - 1) {
      let p = sorted[i]
      var limited: [[Double]] = []
      limited.reserveCapacity(n - i - 1)
      for j in (i + 1)..<n {
        let q = sorted[j]
        limited.append((0..<d).map { Swift.max(p[$0], q[$0]) })
      }
      let limitFront = nondominatedUnique(limited)
      hv += inclusive(p, r) - wfg(limitFront, reference: r)
    }
    return hv
  }

  static func inclusive(_ p: [Double], _ r: [Double]) -> Double {
    var v = 1.0
    for k in r.indices { v *= r[k] - p[k] }
    return v
  }
}

/// The 2-D front of inserted points as a staircase sorted by x (y strictly decreasing), with the
/// area it dominates inside `[.., rx] × [.., ry]`.
struct Staircase {
  let rx: Double
  let ry: Double
  private(set) var xs: [Double] = []
  private(set) var ys: [Double] = []
  private(set) var area = 0.0

  init(rx: Double, ry: Double) {
    self.rx = rx
    self.ry = ry
  }

  /// Inserts a point strictly inside the reference box and returns the area it adds.
  mutating func insert(x: Double, y: Double) -> Double {
    let ub = bound(x, strict: true)
    if ub > 0 && ys[ub - 1] <= y { return 0 }  // weakly dominated: nothing new
    let lb = bound(x, strict: false)
    var curX = x
    var curY = lb > 0 ? ys[lb - 1] : ry
    var added = 0.0
    var j = lb
    while j < xs.count && ys[j] >= y {
      added += (xs[j] - curX) * (curY - y)
      curX = xs[j]
      curY = ys[j]
      j += 1
    }
    added += ((j < xs.count ? xs[j] : rx) - curX) * (curY - y)
    xs.replaceSubrange(lb..<j, with: [x])
    ys.replaceSubrange(lb..<j, with: [y])
    area += added
    return added
  }

  /// The first index whose x is > `x` (strict) or ≥ `x`.
  private func bound(_ x: Double, strict: Bool) -> Int {
    var a = 0, b = xs.count
    while a < b {
      let m = (a + b) / 2
      if strict ? xs[m] <= x : xs[m] < x { a = m + 1 } else { b = m }
    }
    return a
  }
}
