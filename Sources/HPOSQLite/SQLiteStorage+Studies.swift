import Foundation
import GRDB
import HPO
import OrderedCollections

extension SQLiteStorage {
  public func createStudy(name: String, directions: [StudyDirection]) async throws -> Int64 {
    try await write("createStudy") { db in
      if try Int64.fetchOne(db, sql: "SELECT study_id FROM studies WHERE study_name = ?", arguments: [name])
        != nil
      {
        throw StorageError(.studyExists, "Another study with name '\(name)' already exists.")
      }
      try db.execute(sql: "INSERT INTO studies (study_name) VALUES (?)", arguments: [name])
      let id = db.lastInsertedRowID
      for (i, d) in directions.enumerated() {
        try db.execute(
          sql: "INSERT INTO study_directions (direction, study_id, objective) VALUES (?, ?, ?)",
          arguments: [d.rawValue, id, i])
      }
      return id
    }
  }

  public func deleteStudy(id: Int64) async throws {
    defer { waitingScans.withLock { $0[id] = nil } }
    try await write("deleteStudy") { db in
      try Self.requireStudy(db, id)
      let inStudy = "trial_id IN (SELECT trial_id FROM trials WHERE study_id = ?)"
      for table in [
        "trial_params", "trial_values", "trial_intermediate_values", "trial_user_attributes",
        "trial_system_attributes", "trial_heartbeats",
      ] {
        try db.execute(sql: "DELETE FROM \(table) WHERE \(inStudy)", arguments: [id])
      }
      for table in ["trials", "study_directions", "study_user_attributes", "study_system_attributes", "studies"] {
        try db.execute(sql: "DELETE FROM \(table) WHERE study_id = ?", arguments: [id])
      }
    }
  }

  public func studyID(named name: String) async throws -> Int64? {
    try await read("studyID") { db in
      try Int64.fetchOne(db, sql: "SELECT study_id FROM studies WHERE study_name = ?", arguments: [name])
    }
  }

  public func studyName(id: Int64) async throws -> String {
    try await read("studyName") { db in
      guard let name = try String.fetchOne(db, sql: "SELECT study_name FROM studies WHERE study_id = ?", arguments: [id])
      else { throw StorageError(.studyNotFound, "No study with study_id \(id) exists.") }
      return name
    }
  }

  public func studyDirections(id: Int64) async throws -> [StudyDirection] {
    try await read("studyDirections") { db in
      try Self.requireStudy(db, id)
      return try Self.directions(db, study: id)
    }
  }

  public func studies() async throws -> [StudySummary] {
    try await read("studies") { db in
      var summaries: [StudySummary] = []
      var index: [Int64: Int] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT study_id, study_name FROM studies ORDER BY study_id") {
        let id: Int64 = row[0]
        index[id] = summaries.count
        summaries.append(StudySummary(id: id, name: row[1], directions: []))
      }
      for row in try Row.fetchAll(
        db, sql: "SELECT study_id, direction FROM study_directions ORDER BY study_id, objective")
      {
        let sid: Int64 = row[0]
        if let i = index[sid] { summaries[i].directions.append(try RDBColumns.direction(row[1])) }
      }
      for (table, isUser) in [("study_user_attributes", true), ("study_system_attributes", false)] {
        let idColumn = isUser ? "study_user_attribute_id" : "study_system_attribute_id"
        for row in try Row.fetchAll(
          db, sql: "SELECT study_id, \"key\", value_json FROM \(table) ORDER BY \(idColumn)")
        {
          let sid: Int64? = row[0]
          guard let sid, let i = index[sid] else { continue }
          let value = try RDBColumns.attrValue(row[2])
          if isUser { summaries[i].userAttrs[row[1]] = value } else { summaries[i].systemAttrs[row[1]] = value }
        }
      }
      for row in try Row.fetchAll(
        db, sql: "SELECT study_id, COUNT(*), MIN(datetime_start) FROM trials GROUP BY study_id")
      {
        let sid: Int64? = row[0]
        guard let sid, let i = index[sid] else { continue }
        summaries[i].trialCount = row[1]
        summaries[i].datetimeStart = (row[2] as String?).flatMap(SQLiteEncoding.parse)
      }
      return summaries
    }
  }

  public func setStudyUserAttr(study: Int64, key: String, value: JSONValue) async throws {
    try await write("setStudyUserAttr") { db in
      try Self.requireStudy(db, study)
      try db.cachedStatement(sql: """
        INSERT INTO study_user_attributes (study_id, "key", value_json) VALUES (?, ?, ?)
        ON CONFLICT (study_id, "key") DO UPDATE SET value_json = excluded.value_json
        """).execute(arguments: [study, key, value.pythonJSON])
    }
  }

  public func setStudySystemAttr(study: Int64, key: String, value: JSONValue?) async throws {
    try await write("setStudySystemAttr") { db in
      try Self.requireStudy(db, study)
      if let value {
        try db.cachedStatement(sql: """
          INSERT INTO study_system_attributes (study_id, "key", value_json) VALUES (?, ?, ?)
          ON CONFLICT (study_id, "key") DO UPDATE SET value_json = excluded.value_json
          """).execute(arguments: [study, key, value.pythonJSON])
      } else {
        try db.execute(
          sql: "DELETE FROM study_system_attributes WHERE study_id = ? AND \"key\" = ?", arguments: [study, key])
      }
    }
  }

  public func studyUserAttrs(study: Int64) async throws -> OrderedDictionary<String, JSONValue> {
    try await read("studyUserAttrs") { db in
      try Self.requireStudy(db, study)
      return try Self.studyAttrs(db, table: "study_user_attributes", idColumn: "study_user_attribute_id", study: study)
    }
  }

  public func studySystemAttrs(study: Int64) async throws -> OrderedDictionary<String, JSONValue> {
    try await read("studySystemAttrs") { db in
      try Self.requireStudy(db, study)
      return try Self.studyAttrs(
        db, table: "study_system_attributes", idColumn: "study_system_attribute_id", study: study)
    }
  }

  // MARK: Helpers

  static func requireStudy(_ db: Database, _ id: Int64) throws {
    guard try Bool.fetchOne(
      db.cachedStatement(sql: "SELECT 1 FROM studies WHERE study_id = ?"), arguments: [id]) != nil
    else { throw StorageError(.studyNotFound, "No study with study_id \(id) exists.") }
  }

  static func directions(_ db: Database, study: Int64) throws -> [StudyDirection] {
    try String.fetchAll(
      db.cachedStatement(sql: "SELECT direction FROM study_directions WHERE study_id = ? ORDER BY objective"),
      arguments: [study]
    ).map(RDBColumns.direction)
  }

  static func studyAttrs(_ db: Database, table: String, idColumn: String, study: Int64) throws
    -> OrderedDictionary<String, JSONValue>
  {
    var out = OrderedDictionary<String, JSONValue>()
    for row in try Row.fetchAll(
      db.cachedStatement(sql: "SELECT \"key\", value_json FROM \(table) WHERE study_id = ? ORDER BY \(idColumn)"),
      arguments: [study])
    {
      let key: String? = row[0]
      out[key ?? ""] = try RDBColumns.attrValue(row[1])
    }
    return out
  }
}
