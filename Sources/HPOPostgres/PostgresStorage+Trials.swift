#if PostgreSQL
import Foundation
import HPO
import OrderedCollections
import PostgresNIO

extension PostgresStorage {
  public func createTrial(study: Int64, template: FrozenTrial?) async throws -> FrozenTrial {
    try await transaction("createTrial") { conn, _ in
      try await self.lockStudy(conn, study)
      let now = Self.roundedNow()
      let state = template?.state ?? .running
      var start = template == nil ? now : template?.datetimeStart
      if state == .running && start == nil { start = now }
      let complete = template?.datetimeComplete
      let (id, number) = try await self.insertTrial(
        conn, study: study, state: state, start: start, complete: complete)
      guard let template else {
        return FrozenTrial(id: id, number: number, state: .running, datetimeStart: start)
      }
      if let values = template.values {
        for (i, v) in values.enumerated() { try await self.upsertValue(conn, trial: id, objective: i, value: v) }
      }
      for (name, value) in template.params {
        guard let d = template.distributions[name] else {
          throw StorageError(.invalidValue, "param '\(name)' of the template has no distribution")
        }
        guard let internalValue = d.toInternal(value) else {
          throw StorageError(.invalidValue, "param '\(name)' = \(value.pythonRepr) does not fit \(d.kindName)")
        }
        try await self.upsertParam(conn, trial: id, name: name, internalValue: internalValue, distribution: d)
      }
      for (k, v) in template.userAttrs { try await self.upsertTrialAttr(conn, user: true, trial: id, key: k, value: v) }
      for (k, v) in template.systemAttrs { try await self.upsertTrialAttr(conn, user: false, trial: id, key: k, value: v) }
      for (step, v) in template.intermediateValues {
        try await self.upsertIntermediate(conn, trial: id, step: step, value: v)
      }
      return try await self.loadTrial(conn, id: id)
    }
  }

  public func popWaitingTrial(study: Int64) async throws -> FrozenTrial? {
    try await transaction("popWaitingTrial") { conn, _ in
      try await self.requireStudy(conn, study)
      guard let id = try await self.popWaiting(conn, study: study) else { return nil }
      return try await self.loadTrial(conn, id: id)
    }
  }

  /// Starts a trial in one round trip where it can: `StartFunction` runs the steps of
  /// `startTrialInTransaction` on the server. The study row is locked only while the server
  /// runs them, not across round trips, so eight workers seldom wait on each other.
  public func startTrial(study: Int64, budget: Int?, heartbeat: Bool) async throws -> FrozenTrial? {
    if startFunctionAllowed.withLock({ $0 }) {
      do {
        let now = Self.roundedNow()
        return try await autocommit("startTrial") { conn, _ in
          let (found, id, number, popped) = try await StartFunction.call(
            conn, study: study, budget: budget, now: now, heartbeat: heartbeat, logger: self.logger)
          guard found else { throw StorageError(.studyNotFound, "No study with study_id \(study) exists.") }
          guard let id, let number else { return nil }  // the budget is used up
          // A popped trial has params and attrs (an enqueued one): read it whole.
          if popped { return try await self.loadTrial(conn, id: id) }
          return FrozenTrial(id: id, number: Int(number), state: .running, datetimeStart: now)
        }
      } catch is StartFunction.Refused {
        startFunctionAllowed.withLock { $0 = false }
      }
    }
    return try await startTrialInTransaction(study: study, budget: budget, heartbeat: heartbeat)
  }

