import Foundation

/// A parameter's search range, with Optuna's three kinds and its validation rules.
///
/// Values have two forms, as in Optuna: the *external* value the objective sees
/// (`ParamValue`) and the *internal* `Double` stored in `trial_params.param_value`
/// (the number itself, or for a categorical the index of the choice).
public enum Distribution: Hashable, Sendable {
  case float(FloatDistribution)
  case int(IntDistribution)
  case categorical(CategoricalDistribution)

  /// True when only one value can be drawn (Optuna's `single()`).
  public var isSingle: Bool {
    switch self {
    case .float(let f): return f.isSingle
    case .int(let i): return i.isSingle
    case .categorical(let c): return c.choices.count == 1
    }
  }

  /// How many values can be drawn: the choices, or the grid points of an int or stepped float
  /// range; `nil` for a continuous range. A Double, as a product of counts may pass Int's range.
  public var pointCount: Double? {
    switch self {
    case .categorical(let c): return Double(c.choices.count)
    case .int(let i): return ((Double(i.high) - Double(i.low)) / Double(i.step) + 1e-9).rounded(.down) + 1
    case .float(let f):
      guard let step = f.step else { return nil }
      return ((f.high - f.low) / step + 1e-9).rounded(.down) + 1
    }
  }

  /// The internal repr of an external value, or `nil` if the value is not of this kind
  /// (for a categorical: not one of the choices).
  public func toInternal(_ value: ParamValue) -> Double? {
    switch self {
    case .float:
      return value.doubleValue.flatMap { v in
        if case .bool = value { return nil }
        return v
      }
    case .int:
      if case .int(let i) = value { return Double(i) }
      if case .float(let d) = value, d.rounded() == d { return d }
      return nil
    case .categorical(let c):
      return c.index(of: value).map(Double.init)
    }
  }

  /// The external value of an internal repr.
  public func toExternal(_ internalValue: Double) -> ParamValue {
    switch self {
    case .float: return .float(internalValue)
    case .int: return .int(Int(internalValue.rounded()))
    case .categorical(let c):
      let i = Int(internalValue)
      return c.choices.indices.contains(i) ? c.choices[i] : .null
    }
  }

  /// Whether an internal value lies in the range (and on the step grid), as Optuna's `_contains`.
  public func contains(internal v: Double) -> Bool {
    switch self {
    case .float(let f):
      guard v >= f.low && v <= f.high else { return false }
      guard let step = f.step else { return true }
      let k = (v - f.low) / step
      return abs(k - k.rounded()) < 1.0e-8
    case .int(let i):
      guard v >= Double(i.low) && v <= Double(i.high) else { return false }
      let k = (v - Double(i.low)) / Double(i.step)
      return abs(k - k.rounded()) < 1.0e-8
    case .categorical(let c):
      return v >= 0 && Int(v) < c.choices.count && Double(Int(v)) == v
    }
  }

  /// Whether two distributions may describe the same param name in one study
  /// (Optuna's `check_distribution_compatibility`): same kind, and for categoricals the same
  /// choices; numeric ranges may differ.
  public func isCompatible(with other: Distribution) -> Bool {
    switch (self, other) {
    case (.float(let a), .float(let b)): return a.log == b.log
    case (.int(let a), .int(let b)): return a.log == b.log
    case (.categorical(let a), .categorical(let b)): return a.choices == b.choices
    default: return false
    }
  }

  /// Optuna's class name, used in `distribution_json` and messages.
  public var kindName: String {
    switch self {
    case .float: return "FloatDistribution"
    case .int: return "IntDistribution"
    case .categorical: return "CategoricalDistribution"
    }
  }
}

/// A continuous range, optionally log-scaled or on a step grid (Optuna `FloatDistribution`).
public struct FloatDistribution: Hashable, Sendable {
  public let low: Double
  public let high: Double
  public let step: Double?
  public let log: Bool

