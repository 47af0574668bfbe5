import HPOTesting

/// Whether the Python Optuna interop suites run (HPOTesting's `PythonPeer` finds the peer).
enum PythonOptuna {
  static let shouldRun = PythonPeer.shouldRun(for: "Python Optuna interop tests")
}

/// A failure raised on purpose by an interop objective.
struct InteropError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
