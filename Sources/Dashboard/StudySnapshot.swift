import Foundation
import HPO
import HPOAnalysis
import OrderedCollections

/// An immutable view of one study at one moment: what every pane draws from.
public struct StudySnapshot: Sendable {
  public var studyID: Int64
  public var studyName: String
  public var directions: [StudyDirection]
  /// Trials by ascending number.
  public let trials: [FrozenTrial]
  /// Trials per state (computed once, off the UI thread, when the poller builds the snapshot).
  public let counts: [TrialState: Int]
  /// The best trial (single objective) or the Pareto front (several), among COMPLETE trials.
  public let bestTrials: [FrozenTrial]
  public var systemAttrs: OrderedDictionary<String, JSONValue>
  public var userAttrs: OrderedDictionary<String, JSONValue>
  /// Every param name seen, in first-seen order, with its (first) distribution.
  public var distributions: OrderedDictionary<String, Distribution>
  /// When the snapshot was taken.
  public var takenAt: Date
  /// Increases whenever trials or attrs change (views cache derived data by it).
  public var revision: Int
  /// This machine's GPUs as `nvidia-smi` read them at the poll (empty without `nvidia-smi`).
  public var gpuReadings: [GPUReading] = []
  /// While a big study still loads (newest trials first): how far. `trials`, `counts`,
  /// `bestTrials` and `distributions` then cover the loaded trials only, and views mark them so.
  public var loading: LoadProgress?

  /// Whether `trials` (and what is computed from them) covers only part of the study.
  public var isPartial: Bool { loading != nil }
  /// The header's advice and the table's seed groups, computed where the snapshot was built
  /// (the poller, off the UI thread). Nil for a partial snapshot (neither is shown for part of a
  /// study) and for one made elsewhere (views then compute them, once per revision).
  public var analysis: SnapshotAnalysis?

  public init(
    studyID: Int64, studyName: String, directions: [StudyDirection], trials: [FrozenTrial],
    systemAttrs: OrderedDictionary<String, JSONValue> = [:],
    userAttrs: OrderedDictionary<String, JSONValue> = [:], takenAt: Date = Date(), revision: Int = 1,
    distributions known: OrderedDictionary<String, Distribution>? = nil
  ) {
    self.studyID = studyID
    self.studyName = studyName
    self.directions = directions
    self.trials = trials
    self.systemAttrs = systemAttrs
    self.userAttrs = userAttrs
    self.takenAt = takenAt
    self.revision = revision
    if let known {
      distributions = known
    } else {
      var d = OrderedDictionary<String, Distribution>()
      for t in trials { for (k, v) in t.distributions where d[k] == nil { d[k] = v } }
      distributions = d
    }
    counts = Self.count(trials)
    bestTrials = Self.best(trials, directions: directions)
  }

  /// An empty snapshot (before the first poll).
  public static func empty(
    studyID: Int64 = 0, name: String = "", directions: [StudyDirection] = [.minimize]
  ) -> StudySnapshot {
    StudySnapshot(studyID: studyID, studyName: name, directions: directions, trials: [], revision: 0)
  }

  /// Whether the study is paused (`HpotopAttrs.isPaused`).
  public var isPaused: Bool { systemAttrs.hpotop.isPaused }

  /// The study's fixed params as stored (`HpotopAttrs.fixedParamsJSON`).
  public var fixedParams: OrderedDictionary<String, JSONValue> { systemAttrs.hpotop.fixedParamsJSON }

  // The scans below read fields by index: a `for t in trials` loop copies each trial (a dozen
  // retains and releases), which at a million trials cost more than the counting.
  static func count(_ trials: [FrozenTrial]) -> [TrialState: Int] {
    var byState = [Int](repeating: 0, count: TrialState.byOrdinal.count)
    for i in trials.indices { byState[trials[i].state.ordinal] += 1 }
    var c: [TrialState: Int] = [:]
    for (k, st) in TrialState.byOrdinal.enumerated() where byState[k] > 0 { c[st] = byState[k] }
    return c
  }

  public var isMultiObjective: Bool { directions.count > 1 }

  static func best(_ trials: [FrozenTrial], directions: [StudyDirection]) -> [FrozenTrial] {
    if directions.count == 1, let d = directions.first {
      var best: Int?
      var bestValue = 0.0
      for i in trials.indices where trials[i].state == .complete {
        guard let v = trials[i].values?.first, !v.isNaN else { continue }
        if best != nil, !d.isBetter(v, than: bestValue) { continue }
        best = i
        bestValue = v
      }
      return best.map { [trials[$0]] } ?? []
    }
    let complete = trials.filter { $0.state == .complete && ($0.values?.count ?? 0) == directions.count }
    let idx = ParetoFront.indices(of: complete.compactMap(\.values), directions: directions)
    return idx.map { complete[$0] }
  }

  /// The trial with this number.
  public func trial(number: Int) -> FrozenTrial? {
    if number >= 0, number < trials.count, trials[number].number == number { return trials[number] }
    return trials.first { $0.number == number }
  }
}

/// What views derive from all of a study's trials in a pass over them (tenths of a second at
/// a million trials): the range advisor's hint, the return on search and the seed groups.
public struct SnapshotAnalysis: Sendable {
  /// The range advisor's first hint over the snapshot's distributions (`RangeAdvice`).
  public var advice: RangeAdvice?
  public var returnOnSearch: ReturnOnSearch?
  /// Configurations that ran more than once (`SeedGroups.ofRepeats`).
  public var seedGroups: SeedGroups

  /// The analysis of a snapshot's trials (advice over the snapshot's distributions).
  public init(_ snap: StudySnapshot) {
    (advice, returnOnSearch) = Self.advice(snap, distributions: snap.distributions)
    seedGroups = .ofRepeats(snap)
  }

  /// The range advisor's first hint over `distributions`, and the return on search.
  static func advice(
    _ snap: StudySnapshot, distributions: OrderedDictionary<String, Distribution>
  ) -> (RangeAdvice?, ReturnOnSearch?) {
    (RangeAdvice.advise(trials: snap.trials, directions: snap.directions, distributions: distributions).first,
     ReturnOnSearch(snap.trials, directions: snap.directions))
  }
}

extension SeedGroups {
  /// The snapshot's configurations that ran more than once; empty for several objectives.
  static func ofRepeats(_ snap: StudySnapshot) -> SeedGroups {
    SeedGroups(snap.directions.count == 1 ? snap.trials : [], direction: snap.directions.first ?? .minimize, repeatedOnly: true)
  }
}

/// How much of a study a partial snapshot holds.
public struct LoadProgress: Sendable, Equatable {
  /// Trials loaded so far (the newest ones).
  public var loaded: Int
  /// The study's trials in all (loaded and not yet loaded).
  public var total: Int

  public init(loaded: Int, total: Int) {
    self.loaded = loaded
    self.total = total
  }

  /// Whole percent loaded, never 100 while something is left.
  public var percent: Int { total == 0 ? 100 : min(99, loaded * 100 / total) }
}

extension TrialState {
  /// Every state, in `ordinal` order.
  static let byOrdinal: [TrialState] = [.running, .complete, .pruned, .fail, .waiting]

  /// The state's place in `byOrdinal` (for counting into an array).
  var ordinal: Int {
    switch self {
    case .running: 0
    case .complete: 1
    case .pruned: 2
    case .fail: 3
    case .waiting: 4
    }
  }
}
