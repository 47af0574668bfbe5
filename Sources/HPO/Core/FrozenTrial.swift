import Foundation
import OrderedCollections

/// A snapshot of one trial as storage holds it (Optuna `FrozenTrial`).
public struct FrozenTrial: Hashable, Sendable {
  /// The storage's global id (`trials.trial_id`).
  public var id: Int64
  /// The per-study, 0-based number users see.
  public var number: Int
  public var state: TrialState
  /// One value per objective, or `nil` when the trial has none (running, failed, waiting).
  public var values: [Double]?
  public var datetimeStart: Date?
  public var datetimeComplete: Date?
  /// External param values, in the order they were suggested.
  public var params: OrderedDictionary<String, ParamValue>
  public var distributions: OrderedDictionary<String, Distribution>
  public var userAttrs: OrderedDictionary<String, JSONValue>
  public var systemAttrs: OrderedDictionary<String, JSONValue>
  /// Reported intermediate values by step, in ascending step order.
  public var intermediateValues: OrderedDictionary<Int, Double>

  public init(
    id: Int64, number: Int, state: TrialState, values: [Double]? = nil,
    datetimeStart: Date? = nil, datetimeComplete: Date? = nil,
    params: OrderedDictionary<String, ParamValue> = [:],
    distributions: OrderedDictionary<String, Distribution> = [:],
    userAttrs: OrderedDictionary<String, JSONValue> = [:],
    systemAttrs: OrderedDictionary<String, JSONValue> = [:],
    intermediateValues: OrderedDictionary<Int, Double> = [:]
  ) {
    self.id = id
    self.number = number
    self.state = state
    self.values = values
    self.datetimeStart = datetimeStart
    self.datetimeComplete = datetimeComplete
    self.params = params
    self.distributions = distributions
    self.userAttrs = userAttrs
    self.systemAttrs = systemAttrs
    self.intermediateValues = intermediateValues
  }

  /// The single objective's value (the first of `values`).
  public var value: Double? { values?.first }

  /// The largest reported step, or `nil` if nothing was reported.
  public var lastStep: Int? { intermediateValues.keys.max() }

  /// `datetimeComplete - datetimeStart`, when both are known.
  public var duration: TimeInterval? {
    guard let s = datetimeStart, let c = datetimeComplete else { return nil }
    return c.timeIntervalSince(s)
  }

  /// The internal repr of a param (what `trial_params.param_value` holds).
  public func internalValue(of name: String) -> Double? {
    guard let v = params[name], let d = distributions[name] else { return nil }
    return d.toInternal(v)
  }

  /// Params enqueued for this trial (Optuna's `fixed_params` system attr), external values.
  public var fixedParams: OrderedDictionary<String, ParamValue> {
    guard let obj = systemAttrs["fixed_params"]?.objectValue else { return [:] }
    var out = OrderedDictionary<String, ParamValue>()
    for (k, v) in obj { if let p = ParamValue(json: v) { out[k] = p } }
    return out
  }

  /// Constraint values (Optuna's `constraints` system attr); ≤ 0 means satisfied.
  public var constraints: [Double]? {
    systemAttrs["constraints"]?.arrayValue?.compactMap(\.doubleValue)
  }

  /// True unless some constraint is violated (> 0). Trials without constraints are feasible.
  public var isFeasible: Bool {
    (constraints ?? []).allSatisfy { $0 <= 0 }
  }
}
