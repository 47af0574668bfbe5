#if PostgreSQL
import Foundation
import HPO
@testable import HPOPostgres
import Testing

/// PostgreSQL-specific behaviour: budgets under concurrency from separate clients, lost servers,
/// and messages that never carry the password.
@Suite(.enabled(if: PostgresTestServer.shouldRun, "needs HPOTOP_TEST_POSTGRES"))
struct PostgresStorageTests {
  @Test func budgetHoldsAcrossSeparateClients() async throws {
    let created = DatabaseList()
    let url = try await PostgresTestServer.freshDatabase("budget", created: created)
    let first = PostgresStorage(url: url)
    let sid = try await first.createStudy(name: "b", directions: [.minimize])
    for _ in 0..<3 { _ = try await first.createTrial(study: sid, template: FrozenTrial(id: 0, number: 0, state: .waiting)) }
    // Four independent clients (as on four hosts) start trials against a budget of 25.
    let started = try await withThrowingTaskGroup(of: [FrozenTrial].self) { group in
      for _ in 0..<4 {
        group.addTask {
          let s = PostgresStorage(url: url)
          var mine: [FrozenTrial] = []
          while let t = try await s.startTrial(study: sid, budget: 25, heartbeat: false) {
            mine.append(t)
            try await s.setTrialState(trial: t.id, state: .complete, values: [Double(t.number)])
          }
          return mine
        }
      }
      return try await group.reduce(into: []) { $0 += $1 }
    }
    #expect(started.count == 25)
    #expect(Set(started.map(\.number)) == Set(0..<25))
    let all = try await first.trials(study: sid, filter: .all)
    #expect(all.count == 25)
    #expect(all.allSatisfy { $0.state == .complete })
    await PostgresTestServer.drop(created)
  }

  /// Trials start through a PL/pgSQL function in the connection's `pg_temp`; a role that may
  /// not create temporary objects starts them in a transaction instead, with the same numbers,
  /// budget and popping of WAITING trials, side by side with a role that uses the function.
  @Test func aRoleWithoutTemporaryPrivilegeStartsTrialsInATransaction() async throws {
    let created = DatabaseList()
    let url = try await PostgresTestServer.freshDatabase("notemp", created: created)
    let owner = PostgresStorage(url: url)
    let sid = try await owner.createStudy(name: "t", directions: [.minimize])  // creates Optuna's schema
    let waiting = try await owner.createTrial(study: sid, template: FrozenTrial(id: 0, number: 0, state: .waiting))
    let role = "hpotop_notemp_\(UUID().uuidString.prefix(8).lowercased())"
    let admin = try PostgresURL(parsing: try PostgresTestServer.require())
    try await PostgresAdmin.execute(url: admin, [
      "CREATE ROLE \(role) LOGIN",
      "REVOKE TEMPORARY ON DATABASE \"\(url.database)\" FROM PUBLIC",
      "GRANT CONNECT ON DATABASE \"\(url.database)\" TO \(role)",
    ])
    try await PostgresAdmin.execute(url: url, [
      "GRANT USAGE ON SCHEMA public TO \(role)",
      "GRANT ALL ON ALL TABLES IN SCHEMA public TO \(role)",
      "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO \(role)",
    ])
    var restrictedURL = url
    restrictedURL.user = role
    restrictedURL.password = nil
    let restricted = PostgresStorage(url: restrictedURL)
    // The refused role pops the WAITING trial first, then both roles share a budget of 12.
    let popped = try await restricted.startTrial(study: sid, budget: 12, heartbeat: true)
    #expect(popped?.id == waiting.id)
    #expect(restricted.startFunctionAllowed.withLock { $0 } == false)
    let started = try await withThrowingTaskGroup(of: [FrozenTrial].self) { group in
      for s in [restricted, owner, restricted, owner] {
        group.addTask {
          var mine: [FrozenTrial] = []
          while let t = try await s.startTrial(study: sid, budget: 12, heartbeat: true) {
            mine.append(t)
            try await s.setTrialState(trial: t.id, state: .complete, values: [Double(t.number)])
          }
          return mine
        }
      }
      return try await group.reduce(into: []) { $0 += $1 }
    }
    #expect(owner.startFunctionAllowed.withLock { $0 })
    #expect(started.count == 11)
    #expect(Set(started.map(\.number)) == Set(1..<12))
    #expect(try await owner.trials(study: sid, filter: .all).count == 12)
    try? await PostgresAdmin.execute(url: admin, ["DROP OWNED BY \(role)"])
    await PostgresTestServer.drop(created)
    try? await PostgresAdmin.execute(url: admin, ["DROP ROLE IF EXISTS \(role)"])
  }

  @Test func unreachableServerGivesAClearErrorWithoutThePassword() async throws {
    // A port nothing listens on: retries, then one clear error.
    let s = try PostgresStorage(url: "postgresql://u:hunter2secret@127.0.0.1:9/none", retryFor: 1.5)
    do {
      _ = try await s.studies()
      Issue.record("studies() on a dead server succeeded")
    } catch let e as StorageError {
      #expect(e.kind == .backend)
      #expect(e.message.contains("127.0.0.1:9"), "\(e.message)")
      #expect(!e.message.contains("hunter2secret"))
      #expect(!s.displayURL.contains("hunter2secret"))
    }
  }

  @Test func wrongPasswordIsReportedWithoutEchoingIt() async throws {
    let admin = try PostgresURL(parsing: try PostgresTestServer.require())
    var bad = admin
    bad.user = "hpotop_no_such_role"
    bad.password = "sup3rsecret"
    let s = PostgresStorage(url: bad, retryFor: 2)
    do {
      _ = try await s.studies()
      Issue.record("a missing role logged in")
    } catch {
      #expect(!"\(error)".contains("sup3rsecret"))
      #expect("\(error)".contains("hpotop_no_such_role"), "\(error)")
    }
  }

  @Test func aNonOptunaDatabaseIsRefused() async throws {
    let created = DatabaseList()
    let url = try await PostgresTestServer.freshDatabase("foreign", created: created)
    try await PostgresAdmin.execute(url: url, ["CREATE TABLE something (x int)"])
    let s = PostgresStorage(url: url)
    await #expect(throws: StorageError.self) { _ = try await s.studies() }
    await PostgresTestServer.drop(created)
  }
}
#endif
