import OrderedCollections

/// An ordered, possibly conditional search space: the params a study file declares (or a built-in
/// objective defines), each with its distribution and an optional condition on earlier params.
///
/// `suggest(in:)` asks a trial for the active params in declaration order, which is how a
/// define-by-run objective would ask for them, so samplers see the same order in every trial.
public struct SearchSpace: Hashable, Sendable {
  /// One declared param.
  public struct Param: Hashable, Sendable {
    public let name: String
    public let distribution: Distribution
    /// When set, the param is suggested only if the condition holds; otherwise it is inactive.
    public let condition: Condition?

    public init(name: String, distribution: Distribution, condition: Condition? = nil) {
      self.name = name
      self.distribution = distribution
      self.condition = condition
    }
  }

  /// A conjunction of tests on earlier params: each named param must be active and equal to one
  /// of the listed values (`when: {optimizer: sgd}` or `when: {optimizer: [sgd, rmsprop]}`).
  public struct Condition: Hashable, Sendable {
    public let clauses: OrderedDictionary<String, [ParamValue]>

    public init(_ clauses: OrderedDictionary<String, [ParamValue]>) {
      self.clauses = clauses
    }

    /// Whether the condition holds for the params suggested so far (a missing param fails it).
    public func holds(for params: OrderedDictionary<String, ParamValue>) -> Bool {
      clauses.allSatisfy { name, values in
        guard let v = params[name] else { return false }
        return values.contains { SearchSpace.sameValue($0, v) }
      }
    }
  }

  public private(set) var params: [Param]

  public init(_ params: [Param] = []) {
    self.params = params
  }

  /// A space without conditions from `(name, distribution)` pairs.
  public init(_ pairs: KeyValuePairs<String, Distribution>) {
    self.params = pairs.map { Param(name: $0.key, distribution: $0.value) }
  }

  public var isEmpty: Bool { params.isEmpty }
  public var names: [String] { params.map(\.name) }

  public subscript(name: String) -> Param? {
    params.first { $0.name == name }
  }

  /// Appends a param (names are expected to be unique; the study file checks that).
  public mutating func append(_ param: Param) {
    params.append(param)
  }

  /// The params active for some values: a conditional param is active when its condition holds
  /// on the values of the params before it.
  public func activeNames(for values: OrderedDictionary<String, ParamValue>) -> [String] {
    var seen: OrderedDictionary<String, ParamValue> = [:]
    var names: [String] = []
    for p in params {
      if let c = p.condition, !c.holds(for: seen) { continue }
      names.append(p.name)
      if let v = values[p.name] { seen[p.name] = v }
    }
    return names
  }

  /// Suggests every active param on `trial` in declaration order and returns their values.
  public func suggest(in trial: inout Trial) async throws -> OrderedDictionary<String, ParamValue> {
    var values: OrderedDictionary<String, ParamValue> = [:]
    for p in params {
      if let c = p.condition, !c.holds(for: values) { continue }
      values[p.name] = try await trial.suggest(p.name, p.distribution)
    }
    return values
  }

  /// Whether two param values are equal as Python's `==` compares them (`1 == 1.0`, strings
  /// exactly), which is how a `when` value is matched against the value of its param.
  static func sameValue(_ a: ParamValue, _ b: ParamValue) -> Bool {
    if a == b { return true }
    switch (a, b) {
    case (.int, .float), (.float, .int): return a.doubleValue == b.doubleValue
    default: return false
    }
  }
}
