import Foundation
import OrderedCollections

/// Evaluates every combination of a grid exactly once, also across processes (Optuna
/// `GridSampler`).
///
/// Grid ids number the combinations of the params sorted by name, the last name varying
/// fastest (`itertools.product` order). Before a trial samples anything, the sampler *claims* a
/// grid id for it with `Storage.claimTrialSystemAttr(key: "grid_id")`, which succeeds for one
/// trial only, so two workers on one study never evaluate the same point. Like Optuna, it also
/// stores the grid as the trial system attr `search_space`, and only counts trials whose
/// `search_space` is this grid.
///
/// Order: trial number t first tries the t-th id of a permutation fixed by the seed (Optuna
/// shuffles its grid once with its seed), then the free ids in an order shuffled by
/// `SeededRNG(seed:trialNumber:purpose:)`. An enqueued trial whose fixed params are a grid point
/// claims that point. When every point is taken the trial that lost the race is marked FAIL with
/// `hpotop:fail_reason` (Optuna would evaluate a duplicate instead), and `isExhausted` stops
/// the optimizer.
///
/// Nothing is enumerated up front: a grid id maps to its combination by mixed-radix arithmetic
/// (`point(_:)`), and grids over `shuffledOrderLimit` points take trial t's first choice from a
/// seeded bijection (`ScatteredOrder`) instead of a shuffled array. `sizeProblem` bounds a grid at
/// `maxAxisValues` values per param and `maxPoints` points, so that every accepted grid can be
/// written as the `search_space` attr and numbered in an `Int`.
///
/// Grid ids are hpotop's own: Optuna numbers its shuffled grid, so a Python `GridSampler`
/// and hpotop sharing one study would not agree on what an id means.
public struct GridSampler: Sampler {
  /// The grid, params sorted by name.
  public let searchSpace: OrderedDictionary<String, [ParamValue]>
  public let seed: UInt64
  /// The number of grid points.
  public let gridCount: Int
  public var name: String { "grid" }

  /// The most values one param of a grid may have (each trial stores every value, as Optuna).
  public static let maxAxisValues = 100_000
  /// The most points a grid may have: at one trial a millisecond, 30 years of trials.
  public static let maxPoints = 1_000_000_000_000
  /// Grids up to this many points keep a shuffled array of every id (the order hpotop has always
  /// used, so their studies resume identically); larger ones use `ScatteredOrder`.
  static let shuffledOrderLimit = 1 << 20

  private let names: [String]
  /// Trial t's first choice, for grids up to `shuffledOrderLimit` points.
  private let permutation: [Int]
  /// Trial t's first choice, for larger grids.
  private let scattered: ScatteredOrder?
  private let searchSpaceJSON: JSONValue

  /// Why a grid with these many values per param is too large to be meaningful, or nil.
  public static func sizeProblem(_ counts: [(name: String, count: Int)]) -> String? {
    var total = 1
    for (name, count) in counts {
      if count > maxAxisValues {
        return "param '\(name)' has \(count) grid values, more than the \(maxAxisValues) a grid may have: "
          + "use a larger step or list the values"
      }
      let (product, overflow) = total.multipliedReportingOverflow(by: count)
      if overflow || product > maxPoints {
        return "the grid has more than \(maxPoints) points (" + counts.map { "\($0.name): \($0.count)" }.joined(separator: " × ")
          + "), more than could ever be evaluated: use larger steps or fewer values"
      }
      total = product
    }
    return nil
  }

  /// A grid over `searchSpace` (each param with its list of values).
  public init(searchSpace: OrderedDictionary<String, [ParamValue]>, seed: UInt64 = 0) {
    var sorted = OrderedDictionary<String, [ParamValue]>()
    for k in searchSpace.keys.sorted() { sorted[k] = searchSpace[k] }
    self.searchSpace = sorted
    self.seed = seed
    names = Array(sorted.keys)
    // Saturates rather than traps; `sizeProblem` rejects such grids before they get here.
    gridCount = sorted.values.reduce(1) { total, values in
      let (product, overflow) = total.multipliedReportingOverflow(by: values.count)
      return overflow ? Int.max : product
    }
    if gridCount <= Self.shuffledOrderLimit {
      var perm = Array(0..<gridCount)
      var rng = SeededRNG(seed: seed, trialNumber: -1, purpose: "grid:permutation")
      perm.shuffle(using: &rng)
      permutation = perm
      scattered = nil
    } else {
      permutation = []
      scattered = ScatteredOrder(count: gridCount, seed: seed)
    }
    searchSpaceJSON = .object(OrderedDictionary(uniqueKeysWithValues: sorted.map { k, v in
      (k, JSONValue.array(v.map(\.json)))
    }))
  }

