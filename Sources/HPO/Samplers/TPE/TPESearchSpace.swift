import OrderedCollections

/// The joint search spaces multivariate TPE models, kept up to date incrementally: the
/// intersection of the distributions of every COMPLETE and PRUNED trial (Optuna
/// `IntersectionSearchSpace(include_pruned=True)`), and its decomposition into groups of params
/// that always occur together (Optuna `_GroupDecomposedSearchSpace`), for conditional spaces.
///
/// Finished trials never change, so each one is folded in once; the cache starts over when the
/// study changes or the sampler is shown fewer trials than before (a pruner's restricted view).
struct TPESearchSpace: Sendable {
  private var studyID: Int64 = -1
  /// The ids of the folded trials, by trial number (−1: none), and how many there are; an array
  /// by number instead of a set spares a hash per trial and call.
  private var folded: [Int64] = []
  private var foldedCount = 0
  /// `nil` until a trial has been folded in.
  private(set) var intersection: OrderedDictionary<String, Distribution>?
  private(set) var groups: [OrderedDictionary<String, Distribution>] = []

  mutating func update(_ context: SamplingContext) {
    if context.studyID != studyID { reset(context.studyID) }
    var seen = 0
    var fresh: [Int] = []
    for i in context.trials.indices {
      let state = context.trials[i].state
      guard state == .complete || state == .pruned else { continue }
      if isFolded(context.trials[i]) { seen += 1 } else { fresh.append(i) }
    }
    if seen != foldedCount {
      reset(context.studyID)
      fresh = context.trials.indices.filter {
        context.trials[$0].state == .complete || context.trials[$0].state == .pruned
      }
    }
    for i in fresh {
      let t = context.trials[i]
      markFolded(t)
      fold(t.distributions)
    }
  }

  private func isFolded(_ t: FrozenTrial) -> Bool {
    t.number >= 0 && t.number < folded.count && folded[t.number] == t.id
  }

  private mutating func markFolded(_ t: FrozenTrial) {
    guard t.number >= 0 else { return }
    if t.number >= folded.count {
      folded.append(contentsOf: repeatElement(-1, count: max(t.number + 1 - folded.count, folded.count)))
    }
    if folded[t.number] != t.id {
      folded[t.number] = t.id
      foldedCount += 1
    }
  }

  private mutating func reset(_ id: Int64) {
    studyID = id
    folded = []
    foldedCount = 0
    intersection = nil
    groups = []
  }

  private mutating func fold(_ distributions: OrderedDictionary<String, Distribution>) {
    if let current = intersection {
      intersection = current.filter { distributions[$0.key] == $0.value }
    } else {
      intersection = distributions
    }
    // Optuna's `_SearchSpaceGroup.add_distributions`: split every group by the new key set.
    var keys = Set(distributions.keys)
    var next: [OrderedDictionary<String, Distribution>] = []
    for g in groups {
      next.append(g.filter { keys.contains($0.key) })
      next.append(g.filter { !keys.contains($0.key) })
      for k in g.keys { keys.remove(k) }
    }
    next.append(distributions.filter { keys.contains($0.key) })
    groups = next.filter { !$0.isEmpty }
  }

  /// The params to model jointly, sorted by name, without single-valued ones.
  var relativeSpace: OrderedDictionary<String, Distribution> {
    Self.sortedNonSingle(intersection ?? [:])
  }

  /// Each group sorted by name, without single-valued params.
  var relativeGroups: [OrderedDictionary<String, Distribution>] {
    groups.map(Self.sortedNonSingle).filter { !$0.isEmpty }
  }

  static func sortedNonSingle(_ space: OrderedDictionary<String, Distribution>)
    -> OrderedDictionary<String, Distribution>
  {
    var out = OrderedDictionary<String, Distribution>()
    for name in space.keys.sorted() {
      if let d = space[name], !d.isSingle { out[name] = d }
    }
    return out
  }
}
