import Foundation
import OrderedCollections

/// Builds the rows that `hpotop trials`, `best`, `studies` and `export` print, in the shape of
/// the `optuna` CLI and `Study.trials_dataframe()`.
public enum TrialRecords {
  /// `optuna trials` columns: number, value(s), datetime_start, datetime_complete, duration,
  /// params, user_attrs (only when some trial has them), state. `flatten` spreads dicts into
  /// `params_<name>` / `user_attrs_<key>` / `values_<i>` columns. `full` adds system attrs and
  /// intermediate values (hpotop's own, for lossless export). With the study's `metricNames`
  /// (`study:metric_names`), values are keyed by name as Optuna's CLI does: `{"val_loss": 0.1}`,
  /// flattened `value_val_loss` / `values_f1`.
  public static func trials(
    _ trials: [FrozenTrial], directions: [StudyDirection], flatten: Bool = false, full: Bool = false,
    metricNames: [String]? = nil, columnsFrom: [FrozenTrial]? = nil
  ) -> Records {
    let plan = TrialRowPlan(
      columnsFrom ?? trials, directions: directions, flatten: flatten, full: full, metricNames: metricNames)
    return Records(columns: plan.columns, rows: trials.map(plan.row))
  }

  /// `optuna studies` columns: name, direction, n_trials, datetime_start (+ user_attrs if any).
  /// `tupleDirections` writes the directions as Optuna's table and value forms show them, a
  /// Python tuple (`('MINIMIZE',)`); json and yaml keep a list. `flatten` spreads them into
  /// `direction_<i>` (a study with fewer objectives lacks the later keys).
  public static func studies(_ studies: [StudySummary], tupleDirections: Bool = false, flatten: Bool = false)
    -> Records
  {
    let most = studies.map(\.directions.count).max() ?? 1
    var columns = ["name"] + (flatten ? (0..<most).map { "direction_\($0)" } : ["direction"])
    columns += ["n_trials", "datetime_start"]
    if studies.contains(where: { !$0.userAttrs.isEmpty }) { columns.append("user_attrs") }
    let rows = studies.map { s -> OrderedDictionary<String, JSONValue> in
      var row: OrderedDictionary<String, JSONValue> = ["name": .string(s.name)]
      let names = s.directions.map(\.rawValue)
      if flatten {
        for (i, d) in names.enumerated() { row["direction_\(i)"] = .string(d) }
      } else if tupleDirections {
        let items = names.map { "'\($0)'" }
        row["direction"] = .string("(" + items.joined(separator: ", ") + (items.count == 1 ? ",)" : ")"))
      } else {
        row["direction"] = .array(names.map { .string($0) })
      }
      row["n_trials"] = .int(s.trialCount)
      row["datetime_start"] = s.datetimeStart.map { .string(formatDate($0)) } ?? .null
      row["user_attrs"] = .object(s.userAttrs)
      return row
    }
    return Records(columns: columns, rows: rows)
  }

  /// `%Y-%m-%d %H:%M:%S` in local time, as the `optuna` CLI prints datetimes.
  /// Seconds are truncated, as Python's `strftime` does (a formatter would round 59.9995 up).
  /// (Fields from the C library's `localtime_r`: a `DateFormatter` made per call was the
  /// largest cost of `trials -f json` on a big study.)
  public static func formatDate(_ d: Date) -> String {
    var t = time_t(d.timeIntervalSince1970.rounded(.down))
    var f = tm()
    localtime_r(&t, &f)
    var out = ""
    out.reserveCapacity(19)
    func put(_ v: Int32, _ width: Int) {
      let s = String(v)
      if s.utf8.count < width { out += String(repeating: "0", count: width - s.utf8.count) }
      out += s
    }
    put(f.tm_year + 1900, 4)
    out += "-"
    put(f.tm_mon + 1, 2)
    out += "-"
    put(f.tm_mday, 2)
    out += " "
    put(f.tm_hour, 2)
    out += ":"
    put(f.tm_min, 2)
    out += ":"
    put(f.tm_sec, 2)
    return out
  }

  /// Python's `str(timedelta)`: `0:00:01.234567`, or `0:00:01` for whole seconds.
  public static func formatDuration(_ seconds: TimeInterval) -> String {
    let micros = Int64((max(0, seconds) * 1_000_000).rounded())
    let days = micros / 86_400_000_000
    var rest = micros % 86_400_000_000
    let h = rest / 3_600_000_000; rest %= 3_600_000_000
    let m = rest / 60_000_000; rest %= 60_000_000
    let s = rest / 1_000_000
    let us = rest % 1_000_000
    func padded(_ v: Int64, _ width: Int) -> String {
      let digits = String(v)
      return digits.utf8.count >= width ? digits : String(repeating: "0", count: width - digits.utf8.count) + digits
    }
    var text = "\(h):\(padded(m, 2)):\(padded(s, 2))"
    if us != 0 { text += "." + padded(us, 6) }
    if days > 0 { text = "\(days) day\(days == 1 ? "" : "s"), " + text }
    return text
  }
}

