import Foundation
import HPO
import OrderedCollections
import Testing

/// The curve stop (docs/bohb.md §12): a trial whose extrapolated curve, plus the most favourable
/// error the same extrapolation made on the study's finished curves, is still worse than the best
/// value at the largest step stops; one that may still win goes on.
@Suite struct CurveStopTests {
  /// A trial reporting `floor + (2.3 − floor)·exp(−t/τ) + wiggle` at steps 1…`k`.
  static func trial(_ n: Int, floor: Double, tau: Double, upTo k: Int, state: TrialState = .complete) -> FrozenTrial {
    var ivs: OrderedDictionary<Int, Double> = [:]
    for t in 1...k { ivs[t] = floor + (2.3 - floor) * Foundation.exp(-Double(t) / tau) + (t % 2 == 0 ? 0.005 : -0.005) }
    return FrozenTrial(id: Int64(n + 1), number: n, state: state, values: state == .complete ? [ivs[k]!] : nil,
                       intermediateValues: ivs)
  }

  /// Six finished trials to step 81, the best ending near 0.2.
  static let history = [(0.2, 8.0), (0.3, 5.0), (0.35, 10.0), (0.5, 4.0), (0.6, 6.0), (0.45, 12.0)]
    .enumerated().map { trial($0.offset, floor: $0.element.0, tau: $0.element.1, upTo: 81) }

  @Test func checkpointsGrowBySquareRootOfTwo() {
    let stop = CurveStop()
    #expect((1...30).filter(stop.isCheckpoint) == [5, 8, 12, 17, 25])
  }

  @Test func stopsAHopelessCurveAndKeepsOneThatMayWin() {
    let stop = CurveStop()
    // Heading for 0.9 at step 81, far above the incumbent's 0.2: stopped at its 8th report.
    let hopeless = Self.trial(10, floor: 0.9, tau: 3, upTo: 8, state: .running)
    #expect(stop.shouldStop(hopeless, others: Self.history, direction: .minimize))
    // Heading for 0.1: goes on. So does a curve still near its start (a slow starter).
    let good = Self.trial(11, floor: 0.1, tau: 6, upTo: 8, state: .running)
    #expect(!stop.shouldStop(good, others: Self.history, direction: .minimize))
    // Between checkpoints nothing is decided, even for the hopeless curve.
    let between = Self.trial(12, floor: 0.9, tau: 3, upTo: 9, state: .running)
    #expect(!stop.shouldStop(between, others: Self.history, direction: .minimize))
    // Fewer finished curves than `minCalibration`: nothing stops.
    #expect(!stop.shouldStop(hopeless, others: Array(Self.history.prefix(4)), direction: .minimize))
  }

  @Test func theMarginIsTheMostFavourableErrorSeen() {
    // One finished trial whose early curve promised 0.95 but that ended at 0.15 (a late drop):
    // with it among the calibration trials, a curve heading for 0.9 may still win, so it goes on.
    var late = Self.trial(6, floor: 0.95, tau: 3, upTo: 81)
    for t in 30...81 { late.intermediateValues[t] = 0.15 }
    let hopeless = Self.trial(10, floor: 0.9, tau: 3, upTo: 8, state: .running)
    #expect(CurveStop().shouldStop(hopeless, others: Self.history, direction: .minimize))
    #expect(!CurveStop().shouldStop(hopeless, others: Self.history + [late], direction: .minimize))
  }

