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
/// Grid ids are hpotop's own: Optuna numbers its shuffled grid, so a Python `GridSampler`
/// and hpotop sharing one study would not agree on what an id means.
public struct GridSampler: Sampler {
  /// The grid, params sorted by name.
  public let searchSpace: OrderedDictionary<String, [ParamValue]>
  public let seed: UInt64
  /// The number of grid points.
  public let gridCount: Int
  public var name: String { "grid" }

  private let names: [String]
  private let permutation: [Int]
  private let searchSpaceJSON: JSONValue

  /// A grid over `searchSpace` (each param with its list of values).
  public init(searchSpace: OrderedDictionary<String, [ParamValue]>, seed: UInt64 = 0) {
    var sorted = OrderedDictionary<String, [ParamValue]>()
    for k in searchSpace.keys.sorted() { sorted[k] = searchSpace[k] }
    self.searchSpace = sorted
    self.seed = seed
    names = Array(sorted.keys)
    gridCount = sorted.values.reduce(1) { $0 * $1.count }
    var perm = Array(0..<gridCount)
    var rng = SeededRNG(seed: seed, trialNumber: -1, purpose: "grid:permutation")
    perm.shuffle(using: &rng)
    permutation = perm
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
    var order: [Int] = []
    if trial.number >= 0 && trial.number < gridCount && !taken.contains(permutation[trial.number]) {
      order.append(permutation[trial.number])
    }
    var free = (0..<gridCount).filter { !taken.contains($0) && $0 != order.first }
    var rng = SeededRNG(seed: seed, trialNumber: trial.number, purpose: "grid")
    free.shuffle(using: &rng)
    order += free
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
    optionsDoc: "`values: {param: [..]}`; without it, every choice, every int, every point of a stepped float (a float range without a step needs `values`)",
    conformanceSampler: { seed, grid in GridSampler(searchSpace: grid, seed: seed) }
  ) { seed, options, space, spec in
    let explicit = options.raw("values")
    try options.finish()
    return GridSampler(
      searchSpace: try ComponentFactory.gridValues(space: space, explicit: explicit, spec: spec), seed: seed ?? 0)
  }
}