/// The columns of `TrialRecords.trials` and how one trial becomes a row: the streaming
/// commands (`trials -f json`, `export -f csv`) build each row as they write it.
public struct TrialRowPlan: Sendable {
  public let columns: [String]
  let names: [String]?
  let multi: Bool
  let directionCount: Int
  let flatten: Bool
  let full: Bool
  let paramNames: [String]
  let userKeys: [String]
  let systemKeys: [String]

  /// The columns for `trials` (every param and attr key any of them has, in first-seen order).
  public init(
    _ trials: [FrozenTrial], directions: [StudyDirection], flatten: Bool = false, full: Bool = false,
    metricNames: [String]? = nil
  ) {
    let names = metricNames.flatMap { $0.count == directions.count ? $0 : nil }
    let multi = directions.count > 1
    var columns = ["number"]
    // Key order is first-seen; the sets make the scan linear in the trials.
    var paramNames: [String] = [], userKeys: [String] = [], systemKeys: [String] = []
    var seenParams = Set<String>(), seenUser = Set<String>(), seenSystem = Set<String>()
    for t in trials {
      for k in t.params.keys where !seenParams.contains(k) { seenParams.insert(k); paramNames.append(k) }
      for k in t.userAttrs.keys where !seenUser.contains(k) { seenUser.insert(k); userKeys.append(k) }
      for k in t.systemAttrs.keys where !seenSystem.contains(k) { seenSystem.insert(k); systemKeys.append(k) }
    }
    if let names {
      columns += flatten ? names.map { (multi ? "values_" : "value_") + $0 } : [multi ? "values" : "value"]
    } else if multi {
      columns += flatten ? directions.indices.map { "values_\($0)" } : ["values"]
    } else {
      columns.append("value")
    }
    columns += ["datetime_start", "datetime_complete", "duration"]
    if !paramNames.isEmpty { columns += flatten ? paramNames.map { "params_\($0)" } : ["params"] }
    if !userKeys.isEmpty { columns += flatten ? userKeys.map { "user_attrs_\($0)" } : ["user_attrs"] }
    if full {
      if !systemKeys.isEmpty { columns += flatten ? systemKeys.map { "system_attrs_\($0)" } : ["system_attrs"] }
      columns.append("intermediate_values")
    }
    columns.append("state")
    self.columns = columns
    self.names = names
    self.multi = multi
    self.directionCount = directions.count
    self.flatten = flatten
    self.full = full
    self.paramNames = paramNames
    self.userKeys = userKeys
    self.systemKeys = systemKeys
  }

  /// One trial's row.
  public func row(_ t: FrozenTrial) -> OrderedDictionary<String, JSONValue> {
    var row: OrderedDictionary<String, JSONValue> = ["number": .int(t.number)]
    if let names {
      let vs = names.indices.map { i in t.values.map { JSONValue.double($0[i]) } ?? .null }
      if flatten {
        for (n, v) in zip(names, vs) { row[(multi ? "values_" : "value_") + n] = v }
      } else {
        row[multi ? "values" : "value"] = .object(OrderedDictionary(zip(names, vs), uniquingKeysWith: { a, _ in a }))
      }
    } else if multi {
      if flatten {
        for i in 0..<directionCount { row["values_\(i)"] = t.values.map { .double($0[i]) } ?? .null }
      } else {
        row["values"] = t.values.map { .array($0.map { JSONValue.double($0) }) } ?? .null
      }
    } else {
      row["value"] = t.value.map { .double($0) } ?? .null
    }
    row["datetime_start"] = t.datetimeStart.map { .string(TrialRecords.formatDate($0)) } ?? .null
    row["datetime_complete"] = t.datetimeComplete.map { .string(TrialRecords.formatDate($0)) } ?? .null
    row["duration"] = t.duration.map { .string(TrialRecords.formatDuration($0)) } ?? .null
    if flatten {
      // A param or attr the trial lacks is left out, as in Optuna (json/yaml omit the key,
      // table and value leave the cell empty).
      for k in paramNames { if let v = t.params[k] { row["params_\(k)"] = v.json } }
      for k in userKeys { if let v = t.userAttrs[k] { row["user_attrs_\(k)"] = v } }
      if full { for k in systemKeys { row["system_attrs_\(k)"] = t.systemAttrs[k] ?? .null } }
    } else {
      row["params"] = .object(OrderedDictionary(uniqueKeysWithValues: t.params.map { ($0.key, $0.value.json) }))
      row["user_attrs"] = .object(t.userAttrs)
      if full { row["system_attrs"] = .object(t.systemAttrs) }
    }
    if full {
      row["intermediate_values"] = .object(OrderedDictionary(uniqueKeysWithValues:
        t.intermediateValues.map { (String($0.key), JSONValue.double($0.value)) }))
    }
    row["state"] = .string(t.state.rawValue)
    return row
  }
}
