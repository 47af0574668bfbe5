import Foundation
import GRDB
import GRDBSQLite
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
      // Every id of a range (a page of a newest-first load): the rowid range, no id list to parse.
      if let lo = ids.min(), let hi = ids.max(), hi - lo + 1 == Int64(ids.count) {
        conditions.append("trial_id BETWEEN ? AND ? AND +study_id = ?")
        arguments += [lo, hi]
      } else {
        conditions.append("trial_id IN (SELECT value FROM json_each(?)) AND +study_id = ?")
        arguments += [Self.idList(Array(ids))]
      }
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

  public func trialIDs(study: Int64) async throws -> [Int64]? {
    try await read("trial ids") { db in
      let ids = try Int64.fetchAll(db.cachedStatement(sql: "SELECT trial_id FROM trials WHERE study_id = ? ORDER BY trial_id"),
                                   arguments: [study])
      if ids.isEmpty { try Self.requireStudy(db, study) }
      return ids
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
  ///
  /// Columns are read straight off the stepped statement (`RawColumns`), child rows find their
  /// trial by a moving cursor (they come grouped by trial) before a dictionary, and a trial's
  /// intermediate values are built in one go: a 1M-trial study is ~16M rows.
  static func loadTrials(
    _ db: Database, where condition: String, arguments conditionArguments: StatementArguments
  ) throws
    -> [FrozenTrial]
  {
    var trials: [FrozenTrial] = []
    var index: [Int64: Int] = [:]
    let trialStatement = try db.cachedStatement(sql: """
      SELECT trial_id, number, state, datetime_start, datetime_complete FROM trials
      WHERE \(condition) ORDER BY number, trial_id
      """)
    let trialRows = try Row.fetchCursor(trialStatement, arguments: conditionArguments)
    let tc = RawColumns(trialStatement)
    while try trialRows.next() != nil {
      let id = tc.int64(0)
      guard let state = tc.trialState(2) else {
        throw StorageError(.incompatibleSchema, "trial \(id) has unknown state \(tc.string(2) ?? "NULL")")
      }
      index[id] = trials.count
      trials.append(FrozenTrial(
        id: id, number: Int(tc.int64(1)), state: state,
        datetimeStart: tc.date(3), datetimeComplete: tc.date(4)))
    }
    if trials.isEmpty { return [] }
    // How child rows are found: few trials, by their ids (index probes on each child table's
    // UNIQUE(trial_id, …)); many with ids close together (a whole study, or a page of one), by
    // an index range on trial_id, skipping any other study's rows; else the condition again
    // as a subquery.
    let subquery: String
    let arguments: StatementArguments
    let ids = trials.lazy.map(\.id)
    let lo = ids.min()!, hi = ids.max()!
    if trials.count <= 2000 {
      subquery = "trial_id IN (SELECT value FROM json_each(?))"
      arguments = [idList(trials.map(\.id))]
    } else if hi - lo < 2 * Int64(trials.count) {
      subquery = "trial_id BETWEEN ? AND ?"
      arguments = [lo, hi]
    } else {
      subquery = "trial_id IN (SELECT trial_id FROM trials WHERE \(condition))"
      arguments = conditionArguments
    }
    // Child rows come by trial (ORDER BY trial_id, which the index gives): the next trial is
    // tried before the dictionary.
    var cursor = 0
    func position(_ tid: Int64) -> Int? {
      if cursor < trials.count, trials[cursor].id == tid { return cursor }
      if cursor + 1 < trials.count, trials[cursor + 1].id == tid {
        cursor += 1
        return cursor
      }
      guard let i = index[tid] else { return nil }
      cursor = i
      return i
    }

    // A trial's params in suggestion order (param_id), built in one go per trial.
    let paramStatement = try db.cachedStatement(sql: """
      SELECT trial_id, param_id, param_name, param_value, distribution_json FROM trial_params
      WHERE \(subquery) ORDER BY trial_id
      """)
    let params = try Row.fetchCursor(paramStatement, arguments: arguments)
    let pc = RawColumns(paramStatement)
    // (name, distribution JSON) → both decoded, matched on the raw bytes (a study has few).
    var seen: [(name: [UInt8], json: [UInt8], key: String, distribution: Distribution)] = []
    var group: [(paramID: Int64, seen: Int, value: Double)] = []
    var groupTrial: Int?
    // The last trial's params (names, distributions) in order, as `seen` indices: a trial with
    // the same ones shares that trial's name and distribution storage (one new array per
    // trial, its values, instead of four).
    var shape: [Int] = []
    var shapeParams = OrderedDictionary<String, ParamValue>()
    var shapeDistributions = OrderedDictionary<String, Distribution>()
    func storeParams() {
      guard let c = groupTrial, !group.isEmpty else { return }
      if !group.indices.dropFirst().allSatisfy({ group[$0 - 1].paramID < group[$0].paramID }) {
        group.sort { $0.paramID < $1.paramID }
      }
      if group.count == shape.count, group.indices.allSatisfy({ group[$0].seen == shape[$0] }) {
        var params = shapeParams
        for k in group.indices { params.values[k] = seen[group[k].seen].distribution.toExternal(group[k].value) }
        trials[c].params = params
        trials[c].distributions = shapeDistributions
      } else {
        var names: [String] = [], values: [ParamValue] = [], dists: [Distribution] = []
        names.reserveCapacity(group.count)
        values.reserveCapacity(group.count)
        dists.reserveCapacity(group.count)
        for g in group {
          let d = seen[g.seen].distribution
          names.append(seen[g.seen].key)
          values.append(d.toExternal(g.value))
          dists.append(d)
        }
        trials[c].params = OrderedDictionary(uncheckedUniqueKeys: names, values: values)
        trials[c].distributions = OrderedDictionary(uncheckedUniqueKeys: names, values: dists)
        shape = group.map(\.seen)
        shapeParams = trials[c].params
        shapeDistributions = trials[c].distributions
      }
      group.removeAll(keepingCapacity: true)
    }
    while try params.next() != nil {
      let tid = pc.int64(0)
      guard let i = position(tid) else { continue }
      if i != groupTrial {
        storeParams()
        groupTrial = i
      }
      let nameBytes = pc.bytes(2), jsonBytes = pc.bytes(4)
      var k = seen.firstIndex { RawColumns.same($0.name, nameBytes) && RawColumns.same($0.json, jsonBytes) }
      if k == nil {
        let name = pc.string(2) ?? "", json = pc.string(4) ?? ""
        let d: Distribution
        do { d = try Distribution(jsonString: json) } catch {
          throw StorageError(.invalidValue, "trial \(tid) param '\(name)' has an unreadable distribution \(json): \(error)")
        }
        seen.append((Array(nameBytes), Array(jsonBytes), name, d))
        k = seen.count - 1
      }
      group.append((pc.int64(1), k!, pc.double(3) ?? .nan))
    }
    storeParams()

    cursor = 0
    let valueStatement = try db.cachedStatement(sql: """
      SELECT trial_id, value, value_type FROM trial_values WHERE \(subquery) ORDER BY trial_id, objective
      """)
    let values = try Row.fetchCursor(valueStatement, arguments: arguments)
    let vc = RawColumns(valueStatement)
    while try values.next() != nil {
      guard let i = position(vc.int64(0)) else { continue }
      let v = vc.typedValue(1, type: 2)
      if trials[i].values == nil { trials[i].values = [v] } else { trials[i].values?.append(v) }
    }

    // Ordered by trial and step: each trial's values are collected, then stored at once.
    cursor = 0
    let intermediateStatement = try db.cachedStatement(sql: """
      SELECT trial_id, step, intermediate_value, intermediate_value_type FROM trial_intermediate_values
      WHERE \(subquery) ORDER BY trial_id, step
      """)
    let intermediates = try Row.fetchCursor(intermediateStatement, arguments: arguments)
    let ic = RawColumns(intermediateStatement)
    var current: Int?
    var steps: [Int] = [], stepValues: [Double] = []
    // Trials that reported steps 0..<n (most) share the steps' storage: one per n.
    var firstSteps: [Int: OrderedDictionary<Int, Double>] = [:]
    func store() {
      guard let c = current, !steps.isEmpty else { return }
      let n = steps.count
      if steps[n - 1] == n - 1, steps[0] == 0, steps.indices.allSatisfy({ steps[$0] == $0 }) {
        if var shared = firstSteps[n] {
          for k in 0..<n { shared.values[k] = stepValues[k] }
          trials[c].intermediateValues = shared
        } else {
          trials[c].intermediateValues = OrderedDictionary(uncheckedUniqueKeys: steps, values: stepValues)
          firstSteps[n] = trials[c].intermediateValues
        }
      } else {
        trials[c].intermediateValues = OrderedDictionary(uncheckedUniqueKeys: steps, values: stepValues)
      }
      steps.removeAll(keepingCapacity: true)
      stepValues.removeAll(keepingCapacity: true)
    }
    while try intermediates.next() != nil {
      guard let i = position(ic.int64(0)) else { continue }
      if i != current {
        store()
        current = i
      }
      steps.append(Int(ic.int64(1)))
      stepValues.append(ic.typedValue(2, type: 3))
    }
    store()

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

/// Column reads on the row a cursor over `statement` has just stepped to, through SQLite's C
/// API: no `Row` subscripts, and no String unless one is asked for.
struct RawColumns {
  let statement: OpaquePointer

  init(_ statement: Statement) { self.statement = statement.sqliteStatement }

  func isNull(_ i: Int32) -> Bool { sqlite3_column_type(statement, i) == SQLITE_NULL }

  func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(statement, i) }

  func double(_ i: Int32) -> Double? { isNull(i) ? nil : sqlite3_column_double(statement, i) }

  /// The column's text as UTF-8 bytes, valid until the next step (empty for NULL).
  func bytes(_ i: Int32) -> UnsafeBufferPointer<UInt8> {
    guard let p = sqlite3_column_text(statement, i) else { return UnsafeBufferPointer(start: nil, count: 0) }
    return UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(statement, i)))
  }

  /// Whether stored bytes equal a column's bytes.
  static func same(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    return a.isEmpty || a.withUnsafeBufferPointer { memcmp($0.baseAddress!, b.baseAddress!, b.count) == 0 }
  }

  func string(_ i: Int32) -> String? {
    isNull(i) ? nil : String(decoding: bytes(i), as: UTF8.self)
  }

  /// A `trials.state` value.
  func trialState(_ i: Int32) -> TrialState? {
    let b = bytes(i)
    for s in TrialState.allCases where s.rawValue.utf8.elementsEqual(b) { return s }
    return nil
  }

  /// A naive-UTC datetime column (`SQLiteEncoding.parse`), nil when NULL or not a datetime.
  func date(_ i: Int32) -> Date? {
    let b = bytes(i)
    return b.isEmpty ? nil : SQLiteEncoding.parse(bytes: b)
  }

  /// A value column with its `*_type` enum column (`RDBColumns.decode`).
  func typedValue(_ i: Int32, type t: Int32) -> Double {
    let type = bytes(t)
    if type.elementsEqual("FINITE".utf8) { return double(i) ?? .nan }
    return RDBColumns.decode(double(i), type: String(decoding: type, as: UTF8.self))
  }
}
