#if PostgreSQL
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The storage's connection pool: a `PostgresClient` that can be thrown away and replaced.
///
/// postgres-nio can leave a query or a connection lease waiting forever after the server
/// restarts (the reply never comes and cancellation is not honoured; see postgres-nio #487/#501).
/// The storage then abandons the attempt and calls `reset()`: the old client is shut down
/// (which fails whatever still waits on it) and the next attempt gets a fresh pool.
final class PostgresPool: Sendable {
  private struct Current {
    var client: PostgresClient
    var run: Task<Void, Never>
    var generation: Int
  }

  private let configuration: PostgresClient.Configuration
  private let logger: Logger
  private let current: Mutex<Current>

  init(configuration: PostgresClient.Configuration, logger: Logger) {
    self.configuration = configuration
    self.logger = logger
    current = Mutex(Self.start(configuration, logger, generation: 0))
  }

  deinit { current.withLock { $0.run.cancel() } }

  private static func start(_ configuration: PostgresClient.Configuration, _ logger: Logger, generation: Int)
    -> Current
  {
    let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    return Current(client: client, run: Task { await client.run() }, generation: generation)
  }

  /// The current client and its generation (to reset exactly the client that misbehaved).
  var client: (PostgresClient, generation: Int) {
    current.withLock { ($0.client, $0.generation) }
  }

  /// Replaces the client of `generation` with a fresh one and shuts the old one down. A second
  /// caller for the same generation finds it already replaced and does nothing.
  func reset(generation: Int) {
    let old: Task<Void, Never>? = current.withLock { state in
      guard state.generation == generation else { return nil }
      let previous = state.run
      state = Self.start(configuration, logger, generation: generation + 1)
      return previous
    }
    old?.cancel()
  }
}
#endif
