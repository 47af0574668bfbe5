import Foundation
import HPO

extension Array {
  /// Whether the array is in order by `less` (linear check).
  func isSorted(by less: (Element, Element) -> Bool) -> Bool {
    zip(self, dropFirst()).allSatisfy { !less($1, $0) }
  }
}

/// The trial table's columns: `number`, `state`, one per objective (`value0`…), `duration`,
/// `start`, `curve` (live sparkline), then `param:<name>` per param.
public enum TrialColumns {
  /// Column ids in display order for a study.
  public static func ids(objectives: Int, params: [String]) -> [String] {
    ["number", "state"] + (0..<max(1, objectives)).map { "value\($0)" } + ["duration", "start", "curve"]
      + params.map { "param:" + $0 }
  }

  /// Ids that can be sorted by (all but the sparkline).
  public static func sortable(objectives: Int, params: [String]) -> [String] {
    ids(objectives: objectives, params: params).filter { $0 != "curve" }
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

  /// Sorts trial indices by a column (ties by number); missing values always last.
  static func sorted(_ idx: [Int], trials: [FrozenTrial], column: String, descending: Bool) -> [Int] {
    if column == "number" {
      // Snapshots keep trials by ascending number (`StudySnapshot.trials`, `TrialCache`): the
      // indices are already in order (no pass over a million trials to check it).
      return descending ? idx.reversed() : idx
    }
    let keys = idx.map { key(trials[$0], column: column) }
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
    default:
      if id.hasPrefix("value"), let i = Int(id.dropFirst(5)) { return state.metricName(i) }
      if id.hasPrefix("param:") { return String(id.dropFirst(6)) }
      return id
    }
  }
}