  /// `startTrial` as a transaction of four round trips: BEGIN, the study row lock, one statement
  /// that pops the oldest WAITING trial or else inserts the next number within the budget (and
  /// writes the first heartbeat), COMMIT. The lock must be taken by a statement of its own:
  /// under READ COMMITTED a statement reads as of its start, so only a statement after the lock
  /// sees the trial another worker inserted just before. (Where `pg_temp` functions are refused.)
  func startTrialInTransaction(study: Int64, budget: Int?, heartbeat: Bool) async throws -> FrozenTrial? {
    try await transaction("startTrial") { conn, _ in
      try await self.lockStudy(conn, study)
      let now = Self.roundedNow()
      let epoch = now.timeIntervalSince1970
      let limit = budget.map(Int64.init)
      var started: (Int64, Int64?, Bool)?
      for try await row in try await conn.query("""
        WITH pop AS (
          UPDATE trials SET state = 'RUNNING', datetime_start = to_timestamp(\(epoch)) AT TIME ZONE 'UTC'
          WHERE trial_id = (
            SELECT trial_id FROM trials WHERE study_id = \(study) AND state = 'WAITING'
            ORDER BY trial_id LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING trial_id, number),
        last AS (SELECT number FROM trials WHERE study_id = \(study) ORDER BY trial_id DESC LIMIT 1),
        ins AS (
          INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete)
          SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM last) THEN 0
              WHEN (SELECT number FROM last) IS NOT NULL THEN (SELECT number FROM last) + 1
              ELSE (SELECT COUNT(*) FROM trials WHERE study_id = \(study)) END,
            \(study), 'RUNNING'::trialstate, to_timestamp(\(epoch)) AT TIME ZONE 'UTC', NULL::timestamp
          WHERE NOT EXISTS (SELECT 1 FROM pop)
            AND (\(limit)::int8 IS NULL
              OR (SELECT COUNT(*) FROM trials WHERE study_id = \(study) AND state != 'WAITING') < \(limit)::int8)
          RETURNING trial_id, number),
        started AS (SELECT trial_id, number, true AS popped FROM pop UNION ALL SELECT trial_id, number, false FROM ins),
        beat AS (
          INSERT INTO trial_heartbeats (trial_id, heartbeat)
          SELECT trial_id, clock_timestamp() AT TIME ZONE 'UTC' FROM started WHERE \(heartbeat)
          ON CONFLICT (trial_id) DO UPDATE SET heartbeat = EXCLUDED.heartbeat)
        SELECT trial_id::int8, number::int8, popped FROM started
        """, logger: self.logger).decode((Int64, Int64?, Bool).self)
      {
        started = row
      }
      guard let (id, number, popped) = started else { return nil }
      if popped { return try await self.loadTrial(conn, id: id) }
      return FrozenTrial(id: id, number: Int(number ?? 0), state: .running, datetimeStart: now)
    }
  }

  /// Writes a param in one statement when the trial has none of that name (the usual case);
  /// otherwise (a param set again) checks the stored distribution in a transaction.
  public func setTrialParam(trial: Int64, name: String, internalValue: Double, distribution: Distribution)
    async throws
  {
    let json = distribution.jsonString
    let inserted = try await autocommit("setTrialParam") { conn, _ in
      let (_, count) = try await self.writeIfUpdatable(conn, trial, InsertParam.self) {
        $0.append(name)
        $0.append(internalValue)
        $0.append(json)
      }
      return count > 0
    }
    if inserted { return }
    try await transaction("setTrialParam") { conn, _ in
      _ = try await self.updatableState(conn, trial)
      if let existing = try await Self.one(conn, """
        SELECT distribution_json FROM trial_params WHERE trial_id = \(trial) AND param_name = \(name)
        """, String?.self, self.logger) ?? nil,
        let previous = try? Distribution(jsonString: existing), !previous.isCompatible(with: distribution)
      {
        throw StorageError(.invalidValue,
          "Cannot set different distribution kind to the same parameter name '\(name)' (\(previous.kindName) then \(distribution.kindName)).")
      }
      try await self.upsertParam(conn, trial: trial, name: name, internalValue: internalValue, distribution: distribution)
    }
  }

  /// Sets the state, values and system attrs in one statement: the trial row is locked, and
  /// the writes happen only while it is unfinished (and, for RUNNING, WAITING).
  @discardableResult
  public func setTrialState(
    trial: Int64, state: TrialState, values: [Double]?, systemAttrs: OrderedDictionary<String, JSONValue>
  ) async throws -> Bool {
    let encoded = try (values ?? []).map(RDBColumns.encodeValue)
    let types = encoded.map(\.1)
    let numbers = encoded.map { $0.0 ?? 0 }
    let objectives = (0..<types.count).map(Int64.init)
    let keys = Array(systemAttrs.keys)
    let jsons = systemAttrs.values.map(\.pythonJSON)
    let epoch = Self.roundedNow().timeIntervalSince1970
    let setStart = state == .running
    let setComplete = state.isFinished
    return try await autocommit("setTrialState") { conn, isRetry in
      var row: (String, Int64?)?
      let bindings = binds {
        $0.append(trial)
        $0.append(setStart)
        $0.append(keys)
        $0.append(jsons)
        $0.append(state.rawValue)
        $0.append(epoch)
        $0.append(setComplete)
        $0.append(objectives)
        $0.append(numbers)
        $0.append(types)
      }
      for try await r in try await conn.run(SetTrialState.self, bindings, logger: self.logger) {
        row = try r.decode((String, Int64?).self)
      }
      let current: TrialState
      do {
        current = try Self.checkedUpdatable(trial, row)
      } catch let e as StorageError where e.kind == .trialFinished && isRetry {
        // The first attempt committed before the connection died: same outcome, done.
        if row.flatMap({ TrialState(rawValue: $0.0) }) == state { return true }
        throw e
      }
      return !(setStart && current != .waiting)
    }
  }

