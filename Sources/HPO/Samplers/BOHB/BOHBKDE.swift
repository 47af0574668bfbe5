import Foundation

/// A product-kernel density estimate over BOHB's encoded space, as HpBandSter builds it with
/// statsmodels `KDEMultivariate(var_type="c…u…", bw="normal_reference")` (Falkner, Klein, Hutter,
/// "BOHB: Robust and Efficient Hyperparameter Optimization at Scale", ICML 2018, §3.1).
///
/// Numeric dims live in the unit cube and use a Gaussian kernel; categorical dims hold the
/// choice index and use the Aitchison–Aitken kernel (`1−h` on the same level, `h/(c−1)` on any
/// other). Bandwidths follow the normal reference rule `1.06·σ·n^(−1/(d+4))` (σ with ddof 0),
/// clipped below at `minBandwidth`. Two deliberate differences from statsmodels (docs/bohb.md):
/// `c` is the distribution's number of choices, not the number of levels present in the data
/// (statsmodels divides by zero when one level is present), and a categorical bandwidth is also
/// clipped above at `(c−1)/c`, the kernel's valid range (beyond it the kernel goes negative).
public struct BOHBKDE: Sendable {
  /// What kind of value one encoded dim holds.
  public enum Dim: Sendable, Hashable {
    case continuous
    case categorical(levels: Int)
  }

  public let data: [[Double]]
  public let dims: [Dim]
  public let bandwidths: [Double]

  /// Fits the bandwidths to `data` (n rows of `dims.count` values, no NaN).
  public init(data: [[Double]], dims: [Dim], minBandwidth: Double) {
    self.data = data
    self.dims = dims
    let n = Double(data.count)
    let d = Double(dims.count)
    var bw: [Double] = []
    for (j, dim) in dims.enumerated() {
      let column = data.map { $0[j] }
      let mean = column.reduce(0, +) / n
      let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
      var h = 1.06 * variance.squareRoot() * Foundation.pow(n, -1 / (d + 4))
      h = max(h, minBandwidth)
      if case .categorical(let c) = dim, c > 1 { h = min(h, Double(c - 1) / Double(c)) }
      bw.append(h)
    }
    bandwidths = bw
  }

  /// log p(x), computed with log-sum-exp so products over many dims neither under- nor overflow.
  public func logPDF(_ x: [Double]) -> Double {
    guard !data.isEmpty else { return -.infinity }
    let halfLog2Pi = 0.5 * Foundation.log(2 * Double.pi)
    var terms: [Double] = []
    terms.reserveCapacity(data.count)
    for row in data {
      var s = 0.0
      for j in dims.indices {
        let h = bandwidths[j]
        switch dims[j] {
        case .continuous:
          let z = (x[j] - row[j]) / h
          s += -0.5 * z * z - Foundation.log(h) - halfLog2Pi
        case .categorical(let c):
          s += x[j] == row[j] ? Foundation.log(1 - h) : Foundation.log(h / Double(max(c - 1, 1)))
        }
      }
      terms.append(s)
    }
    guard let m = terms.max(), m.isFinite else { return terms.max() ?? -.infinity }
    let sum = terms.reduce(0) { $0 + Foundation.exp($1 - m) }
    return m + Foundation.log(sum) - Foundation.log(Double(data.count))
  }

  /// A draw around a random row, as HpBandSter proposes candidates: numeric dims from a normal
  /// truncated to [0, 1] with bandwidth `max(h, minBandwidth)·bandwidthFactor`; categorical dims
  /// keep the row's level with probability `1−h`, else take a uniformly drawn level.
  public func sampleCandidate(bandwidthFactor: Double, minBandwidth: Double, rng: inout SeededRNG)
    -> [Double]
  {
    let row = data[Int(rng.next() % UInt64(data.count))]
    var out: [Double] = []
    for j in dims.indices {
      let h = max(bandwidths[j], minBandwidth)
      switch dims[j] {
      case .continuous:
        out.append(Self.truncatedNormal(mean: row[j], sd: h * bandwidthFactor, rng: &rng))
      case .categorical(let c):
        if rng.uniform() < 1 - h {
          out.append(row[j])
        } else {
          out.append(Double(rng.next() % UInt64(c)))
        }
      }
    }
    return out
  }

  /// A normal draw truncated to [0, 1] (rejection; the mean lies in [0, 1] so at least about a
  /// third of the draws are accepted for any bandwidth up to a few units).
  static func truncatedNormal(mean: Double, sd: Double, rng: inout SeededRNG) -> Double {
    for _ in 0..<1000 {
      let v = mean + sd * rng.normal()
      if v >= 0 && v <= 1 { return v }
    }
    return min(max(mean, 0), 1)
  }
}
