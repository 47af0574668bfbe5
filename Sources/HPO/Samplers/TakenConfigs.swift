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
