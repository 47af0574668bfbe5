import Foundation
import GRDB
import HPO
import OrderedCollections

extension SQLiteStorage {
  public func trial(id: Int64) async throws -> FrozenTrial {
    try await read("trial") { db in try Self.loadTrial(db, id: id) }
  }

  public func trials(study: Int64, filter: TrialFilter) async throws -> [FrozenTrial] {
    // With an id restriction the rowid drives the lookup (`+study_id` keeps SQLite off the study
    // index), so a refresh of a 100k-trial study reads only the new and unfinished rows.
    var conditions: [String] = []
    var arguments: StatementArguments = []
    switch (filter.ids, filter.idGreaterThan) {
    case (nil, nil):
      conditions.append("study_id = ?")
    case (let ids?, nil):
      conditions.append("trial_id IN (SELECT value FROM json_each(?)) AND +study_id = ?")
      arguments += [Self.idList(Array(ids))]
    case (nil, let g?):
      conditions.append("trial_id > ? AND +study_id = ?")
      arguments += [g]
    case (let ids?, let g?):
      conditions.append("""
        trial_id IN (SELECT value FROM json_each(?) UNION ALL SELECT trial_id FROM trials WHERE trial_id > ?) \
        AND +study_id = ?
        """)
      arguments += [Self.idList(Array(ids)), g]
    }
    arguments += [study]
    if let states = filter.states {
      conditions.append("state IN (SELECT value FROM json_each(?))")
      arguments += [JSONValue.array(states.map { .string($0.rawValue) }).compactJSON]
    }
    let condition = conditions.joined(separator: " AND ")
    let args = arguments
    return try await read("trials") { db in
      let trials = try Self.loadTrials(db, where: condition, arguments: args)
      // Only an empty answer needs telling apart from a study that does not exist.
      if trials.isEmpty { try Self.requireStudy(db, study) }
      return trials
    }
  }

  static func idList(_ ids: [Int64]) -> String {
    "[" + ids.map(String.init).joined(separator: ",") + "]"
  }

  // MARK: Bulk loading

  static func loadTrial(_ db: Database, id: Int64) throws -> FrozenTrial {
    guard let t = try loadTrials(db, where: "trial_id = ?", arguments: [id]).first else {
      throw StorageError(.trialNotFound, "No trial with trial_id \(id) exists.")
    }
    return t
  }

  /// Loads the trials matching a condition on `trials` with six queries in all, whatever their
  /// number: the trial rows, then params, values, intermediate values and both attribute tables
  /// for all of them at once (the condition is repeated as a subquery).
  static func loadTrials(
    _ db: Database, where condition: String, arguments conditionArguments: StatementArguments
  ) throws
    -> [FrozenTrial]
  {
    var trials: [FrozenTrial] = []
    var index: [Int64: Int] = [:]
    let trialRows = try Row.fetchCursor(
      db.cachedStatement(sql: """
        SELECT trial_id, number, state, datetime_start, datetime_complete FROM trials
        WHERE \(condition) ORDER BY number, trial_id
        """), arguments: conditionArguments)
    while let row = try trialRows.next() {
      let id: Int64 = row[0]
      let raw: String = row[2]
      guard let state = TrialState(rawValue: raw) else {
        throw StorageError(.incompatibleSchema, "trial \(id) has unknown state \(raw)")
      }
      let start: String? = row[3]
      let complete: String? = row[4]
      index[id] = trials.count
      trials.append(FrozenTrial(
        id: id, number: row[1] ?? 0, state: state,
        datetimeStart: start.flatMap(SQLiteEncoding.parse),
        datetimeComplete: complete.flatMap(SQLiteEncoding.parse)))
    }
    if trials.isEmpty { return [] }
    // Few trials: look their rows up by id (index probes on each child table's UNIQUE(trial_id, …)).
    // Many: repeat the condition as a subquery rather than binding a huge id list.
    let subquery: String
    let arguments: StatementArguments
    if trials.count <= 2000 {
      subquery = "trial_id IN (SELECT value FROM json_each(?))"
      arguments = [idList(trials.map(\.id))]
    } else {
      subquery = "trial_id IN (SELECT trial_id FROM trials WHERE \(condition))"
      arguments = conditionArguments
    }

    var distributions: [String: Distribution] = [:]
    let params = try Row.fetchCursor(
      db.cachedStatement(sql: """
        SELECT trial_id, param_name, param_value, distribution_json FROM trial_params
        WHERE \(subquery) ORDER BY param_id
        """), arguments: arguments)
    while let row = try params.next() {
      let tid: Int64 = row[0]
      guard let i = index[tid] else { continue }
      let name: String = row[1] ?? ""
      let json: String = row[3] ?? ""
      let d: Distribution
      if let cached = distributions[json] {
        d = cached
      } else {
        do { d = try Distribution(jsonString: json) } catch {
          throw StorageError(.invalidValue, "trial \(tid) param '\(name)' has an unreadable distribution \(json): \(error)")
        }
        distributions[json] = d
      }
      let v: Double = row[2] ?? .nan
      trials[i].params[name] = d.toExternal(v)
      trials[i].distributions[name] = d
    }

    let values = try Row.fetchCursor(
      db.cachedStatement(sql: """
        SELECT trial_id, value, value_type FROM trial_values WHERE \(subquery) ORDER BY trial_id, objective
        """), arguments: arguments)
    while let row = try values.next() {
      let tid: Int64 = row[0]
      guard let i = index[tid] else { continue }
      let v = RDBColumns.decode(row[1], type: row[2])
      if trials[i].values == nil { trials[i].values = [v] } else { trials[i].values?.append(v) }
    }

    let intermediates = try Row.fetchCursor(
      db.cachedStatement(sql: """
        SELECT trial_id, step, intermediate_value, intermediate_value_type FROM trial_intermediate_values
        WHERE \(subquery) ORDER BY trial_id, step
        """), arguments: arguments)
    while let row = try intermediates.next() {
      let tid: Int64 = row[0]
      guard let i = index[tid] else { continue }
      trials[i].intermediateValues[row[1]] = RDBColumns.decode(row[2], type: row[3])
    }

    for user in [true, false] {
      let sql = user
        ? "SELECT trial_id, \"key\", value_json FROM trial_user_attributes WHERE \(subquery) ORDER BY trial_user_attribute_id"
        : "SELECT trial_id, \"key\", value_json FROM trial_system_attributes WHERE \(subquery) ORDER BY trial_system_attribute_id"
      let attrs = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
      while let row = try attrs.next() {
        let tid: Int64 = row[0]
        guard let i = index[tid] else { continue }
        let key: String = row[1] ?? ""
        let value = try RDBColumns.attrValue(row[2])
        if user { trials[i].userAttrs[key] = value } else { trials[i].systemAttrs[key] = value }
      }
    }
    return trials
  }
}
