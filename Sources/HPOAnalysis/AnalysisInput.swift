import HPO
import OrderedCollections

/// The trials and directions an analysis or plot reads: an immutable view of one study.
public struct AnalysisInput: Sendable {
  /// All trials of the study, in trial-number order (any state).
  public var trials: [FrozenTrial]
  /// One direction per objective.
  public var directions: [StudyDirection]

  public init(trials: [FrozenTrial], directions: [StudyDirection]) {
    self.trials = trials
    self.directions = directions
  }

  /// COMPLETE trials that carry one value per objective.
  public var completeTrials: [FrozenTrial] {
    trials.filter { $0.state == .complete && ($0.values?.count ?? 0) == directions.count }
  }

  /// True when the study has more than one objective.
  public var isMultiObjective: Bool { directions.count > 1 }

  /// The intersection search space of the finished COMPLETE trials, sorted by param name
  /// (Optuna's `intersection_search_space`): a param is kept only if every complete trial has it
  /// with an equal distribution.
  public var intersectionSearchSpace: OrderedDictionary<String, Distribution> {
    Self.intersectionSearchSpace(of: trials)
  }

  /// The intersection search space of the COMPLETE trials among `trials`, sorted by name.
  public static func intersectionSearchSpace(
    of trials: [FrozenTrial]
  ) -> OrderedDictionary<String, Distribution> {
    var space: [String: Distribution]? = nil
    for t in trials where t.state == .complete {
      guard var current = space else {
        space = Dictionary(uniqueKeysWithValues: t.distributions.map { ($0.key, $0.value) })
        continue
      }
      for (name, d) in current where t.distributions[name] != d {
        current[name] = nil
      }
      space = current
    }
    var out = OrderedDictionary<String, Distribution>()
    for name in (space ?? [:]).keys.sorted() { out[name] = space?[name] }
    return out
  }

  /// Every param name that appears in any trial, sorted, with the distribution of its last
  /// appearance (for plots that show params absent from some trials).
  public var allParams: OrderedDictionary<String, Distribution> {
    var seen: [String: Distribution] = [:]
    for t in trials { for (k, d) in t.distributions { seen[k] = d } }
    var out = OrderedDictionary<String, Distribution>()
    for k in seen.keys.sorted() { out[k] = seen[k] }
    return out
  }
}
