import Foundation
import OrderedCollections

/// A built-in in-process objective that a study file names with `objective: {builtin: name}`:
/// its default search space, its metrics and directions, its options, an optional known optimum,
/// and the `Objective` closure that evaluates it.
///
/// The functions are the Optuna baseline's benchmarks (`TestFunctions`) and a simulated training
/// run (`SimulatedTraining`). See `BuiltinObjective.all` for the registry.
public struct BuiltinObjective: Sendable {
  /// What one evaluation produced: the learning curve to report (empty for plain functions) and
  /// the final objective values.
  public struct Evaluation: Sendable, Equatable {
    public var curve: [Double]
    public var values: [Double]

    public init(curve: [Double] = [], values: [Double]) {
      self.curve = curve
      self.values = values
    }
  }

  /// The best objective values and one place where they are reached.
  public struct KnownOptimum: Sendable, Equatable {
    public let values: [Double]
    public let params: OrderedDictionary<String, ParamValue>
  }

  public typealias Evaluator = @Sendable (
    _ params: OrderedDictionary<String, ParamValue>, _ options: BuiltinOptions, _ trialNumber: Int
  ) -> Evaluation

  public let name: String
  /// Other names that select this objective (the baseline's registry keys, such as `ackley5`).
  public let aliases: [String]
  /// One line for `hpotop` listings and docs.
  public let summary: String
  /// Where the definition comes from.
  public let source: String
  /// The metric each objective value is reported as, in order.
  public let metricNames: [String]
  public let directions: [StudyDirection]
  /// The options `objective: {builtin: …}` accepts besides `builtin`.
  public let options: [BuiltinOption]
  /// Whether trials report a curve, one value per step (so pruners apply).
  public let reportsIntermediateValues: Bool
  let makeSpace: @Sendable (BuiltinOptions) -> SearchSpace
  let makeOptimum: @Sendable (BuiltinOptions) -> KnownOptimum?
  let evaluator: Evaluator

  init(
    name: String, aliases: [String] = [], summary: String, source: String,
    metricNames: [String] = ["value"], directions: [StudyDirection] = [.minimize],
    options: [BuiltinOption] = [], reportsIntermediateValues: Bool = false,
    space: @escaping @Sendable (BuiltinOptions) -> SearchSpace,
    optimum: @escaping @Sendable (BuiltinOptions) -> KnownOptimum? = { _ in nil },
    evaluate: @escaping Evaluator
  ) {
    self.name = name
    self.aliases = aliases
    self.summary = summary
    self.source = source
    self.metricNames = metricNames
    self.directions = directions
    self.options = options
    self.reportsIntermediateValues = reportsIntermediateValues
    self.makeSpace = space
    self.makeOptimum = optimum
    self.evaluator = evaluate
  }

  /// Every built-in objective, in listing order.
  public static var all: [BuiltinObjective] { Self.registry }

  /// Every name a study file may use (names and aliases).
  public static var allNames: [String] { all.flatMap { [$0.name] + $0.aliases } }

  /// The built-in with this name or alias.
  public static func named(_ name: String) -> BuiltinObjective? {
    all.first { $0.name == name || $0.aliases.contains(name) }
  }

  /// The default search space for some options (e.g. `dims`).
  public func searchSpace(_ options: BuiltinOptions = BuiltinOptions()) -> SearchSpace {
    makeSpace(options.withDefaults(of: self))
  }

  /// The known optimum for some options, when there is one.
  public func knownOptimum(_ options: BuiltinOptions = BuiltinOptions()) -> KnownOptimum? {
    makeOptimum(options.withDefaults(of: self))
  }

  /// Evaluates params directly, without a study (for tests, docs and benchmarks).
  public func evaluate(
    _ params: OrderedDictionary<String, ParamValue>, options: BuiltinOptions = BuiltinOptions(),
    trialNumber: Int = 0
  ) -> Evaluation {
    evaluator(params, options.withDefaults(of: self), trialNumber)
  }

  /// The in-process objective: suggests the params of `space` (by default the built-in's own) in
  /// declaration order, reports the curve one step at a time (steps 1, 2, …) with a prune check
  /// after each report, and returns the final values. A `sleep` option pauses after each step.
  public func objective(options: BuiltinOptions = BuiltinOptions(), space: SearchSpace? = nil) -> Objective {
    let options = options.withDefaults(of: self)
    let space = space ?? makeSpace(options)
    let evaluator = self.evaluator
    let pause = options.double("sleep") ?? 0
    return { trial in
      let params = try await space.suggest(in: &trial)
      let evaluation = evaluator(params, options, trial.number)
      for (i, value) in evaluation.curve.enumerated() {
        if pause > 0 { try await Task.sleep(for: .seconds(pause)) }
        try await trial.report(value, step: i + 1)
        try await trial.checkPrune()
      }
      return evaluation.values
    }
  }

  /// Checks an option value; returns an error message, or nil when it is acceptable.
  public func validate(option name: String, value: JSONValue) -> String? {
    guard let option = options.first(where: { $0.name == name }) else {
      return "builtin '\(self.name)' has no option '\(name)'"
    }
    return option.validate(value)
  }
}

/// One option of a built-in objective, with its kind, bounds and default.
public struct BuiltinOption: Sendable, Hashable {
  public enum Kind: Sendable, Hashable {
    case int(min: Int, max: Int)
    case double(min: Double, max: Double)
  }

  public let name: String
  public let kind: Kind
  public let defaultValue: JSONValue
  public let help: String

  public init(_ name: String, _ kind: Kind, default defaultValue: JSONValue, help: String) {
    self.name = name
    self.kind = kind
    self.defaultValue = defaultValue
    self.help = help
  }

  /// An error message for a bad value, or nil.
  public func validate(_ value: JSONValue) -> String? {
    switch kind {
    case .int(let lo, let hi):
      guard case .int(let i) = value else { return "option '\(name)' must be an integer" }
      if i < lo || i > hi { return "option '\(name)' must be in [\(lo), \(hi)], got \(i)" }
    case .double(let lo, let hi):
      guard let d = value.doubleValue else { return "option '\(name)' must be a number" }
      if !(d >= lo && d <= hi) {
        return "option '\(name)' must be in [\(formatNumber(lo)), \(formatNumber(hi))], got \(formatNumber(d))"
      }
    }
    return nil
  }
}

/// The options given to a built-in objective, with the built-in's defaults behind them.
public struct BuiltinOptions: Sendable, Hashable {
  public var values: OrderedDictionary<String, JSONValue>
  var defaults: OrderedDictionary<String, JSONValue> = [:]

  public init(_ values: OrderedDictionary<String, JSONValue> = [:]) {
    self.values = values
  }

  /// These options with `builtin`'s defaults filled in behind them.
  public func withDefaults(of builtin: BuiltinObjective) -> BuiltinOptions {
    var copy = self
    copy.defaults = OrderedDictionary(uniqueKeysWithValues: builtin.options.map { ($0.name, $0.defaultValue) })
    return copy
  }

  public subscript(name: String) -> JSONValue? { values[name] ?? defaults[name] }
  public func int(_ name: String) -> Int? { self[name]?.intValue }
  public func double(_ name: String) -> Double? { self[name]?.doubleValue }
}
