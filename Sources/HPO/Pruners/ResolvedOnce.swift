import Foundation

/// A value a pruner resolves from the study the first time it can (Optuna's pruners keep
/// `min_resource="auto"` and `max_resource="auto"` once estimated), shared by copies of the
/// pruner and safe to use from several tasks.
final class ResolvedOnce<Value: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value?

  init(_ value: Value? = nil) { self.value = value }

  /// The stored value, or the result of `resolve` stored when it is not `nil`.
  func get(orResolve resolve: () -> Value?) -> Value? {
    lock.lock()
    defer { lock.unlock() }
    if let value { return value }
    value = resolve()
    return value
  }
}
