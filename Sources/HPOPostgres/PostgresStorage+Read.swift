#if PostgreSQL
import Foundation
import HPO
import OrderedCollections
import PostgresNIO

extension PostgresStorage {
  public func trial(id: Int64) async throws -> FrozenTrial {
    try await autocommit("trial") { conn, _ in try await self.loadTrial(conn, id: id) }
  }

  /// A whole study is read table by table (each streamed in its index order, no sort of
  /// millions of rows); a poll for what changed (`ids`/`idGreaterThan`, a handful of trials) in
  /// one statement, one round trip.
  public func trials(study: Int64, filter: TrialFilter) async throws -> [FrozenTrial] {
    let ids = filter.ids.map { Array($0) }
    let greater = filter.idGreaterThan
    let states = filter.states.map { $0.map(\.rawValue) }
    if ids == nil && greater == nil {
      return try await transaction("trials") { conn, _ in
        try await self.requireStudy(conn, study)
        return try await self.loadTrialsByTable(conn, """
          SELECT trial_id::int8, number, state::text, EXTRACT(EPOCH FROM datetime_start)::float8,
            EXTRACT(EPOCH FROM datetime_complete)::float8
          FROM trials WHERE study_id = \(study) AND (\(states)::text[] IS NULL OR state::text = ANY(\(states)::text[]))
          ORDER BY number, trial_id
          """)
      }
    }
    let bindings = binds {
      $0.append(study)
      $0.append(ids)
      $0.append(greater)
      $0.append(states)
    }
    return try await autocommit("trials") { conn, _ in
      let (trials, studyExists) = try await self.loadTrials(conn, ReadChangedTrials.self, bindings)
      guard studyExists else { throw StorageError(.studyNotFound, "No study with study_id \(study) exists.") }
      return trials
    }
  }

  func loadTrial(_ conn: PostgresConnection, id: Int64) async throws -> FrozenTrial {
    guard let t = try await loadTrials(conn, ReadTrial.self, binds { $0.append(id) }).trials.first
    else { throw StorageError(.trialNotFound, "No trial with trial_id \(id) exists.") }
    return t
  }

  /// Loads the trials that a trial read (`ReadTrial`, `ReadChangedTrials`) selects, with their
  /// params, values, intermediate values and attrs, in one statement: one round trip and one
  /// snapshot, so no BEGIN/COMMIT is needed for a consistent read. The answer also says whether
  /// the study the statement names exists (always false for `ReadTrial`).
  func loadTrials<Read: PreparedSQL>(_ conn: PostgresConnection, _ read: Read.Type, _ bindings: PostgresBindings)
    async throws -> (trials: [FrozenTrial], studyExists: Bool)
  {
    var trials: [FrozenTrial] = []
    var index: [Int64: Int] = [:]
    var studyExists = false
    var distributions: [String: Distribution] = [:]
    for try await row in try await conn.run(read, bindings, logger: logger) {
      let (kind, tid, i, s1, s2, d1, d2) = try row.decode(
        (Int32, Int64, Int64?, String?, String?, Double?, Double?).self)
      if kind == -1 {
        studyExists = true
        continue
      }
      if kind == 0 {
        let raw = s1 ?? ""
        guard let state = TrialState(rawValue: raw) else {
          throw StorageError(.incompatibleSchema, "trial \(tid) has unknown state \(raw)")
        }
        index[tid] = trials.count
        trials.append(FrozenTrial(
          id: tid, number: i.map(Int.init) ?? 0, state: state,
          datetimeStart: d1.map(Date.init(timeIntervalSince1970:)),
          datetimeComplete: d2.map(Date.init(timeIntervalSince1970:))))
        continue
      }
      guard let t = index[tid] else { continue }
      switch kind {
      case 1:
        let name = s1 ?? ""
        let d = try Self.distribution(s2 ?? "", trial: tid, param: name, parsed: &distributions)
        trials[t].params[name] = d.toExternal(d1 ?? .nan)
        trials[t].distributions[name] = d
      case 2:
        let v = RDBColumns.decode(d1, type: s1 ?? "")
        if trials[t].values == nil { trials[t].values = [v] } else { trials[t].values?.append(v) }
      case 3:
        trials[t].intermediateValues[Int(i ?? 0)] = RDBColumns.decode(d1, type: s1 ?? "")
      case 4:
        trials[t].userAttrs[s1 ?? ""] = try RDBColumns.attrValue(s2)
      default:
        trials[t].systemAttrs[s1 ?? ""] = try RDBColumns.attrValue(s2)
      }
    }
    return (trials, studyExists)
  }

