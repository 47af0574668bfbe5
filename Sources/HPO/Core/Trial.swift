import OrderedCollections

/// A running trial as the objective sees it: define-by-run `suggest*`, `report`, and pruning.
/// Each call goes through the owning `Study`, which writes to storage before returning.
public struct Trial: Sendable {
  public let study: Study
  /// The storage id (`trials.trial_id`).
  public let id: Int64
  /// The per-study trial number.
  public let number: Int
  /// Params suggested so far through this value, in order.
  public private(set) var params: OrderedDictionary<String, ParamValue> = [:]

  init(study: Study, id: Int64, number: Int) {
    self.study = study
    self.id = id
    self.number = number
  }

  /// Suggests a value for a param of any distribution (the primitive behind the typed forms).
  public mutating func suggest(_ name: String, _ distribution: Distribution) async throws -> ParamValue {
    let v = try await study.suggest(trialID: id, name: name, distribution: distribution)
    params[name] = v
    return v
  }

  /// A float in [low, high], on a `step` grid or log-scaled if asked (not both).
  public mutating func suggestFloat(_ name: String, _ low: Double, _ high: Double, step: Double? = nil, log: Bool = false)
    async throws -> Double
  {
    let d = try FloatDistribution(low: low, high: high, step: step, log: log)
    return try await suggest(name, .float(d)).doubleValue ?? low
  }

  /// An integer in [low, high] on a `step` grid, log-scaled if asked.
  public mutating func suggestInt(_ name: String, _ low: Int, _ high: Int, step: Int = 1, log: Bool = false)
    async throws -> Int
  {
    let d = try IntDistribution(low: low, high: high, step: step, log: log)
    return try await suggest(name, .int(d)).intValue ?? low
  }

  /// One of `choices` (None, bool, int, float or string values).
  public mutating func suggestCategorical(_ name: String, _ choices: [ParamValue]) async throws -> ParamValue {
    try await suggest(name, .categorical(try CategoricalDistribution(choices: choices)))
  }

  /// One of some string choices.
  public mutating func suggestCategorical(_ name: String, _ choices: [String]) async throws -> String {
    let v = try await suggestCategorical(name, choices.map { ParamValue.string($0) })
    return v.stringValue ?? choices[0]
  }

  /// Reports an intermediate objective value at a step (epoch, iteration…).
  public func report(_ value: Double, step: Int) async throws {
    try await study.report(trialID: id, value: value, step: step)
  }

  /// Whether the pruner (or a user) wants this trial stopped now.
  public func shouldPrune() async throws -> Bool {
    try await study.shouldPrune(trialID: id)
  }

  /// Throws `TrialPruned` when the trial should stop; the optimizer records it as PRUNED.
  public func checkPrune() async throws {
    if try await shouldPrune() { throw TrialPruned() }
  }

  public func setUserAttr(_ key: String, _ value: JSONValue) async throws {
    try await study.setUserAttr(trialID: id, key: key, value: value)
  }

  /// Records constraint values (≤ 0 is feasible) in Optuna's `constraints` system attr.
  public func setConstraints(_ values: [Double]) async throws {
    try await study.setSystemAttr(trialID: id, key: "constraints", value: .array(values.map { .double($0) }))
  }
}

/// Thrown by an objective (or `checkPrune`) to end its trial as PRUNED (Optuna `TrialPruned`).
public struct TrialPruned: Error, CustomStringConvertible, Sendable {
  public let message: String
  public init(_ message: String = "") { self.message = message }
  public var description: String { message.isEmpty ? "pruned" : message }
}
