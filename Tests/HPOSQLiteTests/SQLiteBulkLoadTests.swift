import Foundation
import HPO
import HPOSQLite
import HPOTesting
import OrderedCollections
import Testing

/// The bulk loader that reads a big study page by page (issue 25): a page of consecutive ids
/// reads as an id range, and trials of the same params or steps share storage; neither may
/// change what a trial reads back as.
@Suite struct SQLiteBulkLoadTests {
  /// Trials of two shapes of params (the second has `momentum`), steps 0..<n of several n and
  /// one with steps that do not start at 0, in two studies whose trials interleave.
  func makeStudies() async throws -> (SQLiteStorage, Int64, Int64, TempDir) {
    let dir = try TempDir()
    let s = try SQLiteStorage(path: dir.file("bulk.db"))
    let a = try await s.createStudy(name: "a", directions: [.minimize])
    let b = try await s.createStudy(name: "b", directions: [.minimize])
    let lr = Distribution.float(try FloatDistribution(low: 1e-5, high: 1e-1, log: true))
    let momentum = Distribution.float(try FloatDistribution(low: 0, high: 1))
    let opt = Distribution.categorical(try CategoricalDistribution(choices: [.string("adam"), .string("sgd")]))
    for i in 0..<30 {
      var params: OrderedDictionary<String, ParamValue> = ["lr": .float(1e-4 * Double(i + 1)), "opt": .string(i % 3 == 0 ? "sgd" : "adam")]
      var dists: OrderedDictionary<String, Distribution> = ["lr": lr, "opt": opt]
      if i % 3 == 0 {
        params["momentum"] = .float(Double(i) / 30)
        dists["momentum"] = momentum
      }
      var steps = OrderedDictionary<Int, Double>()
      if i == 11 {
        steps = [2: 0.5, 5: 0.25]
      } else {
        for k in 0..<(i % 4 + 1) { steps[k] = Double(i) + 1 / Double(k + 1) }
      }
      let t = FrozenTrial(
        id: 0, number: 0, state: .complete, values: [Double(i)], params: params, distributions: dists,
        intermediateValues: steps)
      _ = try await s.createTrial(study: a, template: t)
      // Every fourth trial of `a` is followed by one of `b`: `a`'s ids are not one range.
      if i % 4 == 0 { _ = try await s.createTrial(study: b, template: t) }
    }
    return (s, a, b, dir)
  }

  @Test func aPageOfConsecutiveIdsReadsAsWholeTrials() async throws {
    let (s, a, _, dir) = try await makeStudies()
    defer { withExtendedLifetime(dir) {} }
    let all = try await s.trials(study: a, filter: .all)
    #expect(all.count == 30)
    // Consecutive ids (between two trials of `b`), any ids, and the study's every trial.
    let consecutive = Set(all[1..<4].map(\.id))
    #expect(consecutive.max()! - consecutive.min()! == 2)
    let scattered = Set(all.map(\.id).filter { $0 % 2 == 0 })
    for ids in [consecutive, scattered, Set(all.map(\.id))] {
      let page = try await s.trials(study: a, filter: TrialFilter(ids: ids))
      #expect(page == all.filter { ids.contains($0.id) })
    }
    // Each trial reads back as a load of it alone does (no shared storage leaks between trials).
    for t in all { #expect(try await s.trial(id: t.id) == t) }
    #expect(all[11].intermediateValues == [2: 0.5, 5: 0.25])
    #expect(all[3].params.keys.elementsEqual(["lr", "opt", "momentum"]) && all[4].params.keys.elementsEqual(["lr", "opt"]))
    #expect(all[5].intermediateValues.keys.elementsEqual(0..<2) && all[6].intermediateValues.keys.elementsEqual(0..<3))
    #expect(all[9].params["momentum"] == .float(0.3) && all[10].params["lr"] == .float(1e-4 * 11))
  }
}
