import CNcursesw

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Terminal restore on every exit path.
//
// - normal stop / thrown error: `NCursesBackend.stop()` (run by `withTerminal`'s defer);
// - `exit()` from anywhere: an `atexit` hook;
// - SIGINT / SIGTERM: restore, then `_exit(130 / 143)`;
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

private let terminatingSignals: [Int32] = [SIGINT, SIGTERM]
private let fatalSignals: [Int32] = [SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGTRAP]

private func restoreFromSignal() {
  if cursesActive != 0 {
    cursesActive = 0
    endwin()
  }
}

private func onTerminatingSignal(_ sig: Int32) {
  restoreFromSignal()
  _exit(128 + sig)
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
    for s in terminatingSignals { previousHandlers[Int(s)] = signal(s, onTerminatingSignal) }
    for s in fatalSignals { previousHandlers[Int(s)] = signal(s, onFatalSignal) }
  }

  /// Marks curses inactive and puts the previous handlers back.
  static func deactivate() {
    cursesActive = 0
    guard handlersInstalled else { return }
    handlersInstalled = false
    for s in terminatingSignals + fatalSignals {
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
