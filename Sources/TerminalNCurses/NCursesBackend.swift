import CNcursesw
import Terminal

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why the ncurses backend could not start.
public struct NCursesError: Error, CustomStringConvertible {
  public var operation: String
  public var message: String

  public init(operation: String, message: String) {
    self.operation = operation
    self.message = message
  }

  public var description: String { "ncurses \(operation): \(message)" }
}

/// A `Backend` on ncursesw: wide characters, colour pairs on demand, key decoding, and a
/// terminal that is restored on every exit path (see `NCursesBackend+Signals.swift`).
///
/// Use it from one thread (the UI loop). Create it with `NCursesBackend.withTerminal { }` so
/// `stop()` runs on return and on thrown errors.
public final class NCursesBackend: Backend {
  /// How colours are sent to the terminal.
  public enum ColorMode: Hashable, Sendable {
    /// xterm-256 palette: RGB maps to the nearest of 256.
    case indexed256
    /// The 8 basic colours: everything maps to the nearest of 8.
    case basic8
    /// No colours (no colour support, or `NO_COLOR` set): only attributes such as bold/reverse.
    case monochrome
  }

  /// Start-up options.
  public struct Options: Sendable {
    /// Raw mode delivers Ctrl-C/Ctrl-Z as keys; cbreak (the default) lets Ctrl-C raise
    /// SIGINT, which restores the terminal and exits 130.
    public var raw: Bool
    /// Milliseconds ncurses waits after Esc for the rest of an escape sequence.
    public var escDelay: Int32
    /// Force a colour mode instead of detecting it.
    public var colorMode: ColorMode?
    /// Install SIGINT/SIGTERM and fatal-signal handlers that restore the terminal.
    public var installSignalHandlers: Bool
    /// Report clicks and the wheel as `Event.mouse` (the terminal then no longer selects text
    /// on a plain drag; Shift-drag still does in xterm and tmux).
    public var mouse: Bool

    public init(
      raw: Bool = false, escDelay: Int32 = 25, colorMode: ColorMode? = nil,
      installSignalHandlers: Bool = true, mouse: Bool = true
    ) {
      self.mouse = mouse
      self.raw = raw
      self.escDelay = escDelay
      self.colorMode = colorMode
      self.installSignalHandlers = installSignalHandlers
    }
  }

  let screen: OpaquePointer
  let win: UnsafeMutablePointer<WINDOW>
  /// The colour mode in use.
  public let colorMode: ColorMode
  let hasDefaultColors: Bool
  let maxPairs: Int
  var pairs: [PairKey: Int] = [:]
  var stopped = false

  struct PairKey: Hashable {
    var fg: Int32
    var bg: Int32
  }

  /// Initialises ncurses on the controlling terminal (stdin/stdout).
  public init(options: Options = Options()) throws {
    NCursesBackend.setUTF8Locale()
    guard let scr = sh_newterm() else {
      throw NCursesError(operation: "newterm", message: "cannot open terminal (TERM unset or unknown?)")
    }
    guard let w = sh_stdscr() else {
      endwin()
      delscreen(scr)
      throw NCursesError(operation: "stdscr", message: "no standard screen")
    }
    screen = scr
    win = w
    _ = set_escdelay(options.escDelay)
    if options.raw { _ = raw() } else { _ = cbreak() }
    _ = noecho()
    _ = nonl()
    _ = keypad(win, true)
    wtimeout(win, 0)
    _ = curs_set(0)
    var mode = ColorMode.monochrome
    var defaults = false
    let noColorEnv = getenv("NO_COLOR").map { String(cString: $0) }.map { !$0.isEmpty } ?? false
    if options.colorMode != .monochrome, !noColorEnv, has_colors() {
      _ = start_color()
      defaults = use_default_colors() == OK
      mode = sh_colors() >= 256 ? .indexed256 : (sh_colors() >= 8 ? .basic8 : .monochrome)
      if let forced = options.colorMode, forced == .basic8 { mode = .basic8 }
    }
    colorMode = mode
    hasDefaultColors = defaults
    maxPairs = max(0, Int(sh_color_pairs()) - 1)
    if options.mouse { _ = sh_mouse_on() }
    NCursesBackend.activate(installHandlers: options.installSignalHandlers)
  }

  deinit { stop() }

  /// Runs `body` with a terminal on ncurses and always restores the screen afterwards,
  /// whether `body` returns or throws.
  public static func withTerminal<R>(
    options: Options = Options(), _ body: (inout Terminal<NCursesBackend>) throws -> R
  ) throws -> R {
    let backend = try NCursesBackend(options: options)
    defer { backend.stop() }
    var terminal = Terminal(backend: backend)
    return try body(&terminal)
  }

  /// Restores the terminal (endwin) and the previous signal handlers. Safe to call twice.
  public func stop() {
    guard !stopped else { return }
    stopped = true
    _ = curs_set(1)
    sh_mouse_off()
    NCursesBackend.deactivate()
    endwin()
    delscreen(screen)
  }

  // MARK: Backend

  public func size() -> (width: Int, height: Int) {
    (Int(max(0, getmaxx(win))), Int(max(0, getmaxy(win))))
  }

  public func draw(_ changes: [CellChange]) {
    var i = 0
    while i < changes.count {
      // A run: same row, same style, each cell right after the previous one.
      let first = changes[i]
      var text: [wchar_t] = []
      var nextX = first.x
      var j = i
      while j < changes.count, changes[j].y == first.y, changes[j].x == nextX,
        changes[j].cell.style == first.cell.style
      {
        let c = changes[j].cell
        for s in c.symbol.unicodeScalars { text.append(wchar_t(bitPattern: s.value)) }
        nextX += max(1, c.width)
        j += 1
      }
      text.append(0)
      let (attrs, pair) = attributes(for: first.cell.style)
      _ = sh_set_attr_pair(win, attrs, Int32(pair))
      _ = mvwaddwstr(win, Int32(first.y), Int32(first.x), text)
      i = j
    }
    _ = sh_set_attr_pair(win, 0, 0)
  }

