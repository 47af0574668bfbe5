import Foundation
import HPO
import OrderedCollections

/// A study's COMPLETE trials (PBT segments aside) grouped by configuration: trials whose params are equal once the
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

  /// Groups, best mean first (ties by the first trial number); with `repeatedOnly`, only those
  /// that ran more than once.
  public let groups: [Group]
  /// The group index of each grouped trial number.
  public let groupOfTrial: [Int: Int]
  /// The seed param left out of the configurations, if the study has one.
  public let seedParam: String?

  /// Groups the COMPLETE trials with a finite first value. `seedParam` defaults to the first of
  /// `seedParamNames` any trial has. With `repeatedOnly`, only configurations that ran more than
  /// once become groups (what the dashboard shows; far cheaper on a large study). Linear in the
  /// trials, without building a key per trial: params are bucketed by an order-independent hash
  /// and compared only within a bucket.
  public init(_ trials: [FrozenTrial], direction: StudyDirection, seedParam: String? = nil, repeatedOnly: Bool = false) {
    let seed = seedParam ?? Self.seedParamNames.first { name in trials.contains { $0.params[name] != nil } }
    self.seedParam = seed
    // One pass, no allocation per trial: each configuration is the index of its first trial;
    // configurations with equal hashes are chained.
    var firstOfHash: [Int: Int] = [:]
    var nextWithHash: [Int] = []
    var firstTrial: [Int] = []
    var runs: [Int] = []
    var members: [(trial: Int, configuration: Int)] = []
    // (Fields are read by index: `for t in trials` would copy every trial, a dozen retains.)
    for i in trials.indices where trials[i].state == .complete {
      // A PBT segment continues its member's training from a checkpoint: equal params there are
      // one run in several pieces, not repeated runs of a configuration.
      guard let v = trials[i].value, v.isFinite, trials[i].systemAttrs[HpotopKey.pbtSegment.rawValue] == nil else { continue }
      let h = Self.hash(trials[i].params, without: seed)
      var c = firstOfHash[h] ?? -1
      while c >= 0, !Self.same(trials[firstTrial[c]].params, trials[i].params, without: seed) { c = nextWithHash[c] }
      if c < 0 {
        c = firstTrial.count
        nextWithHash.append(firstOfHash[h] ?? -1)
        firstOfHash[h] = c
        firstTrial.append(i)
        runs.append(0)
      }
      runs[c] += 1
      members.append((i, c))
    }
    // Groups for the configurations kept, their runs in trial order.
    var slot = [Int](repeating: -1, count: firstTrial.count)
    var kept: [Int] = []
    for c in firstTrial.indices where !repeatedOnly || runs[c] > 1 {
      slot[c] = kept.count
      kept.append(c)
    }
    var numbers = [[Int]](repeating: [], count: kept.count)
    var values = [[Double]](repeating: [], count: kept.count)
    for (i, c) in members where slot[c] >= 0 {
      numbers[slot[c]].append(trials[i].number)
      values[slot[c]].append(trials[i].value ?? 0)
    }
    var groups: [Group] = kept.indices.map { k in
      var params = trials[firstTrial[kept[k]]].params
      if let seed { params[seed] = nil }
      let (mean, sd) = Self.meanSD(values[k])
      return Group(params: params, trialNumbers: numbers[k], values: values[k], mean: mean, sd: sd)
    }
    groups.sort { a, b in
      a.mean == b.mean ? a.trialNumbers[0] < b.trialNumbers[0] : direction.isBetter(a.mean, than: b.mean)
    }
    self.groups = groups
    var of: [Int: Int] = [:]
    of.reserveCapacity(members.count)
    for (i, g) in groups.enumerated() { for n in g.trialNumbers { of[n] = i } }
    groupOfTrial = of
    hasRepeats = groups.contains { $0.values.count > 1 }
  }

  /// Whether some configuration ran more than once.
  public let hasRepeats: Bool

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

  /// An order-independent hash of params, the seed param left out.
  static func hash(_ params: OrderedDictionary<String, ParamValue>, without seed: String?) -> Int {
    var h = 0
    for (name, value) in params where name != seed {
      var hasher = Hasher()
      hasher.combine(name)
      hasher.combine(value)
      h &+= hasher.finalize()
    }
    return h
  }

  /// Whether two trials' params are one configuration: the same names with equal values, in any
  /// order, the seed param left out.
  public static func same(
    _ a: OrderedDictionary<String, ParamValue>, _ b: OrderedDictionary<String, ParamValue>, without seed: String?
  ) -> Bool {
    let countA = a.count - (seed.map { a[$0] != nil ? 1 : 0 } ?? 0)
    let countB = b.count - (seed.map { b[$0] != nil ? 1 : 0 } ?? 0)
    guard countA == countB else { return false }
    return a.allSatisfy { name, value in name == seed || b[name] == value }
  }

  static func meanSD(_ values: [Double]) -> (Double, Double?) {
    let n = Double(values.count)
    // Summed as offsets from the first value: runs with equal values have exactly that mean and
    // sd 0, not a last-bit rounding of their sum (1000.2921 ± 1.4e-13).
    let base = values[0]
    let mean = base + values.reduce(0) { $0 + ($1 - base) } / n
    guard values.count > 1 else { return (mean, nil) }
    let v = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
    return (mean, v.squareRoot())
  }
}
