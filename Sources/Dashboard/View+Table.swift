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

/// The trial table pane: only the rows on screen are built.
func drawTable(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  guard !area.isEmpty else { return }
  let theme = state.theme
  let snap = state.snapshot
  let title = " Trials " + (state.filter != nil ? "(\(state.rows.count) of \(snap.trials.count)) " : "(\(snap.trials.count)) ")
  let block = paneBlock(title, theme)
  let inner = area.width >= 3 && area.height >= 3 ? block.inner(area) : area
  if inner != area { block.render(area: area, buffer: &buf) }
  guard !inner.isEmpty else { return }
  let params = state.paramNames
  let ids = TrialColumns.ids(objectives: snap.directions.count, params: params)
  var widths: [Constraint] = []
  for id in ids {
    switch id {
    case "number": widths.append(.length(max(3, String(snap.trials.count).count + 1)))
    case "state": widths.append(.length(8))
    case "duration": widths.append(.length(8))
    case "start": widths.append(.length(8))
    case "curve": widths.append(.length(10))
    default: widths.append(.min(8))
    }
  }
  let header = Row(ids.map { id -> Line in
    var t = TrialColumns.title(id, state: state)
    if id == state.sortColumn { t += state.sortDescending ? "↓" : "↑" }
    return Line(t, alignment: id == "state" || id == "curve" || id.hasPrefix("param:") ? .left : .right)
  })
  // Visible window.
  let visible = max(1, inner.height - 1)
  var ts = state.table
  ts.clamp(count: state.rows.count, visible: visible)
  let lo = ts.offset
  let hi = min(state.rows.count, lo + visible)
  let bestNumbers = Set(state.cachedBest.map(\.number))
  var rows: [Row] = []
  rows.reserveCapacity(hi - lo)
  for k in lo..<hi {
    let t = snap.trials[state.rows[k]]
    rows.append(Row(ids.map { cell($0, t, state: state, isBest: bestNumbers.contains(t.number)) }))
  }
  var local = TableState(selected: ts.selected.map { $0 - lo }, offset: 0)
  let table = Table(
    rows: rows, header: header, widths: widths, columnSpacing: 1,
    headerStyle: Style(fg: theme.color("header_fg"), bg: theme.color("header_bg"), modifiers: .bold),
    highlightStyle: theme.selected)
  table.render(area: inner, buffer: &buf, state: &local)
  if snap.revision == 0, inner.height >= 2 {
    buf.setString(x: inner.x + 1, y: inner.y + 1, "loading trials…", style: theme.dim, maxWidth: inner.width - 1)
  } else if snap.trials.isEmpty, inner.height >= 2 {
    buf.setString(x: inner.x + 1, y: inner.y + 1, "waiting for trials…", style: theme.dim, maxWidth: inner.width - 1)
  } else if state.rows.isEmpty, inner.height >= 2 {
    buf.setString(x: inner.x + 1, y: inner.y + 1, "no trial matches the filter", style: theme.dim, maxWidth: inner.width - 1)
  }
}

/// One table cell.
func cell(_ id: String, _ t: FrozenTrial, state: AppState, isBest: Bool) -> Line {
  let theme = state.theme
  switch id {
  case "number": return Line(String(t.number), alignment: .right)
  case "state":
    let name: String
    switch t.state {
    case .complete: name = "COMPLETE"
    case .running: name = "RUNNING"
    case .pruned: name = "PRUNED"
    case .fail: name = "FAIL"
    case .waiting: name = "WAITING"
    }
    return Line(name, style: theme.state(t.state.rawValue))
  case "duration":
    if let d = t.duration { return Line(formatDuration(d), alignment: .right) }
    if t.state == .running, let s = t.datetimeStart {
      return Line(formatDuration(max(0, state.now.timeIntervalSince(s))), style: theme.fg("running"), alignment: .right)
    }
    return Line("", alignment: .right)
  case "start":
    return Line(t.datetimeStart.map(clockText) ?? "", alignment: .right)
  case "curve":
    let vs = Array(t.intermediateValues.values.suffix(10))
    guard !vs.isEmpty else { return "" }
    return Line(sparkText(vs), style: t.state == .running ? theme.fg("running") : theme.dim)
  default:
    if id.hasPrefix("value"), let i = Int(id.dropFirst(5)) {
      guard let vs = t.values, i < vs.count else {
        if t.state == .running, i == 0, let last = t.intermediateValues.values.last {
          return Line("(" + NumberFormat.compact(last, digits: 4) + ")", style: theme.dim, alignment: .right)
        }
        return Line("", alignment: .right)
      }
      let style = isBest ? theme.fg("best").adding(.bold) : Style()
      return Line(NumberFormat.compact(vs[i], digits: 5), style: style, alignment: .right)
    }
    if id.hasPrefix("param:") {
      guard let p = t.params[String(id.dropFirst(6))] else { return "" }
      if case .float(let d) = p { return Line(NumberFormat.compact(d, digits: 4)) }
      return Line(p.displayText)
    }
    return ""
  }
}

/// A one-line sparkline of up to 10 values with block characters.
func sparkText(_ values: [Double]) -> String {
  let vs = values.filter(\.isFinite)
  guard let lo = vs.min(), let hi = vs.max() else { return "" }
  let bars = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
  return vs.map { v in
    let t = hi > lo ? (v - lo) / (hi - lo) : 0.5
    return bars[min(7, max(0, Int(t * 7.999)))]
  }.joined()
}
