import Foundation
import GRDB
import HPO

extension SQLiteStorage {
  public func startTrial(study: Int64, budget: Int?, heartbeat: Bool) async throws -> FrozenTrial? {
    try await write("startTrial") { db in
      guard let trial = try Self.startTrial(db, study: study, budget: budget) else { return nil }
      if heartbeat { try Self.upsertHeartbeat(db, trial: trial.id) }
      return trial
    }
  }

  private static func startTrial(_ db: Database, study: Int64, budget: Int?) throws -> FrozenTrial? {
    try requireStudy(db, study)
    let now = SQLiteEncoding.format(SQLiteEncoding.roundedNow())
    if let waiting = try Int64.fetchOne(
      db.cachedStatement(sql: "SELECT trial_id FROM trials WHERE study_id = ? AND state = 'WAITING' ORDER BY trial_id LIMIT 1"),
      arguments: [study])
    {
      try db.cachedStatement(sql: "UPDATE trials SET state = 'RUNNING', datetime_start = ? WHERE trial_id = ?")
        .execute(arguments: [now, waiting])
      return try loadTrial(db, id: waiting)
    }
    if let budget {
      let started = try Int.fetchOne(
        db.cachedStatement(sql: "SELECT COUNT(*) FROM trials WHERE study_id = ? AND state != 'WAITING'"),
        arguments: [study]) ?? 0
      if started >= budget { return nil }
    }
    let number = try nextNumber(db, study: study)
    try db.cachedStatement(sql: """
      INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) VALUES (?, ?, 'RUNNING', ?, NULL)
      """).execute(arguments: [number, study, now])
    return try loadTrial(db, id: db.lastInsertedRowID)
  }
}
