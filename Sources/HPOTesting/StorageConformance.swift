import Foundation
import HPO
import OrderedCollections

/// Makes a fresh, empty storage for one conformance check.
public typealias StorageFactory = @Sendable () async throws -> any Storage

/// A storage that broke the `Storage` contract, with the check and what went wrong.
public struct ConformanceFailure: Error, CustomStringConvertible, Sendable {
  public let check: String
  public let message: String

  public init(check: String, message: String) {
    self.check = check
    self.message = message
  }

  public var description: String { "storage conformance check '\(check)' failed: \(message)" }
}

/// One named check of the storage contract.
public struct StorageConformanceCheck: Sendable, CustomStringConvertible {
  public let name: String
  let body: @Sendable (StorageFactory, Checker) async throws -> Void

  public var description: String { name }

  /// Runs the check on a storage from `factory`; throws `ConformanceFailure` on misbehaviour.
  public func run(_ factory: StorageFactory) async throws {
    let checker = Checker(check: name)
    do {
      try await body(factory, checker)
    } catch let f as ConformanceFailure {
      throw f
    } catch {
      throw ConformanceFailure(check: name, message: "unexpected error: \(error)")
    }
  }
}

/// Assertion helpers for conformance checks; each failure names the check.
public struct Checker: Sendable {
  public let check: String

  public func fail(_ message: String) -> ConformanceFailure {
    ConformanceFailure(check: check, message: message)
  }

  public func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw fail(message()) }
  }

  public func equal<T: Equatable>(_ actual: T, _ expected: T, _ what: String) throws {
    if actual != expected { throw fail("\(what): expected \(expected), got \(actual)") }
  }

  /// Expects `body` to throw a `StorageError` of `kind`.
  public func throwsStorageError<T>(
    _ kind: StorageError.Kind, _ what: String, _ body: () async throws -> T
  ) async throws {
    do {
      _ = try await body()
    } catch let e as StorageError {
      if e.kind != kind { throw fail("\(what): expected StorageError.\(kind), got .\(e.kind) (\(e.message))") }
      return
    } catch {
      throw fail("\(what): expected StorageError.\(kind), got \(error)")
    }
    throw fail("\(what): expected StorageError.\(kind), but nothing was thrown")
  }

  /// Two dates within a millisecond (backends may keep only microseconds).
  public func close(_ a: Date?, _ b: Date?, _ what: String) throws {
    switch (a, b) {
    case (nil, nil): return
    case (let a?, let b?):
      if abs(a.timeIntervalSince(b)) > 0.001 { throw fail("\(what): \(a) differs from \(b)") }
    default: throw fail("\(what): \(String(describing: a)) vs \(String(describing: b))")
    }
  }

  /// Values equal, NaN equal to NaN.
  public func sameNumbers(_ a: [Double]?, _ b: [Double]?, _ what: String) throws {
    let ok: Bool
    switch (a, b) {
    case (nil, nil): ok = true
    case (let a?, let b?): ok = a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    default: ok = false
    }
    if !ok { throw fail("\(what): expected \(String(describing: b)), got \(String(describing: a))") }
  }
}

/// The storage conformance suite: every backend (in-memory, SQLite, PostgreSQL) must pass all of
/// `checks`. Modelled on Optuna's `optuna/testing/storages.py` tests, which every storage runs.
public enum StorageConformance {
  /// Every check, in a stable order.
  public static var checks: [StorageConformanceCheck] {
    studyChecks + trialChecks + valueChecks + concurrencyChecks
  }

  /// The names of all checks (for parameterised tests).
  public static var names: [String] { checks.map(\.name) }

  /// Runs the check of that name.
  public static func run(_ name: String, _ factory: StorageFactory) async throws {
    guard let c = checks.first(where: { $0.name == name }) else {
      throw ConformanceFailure(check: name, message: "no such check")
    }
    try await c.run(factory)
  }

  static func check(
    _ name: String, _ body: @escaping @Sendable (StorageFactory, Checker) async throws -> Void
  ) -> StorageConformanceCheck {
    StorageConformanceCheck(name: name, body: body)
  }
}
