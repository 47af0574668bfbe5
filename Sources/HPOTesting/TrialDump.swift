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

  /// Every difference between a study in `storage` and Python's dump of it
  /// (`common.py`'s `dump_study`): directions, user and system attrs, each trial, the best trial
  /// and the Pareto front. Also returns the study's trials, for further checks.
  public static func studyDifferences(_ storage: any Storage, _ py: JSONValue) async throws
    -> (differences: [String], trials: [FrozenTrial])
  {
    let name = py["name"]?.stringValue ?? "?"
    guard let id = try await storage.studyID(named: name) else { return (["no study named \(name)"], []) }
    var found: [String] = []
    func check(_ ok: Bool, _ what: @autoclosure () -> String) { if !ok { found.append("study \(name): \(what())") } }
    let directions = try await storage.studyDirections(id: id).map(\.rawValue)
    check(directions == py["directions"]?.arrayValue?.compactMap(\.stringValue), "directions \(directions)")
    check(try await storage.studyUserAttrs(study: id) == py["user_attrs"]?.objectValue ?? [:], "user_attrs")
    check(try await storage.studySystemAttrs(study: id) == py["system_attrs"]?.objectValue ?? [:], "system_attrs")
    let trials = try await storage.trials(study: id, filter: .all)
    let pyTrials = py["trials"]?.arrayValue ?? []
    check(trials.count == pyTrials.count, "\(trials.count) trials, Python has \(pyTrials.count)")
    for (t, p) in zip(trials, pyTrials) { found += differences(t, p, name) }
    let study = try await Study.load(name: name, storage: storage)
    if let pyBest = py["best_trial"]?["number"]?.intValue {
      let best = try await study.bestTrial()
      check(best?.number == pyBest, "best trial \(String(describing: best?.number)), Python's \(pyBest)")
      check(best?.value == py["best_trial"]?["value"]?.doubleValue, "best value")
    }
    let front = try await study.bestTrials().map(\.number).sorted()
    check(front == py["best_trials"]?.arrayValue?.compactMap(\.intValue) ?? [], "best trials \(front)")
    return (found, trials)
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
