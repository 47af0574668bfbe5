import Foundation
import OrderedCollections

/// Objective names stored where Optuna's `Study.set_metric_names` keeps them: the study system
/// attr `study:metric_names`, a list of strings, one per direction.
public enum MetricNames {
  /// Optuna's key (not an `hpotop:` key: Python reads it as `study.metric_names`).
  public static let key = "study:metric_names"

  /// The names in study system attrs, nil when unset or not a list of strings.
  public static func read(_ systemAttrs: OrderedDictionary<String, JSONValue>) -> [String]? {
    guard let list = systemAttrs[key]?.arrayValue else { return nil }
    let names = list.compactMap(\.stringValue)
    return names.count == list.count ? names : nil
  }
}

extension Study {
  /// The study's metric names (`optuna.load_study(...).metric_names`), nil when unset.
  public func metricNames() async throws -> [String]? {
    MetricNames.read(try await storage.studySystemAttrs(study: id))
  }

  /// Stores metric names as Optuna does; one per objective. Writes nothing when they are stored already.
  public func setMetricNames(_ names: [String]) async throws {
    guard names.count == directions.count else {
      throw StorageError(.invalidValue, "\(names.count) metric names for \(directions.count) objectives")
    }
    guard try await metricNames() != names else { return }
    try await storage.setStudySystemAttr(study: id, key: MetricNames.key, value: .array(names.map { .string($0) }))
  }
}
