import Foundation
import Testing

/// Drives a program in a detached tmux session: start, send keys, capture the screen, resize.
/// Tests that need tmux say so loudly when it is missing (and fail when `$CI` is set).
struct Tmux {
  let name: String

  static let path: String? = {
    for p in ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"]
    where FileManager.default.isExecutableFile(atPath: p) {
      return p
    }
    return nil
  }()

  /// Whether tmux tests can run; prints why not (and records a failure under CI).
  static var available: Bool {
    if path != nil { return true }
    let msg = "⚠️⚠️⚠️ SKIPPING tmux dashboard tests: tmux is not installed (apt-get install tmux). CI installs it."
    print(msg)
    if ProcessInfo.processInfo.environment["CI"].map({ !$0.isEmpty }) ?? false {
      Issue.record(Comment(rawValue: msg))
    }
    return false
  }

  /// Runs tmux and returns its output. It spawns with posix_spawn and reaps with waitpid rather
  /// than Foundation's `Process`, whose exit monitoring was seen to miss a tmux client's exit
  /// (a zombie) while other tests spawned processes, hanging the suite. The child gets only
  /// stdin, stdout and stderr.
  @discardableResult
  static func run(_ args: [String]) throws -> String {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("hpotop-tmux-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: out) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    // Nothing else is inherited: the first command forks the tmux server, which lives on. Holding
    // the write end of a pipe another test was reading (a `Binary.run` started at the same
    // moment), it kept that read from ever ending, and two such reads blocked the whole pool.
    if let closeFrom = closeFrom { _ = closeFrom(&actions, 3) }
    let argv = ([path ?? "/usr/bin/tmux"] + args).map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, path ?? "/usr/bin/tmux", &actions, nil, argv, environ)
    guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
  }

  /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module does
  /// not export; nil where it is missing.
  private static let closeFrom:
    (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
      guard let handle = dlopen(nil, RTLD_NOW),
        let symbol = dlsym(handle, "posix_spawn_file_actions_addclosefrom_np")
      else { return nil }
      return unsafeBitCast(
        symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

  /// Starts `command` (a shell command line) in a new detached session of the given size.
  static func start(_ command: String, width: Int = 120, height: Int = 40) throws -> Tmux {
    let name = "hpotop-test-\(UUID().uuidString.prefix(8))"
    try run(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", "env TERM=xterm-256color sh -c '\(command)'"])
    return Tmux(name: name)
  }

  func send(_ keys: String...) throws { try Tmux.run(["send-keys", "-t", name] + keys) }

  func capture() throws -> String { try Tmux.run(["capture-pane", "-p", "-t", name]) }

  func resize(width: Int, height: Int) throws {
    try Tmux.run(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
  }

  func kill() { _ = try? Tmux.run(["kill-session", "-t", name]) }

  /// Captures until `predicate` holds or `timeout` seconds pass; returns the last screen.
  func waitFor(timeout: Double = 30, _ predicate: (String) -> Bool) async throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    var screen = try capture()
    while !predicate(screen) && Date() < deadline {
      try await Task.sleep(for: .milliseconds(200))
      screen = try capture()
    }
    return screen
  }
}
