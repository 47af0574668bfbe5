import Foundation
import HPO
import OrderedCollections

/// Seed re-runs: the trials to enqueue so that a configuration runs again with other seeds.
///
/// A study with a seed param (`SeedGroups.seedParamNames`) re-runs a configuration with that
/// param changed: the smallest values of its range (or its choices) no run of the configuration
/// used. Otherwise the params stay as they are and each re-run carries `HpotopAttrs.seed`, which
/// the command runner exports as `HPOTOP_SEED`: 1, 2, … skipping seeds the configuration's
/// runs already have (an original trial, run without `HPOTOP_SEED`, counts as seed 0: an
/// objective reads an unset `HPOTOP_SEED` as 0). Enqueued and running re-runs count as used, so
/// asking twice adds new seeds rather than duplicates.
public enum SeedReruns {
  /// One trial to enqueue.
  public struct Run: Sendable, Hashable {
    public var params: OrderedDictionary<String, ParamValue>
    /// The `HpotopAttrs.seed` to store (nil when the seed param carries the seed).
    public var hpotopSeed: Int?

    /// The system attrs to enqueue it with.
    public var systemAttrs: OrderedDictionary<String, JSONValue> {
      var a = OrderedDictionary<String, JSONValue>()
      a.hpotop.seed = hpotopSeed
      return a
    }
  }

  /// `seeds` more runs of each of the best `top` configurations (`SeedGroups` ranking).
  public static func plan(
    trials: [FrozenTrial], direction: StudyDirection, top: Int, seeds: Int,
    distributions: OrderedDictionary<String, Distribution>
  ) throws -> [Run] {
    let groups = SeedGroups(trials, direction: direction)
    return try groups.groups.prefix(top).flatMap { g in
      try plan(configuration: g.params, trials: trials, seeds: seeds, seedParam: groups.seedParam, distributions: distributions)
    }
  }

  /// `seeds` more runs of one configuration (its params without the seed param).
  public static func plan(
    configuration: OrderedDictionary<String, ParamValue>, trials: [FrozenTrial], seeds: Int, seedParam: String?,
    distributions: OrderedDictionary<String, Distribution>
  ) throws -> [Run] {
    guard seeds > 0 else { return [] }
    // Every run of the configuration, in any state but failed (a failed run's seed may be tried again).
    let runs = trials.filter { t in
      t.state != .fail && SeedGroups.same(t.state == .waiting ? t.fixedParams : t.params, configuration, without: seedParam)
    }
    if let seedParam, let d = distributions[seedParam] {
      let used = Set(runs.compactMap { t in (t.state == .waiting ? t.fixedParams : t.params)[seedParam] })
      let free = candidates(d).lazy.filter { v in !used.contains { SeedGroups.same(["s": $0], ["s": v], without: nil) } }
      let values = Array(free.prefix(seeds))
      guard values.count == seeds else {
        throw RerunError("\(seedParam)'s range has only \(values.count) unused value(s) for \(seeds) more run(s)")
      }
      return values.map { v in
        var p = configuration
        p[seedParam] = v
        return Run(params: reorder(p, like: runs.first?.params), hpotopSeed: nil)
      }
    }
    let used = Set(runs.map { $0.hpotop.seed ?? 0 })
    var out: [Run] = []
    var s = 1
    while out.count < seeds {
      if !used.contains(s) { out.append(Run(params: configuration, hpotopSeed: s)) }
      s += 1
    }
    return out
  }

  /// A seed param's values in order: ints from the low bound, categorical choices, or whole
  /// numbers within a float range.
  static func candidates(_ d: Distribution) -> [ParamValue] {
    switch d {
    case .int(let i): return stride(from: i.low, through: min(i.high, i.low + 100_000), by: i.step).map { .int($0) }
    case .categorical(let c): return c.choices
    case .float(let f):
      let lo = f.low.rounded(.up)
      return lo > f.high ? [] : stride(from: lo, through: min(f.high, lo + 100_000), by: 1).map { .float($0) }
    }
  }

  /// `p` in the order of `like`'s keys (the configuration's trials), new keys last.
  static func reorder(_ p: OrderedDictionary<String, ParamValue>, like: OrderedDictionary<String, ParamValue>?)
    -> OrderedDictionary<String, ParamValue>
  {
    guard let like else { return p }
    var out = OrderedDictionary<String, ParamValue>()
    for k in like.keys where p[k] != nil { out[k] = p[k] }
    for (k, v) in p where out[k] == nil { out[k] = v }
    return out
  }
}

/// Why re-runs cannot be planned.
public struct RerunError: Error, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }
}
