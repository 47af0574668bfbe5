import Foundation
import HPO
import HPOSQLite
import Testing

/// The example study files in demos/ run as a new user would run them.
@Suite(.serialized) struct DemoTests {
  static let demos = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("demos").path

  /// Copies a demo folder to a temporary directory and runs its study there.
  func runDemo(_ folder: String, nTrials: Int) async throws -> (FrozenTrial?, [FrozenTrial]) {
    let dir = try Binary.temporaryDirectory("demo")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for file in try FileManager.default.contentsOfDirectory(atPath: Self.demos + "/" + folder) {
      try FileManager.default.copyItem(atPath: "\(Self.demos)/\(folder)/\(file)", toPath: "\(dir)/\(file)")
    }
    let r = try await Binary.run(["run", "study.yaml", "--no-tui", "--n-trials", String(nTrials)], in: dir)
    #expect(r.status == 0, "\(r.stderr.suffix(600))")
    let spec = try StudySpec.load(path: dir + "/study.yaml")
    let study = try await Study.load(name: spec.name, storage: try SQLiteStorage(path: dir + "/\(spec.name).db"))
    return (try await study.bestTrial(), try await study.trials())
  }

  @Test func shellScriptObjective() async throws {
    let (best, trials) = try await runDemo("shell", nTrials: 12)
    #expect(trials.count == 12)
    #expect(trials.allSatisfy { $0.state == .complete || $0.state == .pruned })
    #expect(trials.contains { $0.intermediateValues.count == 20 })
    #expect((best?.value ?? .infinity) < 10)
  }

  @Test func pythonTrainingScriptReportsLearningCurves() async throws {
    let (best, trials) = try await runDemo("python-train", nTrials: 2)
    #expect(trials.count == 2)
    let complete = trials.filter { $0.state == .complete }
    #expect(!complete.isEmpty, "\(trials.map { $0.systemAttrs["hpotop:fail_reason"] ?? .null })")
    #expect(complete.allSatisfy { $0.intermediateValues.count == 30 && $0.userAttrs["val_accuracy"] != nil })
    // A real learning curve: the network ends better than it started.
    let curve = try #require(complete.first).intermediateValues
    #expect((curve[30] ?? .infinity) < (curve[1] ?? 0))
    #expect(best != nil)
  }
}
