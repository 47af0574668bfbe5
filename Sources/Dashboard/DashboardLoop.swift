import Foundation
import HPO
import Terminal

/// The dashboard's event loop over any backend: drain background messages, tick, poll,
/// draw (diffed), wait briefly for a key. Program tests drive it with a `TestBackend`, a key
/// script and a fake clock.
public struct DashboardLoop<B: Backend> {
  public var terminal: Terminal<B>
  public var state: AppState
  public let mailbox: Mailbox
  public let controller: DashboardController?
  /// The clock (fake in tests).
  public var clock: @Sendable () -> Date
  /// Seconds between polls.
  public var pollInterval: TimeInterval
  /// How long one wait for input lasts.
  public var inputTimeout: Duration
  /// Stop when no input and no message is pending (tests with a finite key script).
  public var stopWhenIdle: Bool
  /// Frames drawn so far.
  public private(set) var frames = 0
  private var lastPoll: Date?
  private var lastTick: Date?

  public init(
    terminal: Terminal<B>, state: AppState, mailbox: Mailbox = Mailbox(), controller: DashboardController? = nil,
    clock: @escaping @Sendable () -> Date = { Date() }, pollInterval: TimeInterval = 0.4,
    inputTimeout: Duration = .milliseconds(50), stopWhenIdle: Bool = false
  ) {
    self.terminal = terminal
    self.state = state
    self.mailbox = mailbox
    self.controller = controller
    self.clock = clock
    self.pollInterval = pollInterval
    self.inputTimeout = inputTimeout
    self.stopWhenIdle = stopWhenIdle
  }

  /// Runs until quit (or idle, with `stopWhenIdle`). Returns the final state.
  @discardableResult
  public mutating func run() -> AppState {
    var needsDraw = true
    let size = terminal.backend.size()
    _ = update(&state, .resize(width: size.width, height: size.height))
    while !state.quitting {
      var reaction: Reaction = []
      for m in mailbox.drain() {
        // A replaced snapshot is let go on another thread: freeing a million trials' copies
        // (a dozen releases each) would hold this one past several frames.
        let replaced: RetiredSnapshot?
        if case .snapshot = m { replaced = RetiredSnapshot(state.snapshot) } else { replaced = nil }
        reaction.formUnion(update(&state, m))
        replaced?.dropElsewhere()
      }
      let now = clock()
      if lastTick.map({ now.timeIntervalSince($0) >= 0.5 || now < $0 }) ?? true {
        lastTick = now
        reaction.formUnion(update(&state, .tick(now)))
      }
      if reaction.contains(.quit) || state.quitting { break }
      if reaction.contains(.redraw) { needsDraw = true }
      if reaction.contains(.reload) || lastPoll.map({ now.timeIntervalSince($0) >= pollInterval || now < $0 }) ?? true {
        lastPoll = now
        controller?.pollNow()
      }
      flushCommands()
      if needsDraw {
        drawFrame()
        needsDraw = false
      }
      guard let event = terminal.pollEvent(timeout: inputTimeout) else {
        if stopWhenIdle && mailbox.isEmpty { break }
        continue
      }
      let r: Reaction
      switch event {
      case .key(let k): r = update(&state, .key(k))
      case .resize(let w, let h): r = update(&state, .resize(width: w, height: h))
      case .mouse(let m): r = update(&state, .mouse(m))
      }
      if r.contains(.quit) { break }
      if r.contains(.reload) { lastPoll = nil }
      flushCommands()
      needsDraw = true
    }
    return state
  }

  /// Draws one frame now.
  public mutating func drawFrame() {
    let s = terminal.backend.size()
    if s.width != state.width || s.height != state.height {
      _ = update(&state, .resize(width: s.width, height: s.height))
    }
    let st = state
    terminal.draw { frame in draw(st, into: &frame.buffer, area: frame.area) }
    frames += 1
  }

  /// Hands pending commands to the controller (dropped without one, as in screen tests).
  mutating func flushCommands() {
    let cs = state.commands
    state.commands.removeAll()
    for c in cs { controller?.perform(c) }
  }
}

/// A snapshot the UI has replaced, freed on a background queue rather than the UI thread.
public final class RetiredSnapshot: @unchecked Sendable {
  private var snapshot: StudySnapshot?
  public init(_ snapshot: StudySnapshot) { self.snapshot = snapshot }

  /// Frees the snapshot (its last copy, once the state holds the new one) on a utility queue.
  public func dropElsewhere() {
    DispatchQueue.global(qos: .utility).async { self.snapshot = nil }
  }
}
