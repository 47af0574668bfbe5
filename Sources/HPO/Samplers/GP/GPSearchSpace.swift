import Foundation
import OrderedCollections

/// The GP's view of a search space, as Optuna's `_gp/search_space.py`: each param becomes one
/// coordinate in [0, 1] (log ranges in log space; an int or stepped range widened by half a step
/// each side so every grid point owns an equal share), and a categorical param holds its choice
/// index (the kernel compares indices for equality).
struct GPSearchSpace: Sendable {
  enum Scale: Sendable { case linear, log, categorical }

  let names: [String]
  let distributions: [Distribution]
  let scales: [Scale]
  let bounds: [(low: Double, high: Double)]
  /// The step of each dim (0: continuous; 1 for categoricals).
  let steps: [Double]

  var dim: Int { names.count }
  var isCategorical: [Bool] { scales.map { $0 == .categorical } }
  var continuousDims: [Int] { steps.indices.filter { steps[$0] == 0 } }
  var discreteDims: [Int] { steps.indices.filter { steps[$0] > 0 } }

  init(_ space: OrderedDictionary<String, Distribution>) {
    var scales: [Scale] = [], bounds: [(Double, Double)] = [], steps: [Double] = []
    for d in space.values {
      switch d {
      case .categorical(let c):
        scales.append(.categorical); bounds.append((0, Double(c.choices.count))); steps.append(1)
      case .float(let f):
        scales.append(f.log ? .log : .linear); bounds.append((f.low, f.high)); steps.append(f.step ?? 0)
      case .int(let i):
        scales.append(i.log ? .log : .linear); bounds.append((Double(i.low), Double(i.high))); steps.append(Double(i.step))
      }
    }
    names = Array(space.keys)
    distributions = Array(space.values)
    self.scales = scales
    self.bounds = bounds
    self.steps = steps
  }

  private func range(_ j: Int) -> (Double, Double) {
    var lo = bounds[j].low - 0.5 * steps[j], hi = bounds[j].high + 0.5 * steps[j]
    if scales[j] == .log { lo = Foundation.log(lo); hi = Foundation.log(hi) }
    return (lo, hi)
  }

  /// An internal value's coordinate.
  func normalize(_ v: Double, dim j: Int) -> Double {
    if scales[j] == .categorical { return v }
    let (lo, hi) = range(j)
    if hi == lo { return 0.5 }
    let t = scales[j] == .log ? Foundation.log(v) : v
    return (t - lo) / (hi - lo)
  }

  /// A coordinate's internal value (unclipped, unrounded).
  func unnormalize(_ u: Double, dim j: Int) -> Double {
    if scales[j] == .categorical { return u }
    let (lo, hi) = range(j)
    let t = u * (hi - lo) + lo
    return scales[j] == .log ? Foundation.exp(t) : t
  }

  /// A coordinate moved onto the nearest grid point of a stepped dim.
  func round(_ u: Double, dim j: Int) -> Double {
    guard steps[j] > 0, scales[j] != .categorical else { return u }
    let v = unnormalize(u, dim: j)
    let snapped = min(max(((v - bounds[j].low + 0.5 * steps[j]) / steps[j]).rounded(.down) * steps[j] + bounds[j].low,
                          bounds[j].low), bounds[j].high)
    return normalize(snapped, dim: j)
  }

  /// The coordinates of every grid point of a discrete dim, ascending.
  func choices(dim j: Int) -> [Double] {
    if scales[j] == .categorical { return (0..<Int(bounds[j].high)).map(Double.init) }
    let n = Int(((bounds[j].high - bounds[j].low) / steps[j] + 1e-9).rounded(.down))
    return (0...max(n, 0)).map { normalize(bounds[j].low + Double($0) * steps[j], dim: j) }
  }

  /// The coordinates of a trial's params (internal values by name), or `nil` if one is missing.
  func point(_ internalValues: [String: Double]) -> [Double]? {
    var out: [Double] = []
    for (j, name) in names.enumerated() {
      guard let v = internalValues[name] else { return nil }
      out.append(normalize(v, dim: j))
    }
    return out
  }

  /// Appends a uniformly drawn point's coordinates, discrete dims on their grid.
  func appendRandomPoint(to points: inout [Double], _ rng: inout SeededRNG) {
    for j in 0..<dim {
      let u = rng.uniform()
      points.append(scales[j] == .categorical ? min((u * bounds[j].high).rounded(.down), bounds[j].high - 1) : round(u, dim: j))
    }
  }

  /// The external values of a point, clipped into each range (ints rounded).
  func params(_ point: [Double]) -> OrderedDictionary<String, ParamValue> {
    var out = OrderedDictionary<String, ParamValue>()
    for j in 0..<dim {
      switch distributions[j] {
      case .categorical(let c):
        out[names[j]] = c.choices[min(max(Int(point[j].rounded()), 0), c.choices.count - 1)]
      case .float(let f):
        var v = min(max(unnormalize(point[j], dim: j), f.low), f.high)
        if let step = f.step { v = min(f.low + ((v - f.low) / step).rounded() * step, f.high) }
        out[names[j]] = .float(v)
      case .int(let i):
        let v = min(max(unnormalize(point[j], dim: j), Double(i.low)), Double(i.high))
        let k = ((v - Double(i.low)) / Double(i.step)).rounded()
        out[names[j]] = .int(min(i.low + Int(k) * i.step, i.high))
      }
    }
    return out
  }
}
