import Foundation
import HPO
import OrderedCollections

extension StorageConformance {
  static var concurrencyChecks: [StorageConformanceCheck] {
    [
      check("concurrentCreateGivesDistinctNumbers") { make, c in
        let s = try await make()
        let sid = try await s.createStudy(name: "cc", directions: [.minimize])
        let numbers = try await withThrowingTaskGroup(of: [Int].self) { group in
          for _ in 0..<8 {
            group.addTask {
              var mine: [Int] = []
              for k in 0..<5 {
                let template = k % 2 == 0 ? nil : FrozenTrial(id: 0, number: 0, state: .waiting)
                mine.append(try await s.createTrial(study: sid, template: template).number)
              }
              return mine
            }
          }
          return try await group.reduce(into: []) { $0 += $1 }
        }
        try c.equal(numbers.sorted(), Array(0..<40), "numbers of 40 concurrently created trials")
        let loaded = try await s.trials(study: sid, filter: .all)
        try c.equal(loaded.map(\.number), Array(0..<40), "stored numbers")
        try c.expect(zip(loaded, loaded.dropFirst()).allSatisfy { $0.id < $1.id },
                     "numbers follow trial ids (Optuna's rule)")
      },
      check("concurrentWaitingPopIsExclusive") { make, c in
        let s = try await make()
        let sid = try await s.createStudy(name: "race", directions: [.minimize])
        var waiting: Set<Int64> = []
        for _ in 0..<10 {
          waiting.insert(try await s.createTrial(study: sid, template: FrozenTrial(id: 0, number: 0, state: .waiting)).id)
        }
        let popped = try await withThrowingTaskGroup(of: Int64?.self) { group in
          for _ in 0..<16 { group.addTask { try await s.popWaitingTrial(study: sid)?.id } }
          return try await group.reduce(into: [Int64]()) { if let id = $1 { $0.append(id) } }
        }
        try c.equal(popped.count, 10, "pops that got a trial")
        try c.equal(Set(popped), waiting, "every WAITING trial popped exactly once")
      },
      check("concurrentClaimIsExclusive") { make, c in
        let s = try await make()
        let sid = try await s.createStudy(name: "claim", directions: [.minimize])
        var ids: [Int64] = []
        for _ in 0..<8 { ids.append(try await s.createTrial(study: sid, template: nil).id) }
        let trialIDs = ids
        let wins = try await withThrowingTaskGroup(of: Int.self) { group in
          for id in trialIDs {
            group.addTask {
              try await s.claimTrialSystemAttr(trial: id, study: sid, key: "grid_id", value: .int(0)) ? 1 : 0
            }
          }
          return try await group.reduce(0, +)
        }
        try c.equal(wins, 1, "claims of one value that succeeded")
        let holders = try await s.trials(study: sid, filter: .all).filter { $0.systemAttrs["grid_id"] != nil }
        try c.equal(holders.count, 1, "trials holding the claimed value")
      },
      check("concurrentStaleFailIsExclusive") { make, c in
        let s = try await make()
        let sid = try await s.createStudy(name: "stale", directions: [.minimize])
        var ids: Set<Int64> = []
        for _ in 0..<5 {
          let t = try await s.createTrial(study: sid, template: nil)
          try await s.recordHeartbeat(trial: t.id)
          ids.insert(t.id)
        }
        try await Task.sleep(nanoseconds: 30_000_000)
        let failed = try await withThrowingTaskGroup(of: [Int64].self) { group in
          for _ in 0..<4 { group.addTask { try await s.failStaleTrials(study: sid, grace: 0) } }
          return try await group.reduce(into: [Int64]()) { $0 += $1 }
        }
        try c.equal(failed.count, 5, "stale trials reported in all (no duplicates)")
        try c.equal(Set(failed), ids, "every stale trial failed once")
      },
    ]
  }
}
