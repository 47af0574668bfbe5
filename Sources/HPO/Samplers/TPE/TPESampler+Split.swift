import Foundation

extension TPESampler {
  /// Splits trials into the good ("below") and the rest ("above"), as Optuna 5's `_split_trials`:
  /// feasible COMPLETE trials by value (several objectives: by non-domination rank, the last rank
  /// cut by hypervolume subset selection), then PRUNED trials by (−last step, last value), then
  /// infeasible trials by summed violation. RUNNING trials always go above.
  ///
  /// `pool` holds positions into `trials` in trial-number order; the result holds positions too,
  /// each list in trial-number order.
  static func splitTrials(
    _ trials: [FrozenTrial], pool: [Int], directions: [StudyDirection], nBelow: Int
  ) -> (below: [Int], above: [Int]) {
    var complete: [Int] = [], pruned: [Int] = [], infeasible: [Int] = []
    var above: [Int] = []
    var violation: [Int: Double] = [:]
    for i in pool {
      let state = trials[i].state
      if state == .running {
        above.append(i)
        continue
      }
      // Most trials carry no system attrs: skip the hashed lookup for them.
      let v = trials[i].systemAttrs.isEmpty || trials[i].systemAttrs["constraints"] == nil
        ? 0 : infeasibility(trials[i])
      if v > 0 {
        violation[i] = v
        infeasible.append(i)
      } else if state == .complete {
        if trials[i].values?.count == directions.count {
          complete.append(i)
        } else {
          above.append(i)
        }
      } else if state == .pruned {
        pruned.append(i)
      }
    }
    var below: [Int] = []
    var remaining = nBelow

    let (bc, ac) = splitComplete(complete, trials: trials, directions: directions, nBelow: remaining)
    below += bc
    above += ac
    remaining = max(0, remaining - bc.count)

    let direction = directions.first ?? .minimize
    let prunedScores = pruned.map { prunedScore(trials[$0], direction: direction) }
    let prunedOrder = pruned.indices.sorted { a, b in
      let x = prunedScores[a], y = prunedScores[b]
      if x.0 != y.0 { return x.0 < y.0 }
      if x.1 != y.1 { return x.1 < y.1 }
      return a < b
    }
    let nPruned = min(remaining, pruned.count)
    below += prunedOrder.prefix(nPruned).map { pruned[$0] }
    above += prunedOrder.dropFirst(nPruned).map { pruned[$0] }
    remaining = max(0, remaining - nPruned)

    let infeasibleOrder = infeasible.sorted { a, b in
      let x = violation[a] ?? 0, y = violation[b] ?? 0
      return x != y ? x < y : a < b
    }
    let nInfeasible = min(remaining, infeasible.count)
    below += infeasibleOrder.prefix(nInfeasible)
    above += infeasibleOrder.dropFirst(nInfeasible)

    below.sort()
    above.sort()
    return (below, above)
  }

  /// The summed constraint violation (0 when feasible or unconstrained).
  static func infeasibility(_ trial: FrozenTrial) -> Double {
    guard let c = trial.constraints else { return 0 }
    var s = 0.0
    for v in c where v > 0 { s += v }
    return s
  }

  /// Optuna's `_get_pruned_trial_score`: trials that got further rank first; NaN counts as +∞;
  /// a trial with no reports scores (1, 0).
  static func prunedScore(_ trial: FrozenTrial, direction: StudyDirection) -> (Double, Double) {
    guard let step = trial.lastStep, let v = trial.intermediateValues[step] else { return (1, 0) }
    if v.isNaN { return (-Double(step), .infinity) }
    return (-Double(step), direction == .minimize ? v : -v)
  }

  private static func splitComplete(
    _ complete: [Int], trials: [FrozenTrial], directions: [StudyDirection], nBelow: Int
  ) -> (below: [Int], above: [Int]) {
    let n = min(nBelow, complete.count)
    if directions.count <= 1 {
      let direction = directions.first ?? .minimize
      let keys = complete.map { i -> Double in
        let v = trials[i].values?.first ?? .nan
        return v.isNaN ? .infinity : direction.normalized(v)
      }
      // Only which trials are below matters (both lists come back in position order), so the
      // n best by (key, position) are selected in one pass instead of sorting every trial.
      var best: [Int] = []  // indices into `complete`, sorted by (key, index)
      best.reserveCapacity(n + 1)
      if n > 0 {
        for a in complete.indices {
          if best.count == n, let last = best.last, !(keys[a] < keys[last]) { continue }
          var lo = 0, hi = best.count
          while lo < hi {
            let mid = (lo + hi) >> 1
            let b = best[mid]
            if keys[b] < keys[a] || (keys[b] == keys[a] && b < a) { lo = mid + 1 } else { hi = mid }
          }
          best.insert(a, at: lo)
          if best.count > n { best.removeLast() }
        }
      }
      var isBelow = [Bool](repeating: false, count: complete.count)
      for a in best { isBelow[a] = true }
      var below: [Int] = [], above: [Int] = []
      below.reserveCapacity(n)
      above.reserveCapacity(complete.count - n)
      for a in complete.indices {
        if isBelow[a] { below.append(complete[a]) } else { above.append(complete[a]) }
      }
      return (below, above)
    }
    if n == 0 { return ([], complete) }
    if n == complete.count { return (complete, []) }
    // Loss vectors (all objectives minimised).
    let losses = complete.map { i in
      let v = trials[i].values ?? []
      return directions.indices.map { j in directions[j].normalized(v[j]) }
    }
    let minimize = [StudyDirection](repeating: .minimize, count: directions.count)
    // Non-domination ranks, peeled until n trials are ranked.
    var rank = [Int](repeating: Int.max, count: complete.count)
    var rest = Array(complete.indices)
    var r = 0
    var ranked = 0
    var counts: [Int] = []
    while !rest.isEmpty && ranked < n {
      let front = ParetoFront.indices(of: rest.map { losses[$0] }, directions: minimize)
        .map { rest[$0] }
      for i in front { rank[i] = r }
      counts.append(front.count)
      ranked += front.count
      let frontSet = Set(front)
      rest.removeAll { frontSet.contains($0) }
      r += 1
    }
    // The last rank that fits entirely.
    var lastFull = -1
    var total = 0
    for (i, c) in counts.enumerated() {
      if total + c > n { break }
      total += c
      lastFull = i
    }
    var isBelow = [Bool](repeating: false, count: complete.count)
    for i in complete.indices where rank[i] <= lastFull { isBelow[i] = true }
    if total < n {
      let tie = complete.indices.filter { rank[$0] == lastFull + 1 }
      let tieLosses = tie.map { losses[$0] }
      let reference = HypervolumeSubset.referencePoint(tieLosses)
      for p in HypervolumeSubset.select(tieLosses, size: n - total, reference: reference) {
        isBelow[tie[p]] = true
      }
    }
    var below: [Int] = [], above: [Int] = []
    for i in complete.indices {
      if isBelow[i] { below.append(complete[i]) } else { above.append(complete[i]) }
    }
    return (below, above)
  }
}