  public func setTrialIntermediateValue(trial: Int64, step: Int, value: Double) async throws {
    let (v, type) = RDBColumns.encode(value)
    try await autocommit("setTrialIntermediateValue") { conn, _ in
      _ = try await self.writeIfUpdatable(conn, trial, UpsertIntermediateValue.self) {
        $0.append(Int64(step))
        $0.append(v)
        $0.append(type)
      }
    }
  }

  public func setTrialUserAttr(trial: Int64, key: String, value: JSONValue) async throws {
    let json = value.pythonJSON
    try await autocommit("setTrialUserAttr") { conn, _ in
      _ = try await self.writeIfUpdatable(conn, trial, UpsertTrialUserAttr.self) {
        $0.append(key)
        $0.append(json)
      }
    }
  }

  public func setTrialSystemAttr(trial: Int64, key: String, value: JSONValue) async throws {
    let json = value.pythonJSON
    try await autocommit("setTrialSystemAttr") { conn, _ in
      _ = try await self.writeIfUpdatable(conn, trial, UpsertTrialSystemAttr.self) {
        $0.append(key)
        $0.append(json)
      }
    }
  }

  public func claimTrialSystemAttr(trial: Int64, study: Int64, key: String, value: JSONValue) async throws
    -> Bool
  {
    try await transaction("claimTrialSystemAttr") { conn, _ in
      try await self.lockStudy(conn, study)
      _ = try await self.updatableState(conn, trial)
      let json = value.pythonJSON
      let taken = try await Self.one(conn, """
        SELECT 1::int8 FROM trial_system_attributes a JOIN trials t ON t.trial_id = a.trial_id
        WHERE t.study_id = \(study) AND a.key = \(key) AND a.value_json = \(json) AND a.trial_id != \(trial) LIMIT 1
        """, Int64.self, self.logger) != nil
      if taken { return false }
      try await self.upsertTrialAttr(conn, user: false, trial: trial, key: key, value: value)
      return true
    }
  }

  /// Runs `write` (a `TrialWrite`) with the trial id as $1 and `more` as $2…; throws as
  /// `updatableState` does when the trial is missing or finished. Returns its state before the
  /// write and how many rows were written.
  func writeIfUpdatable<Write: PreparedSQL>(
    _ conn: PostgresConnection, _ trial: Int64, _ write: Write.Type, _ more: (inout PostgresBindings) -> Void
  ) async throws -> (TrialState, Int64) {
    var row: (String, Int64?, Int64)?
    for try await r in try await conn.run(write, binds { $0.append(trial); more(&$0) }, logger: logger) {
      row = try r.decode((String, Int64?, Int64).self)
    }
    let state = try Self.checkedUpdatable(trial, row.map { ($0.0, $0.1) })
    return (state, row?.2 ?? 0)
  }

  /// The state of a trial row read as (state, number), or the error of a missing or finished trial.
  static func checkedUpdatable(_ trial: Int64, _ row: (String, Int64?)?) throws -> TrialState {
    guard let row else { throw StorageError(.trialNotFound, "No trial with trial_id \(trial) exists.") }
    guard let state = TrialState(rawValue: row.0) else {
      throw StorageError(.incompatibleSchema, "trial \(trial) has unknown state \(row.0)")
    }
    if state.isFinished {
      throw StorageError(.trialFinished,
        "Trial#\(row.1.map(String.init) ?? "?") has already finished and can not be updated.")
    }
    return state
  }

  // MARK: Heartbeats

