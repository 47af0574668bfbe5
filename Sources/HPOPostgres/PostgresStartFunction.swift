#if PostgreSQL
import Foundation
import HPO
import PostgresNIO

/// Starting a trial in one round trip: a PL/pgSQL function that each connection creates in its
/// own temporary schema (`pg_temp`) on first use. It lives only as long as the connection and is
/// visible to no other session, so the database's schema stays exactly Optuna's.
///
/// The function runs the steps of `PostgresStorage.startTrialInTransaction`: lock the study
/// row, pop the oldest WAITING trial (SKIP LOCKED) or else, within the budget, insert the trial
/// numbered after the study's last one, then write its first heartbeat. A VOLATILE PL/pgSQL
/// function takes a fresh snapshot for each statement, so the statements after the lock see
/// every trial inserted by whoever held it before, as separate statements of a transaction do.
enum StartFunction {
  /// The server refused to create the function (the role lacks the TEMPORARY privilege).
  struct Refused: Error {}

  static let create = """
    CREATE OR REPLACE FUNCTION pg_temp.hpotop_start_trial(
      p_study int8, p_budget int8, p_now float8, p_heartbeat bool,
      OUT found_study bool, OUT started_id int8, OUT started_number int8, OUT was_popped bool)
    LANGUAGE plpgsql VOLATILE AS $body$
    DECLARE
      v_start timestamp := to_timestamp(p_now) AT TIME ZONE 'UTC';
      v_last record;
    BEGIN
      was_popped := false;
      PERFORM 1 FROM studies WHERE study_id = p_study FOR UPDATE;
      found_study := FOUND;
      IF NOT found_study THEN RETURN; END IF;
      UPDATE trials SET state = 'RUNNING', datetime_start = v_start
      WHERE trial_id = (
        SELECT trial_id FROM trials WHERE study_id = p_study AND state = 'WAITING'
        ORDER BY trial_id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING trial_id, number INTO started_id, started_number;
      IF FOUND THEN
        was_popped := true;
      ELSIF p_budget IS NOT NULL
        AND (SELECT COUNT(*) FROM trials WHERE study_id = p_study AND state != 'WAITING') >= p_budget THEN
        RETURN;
      ELSE
        SELECT number INTO v_last FROM trials WHERE study_id = p_study ORDER BY trial_id DESC LIMIT 1;
        IF NOT FOUND THEN
          started_number := 0;
        ELSIF v_last.number IS NOT NULL THEN
          started_number := v_last.number + 1;
        ELSE
          started_number := (SELECT COUNT(*) FROM trials WHERE study_id = p_study);
        END IF;
        INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete)
        VALUES (started_number, p_study, 'RUNNING', v_start, NULL) RETURNING trial_id INTO started_id;
      END IF;
      IF p_heartbeat THEN
        INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES (started_id, clock_timestamp() AT TIME ZONE 'UTC')
        ON CONFLICT (trial_id) DO UPDATE SET heartbeat = EXCLUDED.heartbeat;
      END IF;
    END
    $body$
    """

  /// Calls the function, creating it first on a connection that has none. Returns whether the
  /// study exists, the started trial's id and number (nil: the budget is used up) and whether
  /// it was a popped WAITING trial. Throws `Refused` when the function cannot be created.
  static func call(
    _ conn: PostgresConnection, study: Int64, budget: Int?, now: Date, heartbeat: Bool, logger: Logger
  ) async throws -> (Bool, Int64?, Int64?, Bool) {
    let limit = budget.map(Int64.init)
    let epoch = now.timeIntervalSince1970
    for attempt in 0..<2 {
      do {
        var row: (Bool, Int64?, Int64?, Bool)?
        for try await r in try await conn.query("""
          SELECT found_study, started_id, started_number, was_popped
          FROM pg_temp.hpotop_start_trial(\(study), \(limit)::int8, \(epoch)::float8, \(heartbeat))
          """, logger: logger).decode((Bool, Int64?, Int64?, Bool).self)
        {
          row = r
        }
        guard let row else { throw StorageError(.backend, "startTrial: the start function returned no row") }
        return row
      } catch let e as PSQLError where attempt == 0 && isMissingFunction(e) {
        do {
          try await conn.query(PostgresQuery(unsafeSQL: create), logger: logger)
        } catch let e as PSQLError where e.serverInfo?[.sqlState] == "42501" {
          throw Refused()
        }
      }
    }
    throw StorageError(.backend, "startTrial: the start function could not be created")
  }

  /// The error of a call to a function this session has not created (or of `pg_temp` before
  /// the session has a temporary schema).
  static func isMissingFunction(_ e: PSQLError) -> Bool {
    let state = e.serverInfo?[.sqlState] ?? ""
    return state == "42883" || state == "3F000"
  }
}
#endif