  /// Loads the trials a query selects (columns: id, number, state, start and complete epochs)
  /// with one more query per child table for all of them at once (a whole study; see `trials`).
  func loadTrialsByTable(_ conn: PostgresConnection, _ query: PostgresQuery) async throws -> [FrozenTrial] {
    var trials: [FrozenTrial] = []
    var index: [Int64: Int] = [:]
    for try await (id, number, raw, start, complete) in try await conn.query(query, logger: logger)
      .decode((Int64, Int?, String, Double?, Double?).self)
    {
      guard let state = TrialState(rawValue: raw) else {
        throw StorageError(.incompatibleSchema, "trial \(id) has unknown state \(raw)")
      }
      index[id] = trials.count
      trials.append(FrozenTrial(
        id: id, number: number ?? 0, state: state,
        datetimeStart: start.map(Date.init(timeIntervalSince1970:)),
        datetimeComplete: complete.map(Date.init(timeIntervalSince1970:))))
    }
    if trials.isEmpty { return [] }
    let ids = trials.map(\.id)

    var distributions: [String: Distribution] = [:]
    for try await (tid, name, value, json) in try await conn.query("""
      SELECT trial_id::int8, param_name, param_value, distribution_json FROM trial_params
      WHERE trial_id = ANY(\(ids)::int8[]) ORDER BY param_id
      """, logger: logger).decode((Int64, String?, Double?, String?).self)
    {
      guard let i = index[tid] else { continue }
      let name = name ?? ""
      let d = try Self.distribution(json ?? "", trial: tid, param: name, parsed: &distributions)
      trials[i].params[name] = d.toExternal(value ?? .nan)
      trials[i].distributions[name] = d
    }

    for try await (tid, value, type) in try await conn.query("""
      SELECT trial_id::int8, value, value_type::text FROM trial_values
      WHERE trial_id = ANY(\(ids)::int8[]) ORDER BY trial_id, objective
      """, logger: logger).decode((Int64, Double?, String).self)
    {
      guard let i = index[tid] else { continue }
      let v = RDBColumns.decode(value, type: type)
      if trials[i].values == nil { trials[i].values = [v] } else { trials[i].values?.append(v) }
    }

    for try await (tid, step, value, type) in try await conn.query("""
      SELECT trial_id::int8, step, intermediate_value, intermediate_value_type::text
      FROM trial_intermediate_values WHERE trial_id = ANY(\(ids)::int8[]) ORDER BY trial_id, step
      """, logger: logger).decode((Int64, Int, Double?, String).self)
    {
      guard let i = index[tid] else { continue }
      trials[i].intermediateValues[step] = RDBColumns.decode(value, type: type)
    }

    for user in [true, false] {
      let query: PostgresQuery = user
        ? """
          SELECT trial_id::int8, key, value_json FROM trial_user_attributes
          WHERE trial_id = ANY(\(ids)::int8[]) ORDER BY trial_user_attribute_id
          """
        : """
          SELECT trial_id::int8, key, value_json FROM trial_system_attributes
          WHERE trial_id = ANY(\(ids)::int8[]) ORDER BY trial_system_attribute_id
          """
      for try await (tid, key, json) in try await conn.query(query, logger: logger)
        .decode((Int64, String?, String?).self)
      {
        guard let i = index[tid] else { continue }
        let value = try RDBColumns.attrValue(json)
        if user { trials[i].userAttrs[key ?? ""] = value } else { trials[i].systemAttrs[key ?? ""] = value }
      }
    }
    return trials
  }

