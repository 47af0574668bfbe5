import Foundation
import GRDB
import HPO
import OrderedCollections

extension SQLiteStorage {
  public func createTrial(study: Int64, template: FrozenTrial?) async throws -> FrozenTrial {
    try await write("createTrial") { db in
      try Self.requireStudy(db, study)
      let now = SQLiteEncoding.roundedNow()
      let state = template?.state ?? .running
      var start = template == nil ? now : template?.datetimeStart
      if state == .running && start == nil { start = now }
      let complete = template?.datetimeComplete
      let number = try Self.nextNumber(db, study: study)
      try db.cachedStatement(sql: """
        INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete)
        VALUES (?, ?, ?, ?, ?)
        """).execute(arguments: [
          number, study, state.rawValue, start.map(SQLiteEncoding.format),
          complete.map(SQLiteEncoding.format),
        ])
      let id = db.lastInsertedRowID
      guard let template else {
        return FrozenTrial(id: id, number: number, state: .running, datetimeStart: start)
      }
      if let values = template.values {
        for (i, v) in values.enumerated() { try Self.upsertValue(db, trial: id, objective: i, value: v) }
      }
      for (name, value) in template.params {
        guard let d = template.distributions[name] else {
          throw StorageError(.invalidValue, "param '\(name)' of the template has no distribution")
        }
        guard let internalValue = d.toInternal(value) else {
          throw StorageError(.invalidValue, "param '\(name)' = \(value.pythonRepr) does not fit \(d.kindName)")
        }
        try Self.upsertParam(db, trial: id, name: name, internalValue: internalValue, distribution: d)
      }
      for (k, v) in template.userAttrs { try Self.upsertTrialAttr(db, user: true, trial: id, key: k, value: v) }
      for (k, v) in template.systemAttrs { try Self.upsertTrialAttr(db, user: false, trial: id, key: k, value: v) }
      for (step, v) in template.intermediateValues {
        try Self.upsertIntermediate(db, trial: id, step: step, value: v)
      }
      return try Self.loadTrial(db, id: id)
    }
  }

  public func popWaitingTrial(study: Int64) async throws -> FrozenTrial? {
    try await write("popWaitingTrial") { db in
      try Self.requireStudy(db, study)
      guard let id = try Int64.fetchOne(
        db.cachedStatement(sql: """
          SELECT trial_id FROM trials WHERE study_id = ? AND state = 'WAITING' ORDER BY trial_id LIMIT 1
          """), arguments: [study])
      else { return nil }
      try db.cachedStatement(sql: "UPDATE trials SET state = 'RUNNING', datetime_start = ? WHERE trial_id = ?")
        .execute(arguments: [SQLiteEncoding.format(SQLiteEncoding.roundedNow()), id])
      return try Self.loadTrial(db, id: id)
    }
  }

  public func setTrialParam(trial: Int64, name: String, internalValue: Double, distribution: Distribution)
    async throws
  {
    try await write("setTrialParam") { db in
      // The trial's state and the param's current distribution in one statement.
      guard let row = try Row.fetchOne(
        db.cachedStatement(sql: """
          SELECT t.state, t.number, p.distribution_json FROM trials t
          LEFT JOIN trial_params p ON p.trial_id = t.trial_id AND p.param_name = ?
          WHERE t.trial_id = ?
          """), arguments: [name, trial])
      else { throw StorageError(.trialNotFound, "No trial with trial_id \(trial) exists.") }
      _ = try Self.updatableState(row, trial)
      let existing: String? = row[2]
      if let existing, let previous = try? Distribution(jsonString: existing),
        !previous.isCompatible(with: distribution)
      {
        throw StorageError(.invalidValue,
          "Cannot set different distribution kind to the same parameter name '\(name)' (\(previous.kindName) then \(distribution.kindName)).")
      }
      try Self.upsertParam(db, trial: trial, name: name, internalValue: internalValue, distribution: distribution)
    }
  }

  @discardableResult
  public func setTrialState(
    trial: Int64, state: TrialState, values: [Double]?, systemAttrs: OrderedDictionary<String, JSONValue>
  ) async throws -> Bool {
    try await write("setTrialState") { db in
      let current = try Self.updatableState(db, trial)
      if state == .running && current != .waiting { return false }
      for (k, v) in systemAttrs { try Self.upsertTrialAttr(db, user: false, trial: trial, key: k, value: v) }
      let now = SQLiteEncoding.format(SQLiteEncoding.roundedNow())
      if state == .running {
        try db.cachedStatement(sql: "UPDATE trials SET state = ?, datetime_start = ? WHERE trial_id = ?")
          .execute(arguments: [state.rawValue, now, trial])
      } else if state.isFinished {
        try db.cachedStatement(sql: "UPDATE trials SET state = ?, datetime_complete = ? WHERE trial_id = ?")
          .execute(arguments: [state.rawValue, now, trial])
      } else {
        try db.cachedStatement(sql: "UPDATE trials SET state = ? WHERE trial_id = ?")
          .execute(arguments: [state.rawValue, trial])
      }
      if let values {
        for (i, v) in values.enumerated() { try Self.upsertValue(db, trial: trial, objective: i, value: v) }
      }
      return true
    }
  }

  public func setTrialIntermediateValue(trial: Int64, step: Int, value: Double) async throws {
    try await write("setTrialIntermediateValue") { db in
      _ = try Self.updatableState(db, trial)
      try Self.upsertIntermediate(db, trial: trial, step: step, value: value)
    }
  }

