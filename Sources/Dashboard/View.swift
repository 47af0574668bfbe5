import Foundation
import HPO
import Terminal

/// Draws the whole dashboard for a state: header, trial table, plot tabs, status, footer and
/// any overlay. Renders at every size down to 1×1.
public func view(_ state: AppState, area: Rect) -> Buffer {
  var buf = Buffer(area: area)
  draw(state, into: &buf, area: area)
  return buf
}

/// Draws the dashboard into part of a buffer (used by `Terminal.draw`).
public func draw(_ state: AppState, into buf: inout Buffer, area: Rect) {
  guard !area.isEmpty else { return }
  var rest = area
  // Header: 3 lines when there is room, else 1.
  let headerHeight = area.height >= 14 ? 3 : (area.height >= 4 ? 1 : 0)
  if headerHeight > 0 {
    let (h, r) = rest.splitTop(headerHeight)
    drawHeader(state, &buf, h)
    rest = r
  }
  // Footer and status line.
  if rest.height >= 3 {
    let (r, f) = rest.splitBottom(1)
    drawFooter(state, &buf, f)
    rest = r
  }
  if rest.height >= 3 {
    let (r, s) = rest.splitBottom(1)
    drawStatus(state, &buf, s)
    rest = r
  }
  // Body: table and plot, side by side on wide screens.
  if state.plotMaximized {
    drawPlotPane(state, &buf, rest)
  } else if rest.width >= 150 {
    let parts = Layout.horizontal([.percentage(55), .fill(1)]).split(rest)
    drawTable(state, &buf, parts[0])
    drawPlotPane(state, &buf, parts[1])
  } else if rest.height >= 12 {
    let parts = Layout.vertical([.percentage(50), .fill(1)]).split(rest)
    drawTable(state, &buf, parts[0])
    drawPlotPane(state, &buf, parts[1])
  } else {
    drawTable(state, &buf, rest)
  }
  if let overlay = state.overlay {
    drawOverlay(state, overlay, &buf, area)
  }
}

// MARK: Header

func drawHeader(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  let snap = state.snapshot
  buf.setStyle(area, theme.bar)
  var spans: [Span] = [
    Span(" hpotop ", style: theme.fg("title").adding(.bold)),
    Span(snap.studyName.isEmpty ? "(loading)" : snap.studyName, style: Style(modifiers: .bold)),
    Span("  \(state.info.storageURL)", style: theme.dim),
  ]
  if let s = state.info.samplerName { spans.append(Span("  sampler ") ); spans.append(Span(s, style: theme.fg("accent"))) }
  if let p = state.info.prunerName { spans.append(Span("  pruner ")); spans.append(Span(p, style: theme.fg("accent"))) }
  let rs = state.runState
  spans.append(Span("  "))
  spans.append(Span(
    rs == "paused" ? " PAUSED " : rs,
    style: rs == "paused" ? Style(fg: theme.color("paused"), modifiers: [.bold, .reverse]) : theme.fg(rs == "running" ? "running" : "complete").adding(.bold)))
  if state.info.mode == .watch { spans.append(Span("  [watch]", style: theme.dim)) }
  buf.setLine(x: area.x, y: area.y, Line(spans), maxWidth: area.width)
  guard area.height >= 2 else { return }
  // Line 2: counts, best, time.
  let c = state.cachedCounts
  var l2: [Span] = [Span(" \(snap.trials.count) trials: ")]
  for (st, role) in [(TrialState.complete, ThemeRole.complete), (.running, "running"), (.pruned, "pruned"), (.fail, "failed"), (.waiting, "waiting")] {
    l2.append(Span("\(c[st] ?? 0) \(st.rawValue.lowercased())", style: theme.fg(role)))
    l2.append(Span(" "))
  }
  let best = state.cachedBest
  if snap.directions.count == 1, let b = best.first, let v = b.value {
    l2.append(Span(" best "))
    l2.append(Span(formatNumber(v), style: theme.fg("best").adding(.bold)))
    l2.append(Span(" (#\(b.number))"))
  } else if snap.directions.count > 1 {
    l2.append(Span(" Pareto front: "))
    l2.append(Span("\(best.count) trials", style: theme.fg("best").adding(.bold)))
  }
  buf.setLine(x: area.x, y: area.y + 1, Line(l2), maxWidth: area.width)
  guard area.height >= 3 else { return }
  var l3: [Span] = []
  // Trials are by number, so the first one started first (no O(n) scan per frame).
  let start = state.info.startedAt ?? snap.trials.first(where: { $0.datetimeStart != nil })?.datetimeStart
  let elapsed = start.map { max(0, state.now.timeIntervalSince($0)) } ?? 0
  l3.append(Span(" elapsed \(formatDuration(elapsed))"))
  let finished = (c[.complete] ?? 0) + (c[.pruned] ?? 0) + (c[.fail] ?? 0)
  let perMinute = elapsed > 1 ? Double(finished) / (elapsed / 60) : 0
  l3.append(Span("  \(String(format: "%.1f", perMinute)) trials/min"))
  var eta: String?
  if let n = state.info.nTrials, perMinute > 0 {
    let left = max(0, n - finished)
    eta = left == 0 ? "done" : formatDuration(Double(left) / perMinute * 60) + " (\(finished)/\(n))"
  }
  if let t = state.info.timeout {
    let byTime = max(0, t - elapsed)
    let s = formatDuration(byTime) + " (timeout)"
    if eta == nil { eta = s }
  }
  if let eta { l3.append(Span("  ETA \(eta)")) }
  let fixed = snap.fixedParams
  if !fixed.isEmpty {
    l3.append(Span("  fixed: ", style: theme.fg("accent")))
    l3.append(Span(fixed.map { "\($0.key)=\($0.value.compactJSON)" }.joined(separator: " "), style: theme.fg("accent")))
  }
  if snap.isPaused { l3.append(Span("  PAUSED", style: Style(fg: theme.color("paused"), modifiers: .bold))) }
  buf.setLine(x: area.x, y: area.y + 2, Line(l3), maxWidth: area.width)
}

