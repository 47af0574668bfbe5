#if PostgreSQL
import Foundation
import HPO
import OrderedCollections
import PostgresNIO

extension PostgresStorage {
  public func createStudy(name: String, directions: [StudyDirection]) async throws -> Int64 {
    try await transaction("createStudy") { conn, isRetry in
      if let existing = try await Self.one(conn, "SELECT study_id FROM studies WHERE study_name = \(name)", Int64.self, self.logger) {
        _ = existing
        throw StorageError(.studyExists, "Another study with name '\(name)' already exists.")
      }
      let id: Int64
      do {
        guard let new = try await Self.one(
          conn, "INSERT INTO studies (study_name) VALUES (\(name)) RETURNING study_id", Int64.self, self.logger)
        else { throw StorageError(.backend, "createStudy: INSERT returned no id") }
        id = new
      } catch let e as PSQLError where e.serverInfo?[.sqlState] == "23505" {
        throw StorageError(.studyExists, "Another study with name '\(name)' already exists.")
      }
      for (i, d) in directions.enumerated() {
        try await conn.query("""
          INSERT INTO study_directions (direction, study_id, objective)
          VALUES (\(d.rawValue)::studydirection, \(id), \(i))
          """, logger: self.logger)
      }
      return id
    }
  }

  public func deleteStudy(id: Int64) async throws {
    try await transaction("deleteStudy") { conn, _ in
      try await self.lockStudy(conn, id)
      for table in [
        "trial_params", "trial_values", "trial_intermediate_values", "trial_user_attributes",
        "trial_system_attributes", "trial_heartbeats",
      ] {
        try await conn.query("""
          DELETE FROM \(unescaped: table) WHERE trial_id IN (SELECT trial_id FROM trials WHERE study_id = \(id))
          """, logger: self.logger)
      }
      for table in ["trials", "study_directions", "study_user_attributes", "study_system_attributes", "studies"] {
        try await conn.query("DELETE FROM \(unescaped: table) WHERE study_id = \(id)", logger: self.logger)
      }
    }
  }

  public func studyID(named name: String) async throws -> Int64? {
    try await transaction("studyID") { conn, _ in
      try await Self.one(conn, "SELECT study_id FROM studies WHERE study_name = \(name)", Int64.self, self.logger)
    }
  }

  public func studyName(id: Int64) async throws -> String {
    try await transaction("studyName") { conn, _ in
      guard let name = try await Self.one(
        conn, "SELECT study_name FROM studies WHERE study_id = \(id)", String.self, self.logger)
      else { throw StorageError(.studyNotFound, "No study with study_id \(id) exists.") }
      return name
    }
  }

  public func studyDirections(id: Int64) async throws -> [StudyDirection] {
    try await transaction("studyDirections") { conn, _ in
      try await self.requireStudy(conn, id)
      var out: [StudyDirection] = []
      let rows = try await conn.query("""
        SELECT direction::text FROM study_directions WHERE study_id = \(id) ORDER BY objective
        """, logger: self.logger)
      for try await raw in rows.decode(String.self) { out.append(try RDBColumns.direction(raw)) }
      return out
    }
  }

  public func studies() async throws -> [StudySummary] {
    try await transaction("studies") { conn, _ in
      var summaries: [StudySummary] = []
      var index: [Int64: Int] = [:]
      for try await (id, name) in try await conn.query(
        "SELECT study_id::int8, study_name FROM studies ORDER BY study_id", logger: self.logger
      ).decode((Int64, String).self) {
        index[id] = summaries.count
        summaries.append(StudySummary(id: id, name: name, directions: []))
      }
      for try await (sid, raw) in try await conn.query(
        "SELECT study_id::int8, direction::text FROM study_directions ORDER BY study_id, objective",
        logger: self.logger
      ).decode((Int64, String).self) {
        if let i = index[sid] { summaries[i].directions.append(try RDBColumns.direction(raw)) }
      }
      for (table, isUser) in [("study_user_attributes", true), ("study_system_attributes", false)] {
        let idColumn = isUser ? "study_user_attribute_id" : "study_system_attribute_id"
        for try await (sid, key, json) in try await conn.query("""
          SELECT study_id::int8, key, value_json FROM \(unescaped: table) ORDER BY \(unescaped: idColumn)
          """, logger: self.logger).decode((Int64?, String?, String?).self)
        {
          guard let sid, let i = index[sid] else { continue }
          let value = try RDBColumns.attrValue(json)
          if isUser { summaries[i].userAttrs[key ?? ""] = value } else { summaries[i].systemAttrs[key ?? ""] = value }
        }
      }
      for try await (sid, count, start) in try await conn.query("""
        SELECT study_id::int8, COUNT(*)::int8, EXTRACT(EPOCH FROM MIN(datetime_start))::float8
        FROM trials GROUP BY study_id
        """, logger: self.logger).decode((Int64?, Int64, Double?).self)
      {
        guard let sid, let i = index[sid] else { continue }
        summaries[i].trialCount = Int(count)
        summaries[i].datetimeStart = start.map(Date.init(timeIntervalSince1970:))
      }
      return summaries
    }
  }

