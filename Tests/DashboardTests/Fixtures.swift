import Foundation
import HPO
import OrderedCollections
import Terminal

@testable import Dashboard

/// Deterministic studies and screen helpers for the dashboard tests.
enum Fixture {
  static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

  static let lr = Distribution.float(try! FloatDistribution(low: 1e-5, high: 1e-1, log: true))
  static let layers = Distribution.int(try! IntDistribution(low: 1, high: 8))
  static let optimizer = Distribution.categorical(try! CategoricalDistribution(choices: [.string("adam"), .string("sgd")]))
  static let momentum = Distribution.float(try! FloatDistribution(low: 0, high: 0.99))

  /// `n` trials: mostly COMPLETE, every 5th PRUNED, #7 FAIL, the last two RUNNING; sgd trials
  /// have a momentum (a conditional param). Values are `|log10(lr)+3| + layers/10`.
  static func trials(_ n: Int = 20, objectives: Int = 1) -> [FrozenTrial] {
    (0..<n).map { i in
      let lrv = pow(10, -5 + 4 * Double((i * 7) % 11) / 10)
      let layersv = 1 + (i * 3) % 8
      let opt = i % 3 == 0 ? "sgd" : "adam"
      var params: OrderedDictionary<String, ParamValue> = ["lr": .float(lrv), "layers": .int(layersv), "optimizer": .string(opt)]
      var dists: OrderedDictionary<String, Distribution> = ["lr": lr, "layers": layers, "optimizer": optimizer]
      if opt == "sgd" {
        params["momentum"] = .float(0.5)
        dists["momentum"] = momentum
      }
      let value = abs(log10(lrv) + 3) + Double(layersv) / 10
      let state: TrialState = i >= n - 2 ? .running : (i == 7 ? .fail : (i % 5 == 4 ? .pruned : .complete))
      var iv = OrderedDictionary<Int, Double>()
      for s in 0..<(state == .running ? 3 : 6) { iv[s] = value + 1 / Double(s + 1) }
      var values: [Double]?
      if state == .complete { values = objectives == 1 ? [value] : [value, Double(layersv) - value] }
      if state == .pruned { values = objectives == 1 ? [iv.values.last ?? value] : nil }
      var sys: OrderedDictionary<String, JSONValue> = [:]
      if state == .fail { sys["hpotop:fail_reason"] = .string("exit code 1") }
      if state == .pruned { sys["hpotop:prune_reason"] = .string("median pruner at step 5") }
      return FrozenTrial(
        id: Int64(i + 1), number: i, state: state, values: values,
        datetimeStart: t0.addingTimeInterval(Double(i * 10)),
        datetimeComplete: state == .running ? nil : t0.addingTimeInterval(Double(i * 10 + 8)),
        params: params, distributions: dists, userAttrs: i == 3 ? ["note": .string("hello")] : [:],
        systemAttrs: sys, intermediateValues: iv)
    }
  }

  static func snapshot(_ n: Int = 20, objectives: Int = 1, revision: Int = 1) -> StudySnapshot {
    StudySnapshot(
      studyID: 1, studyName: "fixture", directions: objectives == 1 ? [.minimize] : [.minimize, .maximize],
      trials: trials(n, objectives: objectives), takenAt: t0.addingTimeInterval(300), revision: revision)
  }

  static func state(_ n: Int = 20, objectives: Int = 1, width: Int = 80, height: Int = 24, theme: Theme = .builtinMono) -> AppState {
    let info = DashboardInfo(
      mode: .watch, storageURL: "sqlite:///tmp/fixture.db", samplerName: "tpe", prunerName: "median",
      nTrials: 40, startedAt: t0)
    var s = AppState(info: info, snapshot: snapshot(n, objectives: objectives), theme: theme, now: t0.addingTimeInterval(300), width: width, height: height)
    s.importance[.fanova] = nil
    return s
  }

  /// The rendered lines (trailing spaces trimmed).
  static func lines(_ state: AppState, width: Int? = nil, height: Int? = nil) -> [String] {
    let w = width ?? state.width, h = height ?? state.height
    var st = state
    st.width = w
    st.height = h
    return view(st, area: Rect(width: w, height: h)).lines().map { String($0.reversed().drop { $0 == " " }.reversed()) }
  }

  static func text(_ state: AppState, width: Int? = nil, height: Int? = nil) -> String {
    lines(state, width: width, height: height).joined(separator: "\n")
  }

  /// Sends keys through `update`.
  static func press(_ state: inout AppState, _ keys: [Key]) {
    for k in keys { _ = update(&state, .key(k)) }
  }

  static func type(_ state: inout AppState, _ text: String) {
    press(&state, text.map { Key.char($0) })
  }

  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
}
