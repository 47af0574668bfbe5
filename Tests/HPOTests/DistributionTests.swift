import HPO
import OrderedCollections
import Testing

/// Distributions: Optuna's validation and its exact `distribution_json`.
@Suite struct DistributionTests {
  @Test func jsonIsOptunasByteForByte() throws {
    #expect(Distribution.float(try FloatDistribution(low: 0, high: 1)).jsonString
      == #"{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.0, "high": 1.0, "log": false}}"#)
    #expect(Distribution.float(try FloatDistribution(low: 1e-5, high: 0.1, log: true)).jsonString
      == #"{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 0.1, "log": true}}"#)
    #expect(Distribution.int(try IntDistribution(low: 0, high: 10)).jsonString
      == #"{"name": "IntDistribution", "attributes": {"log": false, "step": 1, "low": 0, "high": 10}}"#)
    #expect(Distribution.categorical(try CategoricalDistribution(choices: [.string("a"), .null, .bool(true), .float(1.5), .int(2)])).jsonString
      == #"{"name": "CategoricalDistribution", "attributes": {"choices": ["a", null, true, 1.5, 2]}}"#)
  }

  @Test(arguments: [
    #"{"name": "FloatDistribution", "attributes": {"step": 0.25, "low": 0.0, "high": 1.0, "log": false}}"#,
    #"{"name": "IntDistribution", "attributes": {"log": true, "step": 1, "low": 1, "high": 1024}}"#,
    #"{"name": "CategoricalDistribution", "attributes": {"choices": ["\u00e9t\u00e9", null, false, 3, 0.5]}}"#,
  ])
  func roundTrips(_ text: String) throws {
    #expect(try Distribution(jsonString: text).jsonString == text)
  }

  @Test func legacyAndAbbreviatedNamesAreRead() throws {
    #expect(try Distribution(jsonString: #"{"name": "UniformDistribution", "attributes": {"low": 0, "high": 2}}"#)
      == .float(try FloatDistribution(low: 0, high: 2)))
    #expect(try Distribution(jsonString: #"{"name": "LogUniformDistribution", "attributes": {"low": 0.1, "high": 2}}"#)
      == .float(try FloatDistribution(low: 0.1, high: 2, log: true)))
    #expect(try Distribution(jsonString: #"{"name": "DiscreteUniformDistribution", "attributes": {"low": 0, "high": 1, "q": 0.5}}"#)
      == .float(try FloatDistribution(low: 0, high: 1, step: 0.5)))
    #expect(try Distribution(jsonString: #"{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 9, "step": 3}}"#)
      == .int(try IntDistribution(low: 0, high: 9, step: 3)))
    #expect(try Distribution(jsonString: #"{"name": "IntLogUniformDistribution", "attributes": {"low": 1, "high": 9, "step": 1}}"#)
      == .int(try IntDistribution(low: 1, high: 9, log: true)))
    #expect(try Distribution(jsonString: #"{"type": "categorical", "choices": ["x", "y"]}"#)
      == .categorical(try CategoricalDistribution(choices: [.string("x"), .string("y")])))
  }

  @Test func validationMatchesOptuna() {
    #expect(throws: DistributionError.self) { try FloatDistribution(low: 2, high: 1) }
    #expect(throws: DistributionError.self) { try FloatDistribution(low: 0, high: 1, log: true) }
    #expect(throws: DistributionError.self) { try FloatDistribution(low: 1, high: 2, step: 0.1, log: true) }
    #expect(throws: DistributionError.self) { try FloatDistribution(low: 0, high: 1, step: 0) }
    #expect(throws: DistributionError.self) { try IntDistribution(low: 0, high: 10, log: true) }
    #expect(throws: DistributionError.self) { try IntDistribution(low: 1, high: 10, step: 2, log: true) }
    #expect(throws: DistributionError.self) { try CategoricalDistribution(choices: []) }
  }

  @Test func highIsLoweredOntoTheStepGrid() throws {
    #expect(try FloatDistribution(low: 0, high: 1, step: 0.3).high == 0.9)
    #expect(try FloatDistribution(low: 0.1, high: 1.0, step: 0.1).high == 1.0)
    #expect(try IntDistribution(low: 0, high: 10, step: 3).high == 9)
  }

  @Test func internalReprIsOptunas() throws {
    let c = Distribution.categorical(try CategoricalDistribution(choices: [.string("a"), .null, .bool(true)]))
    #expect(c.toInternal(.bool(true)) == 2)
    #expect(c.toExternal(1) == .null)
    let i = Distribution.int(try IntDistribution(low: 0, high: 10))
    #expect(i.toInternal(.int(7)) == 7 && i.toExternal(7) == .int(7))
    #expect(!i.contains(internal: 11) && i.contains(internal: 10))
  }

  @Test func pythonJSONEscapesAsJsonDumps() throws {
    let v: JSONValue = .object(["k": .string("é\"\n\u{1F600}"), "n": .double(.nan), "i": .double(-.infinity), "x": .int(3)])
    #expect(v.pythonJSON == #"{"k": "\u00e9\"\n\ud83d\ude00", "n": NaN, "i": -Infinity, "x": 3}"#)
    #expect(try JSONValue(parsing: v.pythonJSON).pythonJSON == v.pythonJSON)
  }
}
