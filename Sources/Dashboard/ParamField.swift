import Foundation
import HPO
import Terminal

/// One editable param value, validated against its distribution as it is typed: a row of the
/// enqueue form and the value field of the fix dialog.
public struct ParamField: Sendable {
  public var name: String
  public var distribution: Distribution
  public var text: String

  public init(name: String, distribution: Distribution, text: String) {
    self.name = name
    self.distribution = distribution
    self.text = text
  }

  /// A field pre-filled with `value` (shown as typed back: exact for floats when `exact`), or the
  /// distribution's default when there is none.
  public init(name: String, distribution: Distribution, value: ParamValue?, exact: Bool = false) {
    let text: String
    if let value {
      if exact, case .float = value, case .float = distribution { text = value.pythonRepr } else { text = value.displayText }
    } else {
      text = Self.defaultText(distribution)
    }
    self.init(name: name, distribution: distribution, text: text)
  }

  /// The text of a field with no value to start from: a float range's middle (geometric on a
  /// log scale), an int range's low end, the first choice.
  public static func defaultText(_ d: Distribution) -> String {
    switch d {
    case .float(let f): formatNumber(f.log ? (f.low * f.high).squareRoot() : (f.low + f.high) / 2)
    case .int(let i): String(i.low)
    case .categorical(let c): c.choices.first?.displayText ?? ""
    }
  }

  /// The parsed value, or why the text is invalid.
  public var parsed: Result<ParamValue, FieldError> { Self.parse(text, distribution) }

  /// The value, nil while the text is invalid.
  public var value: ParamValue? {
    if case .success(let v) = parsed { return v }
    return nil
  }

  /// Why the text is invalid, nil when valid.
  public var error: String? {
    if case .failure(let e) = parsed { return e.message }
    return nil
  }

  /// Whether the field is a categorical one.
  var isCategorical: Bool {
    if case .categorical = distribution { return true }
    return false
  }

  /// The parsed value of a text, or why it is invalid.
  public static func parse(_ text: String, _ d: Distribution) -> Result<ParamValue, FieldError> {
    let s = text.trimmingCharacters(in: .whitespaces)
    switch d {
    case .float(let f):
      guard let v = Double(s), v.isFinite else { return .failure(FieldError("not a number")) }
      guard v >= f.low, v <= f.high else {
        return .failure(FieldError("must be in [\(formatNumber(f.low)), \(formatNumber(f.high))]"))
      }
      if let step = f.step {
        let k = (v - f.low) / step
        if abs(k - k.rounded()) > 1e-8 { return .failure(FieldError("must be on step \(formatNumber(step)) from \(formatNumber(f.low))")) }
      }
      return .success(.float(v))
    case .int(let i):
      guard let v = Int(s) else { return .failure(FieldError("not an integer")) }
      guard v >= i.low, v <= i.high else { return .failure(FieldError("must be in [\(i.low), \(i.high)]")) }
      if (v - i.low) % i.step != 0 { return .failure(FieldError("must be on step \(i.step) from \(i.low)")) }
      return .success(.int(v))
    case .categorical(let c):
      if let v = c.choices.first(where: { $0.displayText == s }) { return .success(v) }
      return .failure(FieldError("one of: " + c.choices.map(\.displayText).joined(separator: ", ")))
    }
  }

  /// Cycles a categorical field's choice by `d` (left/right); other fields stay as they are.
  mutating func cycleChoice(_ d: Int) {
    guard case .categorical(let c) = distribution, !c.choices.isEmpty else { return }
    let cur = c.choices.firstIndex { $0.displayText == text } ?? -1
    let n = c.choices.count
    text = c.choices[((cur + d) % n + n) % n].displayText
  }
}

/// Why a typed value does not fit its distribution.
public struct FieldError: Error, Sendable, Hashable {
  public var message: String
  init(_ m: String) { message = m }
}

/// The dialog of the fix key: the value to fix a chosen param to.
public struct FixDialog: Sendable {
  public var field: ParamField
  public init(field: ParamField) { self.field = field }
}
