import Foundation
import HPO

/// How a plot places one param on an axis: numbers as they are (log10 for log-scaled params),
/// categorical choices at their index with their labels.
public struct ParamAxis: Sendable, Hashable {
  public var name: String
  /// True for a log-scaled float or int param: coordinates are log10 of the value.
  public var isLog: Bool
  /// True for a categorical param: coordinates are choice indices.
  public var isCategorical: Bool
  /// The choice labels of a categorical param, in choice order; empty otherwise.
  public var labels: [String]
  /// The smallest and largest coordinate of the shown values (for a categorical:
  /// `0 ... choices - 1`).
  public var low: Double
  public var high: Double

  /// The axis of `name` as the given distribution describes it, spanning `values`.
  public init(name: String, distribution: Distribution, values: [ParamValue]) {
    self.name = name
    switch distribution {
    case .float(let f): isLog = f.log
    case .int(let i): isLog = i.log
    case .categorical: isLog = false
    }
    if case .categorical(let c) = distribution {
      isCategorical = true
      labels = c.choices.map(\.displayText)
      low = 0
      high = Double(max(0, c.choices.count - 1))
      choices = c.choices
    } else {
      isCategorical = false
      labels = []
      choices = []
      low = 0
      high = 0
      let coords = values.compactMap { coordinate(of: $0) }
      low = coords.min() ?? 0
      high = coords.max() ?? 0
    }
  }

  private var choices: [ParamValue]

  /// The coordinate of a value on this axis, or `nil` if it has none (a value that is not a
  /// number, a non-positive value on a log axis, or an unknown choice).
  public func coordinate(of value: ParamValue) -> Double? {
    if isCategorical {
      if let i = choices.firstIndex(of: value) { return Double(i) }
      guard let c = try? CategoricalDistribution(choices: choices) else { return nil }
      return c.index(of: value).map(Double.init)
    }
    guard let v = value.doubleValue, v.isFinite else { return nil }
    if isLog { return v > 0 ? log10(v) : nil }
    return v
  }

  /// A coordinate scaled to [0, 1] over `low ... high` (0.5 when the range is empty).
  public func normalized(_ coordinate: Double) -> Double {
    high > low ? (coordinate - low) / (high - low) : 0.5
  }
}