  @Test func maximizeMirrorsMinimize() {
    func negated(_ t: FrozenTrial) -> FrozenTrial {
      var t = t
      t.intermediateValues = t.intermediateValues.mapValues { -$0 }
      t.values = t.values?.map { -$0 }
      return t
    }
    let others = Self.history.map(negated)
    #expect(CurveStop().shouldStop(negated(Self.trial(10, floor: 0.9, tau: 3, upTo: 8, state: .running)),
                                   others: others, direction: .maximize))
    #expect(!CurveStop().shouldStop(negated(Self.trial(11, floor: 0.1, tau: 6, upTo: 8, state: .running)),
                                    others: others, direction: .maximize))
  }

  @Test func hyperbandStopsInAnyBracketWithCurveStop() async throws {
    let storage = InMemoryStorage()
    let sid = try await storage.createStudy(name: "cs", directions: [.minimize])
    for t in Self.history { _ = try await storage.createTrial(study: sid, template: t) }
    // Bracket 4 (max 81, η 3) never stops a trial before 81; the curve stop does.
    let pruner = try HyperbandPruner(minResource: 1, maxResource: 81, reductionFactor: 3, curveStop: .bohbDefault)
    let plain = try HyperbandPruner(minResource: 1, maxResource: 81, reductionFactor: 3)
    var context = SamplingContext(studyID: sid, studyName: "cs", directions: [.minimize], storage: storage,
                                  trials: try await storage.trials(study: sid, filter: .all))
    var n = 6
    while pruner.bracketID(context, trialNumber: n) != 4 { n += 1 }
    let running = try await storage.createTrial(study: sid, template: Self.trial(n, floor: 0.9, tau: 3, upTo: 8, state: .running))
    context = SamplingContext(studyID: sid, studyName: "cs", directions: [.minimize], storage: storage,
                              trials: try await storage.trials(study: sid, filter: .all))
    #expect(!(try await plain.shouldPrune(context, trial: running)))
    #expect(try await pruner.shouldPrune(context, trial: running))
  }

  @Test func theBoundStaysLowForACurveNearItsStartAndTightForAConvergedOne() throws {
    func points(floor: Double, tau: Double, upTo k: Int) -> [(step: Int, value: Double)] {
      (1...k).map { (step: $0, value: floor + (2.3 - floor) * Foundation.exp(-Double($0) / tau)) }
    }
    // A slow curve (τ 60) seen for 5 steps could still end anywhere: its bound at 81 is below its
    // true value there and below the point prediction.
    let slow = points(floor: 0.1, tau: 60, upTo: 5)
    let slowFinal = 0.1 + 2.2 * Foundation.exp(-81.0 / 60)
    let slowBound = try #require(CurveExtrapolation.lowerBound(slow, at: 81))
    #expect(slowBound < slowFinal)
    let slowPrediction = try #require(CurveExtrapolation.predict(slow, at: 81))
    #expect(slowBound <= slowPrediction)
    // A fast curve (τ 2) seen for 12 steps has converged: its bound is within 0.05 of its floor.
    let fast = points(floor: 0.6, tau: 2, upTo: 12)
    let fastBound = try #require(CurveExtrapolation.lowerBound(fast, at: 81))
    #expect(abs(fastBound - 0.6) < 0.05)
    #expect(CurveExtrapolation.lowerBound(Array(fast.prefix(4)), at: 81) == nil)
  }

  @Test func aRungKeepsATrialWhoseCurveLeads() async throws {
    // Bracket 2 (rung at step 9): three trials of that bracket recorded 0.0 there, so a new one
    // reporting 0.81 at step 9 is not in the top third and Optuna's rung stops it. Its curve
    // (floor 0.1, τ 8) heads below the best value at 81 (0.195): with `keepsLeaders` it goes on.
    let storage = InMemoryStorage()
    let sid = try await storage.createStudy(name: "lead", directions: [.minimize])
    for t in Self.history { _ = try await storage.createTrial(study: sid, template: t) }
    func make(_ keeps: Bool) throws -> HyperbandPruner {
      try HyperbandPruner(minResource: 1, maxResource: 81, reductionFactor: 3,
                          curveStop: CurveStop(keepsLeaders: keeps))
    }
    let pruner = try make(true)
    var context = SamplingContext(studyID: sid, studyName: "lead", directions: [.minimize], storage: storage,
                                  trials: try await storage.trials(study: sid, filter: .all))
    var n = 6
    var rivals = 0
    while rivals < 3 {
      if pruner.bracketID(context, trialNumber: n) == 2 {
        var t = Self.trial(n, floor: 0.0, tau: 1, upTo: 9, state: .pruned)
        t.systemAttrs = ["completed_rung_0": .double(0.0)]
        _ = try await storage.createTrial(study: sid, template: t)
        rivals += 1
      }
      n += 1
    }
    while pruner.bracketID(context, trialNumber: n) != 2 { n += 1 }
    let running = try await storage.createTrial(
      study: sid, template: Self.trial(n, floor: 0.1, tau: 8, upTo: 9, state: .running))
    context = SamplingContext(studyID: sid, studyName: "lead", directions: [.minimize], storage: storage,
                              trials: try await storage.trials(study: sid, filter: .all))
    #expect(try await make(false).shouldPrune(context, trial: running))
    #expect(!(try await pruner.shouldPrune(context, trial: running)))
    // A NaN report is not a lead: the rung stops it.
    var failed = running
    failed.intermediateValues[9] = .nan
    #expect(!CurveStop().leads(failed, others: Self.history, direction: .minimize))
  }

  @Test func aStudyFileTurnsRungTrustAndTheCurveStopOn() throws {
    let on = try StudySpec.parse(
      yaml: "pruner: {name: hyperband, max_resource: 81, rung_trust: true, curve_stop: true}\nobjective: {builtin: branin}\n",
      path: "/tmp/s/study.yaml")
    let hb = try #require(try ComponentFactory.pruner(on.pruner, samplerName: "tpe") as? HyperbandPruner)
    #expect(hb.rungTrust == .bohbDefault && hb.curveStop == .bohbDefault)
    let plain = try StudySpec.parse(yaml: "pruner: hyperband\nobjective: {builtin: branin}\n", path: "/tmp/s/study.yaml")
    let optuna = try #require(try ComponentFactory.pruner(plain.pruner, samplerName: "bohb") as? HyperbandPruner)
    #expect(optuna.rungTrust == nil && optuna.curveStop == nil)
    // `sampler: bohb` without a pruner brings both.
    let companion = try #require(try ComponentFactory.pruner(nil, samplerName: "bohb") as? HyperbandPruner)
    #expect(companion.rungTrust == .bohbDefault && companion.curveStop == .bohbDefault)
    let bad = try StudySpec.parse(
      yaml: "pruner: {name: hyperband, curve_stop: 3}\nobjective: {builtin: branin}\n", path: "/tmp/s/study.yaml")
    #expect(throws: StudyFileError.self) { try ComponentFactory.pruner(bad.pruner, samplerName: "tpe") }
  }
}
