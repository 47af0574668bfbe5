import CNcursesw
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Terminal restore on every exit path.
//
// - normal stop / thrown error: `NCursesBackend.stop()` (run by `withTerminal`'s defer);
// - `exit()` from anywhere: an `atexit` hook;
// - SIGHUP / SIGINT / SIGTERM: restore, then `_exit(129 / 130 / 143)`; or, after
//   `deliverTerminatingSignals(to:)` (`hpotop run`, whose objectives must be stopped first),
//   the first one is handed to the app, which shuts down and exits itself; a second SIGINT or
//   SIGTERM then exits at once, a repeated SIGHUP (a hang-up sends several) is ignored;
// - a terminating signal ignored when the process started (`nohup`, `&` in a script) stays
//   ignored;
// - SIGSEGV / SIGABRT / SIGBUS / SIGILL / SIGFPE (Swift traps are SIGILL or SIGTRAP): restore,
//   put back the handler that was there before (SIG_DFL, or Swift's backtracer), re-raise.
//
// Async-signal safety: the handlers read one flag and call `endwin()`, then `_exit` or
// `signal`+`raise` (both safe). `endwin()` is not async-signal-safe (it writes through
// stdio buffers); that is the accepted compromise, the same one htop makes, because a
// terminal left in raw mode with the alternate screen is worse than the small risk of a
// deadlock in a process that is dying anyway.

/// 1 while an ncurses screen is active. Read from signal handlers.
nonisolated(unsafe) private var cursesActive: sig_atomic_t = 0
/// Handlers that were installed before ours, indexed by signal number. A raw buffer (not an
/// Array) so the signal handler reads it without retain/release.
nonisolated(unsafe) private let previousHandlers: UnsafeMutablePointer<sighandler_t?> = {
  let p = UnsafeMutablePointer<sighandler_t?>.allocate(capacity: signalSlots)
  p.initialize(repeating: nil, count: signalSlots)
  return p
}()
private let signalSlots = 65
nonisolated(unsafe) private var handlersInstalled = false
nonisolated(unsafe) private var atexitRegistered = false

private let terminatingSignals: [Int32] = [SIGHUP, SIGINT, SIGTERM]
/// 1 once the app takes terminating signals itself (`deliverTerminatingSignals`).
nonisolated(unsafe) private var deliverMode: sig_atomic_t = 0
/// The first terminating signal handed to the app (0: none yet).
nonisolated(unsafe) private var deliveredSignal: sig_atomic_t = 0
/// The write end of the pipe the handler tells the app through (write(2) is async-signal-safe).
nonisolated(unsafe) private var deliverFD: Int32 = -1
private let fatalSignals: [Int32] = [SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGTRAP]

private func restoreFromSignal() {
  if cursesActive != 0 {
    cursesActive = 0
    endwin()
  }
}

private func onTerminatingSignal(_ sig: Int32) {
  if deliverMode != 0 {
    if deliveredSignal == 0 {
      deliveredSignal = sig
      var byte = UInt8(truncatingIfNeeded: sig)
      _ = write(deliverFD, &byte, 1)
      return
    }
    if sig == SIGHUP { return }
  }
  restoreFromSignal()
  _exit(128 + sig)
}

/// Whether a handler is SIG_IGN (1 on Linux and macOS).
private func isIgnored(_ handler: sighandler_t?) -> Bool {
  guard let handler else { return false }
  return unsafeBitCast(handler, to: Int.self) == 1
}

/// Installs the terminating-signal handler on `s`, unless `s` was ignored at start.
private func installTerminating(_ s: Int32) -> sighandler_t? {
  let previous = signal(s, onTerminatingSignal)
  if isIgnored(previous) { signal(s, SIG_IGN) }
  return previous
}

private func onFatalSignal(_ sig: Int32) {
  restoreFromSignal()
  let idx = Int(sig)
  let previous = idx >= 0 && idx < signalSlots ? previousHandlers[idx] : nil
  signal(sig, previous ?? SIG_DFL)
  raise(sig)
}

private func onExit() {
  restoreFromSignal()
}

extension NCursesBackend {
  /// Marks curses active and installs the restoring handlers (once per activation).
  static func activate(installHandlers: Bool) {
    _ = previousHandlers  // initialise the global before any handler can run
    cursesActive = 1
    if !atexitRegistered {
      atexitRegistered = true
      atexit(onExit)
    }
    guard installHandlers, !handlersInstalled else { return }
    handlersInstalled = true
    if deliverMode == 0 {
      for s in terminatingSignals { previousHandlers[Int(s)] = installTerminating(s) }
    }
    for s in fatalSignals { previousHandlers[Int(s)] = signal(s, onFatalSignal) }
  }

  /// Hands the first SIGHUP, SIGINT or SIGTERM to `handler` (called once, on a thread of its
  /// own) instead of restoring the terminal and exiting; the app then stops its work, restores
  /// the terminal and exits. A second SIGINT or SIGTERM restores and exits at once; repeated
  /// SIGHUPs are ignored. Stays in force for the rest of the process, also after the screen
  /// closes (the app's shutdown may outlast it). Call it before opening the terminal.
  public static func deliverTerminatingSignals(to handler: @escaping @Sendable (Int32) -> Void) {
    guard deliverMode == 0 else { return }
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { return }
    _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
    _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
    deliverFD = fds[1]
    let readFD = fds[0]
    let thread = Thread {
      var byte: UInt8 = 0
      while true {
        let n = read(readFD, &byte, 1)
        if n == 1 { break }
        if n < 0 && errno == EINTR { continue }
        return
      }
      handler(Int32(byte))
    }
    thread.start()
    // Terminating signals go to our handler from now on, ncurses screen or not.
    if handlersInstalled {
      for s in terminatingSignals {
        signal(s, previousHandlers[Int(s)] ?? SIG_DFL)
        previousHandlers[Int(s)] = nil
      }
    }
    deliverMode = 1
    for s in terminatingSignals { _ = installTerminating(s) }
  }

  /// Marks curses inactive and puts the previous handlers back.
  static func deactivate() {
    cursesActive = 0
    guard handlersInstalled else { return }
    handlersInstalled = false
    for s in (deliverMode == 0 ? terminatingSignals : []) + fatalSignals {
      signal(s, previousHandlers[Int(s)] ?? SIG_DFL)
      previousHandlers[Int(s)] = nil
    }
  }

  /// Sets LC_ALL from the environment, falling back to C.UTF-8 when that is not UTF-8
  /// (ncursesw needs a UTF-8 locale for braille and box drawing).
  static func setUTF8Locale() {
    let current = setlocale(LC_ALL, "").map { String(cString: $0) } ?? ""
    if !current.uppercased().contains("UTF") { setlocale(LC_ALL, "C.UTF-8") }
  }
}
