import Foundation
import GRDB
import HPO

extension SQLiteStorage {
  /// One read transaction: the trials that introduce a key (the first trial by number that has
  /// each param name, user-attr key or system-attr key), then every trial a page of ids at a
  /// time. Trial numbers are allocated in the transaction that inserts the trial, so ids and
  /// numbers ascend together and pages by id come by number.
  public func readTrialPages(
    study: Int64, pageSize: Int, columns: ([FrozenTrial]) throws -> Void, page: ([FrozenTrial]) throws -> Void
  ) async throws -> Bool {
    precondition(pageSize > 0)
    return try readBlocking("trial pages") { db in
      try Self.requireStudy(db, study)
      let firstCarriers = try Int64.fetchAll(db, sql: """
        SELECT trial_id FROM trials WHERE study_id = ?1 AND number IN (
          SELECT MIN(t.number) FROM trial_params x JOIN trials t ON t.trial_id = x.trial_id
          WHERE t.study_id = ?1 GROUP BY x.param_name
          UNION SELECT MIN(t.number) FROM trial_user_attributes x JOIN trials t ON t.trial_id = x.trial_id
          WHERE t.study_id = ?1 GROUP BY x."key"
          UNION SELECT MIN(t.number) FROM trial_system_attributes x JOIN trials t ON t.trial_id = x.trial_id
          WHERE t.study_id = ?1 GROUP BY x."key")
        ORDER BY trial_id
        """, arguments: [study])
      try columns(try Self.loadTrials(db, ids: firstCarriers, study: study))
      let ids = try Int64.fetchAll(
        db.cachedStatement(sql: "SELECT trial_id FROM trials WHERE study_id = ? ORDER BY trial_id"), arguments: [study])
      var start = 0
      while start < ids.count {
        let end = min(start + pageSize, ids.count)
        try page(try Self.loadTrials(db, ids: Array(ids[start..<end]), study: study))
        start = end
      }
      return true
    }
  }

  /// The study's trials with these ids, by number.
  static func loadTrials(_ db: Database, ids: [Int64], study: Int64) throws -> [FrozenTrial] {
    if ids.isEmpty { return [] }
    return try loadTrials(
      db, where: "trial_id IN (SELECT value FROM json_each(?)) AND +study_id = ?", arguments: [idList(ids), study])
  }
}
