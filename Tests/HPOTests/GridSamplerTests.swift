import HPO
import OrderedCollections
import Testing

@Suite struct GridSamplerTests {
  static let space: OrderedDictionary<String, [ParamValue]> = [
    "x": [.float(-1), .float(0), .float(1)],
    "opt": [.string("adam"), .string("sgd")],
    "n": [.int(1), .int(2), .int(4)],
  ]

  @Sendable static func objective(_ trial: inout Trial) async throws -> [Double] {
    let x = try await trial.suggestFloat("x", -1, 1)
    let opt = try await trial.suggestCategorical("opt", ["adam", "sgd"])
    let n = try await trial.suggestInt("n", 1, 4)
    await Task.yield()
    return [x * x + Double(n) + (opt == "sgd" ? 1 : 0)]
  }

  static func key(_ t: FrozenTrial) -> String { pythonDictRepr(t.params) }

  @Test func pointsAndIDsRoundTrip() {
    let grid = GridSampler(searchSpace: Self.space, seed: 3)
    #expect(grid.gridCount == 18)
    #expect(Array(grid.searchSpace.keys) == ["n", "opt", "x"])
    let ids = (0..<18).map { grid.gridID(of: grid.point($0)) }
    #expect(ids == (0..<18).map { Optional($0) })
    // itertools.product order over sorted names: the last name varies fastest.
    #expect(grid.point(1) == ["n": .int(1), "opt": .string("adam"), "x": .float(0)])
    #expect(grid.gridID(of: ["x": .int(1), "opt": .string("sgd"), "n": .float(4)]) == 17)
    #expect(grid.gridID(of: ["x": .float(0.5), "opt": .string("sgd"), "n": .int(4)]) == nil)
  }

  @Test func everyCombinationExactlyOnceThenStops() async throws {
    let grid = GridSampler(searchSpace: Self.space, seed: 7)
    let study = try await Study.create(name: "g", storage: InMemoryStorage(), sampler: grid)
    try await study.optimize(limits: OptimizeLimits(nTrials: 100), objective: Self.objective)
    let trials = try await study.trials()
    #expect(trials.count == 18)
    #expect(trials.allSatisfy { $0.state == .complete })
    #expect(Set(trials.map(Self.key)).count == 18)
    #expect(Set(trials.compactMap { $0.systemAttrs["grid_id"]?.intValue }) == Set(0..<18))
    for t in trials {
      let gid = try #require(t.systemAttrs["grid_id"]?.intValue)
      #expect(grid.gridID(of: t.params) == gid)
      #expect(t.systemAttrs["search_space"]?["opt"] == .array([.string("adam"), .string("sgd")]))
    }
    #expect(await study.sampler.isExhausted(SamplingContext(
      studyID: study.id, studyName: study.name, directions: study.directions, storage: study.storage,
      trials: trials)))
    // A second run on the finished study starts nothing.
    try await study.optimize(limits: OptimizeLimits(nTrials: 100), objective: Self.objective)
    #expect(try await study.trials().count == 18)
  }

  @Test func sameSeedSameOrder() async throws {
    var orders: [[String]] = []
    for _ in 0..<2 {
      let study = try await Study.create(
        name: "g", storage: InMemoryStorage(), sampler: GridSampler(searchSpace: Self.space, seed: 11))
      try await study.optimize(limits: OptimizeLimits(nTrials: 18), objective: Self.objective)
      orders.append(try await study.trials().map(Self.key))
    }
    #expect(orders[0] == orders[1])
    let other = try await Study.create(
      name: "g", storage: InMemoryStorage(), sampler: GridSampler(searchSpace: Self.space, seed: 12))
    try await other.optimize(limits: OptimizeLimits(nTrials: 18), objective: Self.objective)
    #expect(try await other.trials().map(Self.key) != orders[0])
  }

  @Test(arguments: [1, 2, 3])
  func twoStudiesSharingStorageNeverDuplicate(parallelism: Int) async throws {
    let storage = InMemoryStorage()
    let a = try await Study.create(
      name: "shared", storage: storage, sampler: GridSampler(searchSpace: Self.space, seed: 1))
    let b = try await Study.load(
      name: "shared", storage: storage, sampler: GridSampler(searchSpace: Self.space, seed: 2))
    async let runA: Void = a.optimize(limits: OptimizeLimits(parallelism: parallelism), objective: Self.objective)
    async let runB: Void = b.optimize(limits: OptimizeLimits(parallelism: parallelism), objective: Self.objective)
    _ = try await (runA, runB)
    let trials = try await a.trials()
    let complete = trials.filter { $0.state == .complete }
    #expect(complete.count == 18)
    #expect(Set(complete.map(Self.key)).count == 18)
    let gids = trials.compactMap { $0.systemAttrs["grid_id"]?.intValue }
    #expect(gids.count == Set(gids).count)
    let failed = trials.filter { $0.state == .fail }
    for t in failed {
      #expect(t.systemAttrs["grid_id"] == nil)
      #expect(t.systemAttrs["hpotop:fail_reason"]?.stringValue?.contains("grid exhausted") == true)
    }
    if !failed.isEmpty { print("grid race: \(failed.count) trial(s) lost the race for the last points") }
  }

  @Test func enqueuedGridPointCountsForIt() async throws {
    let grid = GridSampler(searchSpace: Self.space, seed: 5)
    let study = try await Study.create(name: "g", storage: InMemoryStorage(), sampler: grid)
    try await study.enqueue(params: ["x": .float(1), "opt": .string("sgd"), "n": .int(2)])
    try await study.optimize(limits: OptimizeLimits(nTrials: 100), objective: Self.objective)
    let trials = try await study.trials()
    #expect(trials.count == 18)
    #expect(Set(trials.map(Self.key)).count == 18)
    #expect(trials[0].params == ["x": .float(1), "opt": .string("sgd"), "n": .int(2)])
    #expect(trials[0].systemAttrs["grid_id"]?.intValue == grid.gridID(of: trials[0].params))
  }

  @Test func paramOutsideTheGridIsSampledUniformly() async throws {
    let grid = GridSampler(searchSpace: ["x": [.float(0), .float(1)]], seed: 0)
    let study = try await Study.create(name: "g", storage: InMemoryStorage(), sampler: grid)
    try await study.optimize(limits: OptimizeLimits(nTrials: 10)) { trial in
      let x = try await trial.suggestFloat("x", 0, 1)
      let extra = try await trial.suggestFloat("extra", 10, 20)
      return [x + extra]
    }
    let trials = try await study.trials()
    #expect(trials.count == 2)
    #expect(trials.allSatisfy { t in (t.params["extra"]?.doubleValue).map { $0 >= 10 && $0 <= 20 } ?? false })
    #expect(Set(trials.compactMap { $0.params["x"] }) == [.float(0), .float(1)])
  }
}
