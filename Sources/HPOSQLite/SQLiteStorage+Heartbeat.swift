import Foundation
import GRDB
import HPO

extension SQLiteStorage {
  /// Records a heartbeat with the database's clock (`CURRENT_TIMESTAMP`, UTC), as Optuna does,
  /// so processes on machines with skewed clocks agree on staleness.
  public func recordHeartbeat(trial: Int64) async throws {
    try await write("recordHeartbeat") { db in
      guard try Bool.fetchOne(
        db.cachedStatement(sql: "SELECT 1 FROM trials WHERE trial_id = ?"), arguments: [trial]) != nil
      else { throw StorageError(.trialNotFound, "No trial with trial_id \(trial) exists.") }
      try Self.upsertHeartbeat(db, trial: trial)
    }
  }

  /// Sets a trial's heartbeat to the database's clock now.
  static func upsertHeartbeat(_ db: Database, trial: Int64) throws {
    try db.cachedStatement(sql: """
      INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES (?, CURRENT_TIMESTAMP)
      ON CONFLICT (trial_id) DO UPDATE SET heartbeat = CURRENT_TIMESTAMP
      """).execute(arguments: [trial])
  }

  /// Fails RUNNING trials whose heartbeat is older than `grace` seconds, comparing in SQL with the
  /// database's clock. The select and the updates share one IMMEDIATE transaction, so when
  /// processes race each stale trial is failed (and reported) by exactly one of them.
  public func failStaleTrials(study: Int64, grace: TimeInterval) async throws -> [Int64] {
    try await write("failStaleTrials") { db in
      try Self.requireStudy(db, study)
      let stale = try Int64.fetchAll(
        db.cachedStatement(sql: """
          SELECT t.trial_id FROM trials t JOIN trial_heartbeats h ON h.trial_id = t.trial_id
          WHERE t.study_id = ? AND t.state = 'RUNNING'
            AND (julianday('now') - julianday(h.heartbeat)) * 86400.0 > ?
          ORDER BY t.trial_id
          """), arguments: [study, grace])
      let now = SQLiteEncoding.format(SQLiteEncoding.roundedNow())
      for id in stale {
        try db.cachedStatement(sql: "UPDATE trials SET state = 'FAIL', datetime_complete = ? WHERE trial_id = ?")
          .execute(arguments: [now, id])
        try Self.upsertTrialAttr(db, user: false, trial: id, key: HpotopKey.failReason.rawValue, value: .string(HpotopKey.staleReason))
      }
      return stale
    }
  }
}
