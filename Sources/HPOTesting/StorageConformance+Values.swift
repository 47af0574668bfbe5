import Foundation
import HPO
import OrderedCollections

extension StorageConformance {
  /// One distribution of every kind with internal values to store (Optuna's encodings).
  static func distributionCases() throws -> [(String, Distribution, [Double], [ParamValue])] {
    let mixed = try CategoricalDistribution(
      choices: [.null, .bool(true), .int(2), .float(3.5), .string("s p\"ace"), .bool(false), .int(-7)])
    return [
      ("f", .float(try FloatDistribution(low: -1.5, high: 2.5)), [0.12345678901234567, -1.5, 2.5],
       [.float(0.12345678901234567), .float(-1.5), .float(2.5)]),
      ("flog", .float(try FloatDistribution(low: 1e-5, high: 1, log: true)), [3.3e-4, 1e-5],
       [.float(3.3e-4), .float(1e-5)]),
      ("fstep", .float(try FloatDistribution(low: 0, high: 1, step: 0.1)), [0.3, 1.0], [.float(0.3), .float(1.0)]),
      ("i", .int(try IntDistribution(low: -3, high: 10)), [7, -3], [.int(7), .int(-3)]),
      ("ilog", .int(try IntDistribution(low: 1, high: 1024, log: true)), [37, 1024], [.int(37), .int(1024)]),
      ("istep", .int(try IntDistribution(low: 0, high: 100, step: 5)), [35], [.int(35)]),
      ("c", .categorical(mixed), (0..<7).map(Double.init), mixed.choices),
      ("single", .categorical(try CategoricalDistribution(choices: [.string("only")])), [0], [.string("only")]),
    ]
  }