  /// Validates as Optuna does; a `high` that is not on the step grid is lowered onto it.
  public init(low: Double, high: Double, step: Double? = nil, log: Bool = false) throws {
    if log && step != nil {
      throw DistributionError("The parameter `step` is not supported when `log` is true.")
    }
    if !(low <= high) {
      throw DistributionError(
        "The `low` value must be smaller than or equal to the `high` value (low=\(low), high=\(high)).")
    }
    if log && low <= 0 {
      throw DistributionError(
        "The `low` value must be larger than 0 for a log distribution (low=\(low), high=\(high)).")
    }
    if let step, !(step > 0) {
      throw DistributionError("The `step` value must be non-zero positive value, but step=\(step).")
    }
    if !low.isFinite || !high.isFinite {
      throw DistributionError("The `low` and `high` values must be finite (low=\(low), high=\(high)).")
    }
    self.low = low
    self.step = step
    self.log = log
    if let step {
      self.high = FloatDistribution.adjustHigh(low: low, high: high, step: step)
    } else {
      self.high = high
    }
  }

  /// Optuna's `_adjust_discrete_uniform_high`, in decimal arithmetic so 0.1 steps behave.
  static func adjustHigh(low: Double, high: Double, step: Double) -> Double {
    guard let dLow = Decimal(string: low.description), let dHigh = Decimal(string: high.description),
      let dStep = Decimal(string: step.description)
    else { return high }
    let range = dHigh - dLow
    var quotient = range / dStep
    var floored = Decimal()
    NSDecimalRound(&floored, &quotient, 0, .down)
    let adjusted = floored * dStep + dLow
    if adjusted == dHigh { return high }
    return NSDecimalNumber(decimal: adjusted).doubleValue
  }

  public var isSingle: Bool {
    if low == high { return true }
    if let step { return low + step > high }
    return false
  }
}

/// An integer range with a step, optionally log-scaled (Optuna `IntDistribution`).
public struct IntDistribution: Hashable, Sendable {
  public let low: Int
  public let high: Int
  public let step: Int
  public let log: Bool

  /// Validates as Optuna does; a `high` off the step grid is lowered onto it.
  public init(low: Int, high: Int, step: Int = 1, log: Bool = false) throws {
    if log && step != 1 {
      throw DistributionError(
        "Samplers and other components in Optuna only accept step is 1 when `log` argument is True.")
    }
    if low > high {
      throw DistributionError(
        "The `low` value must be smaller than or equal to the `high` value (low=\(low), high=\(high)).")
    }
    if log && low < 1 {
      throw DistributionError(
        "The `low` value must be equal to or greater than 1 for a log distribution (low=\(low), high=\(high)).")
    }
    if step <= 0 {
      throw DistributionError("The `step` value must be non-zero positive value, but step=\(step).")
    }
    self.low = low
    self.step = step
    self.log = log
    let r = high - low
    self.high = r % step == 0 ? high : (r / step) * step + low
  }

  public var isSingle: Bool { low == high || low + step > high }
}

/// A finite set of choices (Optuna `CategoricalDistribution`).
public struct CategoricalDistribution: Hashable, Sendable {
  public let choices: [ParamValue]

  public init(choices: [ParamValue]) throws {
    if choices.isEmpty {
      throw DistributionError("The `choices` must contain one or more elements.")
    }
    self.choices = choices
  }

  /// The index of a choice, matching Python's `==` for numbers (`1 == 1.0`).
  public func index(of value: ParamValue) -> Int? {
    if let i = choices.firstIndex(of: value) { return i }
    switch value {
    case .int, .float:
      return choices.firstIndex { c in
        switch c {
        case .int, .float: return c.doubleValue == value.doubleValue
        default: return false
        }
      }
    default: return nil
    }
  }
}

/// A distribution that Optuna would reject, with Optuna's message.
public struct DistributionError: Error, CustomStringConvertible, Sendable {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
