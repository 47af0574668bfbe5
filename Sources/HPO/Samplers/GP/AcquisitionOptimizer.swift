import Foundation

/// Maximises an acquisition function over a mixed space, as Optuna's `optimize_acqf_mixed`:
/// 2048 random preliminary points; the best of them, the best trial's point, and points drawn
/// by roulette (weights `exp(a − a_max)`) start local searches that alternate L-BFGS-B on the
/// continuous dims (in coordinates scaled by the length scales) with a search over each discrete
/// dim, until no dim moves.
///
/// Differences from Optuna: the preliminary points are seeded uniform draws, not a scrambled
/// Sobol sequence; a discrete dim with over 16 choices is searched exhaustively up to 256
/// choices, beyond that on 64 evenly spaced ones plus the 16 nearest either side (Optuna uses a
/// Brent line search on interpolated values).
///
/// In a finite space the GP's proposal may be asked to avoid the points trials already have
/// (`excluding`): such a point counts as the worst, so a local search that starts on one moves to
/// its best neighbour. Optuna's GPSampler proposes such repeats.
struct AcquisitionOptimizer {
  var preliminarySamples = 2048
  var localSearches = 10
  var tolerance = 1e-4

  /// The point of highest acquisition. With `excluding`, only for spaces with no continuous dim:
  /// the best point it does not exclude, or the best point at all when it excludes every point
  /// the search reaches.
  func maximize(
    _ acq: AcquisitionFunction, space: GPSearchSpace, warmStarts: [[Double]], rng: inout SeededRNG,
    excluding: (([Double]) -> Bool)? = nil
  ) -> (point: [Double], value: Double) {
    precondition(excluding == nil || space.continuousDims.isEmpty, "exclusion needs a finite space")
    let start = rng
    let dim = space.dim
    var flat: [Double] = []  // the samples, row-major
    flat.reserveCapacity(preliminarySamples * dim)
    for _ in 0..<preliminarySamples { space.appendRandomPoint(to: &flat, &rng) }
    let sample = { (i: Int) in Array(flat[(i * dim)..<((i + 1) * dim)]) }
    var values = acq.values(batch: flat, count: preliminarySamples)
    if let excluding {
      for i in values.indices where excluding(sample(i)) { values[i] = -.infinity }
    }
    var maxIndex = 0
    for i in values.indices where values[i] > values[maxIndex] || values[maxIndex].isNaN { maxIndex = i }
    var starts = [sample(maxIndex)]
    let extra = localSearches - warmStarts.count - 1
    if extra > 0 {
      var weights = values.map { v -> Double in let w = Foundation.exp(v - values[maxIndex]); return w.isFinite ? w : 0 }
      weights[maxIndex] = 0
      for _ in 0..<extra {
        let total = weights.reduce(0, +)
        guard total > 0 else { break }
        var r = rng.uniform() * total
        var pick = weights.indices.last ?? 0
        for i in weights.indices where weights[i] > 0 {
          r -= weights[i]
          if r <= 0 { pick = i; break }
        }
        starts.append(sample(pick))
        weights[pick] = 0
      }
    }
    starts += warmStarts
    var best = (point: sample(maxIndex), value: values[maxIndex])
    for s in starts {
      let r = localSearch(acq, space: space, from: s, excluding: excluding)
      if r.value > best.value || best.value.isNaN { best = r }
    }
    if excluding != nil && best.value == -.infinity {
      var again = start
      return maximize(acq, space: space, warmStarts: warmStarts, rng: &again)
    }
    return best
  }

  /// One local search from `start`: continuous L-BFGS-B, then each discrete dim in turn, until a
  /// full round changes nothing (Optuna's `local_search_mixed`).
  func localSearch(
    _ acq: AcquisitionFunction, space: GPSearchSpace, from start: [Double],
    excluding: (([Double]) -> Bool)? = nil
  ) -> (point: [Double], value: Double) {
    let cont = space.continuousDims
    let discrete = space.discreteDims
    let lengthscales = cont.map { 1 / acq.gp.params.inverseSquaredLengthscales[$0].squareRoot() }
    let choices = discrete.map { space.choices(dim: $0) }
    var x = start
    var fx = excluding?(x) == true ? -.infinity : acq.value(x).value
    let continuousMark = -1
    var lastChanged = continuousMark
    for _ in 0..<100 {
      if !cont.isEmpty {
        let z0 = cont.indices.map { x[cont[$0]] / lengthscales[$0] }
        let bounds = cont.indices.map { (0.0, 1 / lengthscales[$0]) }
        let base = x
        let r = LBFGS(pgtol: tolerance.squareRoot(), maxIterations: 200).minimize(z0, bounds: bounds) { z in
          var p = base
          for (k, j) in cont.enumerated() { p[j] = z[k] * lengthscales[k] }
          let v = acq.value(p, gradientDims: cont)
          return (-v.value, cont.indices.map { -v.gradient[$0] * lengthscales[$0] })
        }
        if -r.value > fx && r.iterations > 0 {
          for (k, j) in cont.enumerated() { x[j] = r.x[k] * lengthscales[k] }
          fx = -r.value
          lastChanged = continuousMark
        }
      }
      for (k, j) in discrete.enumerated() {
        if lastChanged == j { return (x, fx) }
        if let better = searchDiscrete(acq, x: x, fx: fx, dim: j, choices: choices[k], excluding: excluding) {
          (x, fx) = better
          lastChanged = j
        }
      }
      if lastChanged == continuousMark { return (x, fx) }
    }
    return (x, fx)
  }

  private func searchDiscrete(
    _ acq: AcquisitionFunction, x: [Double], fx: Double, dim j: Int, choices: [Double],
    excluding: (([Double]) -> Bool)?
  ) -> ([Double], Double)? {
    guard choices.count > 1 else { return nil }
    var candidates: [Double]
    if choices.count <= 256 {
      candidates = choices
    } else {
      let nearest = choices.indices.min { abs(choices[$0] - x[j]) < abs(choices[$1] - x[j]) } ?? 0
      var idx = Set((max(0, nearest - 16)...min(choices.count - 1, nearest + 16)))
      for k in 0..<64 { idx.insert(k * (choices.count - 1) / 63) }
      candidates = idx.sorted().map { choices[$0] }
    }
    var best: ([Double], Double)?
    for c in candidates where c != x[j] {
      var p = x
      p[j] = c
      let v = acq.value(p).value
      if v > (best?.1 ?? fx) && excluding?(p) != true { best = (p, v) }
    }
    return best
  }
}
