import Foundation
import HPO
import OrderedCollections

/// A study's COMPLETE trials grouped by configuration: trials whose params are equal once the
/// seed param is left out (`SeedGroups.seedParamNames`) ran the same configuration with another
/// seed, or with another `HPOTOP_SEED` (`hpotop rerun`). Each group has the mean and sample
/// standard deviation of its objective value, and groups rank by mean — how a winner should be
/// picked when one seed's score is noise.
public struct SeedGroups: Sendable {
  /// One configuration and the runs of it.
  public struct Group: Sendable, Hashable {
    /// The params without the seed param.
    public var params: OrderedDictionary<String, ParamValue>
    /// The run trials' numbers, ascending.
    public var trialNumbers: [Int]
    public var values: [Double]
    public var mean: Double
    /// Sample standard deviation (n − 1); nil for a single run.
    public var sd: Double?

    public var runs: Int { values.count }
  }

  /// Param names treated as a seed (the first one a study has is used).
  public static let seedParamNames = ["seed", "random_seed"]

  /// The seed param of a study with these params, if any.
  public static func seedParam(in names: some Sequence<String>) -> String? {
    let all = Set(names)
    return seedParamNames.first { all.contains($0) }
  }

  /// Groups, best mean first (ties by the first trial number).
  public let groups: [Group]
  /// The group index of each grouped trial number.
  public let groupOfTrial: [Int: Int]
  /// The seed param left out of the configurations, if the study has one.
  public let seedParam: String?

  /// Groups the COMPLETE trials with a finite first value. `seedParam` defaults to the first of
  /// `seedParamNames` any trial has.
  public init(_ trials: [FrozenTrial], direction: StudyDirection, seedParam: String? = nil) {
    let seed = seedParam ?? Self.seedParam(in: Set(trials.flatMap(\.params.keys)))
    self.seedParam = seed
    var order: [String] = []
    var byKey: [String: (params: OrderedDictionary<String, ParamValue>, numbers: [Int], values: [Double])] = [:]
    for t in trials where t.state == .complete {
      guard let v = t.value, v.isFinite else { continue }
      var params = t.params
      if let seed { params[seed] = nil }
      let key = Self.key(params)
      if byKey[key] == nil {
        order.append(key)
        byKey[key] = (params, [], [])
      }
      byKey[key]?.numbers.append(t.number)
      byKey[key]?.values.append(v)
    }
    var groups: [Group] = order.compactMap { k in
      guard let g = byKey[k] else { return nil }
      let (mean, sd) = Self.meanSD(g.values)
      return Group(params: g.params, trialNumbers: g.numbers.sorted(), values: g.values, mean: mean, sd: sd)
    }
    groups.sort { a, b in
      a.mean == b.mean ? a.trialNumbers[0] < b.trialNumbers[0] : direction.isBetter(a.mean, than: b.mean)
    }
    self.groups = groups
    var of: [Int: Int] = [:]
    for (i, g) in groups.enumerated() { for n in g.trialNumbers { of[n] = i } }
    groupOfTrial = of
  }

  /// Whether some configuration ran more than once.
  public var hasRepeats: Bool { groups.contains { $0.runs > 1 } }

  /// The group of a trial, nil for a trial not grouped (not COMPLETE).
  public func group(ofTrial number: Int) -> Group? { groupOfTrial[number].map { groups[$0] } }

  /// The pooled standard deviation within the configurations that ran more than once: how much
  /// one configuration's value moves between seeds. Nil without repeats.
  public var pooledSD: Double? {
    var ss = 0.0, dof = 0
    for g in groups where g.runs > 1 {
      for v in g.values { ss += (v - g.mean) * (v - g.mean) }
      dof += g.runs - 1
    }
    return dof > 0 ? (ss / Double(dof)).squareRoot() : nil
  }

  /// A canonical text of params (sorted names, JSON values; ints and equal floats alike).
  static func key(_ params: OrderedDictionary<String, ParamValue>) -> String {
    params.keys.sorted().map { name -> String in
      let v = params[name] ?? .null
      if case .int(let i) = v { return name + "=" + JSONValue.pythonFloat(Double(i)) }
      return name + "=" + v.json.compactJSON
    }.joined(separator: "\u{1}")
  }

  static func meanSD(_ values: [Double]) -> (Double, Double?) {
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    guard values.count > 1 else { return (mean, nil) }
    let v = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
    return (mean, v.squareRoot())
  }
}
