import Foundation
import HPO
import HPOSQLite
import HPOTesting
import Testing

/// `startTrial` remembers which WAITING trials it saw and looks only at newer rows afterwards;
/// other instances on the same file (other processes) enqueue, pop and delete meanwhile.
@Suite struct SQLiteWaitingScanTests {
  let waiting = FrozenTrial(id: 0, number: 0, state: .waiting)

  func start(_ s: SQLiteStorage, _ study: Int64) async throws -> FrozenTrial {
    try #require(try await s.startTrial(study: study, budget: nil, heartbeat: false))
  }

  @Test func anotherInstanceEnqueuesAndPops() async throws {
    let dir = try TempDir()
    let a = try SQLiteStorage(path: dir.file("s.db"))
    let b = try SQLiteStorage(path: dir.file("s.db"))
    let sid = try await a.createStudy(name: "s", directions: [.minimize])
    for _ in 0..<5 { _ = try await start(a, sid) }
    let w = try await b.createTrial(study: sid, template: waiting)
    #expect(try await start(a, sid).id == w.id, "a trial the other instance enqueued is popped")
    let w1 = try await b.createTrial(study: sid, template: waiting)
    let w2 = try await b.createTrial(study: sid, template: waiting)
    #expect(try await start(a, sid).id == w1.id)
    #expect(try await start(b, sid).id == w2.id, "the other instance pops the one a saw waiting")
    let next = try await start(a, sid)
    #expect(next.id != w2.id && next.number == 8, "a does not pop it again")
  }

  @Test func aStudyDeletedAndCreatedAgainStartsOver() async throws {
    let dir = try TempDir()
    let a = try SQLiteStorage(path: dir.file("s.db"))
    let b = try SQLiteStorage(path: dir.file("s.db"))
    let keep = try await a.createStudy(name: "keep", directions: [.minimize])
    _ = try await start(a, keep)
    let sid = try await a.createStudy(name: "s", directions: [.minimize])
    for _ in 0..<5 { _ = try await start(a, sid) }
    try await b.deleteStudy(id: sid)
    let again = try await b.createStudy(name: "s2", directions: [.minimize])
    let w = try await b.createTrial(study: again, template: waiting)
    #expect(try await start(a, again).id == w.id, "the enqueued trial of the new study is popped")
  }
}
