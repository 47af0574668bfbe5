import Foundation

/// BOHB's numeric encoding of param values (ConfigSpace's vector form): numeric params in the unit
/// cube, log-scaled when the distribution is log, with half a step of margin for ints and stepped
/// floats so every grid point owns an equal share; categorical params as the choice index.
enum BOHBEncoding {
  static func dim(_ d: Distribution) -> BOHBKDE.Dim {
    if case .categorical(let c) = d { return .categorical(levels: c.choices.count) }
    return .continuous
  }

  /// The encoded range [lo, hi] of a numeric distribution (in log space for log ones).
  private static func range(_ d: Distribution) -> (lo: Double, hi: Double, log: Bool) {
    switch d {
    case .float(let f):
      if f.log { return (Foundation.log(f.low), Foundation.log(f.high), true) }
      let half = (f.step ?? 0) / 2
      return (f.low - half, f.high + half, false)
    case .int(let i):
      if i.log { return (Foundation.log(Double(i.low) - 0.5), Foundation.log(Double(i.high) + 0.5), true) }
      let half = Double(i.step) / 2
      return (Double(i.low) - half, Double(i.high) + half, false)
    case .categorical:
      return (0, 1, false)
    }
  }

  /// The encoded value; NaN when the value does not fit the distribution.
  static func encode(_ v: ParamValue, _ d: Distribution) -> Double {
    if case .categorical(let c) = d { return c.index(of: v).map(Double.init) ?? .nan }
    guard let x = v.doubleValue else { return .nan }
    let (lo, hi, log) = range(d)
    guard hi > lo else { return 0.5 }
    let t = log ? Foundation.log(x) : x
    return min(max((t - lo) / (hi - lo), 0), 1)
  }

  /// The param value of an encoded value, clamped into the range and onto the step grid.
  static func decode(_ u: Double, _ d: Distribution) -> ParamValue {
    let (lo, hi, log) = range(d)
    let t = lo + min(max(u, 0), 1) * (hi - lo)
    let x = log ? Foundation.exp(t) : t
    switch d {
    case .float(let f):
      if let step = f.step {
        let n = ((f.high - f.low) / step).rounded()
        let k = min(max(((x - f.low) / step).rounded(), 0), n)
        return .float(min(f.low + k * step, f.high))
      }
      return .float(min(max(x, f.low), f.high))
    case .int(let i):
      let k = min(max(((x - Double(i.low)) / Double(i.step)).rounded(), 0), Double((i.high - i.low) / i.step))
      return .int(i.low + Int(k) * i.step)
    case .categorical(let c):
      let k = min(max(Int(u.rounded()), 0), c.choices.count - 1)
      return c.choices[k]
    }
  }
}