  /// The params of grid point `id`.
  public func point(_ id: Int) -> OrderedDictionary<String, ParamValue> {
    var out = OrderedDictionary<String, ParamValue>()
    var rest = id
    for name in names.reversed() {
      let values = searchSpace[name] ?? []
      out[name] = values[rest % values.count]
      rest /= values.count
    }
    var ordered = OrderedDictionary<String, ParamValue>()
    for name in names { ordered[name] = out[name] }
    return ordered
  }

  /// The grid id of some params, when every grid param is among them with a grid value.
  public func gridID(of params: OrderedDictionary<String, ParamValue>) -> Int? {
    var id = 0
    for name in names {
      guard let values = searchSpace[name], let v = params[name],
        let i = values.firstIndex(where: { Self.gridValueEqual($0, v) })
      else { return nil }
      id = id * values.count + i
    }
    return gridCount > 0 ? id : nil
  }

  /// Python's `==` on grid values (numbers by value), with NaN equal to NaN, as Optuna.
  static func gridValueEqual(_ a: ParamValue, _ b: ParamValue) -> Bool {
    if a.stringValue == nil, b.stringValue == nil, let x = a.doubleValue, let y = b.doubleValue {
      return x == y || (x.isNaN && y.isNaN)
    }
    return a == b
  }

  /// Whether a trial's `search_space` attr describes this grid.
  func isSameSearchSpace(_ json: JSONValue?) -> Bool {
    guard let obj = json?.objectValue, Set(obj.keys) == Set(names) else { return false }
    for (name, values) in searchSpace {
      guard let list = obj[name]?.arrayValue, list.count == values.count else { return false }
      for (j, v) in list.enumerated() {
        guard let p = ParamValue(json: v), Self.gridValueEqual(p, values[j]) else { return false }
      }
    }
    return true
  }

  /// The grid ids some trials hold: claimed ones, and for trials without a claim (enqueued by
  /// another tool), the grid point their params form.
  func takenIDs(_ trials: [FrozenTrial]) -> (taken: Set<Int>, pending: Int) {
    var taken = Set<Int>()
    var pending = 0
    for t in trials where t.state != .waiting {
      if let gid = t.systemAttrs["grid_id"]?.intValue {
        if isSameSearchSpace(t.systemAttrs["search_space"]) { taken.insert(gid) }
      } else if t.systemAttrs["fixed_params"] != nil {
        if let gid = gridID(of: t.fixedParams) { taken.insert(gid) }
      } else if t.state == .running {
        pending += 1  // just created elsewhere; about to claim a point
      }
    }
    return (taken, pending)
  }

  // MARK: Sampler

  public func beforeTrial(_ context: SamplingContext, trial: FrozenTrial) async throws {
    if trial.systemAttrs["grid_id"] != nil || gridCount == 0 { return }
    let storage = context.storage
    if trial.systemAttrs["fixed_params"] != nil {
      if let gid = gridID(of: trial.fixedParams) {
        try await storage.setTrialSystemAttr(trial: trial.id, key: "search_space", value: searchSpaceJSON)
        _ = try await storage.claimTrialSystemAttr(
          trial: trial.id, study: context.studyID, key: "grid_id", value: .int(gid))
      }
      return
    }
    let all = try await storage.trials(study: context.studyID, filter: .all)
    let taken = takenIDs(all.filter { $0.id != trial.id }).taken
    let order: AnySequence<Int>
    if let scattered {
      // A large grid: walk the scattered order from trial t's place, skipping taken ids. Among
      // taken.count + 1 consecutive places one is free, so the walk is short.
      let start = max(0, trial.number) % gridCount
      order = AnySequence((0..<gridCount).lazy.map { scattered.id(at: (start + $0) % self.gridCount) }
        .filter { !taken.contains($0) })
    } else {
      var first: [Int] = []
      if trial.number >= 0 && trial.number < gridCount && !taken.contains(permutation[trial.number]) {
        first.append(permutation[trial.number])
      }
      var free = (0..<gridCount).filter { !taken.contains($0) && $0 != first.first }
      var rng = SeededRNG(seed: seed, trialNumber: trial.number, purpose: "grid")
      free.shuffle(using: &rng)
      order = AnySequence(first + free)
    }
    var wroteSpace = false
    for gid in order {
      if !wroteSpace {
        try await storage.setTrialSystemAttr(trial: trial.id, key: "search_space", value: searchSpaceJSON)
        wroteSpace = true
      }
      if try await storage.claimTrialSystemAttr(
        trial: trial.id, study: context.studyID, key: "grid_id", value: .int(gid))
      {
        return
      }
    }
    // Every point is taken: this trial lost a race for the last ones. Fail it rather than
    // evaluate a point twice.
    try await storage.finishTrial(
      trial: trial.id, state: .fail, values: nil,
      reason: "grid exhausted: every grid point was claimed by another trial")
  }

