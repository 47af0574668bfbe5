import Foundation
import HPO
import OrderedCollections
import Testing

@testable import Dashboard

/// The poller and the command executor against real (in-memory) storage.
@Suite struct ControllerTests {
  func makeStudy() async throws -> (InMemoryStorage, Int64) {
    let storage = InMemoryStorage()
    let id = try await storage.createStudy(name: "s", directions: [.minimize])
    return (storage, id)
  }

  func addTrial(_ storage: InMemoryStorage, _ study: Int64, lr: Double, value: Double?) async throws -> FrozenTrial {
    let t = try await storage.createTrial(study: study, template: nil)
    try await storage.setTrialParam(trial: t.id, name: "lr", internalValue: lr, distribution: Fixture.lr)
    if let value { try await storage.setTrialState(trial: t.id, state: .complete, values: [value]) }
    return try await storage.trial(id: t.id)
  }

  @Test func pollerLoadsNewAndChangedTrialsOnly() async throws {
    let (storage, id) = try await makeStudy()
    let poller = StudyPoller(storage: storage, studyID: id, staleCheckInterval: nil)
    let a = try await addTrial(storage, id, lr: 0.01, value: 1)
    let running = try await addTrial(storage, id, lr: 0.02, value: nil)
    let s1 = try await poller.poll()
    #expect(s1.trials.map(\.number) == [0, 1])
    #expect(s1.studyName == "s")
    #expect(s1.distributions.keys.elementsEqual(["lr"]))
    // Nothing changed: the revision stays.
    let s2 = try await poller.poll()
    #expect(s2.revision == s1.revision)
    try await storage.setTrialIntermediateValue(trial: running.id, step: 1, value: 0.5)
    _ = try await addTrial(storage, id, lr: 0.03, value: 3)
    let s3 = try await poller.poll()
    #expect(s3.revision > s2.revision)
    #expect(s3.trials.map(\.number) == [0, 1, 2])
    #expect(s3.trials[1].intermediateValues == [1: 0.5])
    #expect(s3.trials[0] == a)
    try await storage.setStudySystemAttr(study: id, key: "hpotop:paused", value: .bool(true))
    let s4 = try await poller.poll()
    #expect(s4.isPaused && s4.revision > s3.revision)
  }

  @Test func pollerFailsStaleTrials() async throws {
    let (storage, id) = try await makeStudy()
    let t = try await addTrial(storage, id, lr: 0.01, value: nil)
    try await storage.recordHeartbeat(trial: t.id)
    let poller = StudyPoller(storage: storage, studyID: id, staleCheckInterval: 0, staleGrace: 0)
    try await Task.sleep(for: .milliseconds(20))
    let s = try await poller.poll()
    #expect(s.trials.first?.state == .fail)
    #expect(s.trials.first?.systemAttrs["hpotop:fail_reason"] == .string("stale"))
  }

  @Test func commandsWriteTheStorageAsTheEngineExpects() async throws {
    let (storage, id) = try await makeStudy()
    let running = try await addTrial(storage, id, lr: 0.01, value: nil)
    let other = try await addTrial(storage, id, lr: 0.02, value: nil)
    let c = DashboardController(storage: storage, studyID: id, mailbox: Mailbox(), staleCheckInterval: nil)

    // Nobody runs the trial here: after the request the controls prune it directly.
    _ = await c.execute(.requestPrune(trialID: running.id, number: 0))
    let pruned = try await storage.trial(id: running.id)
    #expect(pruned.systemAttrs["hpotop:prune_requested"] == .bool(true))
    #expect(pruned.state == .pruned)

    _ = await c.execute(.markFailed(trialID: other.id, number: 1))
    let failed = try await storage.trial(id: other.id)
    #expect(failed.state == .fail)
    #expect(failed.systemAttrs["hpotop:fail_reason"] == .string("marked failed by user"))

    _ = await c.execute(.setPaused(true))
    #expect(try await storage.studySystemAttrs(study: id)["hpotop:paused"] == .bool(true))
    _ = await c.execute(.setPaused(false))
    #expect(try await storage.studySystemAttrs(study: id)["hpotop:paused"]?.boolValue != true)

    _ = await c.execute(.fix(name: "lr", value: .double(0.05)))
    #expect(try await storage.studySystemAttrs(study: id)["hpotop:fixed_params"] == .object(["lr": .double(0.05)]))
    _ = await c.execute(.unfix(name: "lr"))
    #expect(try await storage.studySystemAttrs(study: id)["hpotop:fixed_params"] == nil)
    // A param of the study file no trial used yet: checked against the dialog's distribution.
    let fresh = await c.execute(.fix(name: "depth", value: .int(9), distribution: Fixture.layers))
    guard case .commandDone(_, true) = fresh else { Issue.record("out-of-range fix accepted: \(fresh)"); return }
    _ = await c.execute(.fix(name: "depth", value: .int(3), distribution: Fixture.layers))
    #expect(try await storage.studySystemAttrs(study: id)["hpotop:fixed_params"] == .object(["depth": .int(3)]))
    _ = await c.execute(.unfix(name: "depth"))

    let msg = await c.execute(.enqueue(params: ["lr": .float(0.07)], skipIfExists: true))
    guard case .commandDone(let text, false) = msg else {
      Issue.record("enqueue failed: \(msg)")
      return
    }
    #expect(text.hasPrefix("enqueued trial 2"))
    let waiting = try await storage.trials(study: id, filter: TrialFilter(states: [.waiting]))
    #expect(waiting.first?.fixedParams == ["lr": .float(0.07)])
    let again = await c.execute(.enqueue(params: ["lr": .float(0.07)], skipIfExists: true))
    guard case .commandDone(let skipped, false) = again else {
      Issue.record("second enqueue: \(again)")
      return
    }
    #expect(skipped.hasPrefix("not enqueued"))
  }

  @Test func importanceIsComputedOffTheUIPath() async throws {
    let c = DashboardController(storage: InMemoryStorage(), studyID: 1, mailbox: Mailbox(), staleCheckInterval: nil)
    let trials = Fixture.trials(20).filter { $0.state == .complete }
    let msg = await c.execute(.computeImportance(kind: .mdi, trials: trials, directions: [.minimize], completeCount: trials.count))
    guard case .importance(let r) = msg, let info = r.info else {
      Issue.record("no importance: \(msg)")
      return
    }
    #expect(r.kind == .mdi && r.completeCount == 14)
    #expect(Set(info.names) == ["lr", "layers", "optimizer"])
    #expect(abs(info.values.reduce(0, +) - 1) < 1e-9)
  }

  @Test func controllerPollPostsSnapshotsToTheMailbox() async throws {
    let (storage, id) = try await makeStudy()
    _ = try await addTrial(storage, id, lr: 0.01, value: 1)
    let mailbox = Mailbox()
    let c = DashboardController(storage: storage, studyID: id, mailbox: mailbox, staleCheckInterval: nil)
    c.pollNow()
    var got: StudySnapshot?
    for _ in 0..<200 where got == nil {
      try await Task.sleep(for: .milliseconds(10))
      for m in mailbox.drain() { if case .snapshot(let s) = m { got = s } }
    }
    #expect(got?.trials.count == 1)
  }
}
