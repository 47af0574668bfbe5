import Foundation
import HPO
import HPOAnalysis
import OrderedCollections

/// What `hpotop best` adds to a single-objective study's best trial: the configurations that ran
/// more than once, ranked by mean ± sd over their seeds (`SeedGroups`), and the
/// return on search (`ReturnOnSearch`). The table format prints them below the trial; JSON and
/// YAML add the keys `configurations` and `return_on_search` to the trial's object.
struct BestExtras {
  var groups: SeedGroups
  var returnOnSearch: ReturnOnSearch?

  /// The most configurations listed.
  static let listed = 10

  init(_ trials: [FrozenTrial], direction: StudyDirection) {
    groups = SeedGroups(trials, direction: direction)
    returnOnSearch = ReturnOnSearch(trials, directions: [direction])
  }

  /// One row per configuration that ran more than once, best mean first (a single run's value
  /// says nothing about its seed-to-seed spread).
  var configurationRows: [OrderedDictionary<String, JSONValue>] {
    groups.groups.filter { $0.runs > 1 }.prefix(Self.listed).enumerated().map { k, g in
      [
        "rank": .int(k + 1), "mean": .double(g.mean), "sd": .double(g.sd ?? 0), "runs": .int(g.runs),
        "trials": .array(g.trialNumbers.map { .int($0) }),
        "params": .object(OrderedDictionary(uniqueKeysWithValues: g.params.map { ($0.key, $0.value.json) })),
      ]
    }
  }

  var returnOnSearchJSON: JSONValue? {
    guard let r = returnOnSearch else { return nil }
    return .object([
      "per_compute_hour": .double(r.perHour), "improvement": .double(r.improvement),
      "stretch_compute_hours": .double(r.stretchHours), "stretch_trials": .int(r.stretchTrials),
      "share_of_gain": r.share.map { .double($0) } ?? .null,
    ])
  }

  func render(_ records: Records, _ format: OutputFormat) -> String {
    switch format {
    case .json, .yaml:
      guard var row = records.rows.first else { return records.render(format, single: true) }
      var columns = records.columns
      if !configurationRows.isEmpty {
        row["configurations"] = .array(configurationRows.map { .object($0) })
        columns.append("configurations")
      }
      if let r = returnOnSearchJSON {
        row["return_on_search"] = r
        columns.append("return_on_search")
      }
      return Records(columns: columns, rows: [row]).render(format, single: true)
    case .table:
      var out = records.render(format, single: true)
      let rows = configurationRows
      if !rows.isEmpty {
        let seed = groups.seedParam.map { " (\($0) left out)" } ?? ""
        out += "\nConfigurations run more than once, by mean ± sd over their seeds\(seed):\n"
        out += Records(columns: ["rank", "mean", "sd", "runs", "trials", "params"], rows: rows).render(.table)
      }
      if let r = returnOnSearch { out += "\nReturn on search: " + r.summary(duration: formatHours) }
      return out
    case .csv, .value:
      return records.render(format, single: true)
    }
  }
}

/// `2h05m`, `12m`, `40s` for a span of compute time in seconds.
private func formatHours(_ s: Double) -> String {
  let t = Int(s.rounded())
  if t >= 3600 { return String(format: "%dh%02dm", t / 3600, (t % 3600) / 60) }
  if t >= 60 { return "\(t / 60)m" }
  return "\(t)s"
}
