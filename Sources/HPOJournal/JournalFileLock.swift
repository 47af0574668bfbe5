import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The cross-process lock Optuna's `JournalFileBackend` takes around every append: a file
/// `<journal>.lock` created exclusively, either as a symbolic link to the journal
/// (`JournalFileSymlinkLock`, Optuna's default) or with `open(O_CREAT|O_EXCL)`
/// (`JournalFileOpenLock`). Both kinds create the same path, so hpotop and Python exclude each
/// other whichever kind either side uses. A lock whose file has not changed for `gracePeriod`
/// seconds is taken to be left by a dead process and removed, as Optuna does.
public struct JournalFileLock: Sendable {
  /// How the lock file is created.
  public enum Kind: String, Sendable {
    case symlink
    case open
  }

  public let journalPath: String
  public let lockPath: String
  public let kind: Kind
  /// Seconds an unchanged lock file is waited on before it is removed; `nil` waits forever.
  public let gracePeriod: TimeInterval?

  public init(journalPath: String, kind: Kind = .symlink, gracePeriod: TimeInterval? = 30) {
    self.journalPath = journalPath
    self.lockPath = journalPath + ".lock"
    self.kind = kind
    self.gracePeriod = gracePeriod
  }

  /// One attempt: true when this call created the lock file.
  public func tryAcquire() throws -> Bool {
    let rc: Int32
    switch kind {
    case .symlink:
      rc = symlink(journalPath, lockPath)
    case .open:
      let fd = open(lockPath, O_CREAT | O_EXCL | O_WRONLY, 0o644)
      if fd >= 0 { close(fd) }
      rc = fd >= 0 ? 0 : -1
    }
    if rc == 0 { return true }
    let err = errno
    if err == EEXIST { return false }
    throw JournalError.io("cannot create the journal lock \(lockPath): \(String(cString: strerror(err)))")
  }

  /// Waits for the lock, backing off from 1 ms to 1 s between attempts as Optuna does; removes
  /// a lock file older than the grace period. Returns whether it had to wait.
  @discardableResult
  public func acquire() async throws -> Bool {
    var sleep: Double = 0.001
    var lastMtime: timespec?
    var lastChange = Date()
    var waited = false
    while true {
      if try tryAcquire() { return waited }
      waited = true
      if let gracePeriod {
        var st = stat()
        if lstat(lockPath, &st) == 0 {
          if lastMtime.map({ $0.tv_sec != st.st_mtim.tv_sec || $0.tv_nsec != st.st_mtim.tv_nsec }) ?? true {
            lastMtime = st.st_mtim
            lastChange = Date()
          } else if Date().timeIntervalSince(lastChange) > gracePeriod {
            try? release()
            sleep = 0.001
            continue
          }
        } else {
          continue  // released between the attempt and the stat: try again at once
        }
      }
      try await Task.sleep(nanoseconds: UInt64(sleep * 1e9))
      sleep = min(sleep * 2, 1)
    }
  }

  /// Removes the lock file, first renaming it to a unique name (Optuna's way, so two releasers
  /// never both remove a lock someone else has taken since).
  public func release() throws {
    let renamed = lockPath + UUID().uuidString.lowercased() + ".rename"
    guard rename(lockPath, renamed) == 0 else {
      throw JournalError.io("did not possess the journal lock \(lockPath)")
    }
    unlink(renamed)
  }
}

/// A journal file that could not be read, written or locked.
public enum JournalError: Error, CustomStringConvertible, Sendable {
  case io(String)
  case format(String)

  public var description: String {
    switch self {
    case .io(let m), .format(let m): return m
    }
  }
}