  public func setTrialUserAttr(trial: Int64, key: String, value: JSONValue) async throws {
    try await write("setTrialUserAttr") { db in
      _ = try Self.updatableState(db, trial)
      try Self.upsertTrialAttr(db, user: true, trial: trial, key: key, value: value)
    }
  }

  public func setTrialSystemAttr(trial: Int64, key: String, value: JSONValue) async throws {
    try await write("setTrialSystemAttr") { db in
      _ = try Self.updatableState(db, trial)
      try Self.upsertTrialAttr(db, user: false, trial: trial, key: key, value: value)
    }
  }

  public func claimTrialSystemAttr(trial: Int64, study: Int64, key: String, value: JSONValue) async throws
    -> Bool
  {
    try await write("claimTrialSystemAttr") { db in
      _ = try Self.updatableState(db, trial)
      let json = value.pythonJSON
      let taken = try Bool.fetchOne(
        db.cachedStatement(sql: """
          SELECT 1 FROM trial_system_attributes a JOIN trials t ON t.trial_id = a.trial_id
          WHERE t.study_id = ? AND a."key" = ? AND a.value_json = ? AND a.trial_id != ? LIMIT 1
          """), arguments: [study, key, json, trial]) != nil
      if taken { return false }
      try Self.upsertTrialAttr(db, user: false, trial: trial, key: key, value: value)
      return true
    }
  }

  // MARK: Helpers

  /// The next trial number of a study, inside the inserting transaction. Optuna's rule is
  /// "the count of the study's trials with a smaller trial_id"; since numbers are assigned that
  /// way by every writer and trials are never deleted singly, that is the last trial's number + 1,
  /// which the study index finds in O(log n). A missing number falls back to the count.
  static func nextNumber(_ db: Database, study: Int64) throws -> Int {
    let row = try Row.fetchOne(
      db.cachedStatement(sql: "SELECT number FROM trials WHERE study_id = ? ORDER BY trial_id DESC LIMIT 1"),
      arguments: [study])
    guard let row else { return 0 }
    if let last: Int = row[0] { return last + 1 }
    return try Int.fetchOne(
      db.cachedStatement(sql: "SELECT COUNT(*) FROM trials WHERE study_id = ?"), arguments: [study]) ?? 0
  }

  /// The trial's state, or an error when it does not exist or has finished.
  static func updatableState(_ db: Database, _ trial: Int64) throws -> TrialState {
    guard let row = try Row.fetchOne(
      db.cachedStatement(sql: "SELECT state, number FROM trials WHERE trial_id = ?"), arguments: [trial])
    else { throw StorageError(.trialNotFound, "No trial with trial_id \(trial) exists.") }
    return try updatableState(row, trial)
  }

  /// The state of a trial row whose first columns are `state, number`; throws when it finished.
  static func updatableState(_ row: Row, _ trial: Int64) throws -> TrialState {
    let raw: String = row[0]
    guard let state = TrialState(rawValue: raw) else {
      throw StorageError(.incompatibleSchema, "trial \(trial) has unknown state \(raw)")
    }
    if state.isFinished {
      let number: Int? = row[1]
      throw StorageError(.trialFinished,
        "Trial#\(number.map(String.init) ?? "?") has already finished and can not be updated.")
    }
    return state
  }

  static func upsertValue(_ db: Database, trial: Int64, objective: Int, value: Double) throws {
    let (v, type) = try RDBColumns.encodeValue(value)
    try db.cachedStatement(sql: """
      INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, ?, ?, ?)
      ON CONFLICT (trial_id, objective) DO UPDATE SET value = excluded.value, value_type = excluded.value_type
      """).execute(arguments: [trial, objective, v, type])
  }

  static func upsertIntermediate(_ db: Database, trial: Int64, step: Int, value: Double) throws {
    let (v, type) = RDBColumns.encode(value)
    try db.cachedStatement(sql: """
      INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type)
      VALUES (?, ?, ?, ?)
      ON CONFLICT (trial_id, step) DO UPDATE SET intermediate_value = excluded.intermediate_value,
        intermediate_value_type = excluded.intermediate_value_type
      """).execute(arguments: [trial, step, v, type])
  }

  static func upsertParam(
    _ db: Database, trial: Int64, name: String, internalValue: Double, distribution: Distribution
  ) throws {
    try db.cachedStatement(sql: """
      INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (?, ?, ?, ?)
      ON CONFLICT (trial_id, param_name) DO UPDATE SET param_value = excluded.param_value,
        distribution_json = excluded.distribution_json
      """).execute(arguments: [trial, name, internalValue, distribution.jsonString])
  }

  static func upsertTrialAttr(_ db: Database, user: Bool, trial: Int64, key: String, value: JSONValue) throws {
    let sql = user
      ? """
        INSERT INTO trial_user_attributes (trial_id, "key", value_json) VALUES (?, ?, ?)
        ON CONFLICT (trial_id, "key") DO UPDATE SET value_json = excluded.value_json
        """
      : """
        INSERT INTO trial_system_attributes (trial_id, "key", value_json) VALUES (?, ?, ?)
        ON CONFLICT (trial_id, "key") DO UPDATE SET value_json = excluded.value_json
        """
    try db.cachedStatement(sql: sql).execute(arguments: [trial, key, value.pythonJSON])
  }
}

extension SQLiteEncoding {
  /// Now, rounded to the microseconds the DATETIME text keeps, so returned trials equal reloaded ones.
  static func roundedNow() -> Date {
    let now = Date()
    return parse(format(now)) ?? now
  }
}
