import Foundation
import OrderedCollections

/// Copies studies from one storage to another (`hpotop migrate`): directions, study attrs and
/// every trial with all its fields (state, values, datetimes, params with distributions, user and
/// system attrs, intermediate values), keeping trial numbers. Trial ids are the target's own.
public enum StorageCopy {
  /// What one study's copy did.
  public struct Report: Sendable, Hashable {
    public var study: String
    public var sourceID: Int64
    public var targetID: Int64
    public var trials: Int
  }

  /// Copies the named studies (all when `names` is nil) in id order. A study whose name already
  /// exists in the target is an error (`StorageError.studyExists`), checked before anything is
  /// written. `progress` is called after each study.
  @discardableResult
  public static func copy(
    from source: any Storage, to target: any Storage, studies names: [String]? = nil,
    progress: (@Sendable (Report) -> Void)? = nil
  ) async throws -> [Report] {
    let all = try await source.studies()
    let chosen: [StudySummary]
    if let names {
      chosen = try names.map { name in
        guard let s = all.first(where: { $0.name == name }) else {
          throw StorageError(.studyNotFound, "No study named '\(name)' in \(source.displayURL).")
        }
        return s
      }
    } else {
      chosen = all
    }
    for s in chosen where try await target.studyID(named: s.name) != nil {
      throw StorageError(.studyExists,
        "Study '\(s.name)' already exists in \(target.displayURL); delete it there first.")
    }
    var reports: [Report] = []
    for s in chosen {
      let report = try await copyStudy(s, from: source, to: target)
      progress?(report)
      reports.append(report)
    }
    return reports
  }

  static func copyStudy(_ s: StudySummary, from source: any Storage, to target: any Storage)
    async throws -> Report
  {
    let directions = try await source.studyDirections(id: s.id)
    let newID = try await target.createStudy(name: s.name, directions: directions)
    for (k, v) in try await source.studyUserAttrs(study: s.id) {
      try await target.setStudyUserAttr(study: newID, key: k, value: v)
    }
    for (k, v) in try await source.studySystemAttrs(study: s.id) {
      try await target.setStudySystemAttr(study: newID, key: k, value: v)
    }
    let trials = try await source.trials(study: s.id, filter: .all)
    for t in trials {
      let copied = try await target.createTrial(study: newID, template: t)
      guard copied.number == t.number else {
        throw StorageError(.invalidValue,
          "study '\(s.name)': trial #\(t.number) became #\(copied.number) in \(target.displayURL) "
            + "(the source's numbers are not 0, 1, 2, … in id order)")
      }
    }
    return Report(study: s.name, sourceID: s.id, targetID: newID, trials: trials.count)
  }
}
