import Foundation
import HPO
import Terminal

/// Time of day for the start column.
nonisolated(unsafe) let clockFormatter: DateFormatter = {
  let f = DateFormatter()
  f.dateFormat = "HH:mm:ss"
  return f
}()

private let clockLock = NSLock()

func clockText(_ d: Date) -> String { clockLock.withLock { clockFormatter.string(from: d) } }

/// The trial table pane: only the rows on screen are built (see `TrialTable`).
func drawTable(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  guard !area.isEmpty else { return }
  let theme = state.theme
  let snap = state.snapshot
  let bordered = area.width >= 3 && area.height >= 3
  let innerGuess = bordered ? paneBlock("", theme).inner(area) : area
  let table = TrialTable(state, height: innerGuess.height)
  let shown = table.shown(width: innerGuess.width, scroll: state.paramScroll)
  var title = " Trials " + (state.filter != nil ? "(\(state.rows.count) of \(snap.trials.count)) " : "(\(snap.trials.count)) ")
  if let p = snap.loading { title = " Trials (\(state.filter != nil ? "\(state.rows.count) matching, " : "")\(p.loaded) of \(p.total) loaded…) " }
  let params = table.paramColumns.count
  if shown.hiddenLeft + shown.hiddenRight > 0 {
    let count = params - shown.hiddenLeft - shown.hiddenRight
    title += count == 0 ? "\(params) params → " : "params \(shown.firstParam + 1)–\(shown.firstParam + count) of \(params) ←→ "
  }
  let block = paneBlock(title, theme)
  let inner = bordered ? block.inner(area) : area
  if inner != area { block.render(area: area, buffer: &buf) }
  guard !inner.isEmpty else { return }
  let markStyle = theme.fg("accent").adding(.bold)
  // Columns left to right; the marks take two columns each.
  var x = inner.x
  var layout: [(x: Int, width: Int, column: TrialTable.Column)] = []
  for c in shown.columns {
    if c.kind == .param, shown.hiddenLeft > 0, !layout.contains(where: { $0.column.kind == .param }) { x += 2 }
    guard x < inner.right else { break }
    layout.append((x, min(c.width, inner.right - x), c))
    x += c.width + 1
  }
  let headerStyle = Style(fg: theme.color("header_fg"), bg: theme.color("header_bg"), modifiers: .bold)
  buf.setStyle(Rect(x: inner.x, y: inner.y, width: inner.width, height: 1), headerStyle)
  for (cx, w, c) in layout {
    buf.setString(x: cx, y: inner.y, TextWidth.elidedMiddle(c.title, width: w), maxWidth: w)
  }
  if shown.hiddenLeft > 0, let p = layout.first(where: { $0.column.kind == .param }) {
    buf.setString(x: p.x - 2, y: inner.y, "‹", style: markStyle)
  }
  if shown.hiddenRight > 0, let p = layout.last(where: { $0.column.kind == .param }) {
    buf.setString(x: min(inner.right - 1, p.x + p.width + 1), y: inner.y, "›", style: markStyle)
  }
  let best = Set(state.cachedBest.map(\.number))
  for k in 0..<(table.hi - table.lo) {
    let y = inner.y + 1 + k
    guard y < inner.bottom else { break }
    let t = snap.trials[state.rows[table.lo + k]]
    let rowRect = Rect(x: inner.x, y: y, width: inner.width, height: 1)
    for (cx, w, c) in layout {
      var line = c.cells[k]
      if c.kind == .state { line = Line(line.plainText, style: theme.state(t.state.rawValue)) }
      if c.kind == .number, best.contains(t.number) { line.style = theme.fg("best").adding(.bold) }
      let fitted = line.truncated(to: w, ellipsis: "…")
      let dx = (line.alignment ?? .left).offset(width: fitted.width, available: w)
      buf.setLine(x: cx + dx, y: y, fitted, maxWidth: w - dx)
    }
    if table.selected == table.lo + k { buf.setStyle(rowRect, theme.selected) }
  }
  if snap.revision == 0, inner.height >= 2 {
    buf.setString(x: inner.x + 1, y: inner.y + 1, "loading trials…", style: theme.dim, maxWidth: inner.width - 1)
  } else if snap.trials.isEmpty, inner.height >= 2 {
    buf.setString(x: inner.x + 1, y: inner.y + 1, "waiting for trials…", style: theme.dim, maxWidth: inner.width - 1)
  } else if state.rows.isEmpty, inner.height >= 2 {
    buf.setString(x: inner.x + 1, y: inner.y + 1, "no trial matches the filter", style: theme.dim, maxWidth: inner.width - 1)
  }
}

/// The width the table pane needs to show every column of the rows that fit in `height`.
func tableNaturalWidth(_ state: AppState, height: Int) -> Int {
  TrialTable(state, height: max(1, height - 2)).naturalWidth + 2
}

/// The first param the table can show at the current size for a wanted scroll (what ←/→
/// move from, so a scroll past the end does not need extra presses to come back).
func clampedParamScroll(_ state: AppState, _ wanted: Int) -> Int {
  let height = max(3, state.height / 2)
  var width = state.width - 2
  if state.width >= 150 { width = min(tableNaturalWidth(state, height: height), state.width - 60) - 2 }
  return TrialTable(state, height: height).shown(width: width, scroll: wanted).firstParam
}

/// Draws only the trial table pane (what `hpotop bench-frame` times on its own).
public func drawTablePane(_ state: AppState, into buf: inout Buffer, area: Rect) {
  drawTable(state, &buf, area)
}