  static var valueChecks: [StorageConformanceCheck] {
    [
      check("paramsRoundTripEveryKind") { make, c in
        let s = try await make()
        let sid = try await s.createStudy(name: "p", directions: [.minimize])
        for (name, d, internals, externals) in try distributionCases() {
          for (k, (v, external)) in zip(internals, externals).enumerated() {
            let t = try await s.createTrial(study: sid, template: nil)
            try await s.setTrialParam(trial: t.id, name: name, internalValue: v, distribution: d)
            try await s.setTrialParam(trial: t.id, name: "after", internalValue: 1,
                                      distribution: .int(try IntDistribution(low: 0, high: 2)))
            let back = try await s.trial(id: t.id)
            try c.equal(back.params[name], external, "\(name) case \(k): external value")
            try c.equal(back.distributions[name], d, "\(name) case \(k): distribution")
            try c.equal(back.internalValue(of: name), v, "\(name) case \(k): internal value")
            try c.equal(back.params.keys.elements, [name, "after"], "\(name) case \(k): params in suggestion order")
            try c.equal(try await s.trials(study: sid, filter: TrialFilter(ids: [t.id])).first?.params[name], external,
                        "\(name) case \(k): external value via trials()")
          }
        }
      },
      check("paramsOverwriteAndCompatibility") { make, c in
        let s = try await make()
        let sid = try await s.createStudy(name: "p2", directions: [.minimize])
        let t = try await s.createTrial(study: sid, template: nil)
        try await s.setTrialParam(trial: t.id, name: "x", internalValue: 0.5,
                                  distribution: .float(try FloatDistribution(low: 0, high: 1)))
        try await s.setTrialParam(trial: t.id, name: "x", internalValue: 1.5,
                                  distribution: .float(try FloatDistribution(low: 0, high: 2)))
        try c.equal(try await s.trial(id: t.id).params["x"], .float(1.5), "an overwritten param")
        try await c.throwsStorageError(.invalidValue, "re-setting a float param as categorical") {
          try await s.setTrialParam(trial: t.id, name: "x", internalValue: 0,
                                    distribution: .categorical(try CategoricalDistribution(choices: [.string("a")])))
        }
        try c.equal(try await s.trial(id: t.id).params["x"], .float(1.5), "the param after a rejected overwrite")
        try await c.throwsStorageError(.trialNotFound, "setTrialParam on an unknown trial") {
          try await s.setTrialParam(trial: 424_242, name: "x", internalValue: 0,
                                    distribution: .float(try FloatDistribution(low: 0, high: 1)))
        }
      },
      check("valuesWithInfinities") { make, c in
        let s = try await make()
        let one = try await s.createStudy(name: "v1", directions: [.minimize])
        let two = try await s.createStudy(name: "v2", directions: [.minimize, .maximize])
        for v: Double in [.infinity, -.infinity, 0, -0.5, 1e300, .leastNonzeroMagnitude] {
          let t = try await s.createTrial(study: one, template: nil)
          try await s.setTrialState(trial: t.id, state: .complete, values: [v])
          try c.sameNumbers(try await s.trial(id: t.id).values, [v], "value \(v)")
        }
        let t = try await s.createTrial(study: two, template: nil)
        try await s.setTrialState(trial: t.id, state: .complete, values: [-.infinity, 0.125])
        try c.sameNumbers(try await s.trial(id: t.id).values, [-.infinity, 0.125], "two objectives")
        try c.sameNumbers(try await s.trials(study: two, filter: .all).first?.values, [-.infinity, 0.125],
                          "two objectives via trials()")
      },
      check("intermediateValuesWithNaN") { make, c in
        let s = try await make()
        let sid = try await s.createStudy(name: "iv", directions: [.minimize])
        let t = try await s.createTrial(study: sid, template: nil)
        for (step, v) in [(5, Double.nan), (1, .infinity), (3, 7.0), (0, -.infinity), (10, 0.25)] {
          try await s.setTrialIntermediateValue(trial: t.id, step: step, value: v)
        }
        try await s.setTrialIntermediateValue(trial: t.id, step: 3, value: 2.5)
        let back = try await s.trial(id: t.id)
        try c.equal(Array(back.intermediateValues.keys), [0, 1, 3, 5, 10], "steps in ascending order")
        try c.sameNumbers(Array(back.intermediateValues.values), [-.infinity, .infinity, 2.5, .nan, 0.25],
                          "intermediate values (NaN and ±inf kept, step 3 overwritten)")
        try c.equal(back.lastStep, 10, "last step")
      },
      check("trialAttrsNestedJSON") { make, c in
        let s = try await make()
        let sid = try await s.createStudy(name: "ta", directions: [.minimize])
        let t = try await s.createTrial(study: sid, template: nil)
        let nested: JSONValue = .object([
          "list": .array([.int(1), .double(2.0), .double(1e-05), .null, .bool(false), .double(.infinity)]),
          "obj": .object(["z": .int(Int(Int32.max) * 4), "a": .string("日本 🎉 \"q\" \\ \t")]),
          "empty": .object([:]),
        ])
        try await s.setTrialUserAttr(trial: t.id, key: "b", value: nested)
        try await s.setTrialUserAttr(trial: t.id, key: "a", value: .string("x"))
        try await s.setTrialUserAttr(trial: t.id, key: "b", value: .array([nested, nested]))
        try await s.setTrialSystemAttr(trial: t.id, key: "constraints", value: .array([.double(-1), .double(0.5)]))
        let back = try await s.trial(id: t.id)
        try c.equal(back.userAttrs, ["b": .array([nested, nested]), "a": .string("x")],
                    "user attrs (first-set order, replaced value, nested JSON)")
        try c.equal(back.systemAttrs, ["constraints": .array([.double(-1), .double(0.5)])], "system attrs")
        try c.equal(back.constraints, [-1, 0.5], "constraints read from system attrs")
        try await c.throwsStorageError(.trialNotFound, "attr on an unknown trial") {
          try await s.setTrialUserAttr(trial: 313_131, key: "k", value: .null)
        }
      },
      check("heartbeatsAndStaleTrials") { make, c in
        let s = try await make()
        let sid = try await s.createStudy(name: "hb", directions: [.minimize])
        let beating = try await s.createTrial(study: sid, template: nil)
        let silent = try await s.createTrial(study: sid, template: nil)
        let finished = try await s.createTrial(study: sid, template: nil)
        try await s.recordHeartbeat(trial: beating.id)
        try await s.recordHeartbeat(trial: finished.id)
        try await s.setTrialState(trial: finished.id, state: .complete, values: [1])
        try await s.recordHeartbeat(trial: beating.id)
        try c.equal(try await s.failStaleTrials(study: sid, grace: 3600), [], "nothing is stale within the grace")
        try await Task.sleep(nanoseconds: 30_000_000)
        try c.equal(try await s.failStaleTrials(study: sid, grace: 0), [beating.id],
                    "only the RUNNING trial with an old heartbeat is stale")
        let failed = try await s.trial(id: beating.id)
        try c.equal(failed.state, .fail, "a stale trial is FAIL")
        try c.equal(failed.hpotop.failReason, HpotopKey.staleReason, "the stale reason")
        try c.expect(failed.datetimeComplete != nil, "a stale trial gets datetimeComplete")
        try c.equal(try await s.trial(id: silent.id).state, .running, "a trial without heartbeats stays RUNNING")
        try c.equal(try await s.trial(id: finished.id).state, .complete, "a finished trial stays")
        try c.equal(try await s.failStaleTrials(study: sid, grace: 0), [], "a stale trial is failed once")
        try await c.throwsStorageError(.trialNotFound, "heartbeat of an unknown trial") {
          try await s.recordHeartbeat(trial: 777_777)
        }
      },
    ]
  }
}
