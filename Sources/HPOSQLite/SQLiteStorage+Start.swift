import Foundation
import GRDB
import HPO

extension SQLiteStorage {
  public func startTrial(study: Int64, budget: Int?, heartbeat: Bool) async throws -> FrozenTrial? {
    let known = waitingScans.withLock { $0[study] }
    let (trial, scan) = try await write("startTrial") { db in
      let (trial, scan) = try Self.startTrial(db, study: study, budget: budget, known: known)
      if heartbeat, let trial { try Self.upsertHeartbeat(db, trial: trial.id) }
      return (trial, scan)
    }
    // Installed only once the transaction committed; any committed scan stays true (see WaitingScan).
    waitingScans.withLock { $0[study] = scan }
    return trial
  }

  private static func startTrial(_ db: Database, study: Int64, budget: Int?, known: WaitingScan?) throws
    -> (FrozenTrial?, WaitingScan)
  {
    try requireStudy(db, study)
    let now = SQLiteEncoding.format(SQLiteEncoding.roundedNow())
    let waiting = try waitingTrials(db, study: study, known: known)
    let last = try Row.fetchOne(
      db.cachedStatement(sql: "SELECT trial_id, number FROM trials WHERE study_id = ? ORDER BY trial_id DESC LIMIT 1"),
      arguments: [study])
    let lastID: Int64 = last?[0] ?? 0
    if let first = waiting.first {
      try db.cachedStatement(sql: "UPDATE trials SET state = 'RUNNING', datetime_start = ? WHERE trial_id = ?")
        .execute(arguments: [now, first])
      return (try loadTrial(db, id: first), WaitingScan(upTo: lastID, waiting: Array(waiting.dropFirst())))
    }
    let scan = WaitingScan(upTo: lastID, waiting: [])
    // No trial of the study waits, so all of them count against the budget: the next number.
    let number = try nextNumber(db, study: study)
    if let budget, number >= budget { return (nil, scan) }
    try db.cachedStatement(sql: """
      INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) VALUES (?, ?, 'RUNNING', ?, NULL)
      """).execute(arguments: [number, study, now])
    return (try loadTrial(db, id: db.lastInsertedRowID), scan)
  }

  /// The ids of the study's WAITING trials, ascending. With a scan from an earlier transaction,
  /// only the trials it listed and those inserted after it are looked at (by rowid), instead of
  /// every trial of the study (the schema has no index on `state`).
  static func waitingTrials(_ db: Database, study: Int64, known: WaitingScan?) throws -> [Int64] {
    // The scan holds only while its last trial is still this study's (a study deleted and
    // created again under the same id by another process starts over).
    let valid = try known.map { k in
      try k.upTo > 0 && Bool.fetchOne(
        db.cachedStatement(sql: "SELECT 1 FROM trials WHERE trial_id = ? AND study_id = ?"),
        arguments: [k.upTo, study]) != nil
    } ?? false
    guard let known, valid else {
      return try Int64.fetchAll(
        db.cachedStatement(sql: "SELECT trial_id FROM trials WHERE study_id = ? AND state = 'WAITING' ORDER BY trial_id"),
        arguments: [study])
    }
    return try Int64.fetchAll(
      db.cachedStatement(sql: """
        SELECT trial_id FROM trials
        WHERE trial_id IN (SELECT value FROM json_each(?) UNION ALL SELECT trial_id FROM trials WHERE trial_id > ?)
        AND +study_id = ? AND state = 'WAITING' ORDER BY trial_id
        """), arguments: [idList(known.waiting), known.upTo, study])
  }
}

/// What a storage instance knows about one study's WAITING trials after a transaction: every
/// trial of the study with an id ≤ `upTo` that was WAITING then is in `waiting`.
///
/// This stays true later: a trial is WAITING only from its insert (enqueue, retries; neither
/// Optuna nor hpotop moves a trial back to WAITING), and SQLite gives a new row an id above the
/// largest existing one, which is at least `upTo` while the study's trial `upTo` exists. Trials
/// listed here may have been popped since, so their state is checked again.
struct WaitingScan: Sendable {
  var upTo: Int64
  var waiting: [Int64]
}
