import Foundation
import HPO
import OrderedCollections

/// The enqueue dialog: one editable field per param, validated against its distribution as
/// typed, plus a skip-if-exists toggle.
///
/// Every param of the space stays in `fields` with its text, shown or not: hiding a conditional
/// param never loses what was typed into it.
///
/// Conditional params: with the study file's space, a param is shown when its condition holds.
/// Without one (`watch`), the trials are the evidence: a param that every known trial has is
/// always shown, and a param some trials lack is hidden only when known trials agree with the
/// form on a categorical choice and none of them has the param (so `momentum` hides once the
/// form's `optimizer` is one whose trials never had a momentum). A choice no trial made yet
/// hides nothing: on a young study every param stays in the form.
public struct EnqueueForm: Sendable {
  /// One param field (shared with the fix dialog).
  public typealias Field = ParamField

  public var fields: [Field]
  public var skipIfExists = true
  /// Index into `visibleFields` + 1 for the toggle row (the last).
  public var cursor = 0
  /// Categorical assignments of known trials (per trial: name → choice text), for conditions.
  var knownAssignments: [[String: String]]
  var knownParamSets: [Set<String>]
  /// Conditions from the study file's search space (param → when it is active).
  var conditions: [String: SearchSpace.Condition]

  public init(
    distributions: OrderedDictionary<String, Distribution>, from trial: FrozenTrial?,
    trials: [FrozenTrial], space: SearchSpace? = nil
  ) {
    if let space {
      conditions = Dictionary(uniqueKeysWithValues: space.params.compactMap { p in p.condition.map { (p.name, $0) } })
    } else {
      conditions = [:]
    }
    // Exact floats: enqueuing a trial unchanged must give exactly its config (skip_if_exists too).
    fields = distributions.map { name, d in Field(name: name, distribution: d, value: trial?.params[name], exact: true) }
    let sample = trials.suffix(2000)
    knownParamSets = sample.map { Set($0.params.keys) }
    knownAssignments = sample.map { t in
      var a: [String: String] = [:]
      for (k, v) in t.params where t.distributions[k].map({ if case .categorical = $0 { true } else { false } }) ?? false {
        a[k] = v.displayText
      }
      return a
    }
  }

  /// Indices of the fields shown for the current categorical choices.
  public var visibleFields: [Int] {
    if !conditions.isEmpty {
      var values = OrderedDictionary<String, ParamValue>()
      for f in fields {
        if case .success(let v) = Self.parse(f.text, f.distribution) { values[f.name] = v }
      }
      return fields.indices.filter { conditions[fields[$0].name]?.holds(for: values) ?? true }
    }
    guard !knownParamSets.isEmpty else { return Array(fields.indices) }
    // Only valid choices count: a categorical field being typed (cleared, or half a choice) hides
    // no field, so the rest of the form stays put while the user types.
    var current: [String: String] = [:]
    for f in fields {
      if case .categorical = f.distribution, case .success = Self.parse(f.text, f.distribution) {
        current[f.name] = f.text
      }
    }
    return fields.indices.filter { i in !isHidden(fields[i].name, choices: current) }
  }

  /// Whether the trials show that `name` is absent under one of the form's categorical choices.
  func isHidden(_ name: String, choices: [String: String]) -> Bool {
    // Unconditional (every known trial has it), or never seen: shown.
    guard knownParamSets.contains(where: { !$0.contains(name) }), knownParamSets.contains(where: { $0.contains(name) })
    else { return false }
    for (choiceName, choice) in choices where choiceName != name {
      var agreeing = 0
      var withParam = 0
      for (k, a) in knownAssignments.enumerated() where a[choiceName] == choice {
        agreeing += 1
        if knownParamSets[k].contains(name) { withParam += 1 }
      }
      if agreeing > 0 && withParam == 0 { return true }
    }
    return false
  }

  /// The parsed value of a field, or why it is invalid (`ParamField.parse`).
  public static func parse(_ text: String, _ d: Distribution) -> Result<ParamValue, FieldError> {
    ParamField.parse(text, d)
  }

  /// The error of field `i`, nil when valid.
  public func error(_ i: Int) -> String? { fields[i].error }

  /// The params to enqueue (visible fields), or nil while any is invalid.
  public var params: OrderedDictionary<String, ParamValue>? {
    var out = OrderedDictionary<String, ParamValue>()
    for i in visibleFields {
      guard let v = fields[i].value else { return nil }
      out[fields[i].name] = v
    }
    return out
  }

  /// Rows: visible fields then the toggle.
  var rowCount: Int { visibleFields.count + 1 }

  /// The field under the cursor, nil on the toggle row.
  var cursorField: Int? {
    let v = visibleFields
    return cursor < v.count ? v[cursor] : nil
  }

  mutating func moveCursor(_ d: Int) {
    cursor = max(0, min(rowCount - 1, cursor + d))
  }

  /// Cycles a categorical field's choice (left/right).
  mutating func cycleChoice(_ d: Int) {
    guard let i = cursorField, fields[i].isCategorical else { return }
    fields[i].cycleChoice(d)
    keepCursor(on: i)
  }

  mutating func type(_ ch: Character) {
    guard let i = cursorField else {
      if ch == " " { skipIfExists.toggle() }
      return
    }
    fields[i].text.append(ch)
    keepCursor(on: i)
  }

  mutating func backspace() {
    guard let i = cursorField, !fields[i].text.isEmpty else { return }
    fields[i].text.removeLast()
    keepCursor(on: i)
  }

  /// Sets field `i`'s text (Ctrl-U clears it), the cursor staying on it.
  mutating func setText(_ text: String, field i: Int) {
    fields[i].text = text
    keepCursor(on: i)
  }

  /// Keeps the cursor on field `i` when an edit shows or hides fields above it.
  mutating func keepCursor(on i: Int) {
    cursor = visibleFields.firstIndex(of: i) ?? min(cursor, rowCount - 1)
  }
}