  /// Records a heartbeat with the database's clock (UTC), so hosts with skewed clocks agree.
  public func recordHeartbeat(trial: Int64) async throws {
    try await autocommit("recordHeartbeat") { conn, _ in
      var written = false
      for try await _ in try await conn.run(RecordHeartbeat.self, binds { $0.append(trial) }, logger: self.logger) {
        written = true
      }
      guard written else { throw StorageError(.trialNotFound, "No trial with trial_id \(trial) exists.") }
    }
  }

  /// Sets a trial's heartbeat to the database's clock now.
  func upsertHeartbeat(_ conn: PostgresConnection, trial: Int64) async throws {
    try await conn.query("""
      INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES (\(trial), clock_timestamp() AT TIME ZONE 'UTC')
      ON CONFLICT (trial_id) DO UPDATE SET heartbeat = EXCLUDED.heartbeat
      """, logger: logger)
  }

  /// Fails RUNNING trials whose heartbeat is older than `grace` seconds by the database clock.
  /// Rows are locked with SKIP LOCKED and re-checked after locking, so racing processes each
  /// fail (and report) a stale trial once.
  public func failStaleTrials(study: Int64, grace: TimeInterval) async throws -> [Int64] {
    try await transaction("failStaleTrials") { conn, _ in
      try await self.requireStudy(conn, study)
      var stale: [Int64] = []
      for try await id in try await conn.query("""
        SELECT t.trial_id::int8 FROM trials t JOIN trial_heartbeats h ON h.trial_id = t.trial_id
        WHERE t.study_id = \(study) AND t.state = 'RUNNING'
          AND h.heartbeat < (clock_timestamp() AT TIME ZONE 'UTC') - make_interval(secs => \(grace))
        ORDER BY t.trial_id FOR UPDATE OF t SKIP LOCKED
        """, logger: self.logger).decode(Int64.self)
      {
        stale.append(id)
      }
      let now = Self.roundedNow().timeIntervalSince1970
      for id in stale {
        try await conn.query("""
          UPDATE trials SET state = 'FAIL', datetime_complete = to_timestamp(\(now)) AT TIME ZONE 'UTC'
          WHERE trial_id = \(id)
          """, logger: self.logger)
        try await self.upsertTrialAttr(conn, user: false, trial: id, key: HpotopKey.failReason.rawValue, value: .string(HpotopKey.staleReason))
      }
      return stale
    }
  }

  // MARK: Helpers

  /// Inserts a trial numbered after the study's last one. The caller holds the study row lock,
  /// so the number is unique even with many writers on many hosts.
  func insertTrial(
    _ conn: PostgresConnection, study: Int64, state: TrialState, start: Date?, complete: Date?
  ) async throws -> (Int64, Int) {
    var last: [Int?] = []
    for try await n in try await conn.query("""
      SELECT number FROM trials WHERE study_id = \(study) ORDER BY trial_id DESC LIMIT 1
      """, logger: logger).decode(Int?.self)
    {
      last.append(n)
    }
    var number = 0
    if let row = last.first {
      if let n = row {
        number = n + 1
      } else {
        number = Int(try await Self.one(
          conn, "SELECT COUNT(*)::int8 FROM trials WHERE study_id = \(study)", Int64.self, logger) ?? 0)
      }
    }
    let s = start?.timeIntervalSince1970
    let c = complete?.timeIntervalSince1970
    guard let id = try await Self.one(conn, """
      INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete)
      VALUES (\(number), \(study), \(state.rawValue)::trialstate,
        to_timestamp(\(s)::float8) AT TIME ZONE 'UTC', to_timestamp(\(c)::float8) AT TIME ZONE 'UTC')
      RETURNING trial_id::int8
      """, Int64.self, logger)
    else { throw StorageError(.backend, "createTrial: INSERT returned no id") }
    return (id, number)
  }

  /// Moves the oldest WAITING trial that no one else has locked to RUNNING; its id, or `nil`.
  func popWaiting(_ conn: PostgresConnection, study: Int64) async throws -> Int64? {
    let now = Self.roundedNow().timeIntervalSince1970
    return try await Self.one(conn, """
      UPDATE trials SET state = 'RUNNING', datetime_start = to_timestamp(\(now)) AT TIME ZONE 'UTC'
      WHERE trial_id = (
        SELECT trial_id FROM trials WHERE study_id = \(study) AND state = 'WAITING'
        ORDER BY trial_id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING trial_id::int8
      """, Int64.self, logger)
  }

