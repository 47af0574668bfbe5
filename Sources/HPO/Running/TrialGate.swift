import Foundation

/// Lets a running `optimize` stop starting trials without stopping the ones it runs (the
/// dashboard's drain), and counts the trials it runs. Closing it is not a pause of the study:
/// other processes go on, and nothing is written to storage.
public final class TrialGate: @unchecked Sendable {
  private let lock = NSLock()
  private var closed = false
  private var inFlight = 0

  public init() {}

  /// No new trial starts in the `optimize` that holds this gate while it is closed.
  public func close() { lock.withLock { closed = true } }
  public func open() { lock.withLock { closed = false } }
  public var isClosed: Bool { lock.withLock { closed } }
  /// Workers of the holder that run (or are about to start, or wait to retry) a trial now.
  public var running: Int { lock.withLock { inFlight } }

  /// Counts a worker in unless the gate is closed (then false), in one step.
  func enter() -> Bool {
    lock.withLock {
      guard !closed else { return false }
      inFlight += 1
      return true
    }
  }

  func leave() { lock.withLock { inFlight -= 1 } }
}
