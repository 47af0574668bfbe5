#if PostgreSQL
import Logging
import PostgresNIO

/// The SQL text of one of the statements every trial runs, with `$n` binds. Such a statement is
/// parsed and planned once per connection (a named prepared statement) instead of at every call:
/// planning was most of the server's time for the small statements of a trial.
protocol PreparedSQL {
  static var sql: String { get }
}

/// A `PreparedSQL` with its binds; postgres-nio prepares it on a connection's first use.
struct Prepared<Text: PreparedSQL>: PostgresPreparedStatement {
  static var name: String { "hpotop_\(Text.self)" }
  static var sql: String { Text.sql }
  typealias Row = PostgresRow
  let bindings: PostgresBindings
  func makeBindings() -> PostgresBindings { bindings }
  func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}

extension PostgresConnection {
  /// Runs a prepared statement; its rows, to decode.
  func run<Text: PreparedSQL>(_ text: Text.Type, _ bindings: PostgresBindings, logger: Logger) async throws
    -> AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow>
  {
    try await execute(Prepared<Text>(bindings: bindings), logger: logger)
  }
}

/// Binds in `$n` order.
func binds(_ build: (inout PostgresBindings) -> Void) -> PostgresBindings {
  var b = PostgresBindings()
  build(&b)
  return b
}
#endif