  public func setStudyUserAttr(study: Int64, key: String, value: JSONValue) async throws {
    try await transaction("setStudyUserAttr") { conn, _ in
      try await self.requireStudy(conn, study)
      try await conn.query("""
        INSERT INTO study_user_attributes (study_id, key, value_json) VALUES (\(study), \(key), \(value.pythonJSON))
        ON CONFLICT (study_id, key) DO UPDATE SET value_json = EXCLUDED.value_json
        """, logger: self.logger)
    }
  }

  public func setStudySystemAttr(study: Int64, key: String, value: JSONValue?) async throws {
    try await transaction("setStudySystemAttr") { conn, _ in
      try await self.requireStudy(conn, study)
      if let value {
        try await conn.query("""
          INSERT INTO study_system_attributes (study_id, key, value_json) VALUES (\(study), \(key), \(value.pythonJSON))
          ON CONFLICT (study_id, key) DO UPDATE SET value_json = EXCLUDED.value_json
          """, logger: self.logger)
      } else {
        try await conn.query(
          "DELETE FROM study_system_attributes WHERE study_id = \(study) AND key = \(key)", logger: self.logger)
      }
    }
  }

  public func studyUserAttrs(study: Int64) async throws -> OrderedDictionary<String, JSONValue> {
    try await studyAttrs(study, user: true)
  }

  public func studySystemAttrs(study: Int64) async throws -> OrderedDictionary<String, JSONValue> {
    try await studyAttrs(study, user: false)
  }

  /// A study's attrs in one statement (the study row first, so a missing study is told apart
  /// from one without attrs).
  func studyAttrs(_ study: Int64, user: Bool) async throws -> OrderedDictionary<String, JSONValue> {
    try await autocommit(user ? "studyUserAttrs" : "studySystemAttrs") { conn, _ in
      var found = false
      var out = OrderedDictionary<String, JSONValue>()
      let rows = user
        ? try await conn.run(ReadStudyUserAttrs.self, binds { $0.append(study) }, logger: self.logger)
        : try await conn.run(ReadStudySystemAttrs.self, binds { $0.append(study) }, logger: self.logger)
      for try await row in rows {
        let (isAttr, key, json) = try row.decode((Bool, String?, String?).self)
        found = true
        guard isAttr else { continue }  // the study's row when it has no attrs
        out[key ?? ""] = try RDBColumns.attrValue(json)
      }
      guard found else { throw StorageError(.studyNotFound, "No study with study_id \(study) exists.") }
      return out
    }
  }

  // MARK: Helpers

  /// The first column of the first row, or `nil` when there is no row.
  static func one<T: PostgresDecodable & Sendable>(
    _ conn: PostgresConnection, _ query: PostgresQuery, _ type: T.Type, _ logger: Logger
  ) async throws -> T? {
    var result: T?
    for try await v in try await conn.query(query, logger: logger).decode(T.self) where result == nil {
      result = v
    }
    return result
  }

  func requireStudy(_ conn: PostgresConnection, _ id: Int64) async throws {
    guard try await Self.one(conn, "SELECT 1::int8 FROM studies WHERE study_id = \(id)", Int64.self, logger) != nil
    else { throw StorageError(.studyNotFound, "No study with study_id \(id) exists.") }
  }

  /// Locks the study row for the rest of the transaction: trial numbers, the budget count and
  /// claims are decided under it, so concurrent workers on any host take turns.
  func lockStudy(_ conn: PostgresConnection, _ id: Int64) async throws {
    guard try await Self.one(
      conn, "SELECT 1::int8 FROM studies WHERE study_id = \(id) FOR UPDATE", Int64.self, logger) != nil
    else { throw StorageError(.studyNotFound, "No study with study_id \(id) exists.") }
  }
}

/// Study $1's user attrs in id order, after a row with `false` when it has none (no row: no study).
enum ReadStudyUserAttrs: PreparedSQL {
  static let sql = """
    SELECT a.study_user_attribute_id IS NOT NULL, a.key, a.value_json FROM studies s
    LEFT JOIN study_user_attributes a ON a.study_id = s.study_id
    WHERE s.study_id = $1 ORDER BY a.study_user_attribute_id NULLS FIRST
    """
}

/// Study $1's system attrs, as `ReadStudyUserAttrs`.
enum ReadStudySystemAttrs: PreparedSQL {
  static let sql = """
    SELECT a.study_system_attribute_id IS NOT NULL, a.key, a.value_json FROM studies s
    LEFT JOIN study_system_attributes a ON a.study_id = s.study_id
    WHERE s.study_id = $1 ORDER BY a.study_system_attribute_id NULLS FIRST
    """
}
#endif
