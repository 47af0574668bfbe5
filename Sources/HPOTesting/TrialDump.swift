import Foundation
import HPO
import OrderedCollections

/// A trial as `Tests/Interop/common.py` dumps it from Python Optuna, compared field by field
/// with what hpotop reads.
public enum TrialDump {
  /// Every field where `t` and the Python dump `py` disagree (empty when they agree), each
  /// message naming `label` and the trial number.
  public static func differences(_ t: FrozenTrial, _ py: JSONValue, _ label: String) -> [String] {
    let at = "\(label) trial #\(t.number)"
    var found: [String] = []
    func check(_ ok: Bool, _ what: @autoclosure () -> String) { if !ok { found.append("\(at): \(what())") } }
    check(py["trial_id"]?.intValue.map(Int64.init) == t.id, "trial_id")
    check(py["number"]?.intValue == t.number, "number")
    check(py["state"]?.stringValue == t.state.rawValue, "state")
    let pyValues = py["values"]?.arrayValue?.compactMap(\.doubleValue)
    check(sameNumbers(pyValues, t.values), "values \(String(describing: pyValues)) vs \(String(describing: t.values))")
    for (key, date) in [("datetime_start", t.datetimeStart), ("datetime_complete", t.datetimeComplete)] {
      let pyTime = py[key]?.doubleValue
      let ok: Bool = switch (pyTime, date) {
      case (nil, nil): true
      case (let a?, let b?): abs(a - b.timeIntervalSince1970) < 2e-5
      default: false
      }
      check(ok, "\(key) \(String(describing: pyTime)) vs \(String(describing: date?.timeIntervalSince1970))")
    }
    var pyParams = OrderedDictionary<String, ParamValue>()
    for (k, v) in py["params"]?.objectValue ?? [:] { pyParams[k] = ParamValue(json: v) }
    check(pyParams == t.params, "params \(pyParams) vs \(t.params)")
    let pyDists = py["distributions"]?.objectValue ?? [:]
    check(Array(pyDists.keys) == Array(t.distributions.keys), "distribution names")
    for (k, d) in t.distributions {
      check(pyDists[k] == d.json, "distribution_json of \(k): \(pyDists[k]?.pythonJSON ?? "none") vs \(d.jsonString)")
    }
    check(py["user_attrs"]?.objectValue ?? [:] == t.userAttrs, "user_attrs")
    check(py["system_attrs"]?.objectValue ?? [:] == t.systemAttrs, "system_attrs")
    let pyIV = (py["intermediate_values"]?.objectValue ?? [:]).map { (Int($0.key) ?? -1, $0.value.doubleValue ?? 0) }
    check(pyIV.map(\.0) == Array(t.intermediateValues.keys), "intermediate steps")
    check(sameNumbers(pyIV.map(\.1), Array(t.intermediateValues.values)), "intermediate values")
    return found
  }

  /// Whether two optional lists hold the same numbers, NaN equal to NaN.
  public static func sameNumbers(_ a: [Double]?, _ b: [Double]?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case (let a?, let b?): return a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    default: return false
    }
  }
}