  /// A param row's distribution, parsed once per distinct JSON text (`parsed` keeps them).
  static func distribution(
    _ json: String, trial tid: Int64, param name: String, parsed: inout [String: Distribution]
  ) throws -> Distribution {
    if let known = parsed[json] { return known }
    do {
      let d = try Distribution(jsonString: json)
      parsed[json] = d
      return d
    } catch {
      throw StorageError(.invalidValue, "trial \(tid) param '\(name)' has an unreadable distribution \(json): \(error)")
    }
  }
}

/// The rows of the trials `selection` picks (columns trial_id, number, state, datetime_start,
/// datetime_complete) and of every child table for them, as one UNION ALL tagged by table
/// (`kind`), ordered by table and then as Optuna orders each table; `studyRow` adds a row of
/// kind -1 when the study exists.
private func trialRead(selection: String, studyRow: String) -> String {
  """
  WITH sel AS MATERIALIZED (\(selection))
  SELECT kind, tid, i, s1, s2, d1, d2 FROM (
    SELECT 0 AS kind, trial_id::int8 AS tid, number::int8 AS i, state::text AS s1, NULL::text AS s2,
      EXTRACT(EPOCH FROM datetime_start)::float8 AS d1, EXTRACT(EPOCH FROM datetime_complete)::float8 AS d2,
      number::int8 AS o1, trial_id::int8 AS o2
    FROM sel
    UNION ALL SELECT 1, p.trial_id::int8, NULL, p.param_name, p.distribution_json, p.param_value, NULL,
      p.param_id::int8, 0
    FROM trial_params p JOIN sel ON sel.trial_id = p.trial_id
    UNION ALL SELECT 2, v.trial_id::int8, v.objective::int8, v.value_type::text, NULL, v.value, NULL,
      v.trial_id::int8, v.objective::int8
    FROM trial_values v JOIN sel ON sel.trial_id = v.trial_id
    UNION ALL SELECT 3, iv.trial_id::int8, iv.step::int8, iv.intermediate_value_type::text, NULL,
      iv.intermediate_value, NULL, iv.trial_id::int8, iv.step::int8
    FROM trial_intermediate_values iv JOIN sel ON sel.trial_id = iv.trial_id
    UNION ALL SELECT 4, a.trial_id::int8, NULL, a.key, a.value_json, NULL, NULL, a.trial_user_attribute_id::int8, 0
    FROM trial_user_attributes a JOIN sel ON sel.trial_id = a.trial_id
    UNION ALL SELECT 5, a.trial_id::int8, NULL, a.key, a.value_json, NULL, NULL, a.trial_system_attribute_id::int8, 0
    FROM trial_system_attributes a JOIN sel ON sel.trial_id = a.trial_id
    \(studyRow)
  ) rows ORDER BY kind, o1 NULLS LAST, o2
  """
}

/// One trial by id ($1).
enum ReadTrial: PreparedSQL {
  static let sql = trialRead(
    selection: "SELECT trial_id, number, state, datetime_start, datetime_complete FROM trials WHERE trial_id = $1",
    studyRow: "")
}

/// A poll of study $1: the trials with an id in $2 or above $3, in the states $4 (NULL: any).
enum ReadChangedTrials: PreparedSQL {
  static let sql = trialRead(
    selection: """
      SELECT trial_id, number, state, datetime_start, datetime_complete FROM trials
      WHERE study_id = $1 AND (trial_id = ANY($2::int8[]) OR trial_id > $3::int8)
        AND ($4::text[] IS NULL OR state::text = ANY($4::text[]))
      """,
    studyRow: "UNION ALL SELECT -1, study_id::int8, NULL, NULL, NULL, NULL, NULL, 0, 0 FROM studies WHERE study_id = $1")
}
#endif
