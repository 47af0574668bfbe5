#if PostgreSQL
import Foundation
import HPO
import OrderedCollections
import PostgresNIO

extension PostgresStorage {
  public func trial(id: Int64) async throws -> FrozenTrial {
    try await transaction("trial") { conn, _ in try await self.loadTrial(conn, id: id) }
  }

  public func trials(study: Int64, filter: TrialFilter) async throws -> [FrozenTrial] {
    let ids = filter.ids.map { Array($0) }
    let greater = filter.idGreaterThan
    let states = filter.states.map { $0.map(\.rawValue) }
    return try await transaction("trials") { conn, _ in
      try await self.requireStudy(conn, study)
      return try await self.loadTrials(conn, """
        SELECT trial_id::int8, number, state::text, EXTRACT(EPOCH FROM datetime_start)::float8,
          EXTRACT(EPOCH FROM datetime_complete)::float8
        FROM trials WHERE study_id = \(study)
          AND ((\(ids)::int8[] IS NULL AND \(greater)::int8 IS NULL)
            OR trial_id = ANY(\(ids)::int8[]) OR trial_id > \(greater)::int8)
          AND (\(states)::text[] IS NULL OR state::text = ANY(\(states)::text[]))
        ORDER BY number, trial_id
        """)
    }
  }

  func loadTrial(_ conn: PostgresConnection, id: Int64) async throws -> FrozenTrial {
    guard let t = try await loadTrials(conn, """
      SELECT trial_id::int8, number, state::text, EXTRACT(EPOCH FROM datetime_start)::float8,
        EXTRACT(EPOCH FROM datetime_complete)::float8
      FROM trials WHERE trial_id = \(id)
      """).first
    else { throw StorageError(.trialNotFound, "No trial with trial_id \(id) exists.") }
    return t
  }

  /// Loads the trials a query selects (columns: id, number, state, start and complete epochs)
  /// with one more query per child table for all of them at once.
  func loadTrials(_ conn: PostgresConnection, _ query: PostgresQuery) async throws -> [FrozenTrial] {
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
      let json = json ?? ""
      let d: Distribution
      if let cached = distributions[json] {
        d = cached
      } else {
        do { d = try Distribution(jsonString: json) } catch {
          throw StorageError(.invalidValue,
            "trial \(tid) param '\(name)' has an unreadable distribution \(json): \(error)")
        }
        distributions[json] = d
      }
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
}
#endif