  func stateOf(_ conn: PostgresConnection, _ trial: Int64) async throws -> TrialState? {
    try await Self.one(conn, "SELECT state::text FROM trials WHERE trial_id = \(trial)", String.self, logger)
      .flatMap(TrialState.init(rawValue:))
  }

  /// The trial's state (its row locked), or an error when it does not exist or has finished.
  func updatableState(_ conn: PostgresConnection, _ trial: Int64) async throws -> TrialState {
    var row: (String, Int64?)?
    for try await r in try await conn.query(
      "SELECT state::text, number::int8 FROM trials WHERE trial_id = \(trial) FOR UPDATE", logger: logger
    ).decode((String, Int64?).self) { row = r }
    return try Self.checkedUpdatable(trial, row)
  }

  func upsertValue(_ conn: PostgresConnection, trial: Int64, objective: Int, value: Double) async throws {
    if value.isNaN { throw StorageError(.invalidValue, "a trial value cannot be NaN") }
    let (v, type) = try RDBColumns.encodeValue(value)
    try await conn.query("""
      INSERT INTO trial_values (trial_id, objective, value, value_type)
      VALUES (\(trial), \(objective), \(v), \(type)::trialvaluetype)
      ON CONFLICT (trial_id, objective) DO UPDATE SET value = EXCLUDED.value, value_type = EXCLUDED.value_type
      """, logger: logger)
  }

  func upsertIntermediate(_ conn: PostgresConnection, trial: Int64, step: Int, value: Double) async throws {
    let (v, type) = RDBColumns.encode(value)
    try await conn.query("""
      INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type)
      VALUES (\(trial), \(step), \(v), \(type)::trialintermediatevaluetype)
      ON CONFLICT (trial_id, step) DO UPDATE SET intermediate_value = EXCLUDED.intermediate_value,
        intermediate_value_type = EXCLUDED.intermediate_value_type
      """, logger: logger)
  }

  func upsertParam(
    _ conn: PostgresConnection, trial: Int64, name: String, internalValue: Double, distribution: Distribution
  ) async throws {
    try await conn.query("""
      INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json)
      VALUES (\(trial), \(name), \(internalValue), \(distribution.jsonString))
      ON CONFLICT (trial_id, param_name) DO UPDATE SET param_value = EXCLUDED.param_value,
        distribution_json = EXCLUDED.distribution_json
      """, logger: logger)
  }

  func upsertTrialAttr(_ conn: PostgresConnection, user: Bool, trial: Int64, key: String, value: JSONValue)
    async throws
  {
    let json = value.pythonJSON
    let query: PostgresQuery = user
      ? """
        INSERT INTO trial_user_attributes (trial_id, key, value_json) VALUES (\(trial), \(key), \(json))
        ON CONFLICT (trial_id, key) DO UPDATE SET value_json = EXCLUDED.value_json
        """
      : """
        INSERT INTO trial_system_attributes (trial_id, key, value_json) VALUES (\(trial), \(key), \(json))
        ON CONFLICT (trial_id, key) DO UPDATE SET value_json = EXCLUDED.value_json
        """
    try await conn.query(query, logger: logger)
  }

  /// Now, rounded to whole microseconds (what `timestamp` keeps).
  static func roundedNow() -> Date {
    let t = Date().timeIntervalSince1970
    return Date(timeIntervalSince1970: (t * 1_000_000).rounded() / 1_000_000)
  }
}

/// A trial write: `t` is trial $1's row, locked; `write` (an INSERT … SELECT … FROM t WHERE
/// `unfinished` … RETURNING 1) uses $2…. Answers the trial's state and number before the
/// write and how many rows it wrote (no row: no such trial).
private func trialWrite(_ write: String) -> String {
  """
  WITH t AS (SELECT trial_id, state, number FROM trials WHERE trial_id = $1 FOR UPDATE),
  w AS (\(write))
  SELECT state::text, number::int8, (SELECT COUNT(*) FROM w)::int8 FROM t
  """
}

/// SQL true for a row of `t` that may still be written to.
private let unfinished = "state NOT IN ('COMPLETE', 'PRUNED', 'FAIL')"

