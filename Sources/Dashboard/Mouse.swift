import Foundation
import HPO
import Terminal

/// Clicks and the wheel. What lies under the pointer is read from the very screen the user sees
/// (the frame `view` draws for the state), so hit-testing follows any layout: a click on a trial
/// row selects that trial (by the number in its `#` cell), a click on a plot tab's title opens
/// it, the wheel moves the selection in the table and scrolls help and detail.
func handleMouse(_ state: inout AppState, _ m: Mouse) -> Reaction {
  if state.overlay != nil {
    // Dialogs: the wheel scrolls what scrolls; clicks do nothing.
    switch m.kind {
    case .wheelUp: return (0..<3).reduce([]) { r, _ in r.union(handleOverlayKey(&state, .up)) }
    case .wheelDown: return (0..<3).reduce([]) { r, _ in r.union(handleOverlayKey(&state, .down)) }
    default: return []
    }
  }
  let screen = view(state, area: Rect(width: state.width, height: state.height))
  switch m.kind {
  case .wheelUp, .wheelDown:
    guard let table = ScreenMap.trialTable(screen), table.contains(x: m.x, y: m.y) else { return [] }
    return perform(&state, m.kind == .wheelUp ? .up : .down, times: 3)
  // A release is a click too: ncurses may hand over only one of a quick press/release pair, and
  // both on one cell select the same thing.
  case .press(button: 1), .release:
    // A release on the cell just pressed is the same click: a footer toggle must not run twice.
    if m.kind == .release, let press = state.lastMousePress, press.x == m.x, press.y == m.y {
      state.lastMousePress = nil
      return []
    }
    state.lastMousePress = m.kind == .press(button: 1) ? m : nil
    if let number = ScreenMap.trialNumber(screen, x: m.x, y: m.y) {
      guard let i = state.rows.firstIndex(where: { state.snapshot.trials[$0].number == number }) else { return [] }
      state.table.selected = i
      state.selectedNumber = number
      return .redraw
    }
    if let b = ScreenMap.footerBinding(screen, x: m.x, y: m.y) {
      // The footer's entries are buttons: a click is the key.
      if let why = b.disabledReason(state) {
        state.say("\(b.label): \(why)", error: true)
        return .redraw
      }
      return perform(&state, b.action)
    }
    if let tab = ScreenMap.plotTab(screen, x: m.x, y: m.y) {
      return showTab(&state, tab.rawValue)
    }
    return []
  default:
    return []
  }
}

/// Runs a main-screen action `times` times.
private func perform(_ state: inout AppState, _ action: Action, times: Int) -> Reaction {
  (0..<times).reduce([]) { r, _ in r.union(perform(&state, action)) }
}

/// Reads regions off a drawn screen.
enum ScreenMap {
  /// A row's characters and the column of each.
  static func row(_ buf: Buffer, y: Int) -> (chars: [Character], xs: [Int]) {
    var chars: [Character] = []
    var xs: [Int] = []
    for x in buf.area.x..<(buf.area.x + buf.area.width) {
      let s = buf.cell(x: x, y: y).symbol
      guard let c = s.first else { continue }
      chars.append(c)
      xs.append(x)
    }
    return (chars, xs)
  }

  /// The trial table's box (border included): the pane whose top border is titled `Trials`.
  static func trialTable(_ buf: Buffer) -> Rect? {
    let a = buf.area
    for y in a.y..<(a.y + a.height) {
      let (chars, xs) = row(buf, y: y)
      guard let start = find(Array(" Trials "), in: chars), start > 0, chars[start - 1] == "╭" else { continue }
      let left = xs[start - 1]
      guard let right = (start..<chars.count).first(where: { chars[$0] == "╮" }).map({ xs[$0] }) else { continue }
      var bottom = y + 1
      while bottom < a.y + a.height, buf.cell(x: left, y: bottom).symbol != "╰" { bottom += 1 }
      return Rect(x: left, y: y, width: right - left + 1, height: bottom - y + 1)
    }
    return nil
  }

  /// The trial number of the table row under (x, y), nil off the rows (border, header).
  static func trialNumber(_ buf: Buffer, x: Int, y: Int) -> Int? {
    guard let box = trialTable(buf), box.contains(x: x, y: y), y >= box.y + 2, y < box.y + box.height - 1,
      x > box.x, x < box.x + box.width - 1
    else { return nil }
    let (chars, xs) = row(buf, y: y)
    let inside = zip(chars, xs).filter { $0.1 > box.x && $0.1 < box.x + box.width - 1 }.map(\.0)
    let digits = inside.drop { $0 == " " }.prefix { $0.isASCII && $0.isNumber }
    return Int(String(digits))
  }

  /// The plot tab whose title is under (x, y): a row naming at least two tabs is the tab bar.
  static func plotTab(_ buf: Buffer, x: Int, y: Int) -> PlotTab? {
    let (chars, xs) = row(buf, y: y)
    var hit: PlotTab?
    var named = 0
    for tab in PlotTab.allCases {
      // The whole title, or the three-letter form a narrow tab bar uses (`tabTitles`).
      let forms = ["\(tab.rawValue + 1) \(tab.title)", "\(tab.rawValue + 1) \(tab.title.prefix(3))", tab.title]
      guard let (i, label) = forms.lazy.compactMap({ f in find(Array(f), in: chars).map { ($0, f) } }).first else { continue }
      named += 1
      if x >= xs[i] && x <= xs[i + label.count - 1] { hit = tab }
    }
    return named >= 2 ? hit : nil
  }

  /// The footer entry (`? Help`, `q Quit`…) under (x, y) on the screen's last row.
  static func footerBinding(_ buf: Buffer, x: Int, y: Int) -> Binding? {
    guard y == buf.area.y + buf.area.height - 1 else { return nil }
    let (chars, xs) = row(buf, y: y)
    for b in Bindings.all where b.shownInFooter {
      let label = Array((b.keys.first?.description ?? "") + " " + b.label)
      guard let i = find(label, in: chars) else { continue }
      if x >= xs[i] && x <= xs[i + label.count - 1] { return b }
    }
    return nil
  }

  /// The first index of `needle` in `hay`.
  static func find(_ needle: [Character], in hay: [Character]) -> Int? {
    guard !needle.isEmpty, hay.count >= needle.count else { return nil }
    for i in 0...(hay.count - needle.count) where hay[i] == needle[0] {
      if Array(hay[i..<(i + needle.count)]) == needle { return i }
    }
    return nil
  }
}