  public mutating func sampleIndependent(
    _ context: SamplingContext, trial: FrozenTrial, name: String, distribution: Distribution
  ) -> ParamValue {
    if let gid = trial.systemAttrs["grid_id"]?.intValue, gid >= 0, gid < gridCount,
      searchSpace[name] != nil, isSameSearchSpace(trial.systemAttrs["search_space"]),
      let value = point(gid)[name]
    {
      if let x = distribution.toInternal(value) { return distribution.toExternal(x) }
      return value
    }
    // A param outside the grid, or a trial without a grid point: uniform, like RandomSampler.
    var rng = SeededRNG(seed: seed, trialNumber: trial.number, purpose: name)
    return sampleUniformly(distribution, rng: &rng)
  }

  /// True when every grid point is held by a trial (running or finished), counting trials just
  /// created by other workers that have not claimed their point yet.
  public func isExhausted(_ context: SamplingContext) -> Bool {
    let (taken, pending) = takenIDs(context.trials)
    return taken.count + pending >= gridCount
  }
}

extension SamplerKind {
  public static let grid = SamplerKind(
    name: "grid",
    optionsDoc: "`values: {param: [..]}`; without it, every choice, every int, every point of a stepped float (a float range without a step needs `values`); at most 100 000 values per param and 10¹² points",
    conformanceSampler: { seed, grid in GridSampler(searchSpace: grid, seed: seed) }
  ) { seed, options, space, spec in
    let explicit = options.raw("values")
    try options.finish()
    return GridSampler(
      searchSpace: try ComponentFactory.gridValues(space: space, explicit: explicit, spec: spec), seed: seed ?? 0)
  }
}

/// A seeded bijection of `0..<count` computed one place at a time: a four-round Feistel network on
/// the smallest even power of two that holds `count`, walking cycles until the result is below
/// `count`. It scatters a large grid's ids as a shuffle would, in constant memory.
struct ScatteredOrder: Sendable {
  let count: Int
  let halfBits: Int
  let keys: [UInt64]

  init(count: Int, seed: UInt64) {
    precondition(count > 0)
    self.count = count
    var bits = 1
    while (1 << bits) < count { bits += 1 }
    halfBits = (bits + 1) / 2
    var rng = SeededRNG(seed: seed, trialNumber: -1, purpose: "grid:scattered")
    keys = (0..<4).map { _ in rng.next() }
  }

  /// The id at place `index` (0 ≤ index < count).
  func id(at index: Int) -> Int {
    var x = UInt64(index)
    repeat { x = permute(x) } while x >= UInt64(count)
    return Int(x)
  }

  private func permute(_ x: UInt64) -> UInt64 {
    let mask: UInt64 = (1 << UInt64(halfBits)) - 1
    var left = (x >> UInt64(halfBits)) & mask
    var right = x & mask
    for key in keys {
      let mixed = Self.mix(right ^ key) & mask
      (left, right) = (right, left ^ mixed)
    }
    return (left << UInt64(halfBits)) | right
  }

  /// SplitMix64's finaliser: a well-mixed 64-bit hash.
  private static func mix(_ v: UInt64) -> UInt64 {
    var z = v &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
