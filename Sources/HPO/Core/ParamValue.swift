import Foundation
import OrderedCollections

/// A parameter value as the user sees it: a float, an int, or a categorical choice
/// (which Optuna allows to be None, bool, int, float or str).
public enum ParamValue: Hashable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)

  /// The value as a number: floats and ints as they are, bools as 0/1; `nil` for strings and null.
  public var doubleValue: Double? {
    switch self {
    case .int(let i): return Double(i)
    case .float(let d): return d
    case .bool(let b): return b ? 1 : 0
    default: return nil
    }
  }

  public var intValue: Int? {
    switch self {
    case .int(let i): return i
    case .float(let d) where d.rounded() == d && abs(d) < 9.0e15: return Int(d)
    default: return nil
    }
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// The JSON form, as stored in `fixed_params` and `distribution_json` choices.
  public var json: JSONValue {
    switch self {
    case .null: return .null
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .float(let d): return .double(d)
    case .string(let s): return .string(s)
    }
  }

  /// Reads a scalar JSON value; arrays and objects are not parameter values.
  public init?(json: JSONValue) {
    switch json {
    case .null: self = .null
    case .bool(let b): self = .bool(b)
    case .int(let i): self = .int(i)
    case .double(let d): self = .float(d)
    case .string(let s): self = .string(s)
    case .array, .object: return nil
    }
  }

  /// Python's `repr` of the value, as Optuna's log lines and CLI tables print it.
  public var pythonRepr: String {
    switch self {
    case .null: return "None"
    case .bool(let b): return b ? "True" : "False"
    case .int(let i): return String(i)
    case .float(let d):
      if d.isNaN { return "nan" }
      if d.isInfinite { return d > 0 ? "inf" : "-inf" }
      return d.description
    case .string(let s): return "'" + s.replacingOccurrences(of: "\\", with: "\\\\")
        .replacingOccurrences(of: "'", with: "\\'") + "'"
    }
  }

  /// A short human form for tables and the TUI: strings without quotes.
  public var displayText: String {
    switch self {
    case .string(let s): return s
    case .float(let d): return formatNumber(d)
    default: return pythonRepr
    }
  }
}

/// Python's repr of a params dict: `{'x': 2.5, 'opt': 'adam'}`.
public func pythonDictRepr(_ params: OrderedDictionary<String, ParamValue>) -> String {
  "{" + params.map { "'\($0.key)': \($0.value.pythonRepr)" }.joined(separator: ", ") + "}"
}

/// A compact number for human output: up to 6 significant digits, as `%g` prints.
public func formatNumber(_ d: Double) -> String {
  if d.isNaN { return "nan" }
  if d.isInfinite { return d > 0 ? "inf" : "-inf" }
  if d == d.rounded() && abs(d) < 1e15 { return String(Int(d)) }
  var s = String(format: "%.6g", d)
  if s.contains("e") { return s }
  if s.contains(".") {
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
  }
  return s
}
