import Foundation
import HPO
import HPOTesting
import OrderedCollections
import Testing

/// The learning-curve bench task is the same function in Swift (`LearningCurveTask`) and in
/// Python (`bench/optuna/learning_curve.py`): both are evaluated on fixed points and compared.
@Suite(.enabled(if: PythonOptuna.shouldRun))
struct LearningCurveParityTests {
  static let points: [OrderedDictionary<String, ParamValue>] = [
    ["lr": .float(0.00428659372856706), "batch_size": .int(64), "layers": .int(4), "dropout": .float(0.17887092709541325),
     "weight_decay": .float(0.0001)],
    ["lr": .float(1e-4), "batch_size": .int(16), "layers": .int(1), "dropout": .float(0.0), "weight_decay": .float(1e-6)],
    ["lr": .float(1.0), "batch_size": .int(256), "layers": .int(6), "dropout": .float(0.5), "weight_decay": .float(1e-2)],
    ["lr": .float(0.0731), "batch_size": .int(32), "layers": .int(3), "dropout": .float(0.321), "weight_decay": .float(3.3e-5)],
    ["lr": .float(0.00017), "batch_size": .int(128), "layers": .int(5), "dropout": .float(0.05), "weight_decay": .float(0.0021)],
  ]
  static let steps = [1, 2, 3, 9, 27, 80, 81]

  @Test func swiftAndPythonAgreeOnFixedPoints() throws {
    var queries: [JSONValue] = []
    for (i, p) in Self.points.enumerated() {
      let params = JSONValue.object(OrderedDictionary(uniqueKeysWithValues: p.map { ($0.key, $0.value.json) }))
      queries.append(.object(["params": params, "seed": .int(i * 7), "number": .int(i * 1000 + 3),
                              "t": .array(Self.steps.map { .int($0) })]))
    }
    let script = PythonPeer.packageRoot.appendingPathComponent("bench/optuna/learning_curve.py").path
    let out = try PythonPeer.run([script, "points"], stdin: JSONValue.array(queries).compactJSON)
    let rows = try #require(try JSONValue(parsing: out).arrayValue)
    #expect(rows.count == Self.points.count)
    for (i, row) in rows.enumerated() {
      let p = Self.points[i]
      let py = try #require(row["true"]?.doubleValue)
      #expect(py == LearningCurveTask.trueLoss(p), "point \(i): true \(py) vs \(LearningCurveTask.trueLoss(p))")
      let curve = try #require(row["curve"]?.arrayValue).compactMap(\.doubleValue)
      #expect(curve.count == Self.steps.count)
      for (t, v) in zip(Self.steps, curve) {
        let swift = LearningCurveTask.loss(p, seed: UInt64(i * 7), number: i * 1000 + 3, t: t)
        #expect(abs(v - swift) <= 1e-12 * max(1, abs(v)), "point \(i) step \(t): python \(v) vs swift \(swift)")
      }
    }
    // The builtin objective reports the same curve, and the optimum is the constant both use.
    let b = try #require(BuiltinObjective.named("learning_curve"))
    let opt = try #require(b.knownOptimum())
    #expect(abs(LearningCurveTask.trueLoss(opt.params) - LearningCurveTask.optimum) <= 1e-15)
    #expect(b.evaluate(Self.points[3], trialNumber: 3003).curve[80] == LearningCurveTask.loss(Self.points[3], seed: 0, number: 3003, t: 81))
  }
}