  public func flush() { _ = wrefresh(win) }

  public func clear() {
    _ = wclear(win)
  }

  public func hideCursor() { _ = curs_set(0) }
  public func showCursor() { _ = curs_set(1) }
  public func setCursor(x: Int, y: Int) { _ = wmove(win, Int32(y), Int32(x)) }

  public func pollEvent(timeout: Duration?) -> Event? {
    let ms: Int32
    if let timeout {
      let c = timeout.components
      let total = c.seconds * 1000 + c.attoseconds / 1_000_000_000_000_000
      ms = Int32(clamping: max(0, total))
    } else {
      ms = -1
    }
    wtimeout(win, ms)
    var wch: wint_t = 0
    let r = wget_wch(win, &wch)
    if r == ERR { return nil }
    let isKeyCode = r == sh_key_code_yes()
    if isKeyCode, Int32(bitPattern: UInt32(wch)) == sh_key_mouse() { return readMouse() }
    if !isKeyCode, wch == 27 { return decodeEscape() }
    return NCursesBackend.decode(code: Int32(bitPattern: UInt32(wch)), isKeyCode: isKeyCode) {
      .resize(width: Int(getmaxx(win)), height: Int(getmaxy(win)))
    }
  }

  /// After Esc: a printable character arriving at once is Alt+character; otherwise Esc.
  private func decodeEscape() -> Event? {
    wtimeout(win, 0)
    var next: wint_t = 0
    let r = wget_wch(win, &next)
    if r == OK, next == 0x5B, let key = readVT220Key() { return .key(key) }
    if r == OK, next >= 0x20, next != 127, let s = Unicode.Scalar(UInt32(next)) {
      return .key(.alt(Character(s)))
    }
    if r == OK {
      _ = unget_wch(wchar_t(bitPattern: UInt32(next)))
    } else if r == sh_key_code_yes() {
      _ = ungetch(Int32(bitPattern: UInt32(next)))
    }
    return .key(.escape)
  }

  /// After `Esc [`: a VT220 editing key (`1~` Home … `6~` PgDn, `7~`/`8~` rxvt Home/End) that the
  /// terminfo entry lacks (tmux sends `\E[1~`/`\E[4~` for Home/End under TERM=xterm-256color,
  /// whose entry says `\EOH`/`\EOF`). Anything else is put back (then `Esc [` is Alt-[).
  private func readVT220Key() -> Key? {
    var got: [wint_t] = []
    var ch: wint_t = 0
    while got.count < 3, wget_wch(win, &ch) == OK {
      got.append(ch)
      if ch == 0x7E { break }
    }
    if got.count == 2, got[1] == 0x7E {
      let keys: [wint_t: Key] = [0x31: .home, 0x32: .insert, 0x33: .delete, 0x34: .end, 0x35: .pageUp, 0x36: .pageDown, 0x37: .home, 0x38: .end]
      if let k = keys[got[0]] { return k }
    }
    for c in got.reversed() { _ = unget_wch(wchar_t(bitPattern: UInt32(c))) }
    return nil
  }

  /// Maps an ncurses key code (`isKeyCode`) or character to an event; nil for keys hpotop
  /// does not use (mouse, unknown function keys). `resize` builds the resize event.
  /// The mouse event ncurses decoded (nil for kinds hpotop does not use).
  private func readMouse() -> Event? {
    var x: Int32 = 0
    var y: Int32 = 0
    var kind: Int32 = 0
    guard sh_get_mouse(&x, &y, &kind) != 0 else { return nil }
    return NCursesBackend.mouseEvent(kind: kind, x: Int(x), y: Int(y))
  }

  /// Maps the shim's mouse kind (1 press, 2 release, 4/5 wheel) to an event.
  static func mouseEvent(kind: Int32, x: Int, y: Int) -> Event? {
    switch kind {
    case 1: return .mouse(Mouse(.press(button: 1), x: x, y: y))
    case 2: return .mouse(Mouse(.release, x: x, y: y))
    case 4: return .mouse(Mouse(.wheelUp, x: x, y: y))
    case 5: return .mouse(Mouse(.wheelDown, x: x, y: y))
    default: return nil
    }
  }

  static func decode(code: Int32, isKeyCode: Bool, resize: () -> Event) -> Event? {
    if !isKeyCode {
      return Key.fromCodePoint(UInt32(bitPattern: code)).map { .key($0) }
    }
    switch code {
    case KEY_RESIZE: return resize()
    case KEY_UP: return .key(.up)
    case KEY_DOWN: return .key(.down)
    case KEY_LEFT: return .key(.left)
    case KEY_RIGHT: return .key(.right)
    case KEY_PPAGE: return .key(.pageUp)
    case KEY_NPAGE: return .key(.pageDown)
    case KEY_HOME, KEY_A1, KEY_FIND: return .key(.home)
    case KEY_END, KEY_C1, KEY_SELECT, KEY_LL: return .key(.end)
    case KEY_IC: return .key(.insert)
    case KEY_DC: return .key(.delete)
    case KEY_ENTER: return .key(.enter)
    case KEY_BACKSPACE: return .key(.backspace)
    case KEY_BTAB: return .key(.backTab)
    case (KEY_F0 + 1)...(KEY_F0 + 12): return .key(.function(Int(code - KEY_F0)))
    default: return nil
    }
  }
}
