import OrderedCollections

extension Distribution {
  /// Optuna's `distribution_to_json`: `{"name": <class>, "attributes": <__dict__>}` with the
  /// attribute order of Optuna's constructors, so the stored text is byte-identical.
  public var json: JSONValue {
    switch self {
    case .float(let f):
      return .object([
        "name": .string("FloatDistribution"),
        "attributes": .object([
          "step": f.step.map { JSONValue.double($0) } ?? .null,
          "low": .double(f.low),
          "high": .double(f.high),
          "log": .bool(f.log),
        ]),
      ])
    case .int(let i):
      return .object([
        "name": .string("IntDistribution"),
        "attributes": .object([
          "log": .bool(i.log),
          "step": .int(i.step),
          "low": .int(i.low),
          "high": .int(i.high),
        ]),
      ])
    case .categorical(let c):
      return .object([
        "name": .string("CategoricalDistribution"),
        "attributes": .object(["choices": .array(c.choices.map(\.json))]),
      ])
    }
  }

  /// The `distribution_json` column text.
  public var jsonString: String { json.pythonJSON }

  /// Reads `distribution_json`, including Optuna's legacy class names and the abbreviated
  /// `{"type": "float" | "int" | "categorical", ...}` form that `optuna ask --search-space` takes.
  public init(json: JSONValue) throws {
    if let type = json["type"]?.stringValue {
      try self.init(kind: type, attributes: json.objectValue ?? [:])
      return
    }
    guard let name = json["name"]?.stringValue, let attrs = json["attributes"]?.objectValue else {
      throw DistributionError("a distribution needs \"name\" and \"attributes\": \(json.pythonJSON)")
    }
    try self.init(kind: name, attributes: attrs)
  }

  public init(jsonString: String) throws {
    try self.init(json: try JSONValue(parsing: jsonString))
  }

  private init(kind: String, attributes a: OrderedDictionary<String, JSONValue>) throws {
    func number(_ key: String) throws -> Double {
      guard let v = a[key]?.doubleValue else { throw DistributionError("\(kind) needs a number \"\(key)\"") }
      return v
    }
    func integer(_ key: String, default d: Int? = nil) throws -> Int {
      if let v = a[key], v != .null {
        guard let i = v.intValue else { throw DistributionError("\(kind) needs an integer \"\(key)\"") }
        return i
      }
      if let d { return d }
      throw DistributionError("\(kind) needs an integer \"\(key)\"")
    }
    let log = a["log"]?.boolValue ?? false
    switch kind {
    case "FloatDistribution", "float":
      let step = a["step"].flatMap { $0 == .null ? nil : $0.doubleValue }
      self = .float(try FloatDistribution(low: try number("low"), high: try number("high"), step: step, log: log))
    case "UniformDistribution":
      self = .float(try FloatDistribution(low: try number("low"), high: try number("high")))
    case "LogUniformDistribution":
      self = .float(try FloatDistribution(low: try number("low"), high: try number("high"), log: true))
    case "DiscreteUniformDistribution":
      self = .float(try FloatDistribution(low: try number("low"), high: try number("high"), step: try number("q")))
    case "IntDistribution", "int":
      self = .int(try IntDistribution(low: try integer("low"), high: try integer("high"),
                                      step: try integer("step", default: 1), log: log))
    case "IntUniformDistribution":
      self = .int(try IntDistribution(low: try integer("low"), high: try integer("high"),
                                      step: try integer("step", default: 1)))
    case "IntLogUniformDistribution":
      self = .int(try IntDistribution(low: try integer("low"), high: try integer("high"), log: true))
    case "CategoricalDistribution", "categorical":
      guard let raw = a["choices"]?.arrayValue else { throw DistributionError("\(kind) needs \"choices\"") }
      let choices = try raw.map { v -> ParamValue in
        guard let p = ParamValue(json: v) else {
          throw DistributionError("a categorical choice must be None, bool, int, float or str: \(v.pythonJSON)")
        }
        return p
      }
      self = .categorical(try CategoricalDistribution(choices: choices))
    default:
      throw DistributionError("unknown distribution \"\(kind)\"")
    }
  }
}
