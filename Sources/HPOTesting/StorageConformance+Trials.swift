import Foundation
import HPO
import OrderedCollections

extension StorageConformance {
  static var trialChecks: [StorageConformanceCheck] {
    [
      check("trialCreateNumbersPerStudy") { make, c in
        let s = try await make()
        let a = try await s.createStudy(name: "a", directions: [.minimize])
        let b = try await s.createStudy(name: "b", directions: [.minimize])
        let before = Date()
        var ids: Set<Int64> = []
        for i in 0..<3 {
          let t = try await s.createTrial(study: a, template: nil)
          try c.equal(t.number, i, "number of trial \(i) in study a")
          try c.equal(t.state, .running, "state of a new trial")
          try c.expect(t.datetimeStart.map { $0.timeIntervalSince(before) > -1 && $0.timeIntervalSinceNow < 1 } ?? false,
                       "a new trial starts now, got \(String(describing: t.datetimeStart))")
          try c.equal(t.datetimeComplete, nil, "datetimeComplete of a running trial")
          try c.equal(t.values, nil, "values of a running trial")
          ids.insert(t.id)
          let u = try await s.createTrial(study: b, template: nil)
          try c.equal(u.number, i, "number of trial \(i) in study b (numbers are per study)")
          ids.insert(u.id)
        }
        try c.equal(ids.count, 6, "distinct trial ids")
        let loaded = try await s.trials(study: a, filter: .all)
        try c.equal(loaded.map(\.number), [0, 1, 2], "numbers loaded back")
      },
      check("trialStateAndReasonInOneWrite") { make, c in
        // A finished state lands with its reason, or neither does.
        let s = try await make()
        let sid = try await s.createStudy(name: "r", directions: [.minimize])
        let failed = try await s.createTrial(study: sid, template: nil)
        try c.equal(try await s.finishTrial(trial: failed.id, state: .fail, values: nil, reason: "boom"), true,
                    "finishing a running trial")
        var back = try await s.trial(id: failed.id)
        try c.equal(back.state, .fail, "state after finishTrial")
        try c.equal(back.hpotop.failReason, "boom", "fail reason written with the state")
        var refused = false
        do {
          try await s.finishTrial(trial: failed.id, state: .fail, values: nil, reason: "second")
        } catch let e as StorageError where e.kind == .trialFinished {
          refused = true
        }
        try c.expect(refused, "finishing a finished trial throws trialFinished")
        back = try await s.trial(id: failed.id)
        try c.equal(back.hpotop.failReason, "boom", "a refused finish writes no reason")
        let pruned = try await s.createTrial(study: sid, template: nil)
        try await s.finishTrial(trial: pruned.id, state: .pruned, values: nil, reason: "pruned by user")
        back = try await s.trial(id: pruned.id)
        try c.equal(back.state, .pruned, "pruned state")
        try c.equal(back.hpotop.pruneReason, "pruned by user", "prune reason written with the state")
        try c.equal(back.hpotop.failReason, nil, "no fail reason on a pruned trial")
        let running = try await s.createTrial(study: sid, template: nil)
        let moved = try await s.setTrialState(
          trial: running.id, state: .running, values: nil, systemAttrs: ["note": .string("lost")])
        try c.equal(moved, false, "RUNNING to RUNNING loses the race")
        try c.equal(try await s.trial(id: running.id).systemAttrs["note"], nil, "a lost race writes no attr")
      },
      check("trialCreateFromTemplate") { make, c in
        let s = try await make()
        let sid = try await s.createStudy(name: "t", directions: [.minimize, .maximize])
        let start = Date(timeIntervalSince1970: 1_763_000_000.123456)
        let cat = try CategoricalDistribution(choices: [.string("a"), .null, .bool(true), .float(1.5), .int(3)])
        let template = FrozenTrial(
          id: 0, number: 99, state: .complete, values: [0.5, .infinity],
          datetimeStart: start, datetimeComplete: start.addingTimeInterval(12.5),
          params: ["x": .float(0.25), "n": .int(7), "c": .bool(true)],
          distributions: [
            "x": .float(try FloatDistribution(low: 0, high: 1)),
            "n": .int(try IntDistribution(low: 1, high: 9, step: 2)),
            "c": .categorical(cat),
          ],
          userAttrs: ["note": .object(["k": .array([.int(1), .string("two")])])],
          systemAttrs: ["fixed_params": .object(["x": .double(0.25)])],
          intermediateValues: [0: 3, 1: .nan, 2: 1])
        let t = try await s.createTrial(study: sid, template: template)
        try c.equal(t.number, 0, "number of the first trial (template number ignored)")
        let back = try await s.trial(id: t.id)
        for (what, got) in [("returned", t), ("reloaded", back)] {
          try c.equal(got.state, .complete, "\(what) state")
          try c.sameNumbers(got.values, [0.5, .infinity], "\(what) values")
          try c.close(got.datetimeStart, start, "\(what) datetimeStart")
          try c.close(got.datetimeComplete, start.addingTimeInterval(12.5), "\(what) datetimeComplete")
          try c.equal(got.params, template.params, "\(what) params")
          try c.equal(got.distributions, template.distributions, "\(what) distributions")
          try c.equal(got.userAttrs, template.userAttrs, "\(what) user attrs")
          try c.equal(got.systemAttrs, template.systemAttrs, "\(what) system attrs")
          try c.equal(Array(got.intermediateValues.keys), [0, 1, 2], "\(what) intermediate steps")
          try c.sameNumbers(Array(got.intermediateValues.values), [3, .nan, 1], "\(what) intermediate values")
        }
        let waiting = try await s.createTrial(
          study: sid, template: FrozenTrial(id: 0, number: 0, state: .waiting,
                                            systemAttrs: ["fixed_params": .object(["x": .double(0.5)])]))
        try c.equal(waiting.number, 1, "number of the enqueued trial")
        try c.equal(waiting.state, .waiting, "state of an enqueued trial")
        try c.equal(waiting.datetimeStart, nil, "an enqueued trial has not started")
        try c.equal(waiting.fixedParams, ["x": .float(0.5)], "fixed_params of the enqueued trial")
      },
      check("trialWaitingPopOrder") { make, c in
        let s = try await make()
        let sid = try await s.createStudy(name: "w", directions: [.minimize])
        try c.equal(try await s.popWaitingTrial(study: sid), nil, "pop with nothing waiting")
        var waiting: [Int64] = []
        for i in 0..<3 {
          let t = try await s.createTrial(
            study: sid, template: FrozenTrial(id: 0, number: 0, state: .waiting,
                                              systemAttrs: ["fixed_params": .object(["i": .int(i)])]))
          waiting.append(t.id)
          _ = try await s.createTrial(study: sid, template: nil)
        }
        for (i, expected) in waiting.enumerated() {
          let before = Date()
          guard let popped = try await s.popWaitingTrial(study: sid) else { throw c.fail("pop \(i) returned nil") }
          try c.equal(popped.id, expected, "pop \(i) takes the oldest WAITING trial")
          try c.equal(popped.state, .running, "a popped trial is RUNNING")
          try c.equal(popped.fixedParams, ["i": .int(i)], "fixed params of popped trial \(i)")
          try c.expect(popped.datetimeStart.map { $0.timeIntervalSince(before) > -1 } ?? false,
                       "a popped trial starts now")
          try c.equal(try await s.trial(id: expected).state, .running, "stored state after pop")
        }
        try c.equal(try await s.popWaitingTrial(study: sid), nil, "pop after the queue is empty")
      },
      check("trialStartWithBudgetAndHeartbeat") { make, c in
        let s = try await make()
        let sid = try await s.createStudy(name: "start", directions: [.minimize])
        guard let first = try await s.startTrial(study: sid, budget: 2, heartbeat: false),
          let second = try await s.startTrial(study: sid, budget: 2, heartbeat: true)
        else { throw c.fail("startTrial under the budget returned nil") }
        try c.equal([first.number, second.number], [0, 1], "started trials are numbered in order")
        try c.equal(second.state, .running, "a started trial is RUNNING")
        try c.equal(try await s.startTrial(study: sid, budget: 2, heartbeat: false), nil,
                    "no trial starts once the budget is used up")
        let queued = try await s.createTrial(
          study: sid, template: FrozenTrial(id: 0, number: 0, state: .waiting,
                                            systemAttrs: ["fixed_params": .object(["x": .int(1)])]))
        let popped = try await s.startTrial(study: sid, budget: 2, heartbeat: true)
        try c.equal(popped?.id, queued.id, "a WAITING trial starts even when the budget is used up")
        try c.equal(popped?.state, .running, "the popped trial is RUNNING")
        try await Task.sleep(nanoseconds: 30_000_000)
        try c.equal(Set(try await s.failStaleTrials(study: sid, grace: 0)), [second.id, queued.id],
                    "trials started with a heartbeat turn stale without another beat; the other does not")
        try c.equal(try await s.trial(id: first.id).state, .running, "a trial started without heartbeat stays")
      },
      check("trialStartPopsWaitingInOrder") { make, c in
        let s = try await make()
        let a = try await s.createStudy(name: "a", directions: [.minimize])
        let b = try await s.createStudy(name: "b", directions: [.minimize])
        let waiting = FrozenTrial(id: 0, number: 0, state: .waiting)
        func start(_ study: Int64) async throws -> FrozenTrial {
          guard let t = try await s.startTrial(study: study, budget: nil, heartbeat: false) else {
            throw c.fail("startTrial without a budget returned nil")
          }
          try c.equal(t.state, .running, "a started trial is RUNNING")
          return t
        }
        for i in 0..<3 { try c.equal(try await start(a).number, i, "new trial \(i)") }
        let w1 = try await s.createTrial(study: a, template: waiting)
        let w2 = try await s.createTrial(study: a, template: waiting)
        let wb = try await s.createTrial(study: b, template: waiting)
        try c.equal(try await start(a).id, w1.id, "the oldest WAITING trial first")
        try c.equal(try await start(a).id, w2.id, "then the next one")
        try c.equal(try await start(a).number, 5, "then a new trial")
        let w3 = try await s.createTrial(study: a, template: waiting)
        try c.equal(try await start(a).id, w3.id, "a trial enqueued after starts is popped")
        try c.equal(try await start(b).id, wb.id, "another study's queue")
        try c.equal(try await start(b).number, 1, "then a new trial there")
        let w4 = try await s.createTrial(study: a, template: waiting)
        let w5 = try await s.createTrial(study: a, template: waiting)
        try c.equal(try await start(a).id, w4.id, "pop w4")
        try c.equal(try await s.setTrialState(trial: w5.id, state: .running, values: nil), true,
                    "w5 started elsewhere")
        let next = try await start(a)
        try c.expect(next.id != w5.id && next.number == 9, "w5 is not popped twice, got \(next)")
        try c.equal(try await s.startTrial(study: a, budget: 10, heartbeat: false), nil,
                    "the budget counts every trial not WAITING (10 in study a)")
      },
      check("trialSetStateTransitions") { make, c in
        let s = try await make()
        let sid = try await s.createStudy(name: "st", directions: [.minimize])
        let running = try await s.createTrial(study: sid, template: nil)
        try c.equal(try await s.setTrialState(trial: running.id, state: .running, values: nil), false,
                    "RUNNING → RUNNING is a lost race")
        let w = try await s.createTrial(study: sid, template: FrozenTrial(id: 0, number: 0, state: .waiting))
        try c.equal(try await s.setTrialState(trial: w.id, state: .running, values: nil), true, "WAITING → RUNNING")
        let started = try await s.trial(id: w.id)
        try c.expect(started.datetimeStart != nil, "WAITING → RUNNING sets datetimeStart")
        try c.equal(try await s.setTrialState(trial: w.id, state: .running, values: nil), false,
                    "a second WAITING → RUNNING loses")
        try c.equal(try await s.setTrialState(trial: running.id, state: .complete, values: [2.5]), true, "→ COMPLETE")
        let done = try await s.trial(id: running.id)
        try c.equal(done.state, .complete, "state after COMPLETE")
        try c.sameNumbers(done.values, [2.5], "values after COMPLETE")
        try c.expect(done.datetimeComplete != nil, "COMPLETE sets datetimeComplete")
        try c.equal(try await s.setTrialState(trial: w.id, state: .pruned, values: nil), true, "→ PRUNED")
        try c.equal(try await s.trial(id: w.id).values, nil, "a PRUNED trial told without values has none")
        try await c.throwsStorageError(.trialNotFound, "setTrialState of an unknown trial") {
          try await s.setTrialState(trial: 98765, state: .complete, values: [1])
        }
      },
      check("trialFinishedRejectsUpdates") { make, c in
        let s = try await make()
        let sid = try await s.createStudy(name: "f", directions: [.minimize])
        for state in [TrialState.complete, .pruned, .fail] {
          let t = try await s.createTrial(study: sid, template: nil)
          try await s.setTrialState(trial: t.id, state: state, values: state == .complete ? [1] : nil)
          let d = Distribution.float(try FloatDistribution(low: 0, high: 1))
          try await c.throwsStorageError(.trialFinished, "setTrialParam on \(state)") {
            try await s.setTrialParam(trial: t.id, name: "x", internalValue: 0.1, distribution: d)
          }
          for next in [TrialState.complete, .running, .fail] {
            try await c.throwsStorageError(.trialFinished, "setTrialState \(next) on \(state)") {
              try await s.setTrialState(trial: t.id, state: next, values: next == .complete ? [2] : nil)
            }
          }
          try await c.throwsStorageError(.trialFinished, "setTrialIntermediateValue on \(state)") {
            try await s.setTrialIntermediateValue(trial: t.id, step: 0, value: 1)
          }
          try await c.throwsStorageError(.trialFinished, "setTrialUserAttr on \(state)") {
            try await s.setTrialUserAttr(trial: t.id, key: "k", value: .int(1))
          }
          try await c.throwsStorageError(.trialFinished, "setTrialSystemAttr on \(state)") {
            try await s.setTrialSystemAttr(trial: t.id, key: "k", value: .int(1))
          }
          try await c.throwsStorageError(.trialFinished, "claimTrialSystemAttr on \(state)") {
            try await s.claimTrialSystemAttr(trial: t.id, study: sid, key: "grid_id", value: .int(1))
          }
          let after = try await s.trial(id: t.id)
          try c.equal(after.state, state, "state unchanged after rejected updates")
          try c.equal(after.params.count + after.userAttrs.count + after.intermediateValues.count, 0,
                      "nothing written by rejected updates")
        }
      },
      check("trialClaimSystemAttr") { make, c in
        let s = try await make()
        let sid = try await s.createStudy(name: "g", directions: [.minimize])
        let other = try await s.createStudy(name: "h", directions: [.minimize])
        let t1 = try await s.createTrial(study: sid, template: nil)
        let t2 = try await s.createTrial(study: sid, template: nil)
        let t3 = try await s.createTrial(study: other, template: nil)
        try c.equal(try await s.claimTrialSystemAttr(trial: t1.id, study: sid, key: "grid_id", value: .int(3)), true,
                    "first claim")
        try c.equal(try await s.claimTrialSystemAttr(trial: t2.id, study: sid, key: "grid_id", value: .int(3)), false,
                    "claiming a value another trial holds")
        try c.equal(try await s.trial(id: t2.id).systemAttrs["grid_id"], nil, "a lost claim writes nothing")
        try c.equal(try await s.claimTrialSystemAttr(trial: t2.id, study: sid, key: "grid_id", value: .int(4)), true,
                    "claiming a free value")
        try c.equal(try await s.claimTrialSystemAttr(trial: t1.id, study: sid, key: "grid_id", value: .int(3)), true,
                    "re-claiming one's own value")
        try c.equal(try await s.claimTrialSystemAttr(trial: t3.id, study: other, key: "grid_id", value: .int(3)), true,
                    "claims are per study")
        try c.equal(try await s.trial(id: t2.id).systemAttrs["grid_id"], .int(4), "the claimed value is stored")
        // Values written other ways count too, and a value given up is free again.
        try await s.setTrialSystemAttr(trial: t2.id, key: "grid_id", value: .int(5))
        let t4 = try await s.createTrial(study: sid, template: nil)
        try c.equal(try await s.claimTrialSystemAttr(trial: t4.id, study: sid, key: "grid_id", value: .int(5)), false,
                    "claiming a value set by setTrialSystemAttr")
        try c.equal(try await s.claimTrialSystemAttr(trial: t4.id, study: sid, key: "grid_id", value: .int(4)), true,
                    "claiming a value its holder gave up")
        _ = try await s.createTrial(
          study: sid, template: FrozenTrial(id: 0, number: 0, state: .waiting, systemAttrs: ["grid_id": .int(7)]))
        let t6 = try await s.createTrial(study: sid, template: nil)
        try c.equal(try await s.claimTrialSystemAttr(trial: t6.id, study: sid, key: "grid_id", value: .int(7)), false,
                    "claiming a value an enqueued trial was created with")
      },
      check("trialFilterSemantics") { make, c in
        let s = try await make()
        let sid = try await s.createStudy(name: "flt", directions: [.minimize])
        let noise = try await s.createStudy(name: "noise", directions: [.minimize])
        var ids: [Int64] = []
        let states: [TrialState] = [.complete, .running, .pruned, .waiting, .fail, .complete, .running]
        for (i, st) in states.enumerated() {
          _ = try await s.createTrial(study: noise, template: nil)
          let t: FrozenTrial
          if st == .waiting {
            t = try await s.createTrial(study: sid, template: FrozenTrial(id: 0, number: 0, state: .waiting))
          } else {
            t = try await s.createTrial(study: sid, template: nil)
            if st != .running {
              try await s.setTrialState(trial: t.id, state: st, values: st == .complete ? [Double(i)] : nil)
            }
          }
          ids.append(t.id)
        }
        func numbers(_ f: TrialFilter) async throws -> [Int] {
          let got = try await s.trials(study: sid, filter: f)
          for t in got where !f.matches(id: t.id, state: t.state) {
            throw c.fail("trial \(t.id) (\(t.state)) does not match \(f)")
          }
          return got.map(\.number)
        }
        try c.equal(try await numbers(.all), [0, 1, 2, 3, 4, 5, 6], "all trials by number, only this study")
        try c.equal(try await numbers(TrialFilter(states: [.complete])), [0, 5], "states: COMPLETE")
        try c.equal(try await numbers(TrialFilter(states: [.running, .waiting])), [1, 3, 6], "states: RUNNING, WAITING")
        try c.equal(try await numbers(TrialFilter(states: [])), [], "states: empty set")
        try c.equal(try await numbers(TrialFilter(ids: [ids[2], ids[4]])), [2, 4], "ids")
        try c.equal(try await numbers(TrialFilter(ids: [])), [], "ids: empty set")
        try c.equal(try await numbers(TrialFilter(idGreaterThan: ids[4])), [5, 6], "idGreaterThan")
        try c.equal(try await numbers(TrialFilter(ids: [ids[1]], idGreaterThan: ids[5])), [1, 6],
                    "ids OR idGreaterThan")
        try c.equal(try await numbers(TrialFilter(states: [.complete], ids: [ids[0], ids[1]], idGreaterThan: ids[4])),
                    [0, 5], "states AND (ids OR idGreaterThan)")
        try c.equal(try await numbers(TrialFilter(ids: [ids[0] + 100_000])), [], "unknown ids")
        try await c.throwsStorageError(.studyNotFound, "trials of an unknown study") {
          try await s.trials(study: 5555, filter: .all)
        }
      },
    ]
  }
}
