import Foundation
import HPO

extension Array {
  /// Whether the array is in order by `less` (linear check).
  func isSorted(by less: (Element, Element) -> Bool) -> Bool {
    zip(self, dropFirst()).allSatisfy { !less($1, $0) }
  }
}

/// The trial table's columns: `number`, `state`, one per objective (`value0`…), `seeds` (the
/// configuration's mean ± sd over its seeds, once some configuration ran more than once),
/// `duration`, `start`, `curve` (live sparkline), then `param:<name>` per param.
public enum TrialColumns {
  /// Column ids in display order for a study.
  public static func ids(objectives: Int, params: [String], seeds: Bool = false) -> [String] {
    ["number", "state"] + (0..<max(1, objectives)).map { "value\($0)" } + (seeds ? ["seeds"] : [])
      + ["duration", "start", "curve"] + params.map { "param:" + $0 }
  }

  /// Ids that can be sorted by (all but the sparkline; the PBT member after the number, for PBT studies).
  public static func sortable(objectives: Int, params: [String], seeds: Bool = false, pbt: Bool = false) -> [String] {
    let ids = ids(objectives: objectives, params: params, seeds: seeds).filter { $0 != "curve" }
    return pbt ? [ids[0], "member"] + ids.dropFirst() : ids
  }

  /// A sort key: numbers sort numerically, text after numbers, missing values last.
  enum SortKey: Comparable {
    case number(Double)
    case text(String)
    case missing

    static func < (a: SortKey, b: SortKey) -> Bool {
      switch (a, b) {
      case (.number(let x), .number(let y)): return x < y
      case (.text(let x), .text(let y)): return x < y
      case (.number, _): return true
      case (.text, .missing): return true
      default: return false
      }
    }
  }

  static func key(_ t: FrozenTrial, column: String) -> SortKey {
    switch column {
    case "number": return .number(Double(t.number))
    case "state": return .text(t.state.rawValue)
    case "duration":
      return t.duration.map { .number($0) } ?? .missing
    case "start": return t.datetimeStart.map { .number($0.timeIntervalSince1970) } ?? .missing
    case "gpu": return t.hpotop.gpus.first.map { .number(Double($0)) } ?? .missing
    case "member": return t.hpotop.pbtSegment.map { .number(Double($0.member)) } ?? .missing
    default:
      if column.hasPrefix("value"), let i = Int(column.dropFirst(5)) {
        guard let vs = t.values, i < vs.count, !vs[i].isNaN else { return .missing }
        return .number(vs[i])
      }
      if column.hasPrefix("param:") {
        guard let p = t.params[String(column.dropFirst(6))] else { return .missing }
        if let s = p.stringValue { return .text(s) }
        if let d = p.doubleValue { return .number(d) }
        return .text(p.displayText)
      }
      return .missing
    }
  }

  /// Sorts trial indices by a column (ties by number); missing values always last. `seedMeans`:
  /// each trial's configuration mean, for the `seeds` column.
  static func sorted(_ idx: [Int], trials: [FrozenTrial], column: String, descending: Bool, seedMeans: [Int: Double] = [:]) -> [Int] {
    if column == "number" {
      // Snapshots keep trials by ascending number (`StudySnapshot.trials`, `TrialCache`): the
      // indices are already in order (no pass over a million trials to check it).
      return descending ? idx.reversed() : idx
    }
    let keys = idx.map { i in
      column == "seeds" ? seedMeans[trials[i].number].map { SortKey.number($0) } ?? .missing : key(trials[i], column: column)
    }
    var order = Array(idx.indices)
    order.sort { a, b in
      let ka = keys[a], kb = keys[b]
      if ka == kb { return trials[idx[a]].number < trials[idx[b]].number }
      if ka == .missing { return false }
      if kb == .missing { return true }
      return descending ? kb < ka : ka < kb
    }
    return order.map { idx[$0] }
  }

  /// The header title of a column.
  static func title(_ id: String, state: AppState) -> String {
    switch id {
    case "number": return "#"
    case "state": return "State"
    case "duration": return "Duration"
    case "start": return "Started"
    case "curve": return "Curve"
    case "gpu": return "GPU"
    case "seeds": return "Mean±sd"
    case "member": return "Member"
    default:
      if id.hasPrefix("value"), let i = Int(id.dropFirst(5)) { return state.metricName(i) }
      if id.hasPrefix("param:") { return String(id.dropFirst(6)) }
      return id
    }
  }
}