/// `1h02m`, `3m05s`, `12s`.
func formatDuration(_ s: Double) -> String {
  guard s.isFinite else { return "-" }
  let t = Int(s.rounded())
  if t >= 3600 { return String(format: "%dh%02dm", t / 3600, (t % 3600) / 60) }
  if t >= 60 { return String(format: "%dm%02ds", t / 60, t % 60) }
  if s < 10 && s != s.rounded() { return String(format: "%.1fs", s) }
  return "\(t)s"
}

// MARK: Footer and status

func drawFooter(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  buf.setStyle(area, theme.bar)
  var spans: [Span] = []
  for b in Bindings.all where b.shownInFooter {
    let disabled = b.disabledReason(state) != nil
    let keyStyle = disabled ? theme.dim : theme.fg("key").adding(.bold)
    spans.append(Span(" " + (b.keys.first?.description ?? ""), style: keyStyle))
    spans.append(Span(" " + b.label + " ", style: disabled ? theme.dim : Style()))
  }
  buf.setLine(x: area.x, y: area.y, Line(spans), maxWidth: area.width)
}

func drawStatus(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  if case .filter(let text) = state.overlay {
    var spans = [Span("/", style: theme.fg("key").adding(.bold)), Span(text)]
    if let e = state.filterError {
      spans.append(Span("   ✗ \(e.description)", style: theme.fg("error")))
    }
    buf.setLine(x: area.x, y: area.y, Line(spans), maxWidth: area.width)
    return
  }
  if let s = state.status {
    buf.setString(x: area.x, y: area.y, " " + s.text, style: s.isError ? theme.fg("error").adding(.bold) : theme.fg("accent"), maxWidth: area.width)
    return
  }
  var text = " sort: \(TrialColumns.title(state.sortColumn, state: state)) \(state.sortDescending ? "↓" : "↑")"
  if !state.filterText.isEmpty { text += "  filter: \(state.filterText) (\(state.rows.count)/\(state.snapshot.trials.count))" }
  if let e = state.filterError { text += "  filter error: \(e.description)" }
  buf.setString(x: area.x, y: area.y, text, style: theme.dim, maxWidth: area.width)
}