/// A new param ($2 name, $3 internal value, $4 distribution JSON); nothing when one of that name exists.
enum InsertParam: PreparedSQL {
  static let sql = trialWrite("""
    INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json)
    SELECT trial_id, $2::text, $3::float8, $4::text FROM t WHERE \(unfinished)
    ON CONFLICT (trial_id, param_name) DO NOTHING RETURNING 1
    """)
}

/// An intermediate value ($2 step, $3 value or NULL, $4 its type).
enum UpsertIntermediateValue: PreparedSQL {
  static let sql = trialWrite("""
    INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type)
    SELECT trial_id, $2::int8, $3::float8, $4::text::trialintermediatevaluetype FROM t WHERE \(unfinished)
    ON CONFLICT (trial_id, step) DO UPDATE SET intermediate_value = EXCLUDED.intermediate_value,
      intermediate_value_type = EXCLUDED.intermediate_value_type
    RETURNING 1
    """)
}

/// A trial user attr ($2 key, $3 JSON).
enum UpsertTrialUserAttr: PreparedSQL {
  static let sql = trialWrite("""
    INSERT INTO trial_user_attributes (trial_id, key, value_json)
    SELECT trial_id, $2::text, $3::text FROM t WHERE \(unfinished)
    ON CONFLICT (trial_id, key) DO UPDATE SET value_json = EXCLUDED.value_json RETURNING 1
    """)
}

/// A trial system attr ($2 key, $3 JSON).
enum UpsertTrialSystemAttr: PreparedSQL {
  static let sql = trialWrite("""
    INSERT INTO trial_system_attributes (trial_id, key, value_json)
    SELECT trial_id, $2::text, $3::text FROM t WHERE \(unfinished)
    ON CONFLICT (trial_id, key) DO UPDATE SET value_json = EXCLUDED.value_json RETURNING 1
    """)
}

/// Trial $1 to state $5 with system attrs ($3 keys, $4 JSONs) and values ($8 objectives, $9
/// numbers, $10 types), stamping the start ($2) or the completion ($7) at epoch $6; only while
/// it is unfinished, and for RUNNING ($2) only while it is WAITING. Answers the state and
/// number before.
enum SetTrialState: PreparedSQL {
  static let sql = """
    WITH t AS (SELECT trial_id, state, number FROM trials WHERE trial_id = $1 FOR UPDATE),
    ok AS (SELECT trial_id FROM t WHERE \(unfinished) AND (NOT $2::bool OR state = 'WAITING')),
    attrs AS (
      INSERT INTO trial_system_attributes (trial_id, key, value_json)
      SELECT ok.trial_id, x.key, x.json FROM ok, unnest($3::text[], $4::text[]) AS x(key, json)
      ON CONFLICT (trial_id, key) DO UPDATE SET value_json = EXCLUDED.value_json),
    moved AS (
      UPDATE trials SET state = $5::text::trialstate,
        datetime_start = CASE WHEN $2::bool THEN to_timestamp($6::float8) AT TIME ZONE 'UTC' ELSE datetime_start END,
        datetime_complete = CASE WHEN $7::bool THEN to_timestamp($6::float8) AT TIME ZONE 'UTC'
          ELSE datetime_complete END
      WHERE trial_id IN (SELECT trial_id FROM ok)),
    vals AS (
      INSERT INTO trial_values (trial_id, objective, value, value_type)
      SELECT ok.trial_id, x.objective, CASE WHEN x.type = 'FINITE' THEN x.value END, x.type::trialvaluetype
      FROM ok, unnest($8::int8[], $9::float8[], $10::text[]) AS x(objective, value, type)
      ON CONFLICT (trial_id, objective) DO UPDATE SET value = EXCLUDED.value, value_type = EXCLUDED.value_type)
    SELECT state::text, number::int8 FROM t
    """
}

/// Trial $1's heartbeat, now by the database's clock (UTC); no row when there is no such trial.
enum RecordHeartbeat: PreparedSQL {
  static let sql = """
    INSERT INTO trial_heartbeats (trial_id, heartbeat)
    SELECT trial_id, clock_timestamp() AT TIME ZONE 'UTC' FROM trials WHERE trial_id = $1
    ON CONFLICT (trial_id) DO UPDATE SET heartbeat = EXCLUDED.heartbeat RETURNING 1
    """
}
#endif
