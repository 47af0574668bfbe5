import Foundation
import HPO
import OrderedCollections

extension StorageConformance {
  static var studyChecks: [StorageConformanceCheck] {
    [
      check("studyCreateAndLookup") { make, c in
        let s = try await make()
        let id = try await s.createStudy(name: "alpha", directions: [.minimize])
        try c.equal(try await s.studyID(named: "alpha"), id, "studyID(named:)")
        try c.equal(try await s.studyID(named: "missing"), nil, "studyID of an unknown name")
        try c.equal(try await s.studyName(id: id), "alpha", "studyName")
        try c.equal(try await s.studyDirections(id: id), [.minimize], "directions")
        let other = try await s.createStudy(name: "beta", directions: [.maximize])
        try c.expect(other != id, "two studies got the same id \(id)")
        let all = try await s.studies()
        try c.equal(all.map(\.name), ["alpha", "beta"], "studies() names in creation order")
        try c.equal(all.map(\.trialCount), [0, 0], "trial counts of new studies")
        try c.equal(all.map(\.directions), [[.minimize], [.maximize]], "studies() directions")
      },
      check("studyDuplicateRejected") { make, c in
        let s = try await make()
        _ = try await s.createStudy(name: "dup", directions: [.minimize])
        try await c.throwsStorageError(.studyExists, "creating a study with a taken name") {
          try await s.createStudy(name: "dup", directions: [.maximize])
        }
        try c.equal(try await s.studies().count, 1, "study count after a rejected duplicate")
      },
      check("studyUnknownIDs") { make, c in
        let s = try await make()
        try await c.throwsStorageError(.studyNotFound, "studyName of an unknown id") { try await s.studyName(id: 4242) }
        try await c.throwsStorageError(.studyNotFound, "studyDirections of an unknown id") {
          try await s.studyDirections(id: 4242)
        }
        try await c.throwsStorageError(.studyNotFound, "createTrial in an unknown study") {
          try await s.createTrial(study: 4242, template: nil)
        }
        try await c.throwsStorageError(.studyNotFound, "deleteStudy of an unknown id") { try await s.deleteStudy(id: 4242) }
        try await c.throwsStorageError(.trialNotFound, "trial(id:) of an unknown id") { try await s.trial(id: 4242) }
      },
      check("studyDelete") { make, c in
        let s = try await make()
        let keep = try await s.createStudy(name: "keep", directions: [.minimize])
        let gone = try await s.createStudy(name: "gone", directions: [.minimize, .maximize])
        try await s.setStudyUserAttr(study: gone, key: "k", value: .int(1))
        try await s.setStudySystemAttr(study: gone, key: "k", value: .int(1))
        let t = try await s.createTrial(study: gone, template: nil)
        try await s.setTrialParam(trial: t.id, name: "x", internalValue: 0.5,
                                  distribution: .float(try FloatDistribution(low: 0, high: 1)))
        try await s.setTrialUserAttr(trial: t.id, key: "u", value: .string("v"))
        try await s.setTrialIntermediateValue(trial: t.id, step: 1, value: 2)
        try await s.recordHeartbeat(trial: t.id)
        try await s.setTrialState(trial: t.id, state: .complete, values: [1, 2])
        let kept = try await s.createTrial(study: keep, template: nil)
        try await s.deleteStudy(id: gone)
        try c.equal(try await s.studyID(named: "gone"), nil, "studyID after delete")
        try await c.throwsStorageError(.studyNotFound, "studyName after delete") { try await s.studyName(id: gone) }
        try await c.throwsStorageError(.trialNotFound, "trial of a deleted study") { try await s.trial(id: t.id) }
        try c.equal(try await s.studies().map(\.name), ["keep"], "studies() after delete")
        try c.equal(try await s.trial(id: kept.id).id, kept.id, "the other study's trial survives")
        let again = try await s.createStudy(name: "gone", directions: [.maximize])
        try c.equal(try await s.trials(study: again, filter: .all).count, 0, "trials of a re-created study")
        try c.equal(try await s.studyDirections(id: again), [.maximize], "directions of a re-created study")
      },
      check("studyDirectionsMultiObjective") { make, c in
        let s = try await make()
        let id = try await s.createStudy(name: "mo", directions: [.minimize, .maximize, .maximize])
        try c.equal(try await s.studyDirections(id: id), [.minimize, .maximize, .maximize], "three directions")
        try c.equal(try await s.studies().first?.directions, [.minimize, .maximize, .maximize], "summary directions")
      },
      check("studyAttrs") { make, c in
        let s = try await make()
        let id = try await s.createStudy(name: "attrs", directions: [.minimize])
        let nested: JSONValue = .object([
          "b": .array([.int(1), .double(2.5), .null, .bool(true), .string("é\"\\\n")]),
          "a": .object(["deep": .object(["x": .double(-1e-7)])]),
        ])
        try await s.setStudyUserAttr(study: id, key: "z", value: nested)
        try await s.setStudyUserAttr(study: id, key: "a", value: .int(1))
        try await s.setStudyUserAttr(study: id, key: "z", value: .string("replaced"))
        try c.equal(try await s.studyUserAttrs(study: id), ["z": .string("replaced"), "a": .int(1)],
                    "user attrs (order of first set, replaced value)")
        try await s.setStudyUserAttr(study: id, key: "n", value: nested)
        try c.equal(try await s.studyUserAttrs(study: id)["n"], nested, "nested JSON user attr")
        try await s.setStudySystemAttr(study: id, key: "study:metric_names", value: .array([.string("loss")]))
        try await s.setPaused(study: id, true)
        try await s.setPaused(study: id, false)
        try c.equal(try await s.studySystemAttrs(study: id), ["study:metric_names": .array([.string("loss")])],
                    "system attrs after removing one")
        let summary = try await s.studies().first
        try c.equal(summary?.userAttrs["n"], nested, "studies() user attrs")
        try c.equal(summary?.systemAttrs.keys.elements, ["study:metric_names"], "studies() system attrs")
        try await c.throwsStorageError(.studyNotFound, "attr on an unknown study") {
          try await s.setStudyUserAttr(study: 999, key: "k", value: .null)
        }
      },
      check("studySummaryCounts") { make, c in
        let s = try await make()
        let a = try await s.createStudy(name: "a", directions: [.minimize])
        let b = try await s.createStudy(name: "b", directions: [.minimize])
        let start = Date(timeIntervalSince1970: 1_700_000_000.25)
        _ = try await s.createTrial(
          study: a, template: FrozenTrial(id: 0, number: 0, state: .complete, values: [1],
                                          datetimeStart: start, datetimeComplete: start.addingTimeInterval(3)))
        _ = try await s.createTrial(study: a, template: nil)
        _ = try await s.createTrial(study: b, template: nil)
        let all = try await s.studies()
        try c.equal(all.map(\.trialCount), [2, 1], "trial counts")
        try c.close(all.first?.datetimeStart, start, "datetimeStart is the earliest trial start")
      },
    ]
  }
}
