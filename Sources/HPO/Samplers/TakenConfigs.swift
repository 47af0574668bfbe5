import OrderedCollections

/// The configurations a study's trials already have in one search space, for samplers that do not
/// propose a configuration twice (TPE and the GP in finite spaces, NSGA-II everywhere). Finished
/// trials are read once and kept; unfinished ones are read again on each update. Only trials whose
/// params are exactly the space's count: a trial with a further (conditional) param is another
/// configuration.
struct TakenConfigs<Key: Hashable & Sendable>: Sendable {
  private var readIDs = Set<Int64>()
  private var finished = Set<Key>()
  private var unfinished: [Key] = []

  init() {}

  /// Distinct configurations of finished trials, plus unfinished trials'.
  var count: Int { finished.count + unfinished.count }

  func contains(_ key: Key) -> Bool { finished.contains(key) || unfinished.contains(key) }

  /// Reads the trials at `indices` not read yet; `key` gives a trial's configuration, nil for
  /// none. O(n) set lookups per update once the finished trials are read.
  mutating func update(
    space: OrderedDictionary<String, Distribution>, trials: [FrozenTrial], indices: some Sequence<Int>,
    key: (FrozenTrial) -> Key?
  ) {
    unfinished.removeAll(keepingCapacity: true)
    for i in indices {
      let t = trials[i]
      let isFinished = t.state.isFinished
      if isFinished && !readIDs.insert(t.id).inserted { continue }
      if t.params.count > space.count || t.params.keys.contains(where: { space[$0] == nil }) { continue }
      guard let k = key(t) else { continue }
      if isFinished { finished.insert(k) } else { unfinished.append(k) }
    }
  }
}

extension TakenConfigs where Key == [Int] {
  /// A configuration's position on the grid of a finite space (choice indices, step counts from
  /// `low`), so values that differ by rounding alone are the same point; nil if a param is
  /// missing or a value lies far off the grid.
  static func gridPosition(
    in space: OrderedDictionary<String, Distribution>, _ value: (String) -> ParamValue?
  ) -> [Int]? {
    var key: [Int] = []
    key.reserveCapacity(space.count)
    for (name, distribution) in space {
      guard let v = value(name), let x = distribution.toInternal(v) else { return nil }
      let position: Double
      switch distribution {
      case .categorical: position = x
      case .int(let d): position = ((x - Double(d.low)) / Double(d.step)).rounded()
      case .float(let d): position = ((x - d.low) / (d.step ?? 1)).rounded()
      }
      guard position.isFinite, abs(position) < 0x1p52 else { return nil }
      key.append(Int(position))
    }
    return key
  }

  /// The number of points of a finite space.
  static func gridSize(_ space: OrderedDictionary<String, Distribution>) -> Double {
    space.values.reduce(1.0) { $0 * ($1.pointCount ?? .infinity) }
  }
}
