import Foundation
import HPO
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

  public init(
    studyID: Int64, studyName: String, directions: [StudyDirection], trials: [FrozenTrial],
    systemAttrs: OrderedDictionary<String, JSONValue> = [:],
    userAttrs: OrderedDictionary<String, JSONValue> = [:], takenAt: Date = Date(), revision: Int = 1
  ) {
    self.studyID = studyID
    self.studyName = studyName
    self.directions = directions
    self.trials = trials
    self.systemAttrs = systemAttrs
    self.userAttrs = userAttrs
    self.takenAt = takenAt
    self.revision = revision
    var d = OrderedDictionary<String, Distribution>()
    for t in trials { for (k, v) in t.distributions where d[k] == nil { d[k] = v } }
    distributions = d
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

  static func count(_ trials: [FrozenTrial]) -> [TrialState: Int] {
    var c: [TrialState: Int] = [:]
    for t in trials { c[t.state, default: 0] += 1 }
    return c
  }

  public var isMultiObjective: Bool { directions.count > 1 }

  static func best(_ trials: [FrozenTrial], directions: [StudyDirection]) -> [FrozenTrial] {
    if directions.count == 1, let d = directions.first {
      var best: FrozenTrial?
      for t in trials where t.state == .complete {
        guard let v = t.values?.first, !v.isNaN else { continue }
        if let b = best?.values?.first, !d.isBetter(v, than: b) { continue }
        best = t
      }
      return best.map { [$0] } ?? []
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
