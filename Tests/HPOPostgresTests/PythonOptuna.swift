import HPOTesting

/// Whether the PostgreSQL interop suites run: a server, and Python Optuna with psycopg2
/// (HPOTesting's `PythonPeer` finds the peer).
enum PythonOptuna {
  static let shouldRun: Bool = PostgresTestServer.shouldRun
    && PythonPeer.shouldRun(importing: ["psycopg2"], for: "Python Optuna PostgreSQL interop tests")
}
