import Foundation
import HPO

/// The log lines Optuna prints when a trial ends, so tools that parse Optuna's output read
/// hpotop's too: `[I 2026-11-23 06:08:53,158] Trial 3 finished with value: …`.
enum TrialLogLine {
  static func message(for trial: FrozenTrial, best: [FrozenTrial], directions: [StudyDirection]) -> String {
    let params = pythonDictRepr(trial.params)
    switch trial.state {
    case .complete:
      if directions.count > 1 {
        let values = (trial.values ?? []).map { JSONValue.pythonFloat($0) }.joined(separator: ", ")
        return "Trial \(trial.number) finished with values: [\(values)] and parameters: \(params)."
      }
      var text = "Trial \(trial.number) finished with value: \(pythonValue(trial.value)) and parameters: \(params)."
      if let b = best.first {
        text += " Best is trial \(b.number) with value: \(pythonValue(b.value))."
      }
      return text
    case .pruned:
      return "Trial \(trial.number) pruned. " + (trial.hpotop.pruneReason ?? "")
    case .fail:
      let reason = trial.hpotop.failReason ?? "unknown error"
      return "Trial \(trial.number) failed with parameters: \(params) because of the following error: \(reason)"
    case .running, .waiting:
      return "Trial \(trial.number) is \(trial.state.rawValue)."
    }
  }

  /// The full line with Optuna's `[I yyyy-mm-dd hh:mm:ss,mmm]` prefix (`W` for failures).
  static func line(for trial: FrozenTrial, best: [FrozenTrial], directions: [StudyDirection], now: Date = Date())
    -> String
  {
    let level = trial.state == .fail ? "W" : "I"
    // Param names, values and fail reasons come from files and programs: shown, never obeyed.
    return PrintableText.escaped("[\(level) \(timestamp(now))] " + message(for: trial, best: best, directions: directions))
  }

  /// `yyyy-MM-dd HH:mm:ss,SSS` in local time, as Python's logging prints it.
  static func timestamp(_ d: Date = Date()) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.dateFormat = "yyyy-MM-dd HH:mm:ss,SSS"
    return f.string(from: d)
  }

  private static func pythonValue(_ v: Double?) -> String {
    guard let v else { return "None" }
    return ParamValue.float(v).pythonRepr
  }
}
