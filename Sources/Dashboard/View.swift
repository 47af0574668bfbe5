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
    // The table takes what its columns need (the plot keeps at least 60 columns).
    let tableWidth = min(tableNaturalWidth(state, height: rest.height), rest.width - 60)
    let (t, p) = rest.splitLeft(tableWidth)
    drawTable(state, &buf, t)
    drawPlotPane(state, &buf, p)
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

/// The sampler of a study `watch` opened, which no study file names and `auto` has not marked
/// with its choices: the GP by the predictions it stores on its trials, NSGA-II (hpotop's or
/// Optuna's) by the generations it stores (the newest 64 trials are checked, as for the PBT and
/// CMA-ES tabs); nil for the others.
func watchedSamplerName(_ state: AppState) -> String? {
  let snap = state.snapshot
  return state.cache.value(slot: "watchedSampler", key: cacheKey(state)) { () -> String? in
    let newest = snap.trials.suffix(newestTrialsChecked)
    if newest.contains(where: { $0.systemAttrs[HpotopKey.gpPrediction.rawValue] != nil }) { return "gp" }
    if newest.contains(where: { $0.systemAttrs[NSGAIISampler.generationKey] != nil }) { return "nsga2" }
    return nil
  }
}

func drawHeader(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  buf.setStyle(area, state.theme.bar)
  for (k, segments) in headerSegments(state).prefix(area.height).enumerated() {
    buf.setLine(x: area.x, y: area.y + k, HeaderSegment.fit(segments, width: area.width), maxWidth: area.width)
  }
}

/// The header's lines, each a list of named segments (see `HeaderSegment`). A feature that
/// shows something in the header adds a segment here, with a priority; never free text.
func headerSegments(_ state: AppState) -> [[HeaderSegment]] {
  let theme = state.theme
  let snap = state.snapshot
  // Line 1: what is being watched and whether it runs.
  var l1: [HeaderSegment] = [
    HeaderSegment("app", priority: 0, [Span("hpotop", style: theme.fg("title").adding(.bold))]),
    HeaderSegment("study", priority: 0, [Span(snap.studyName.isEmpty ? "(loading)" : snap.studyName, style: Style(modifiers: .bold))], elidable: true, gap: 1),
  ]
  let rs = state.runState
  l1.append(HeaderSegment("state", priority: 0, [Span(
    rs == "paused" ? " PAUSED " : rs.uppercased(),
    style: rs == "paused" ? Style(fg: theme.color("paused"), modifiers: [.bold, .reverse]) : theme.fg(rs == "running" ? "running" : "complete").adding(.bold))]))
  if state.info.mode == .watch { l1.append(HeaderSegment("mode", priority: 3, [Span("[watch]", style: theme.dim)])) }
  let choice = snap.systemAttrs.hpotop.autoChoices.last
  if let s = state.info.samplerName ?? (choice != nil ? "auto" : watchedSamplerName(state)) {
    var spans = [Span("sampler "), Span(s, style: theme.fg("accent"))]
    // `auto`: what it runs now; the GP: its acquisition function (from the newest GP trial).
    if let choice, choice.sampler != s { spans.append(Span("→" + choice.sampler, style: theme.fg("accent"))) }
    if s == "gp" || choice?.sampler == "gp",
      let acquisition = state.cache.value(slot: "gpAcquisition", key: cacheKey(state), {
        snap.trials.last(where: { $0.hpotop.gpPrediction != nil })?.hpotop.gpPrediction?.acquisition
      })
    {
      spans.append(Span(" " + acquisition, style: theme.dim))
    }
    l1.append(HeaderSegment("sampler", priority: 4, spans))
    if let choice, !choice.why.isEmpty {
      l1.append(HeaderSegment("sampler.why", priority: 7, [Span("(" + choice.why + ")", style: theme.dim)], elidable: true, gap: 1))
    }
  }
  l1 += cmaHeaderSegments(state)
  if let p = state.info.prunerName { l1.append(HeaderSegment("pruner", priority: 5, [Span("pruner "), Span(p, style: theme.fg("accent"))])) }
  l1.append(HeaderSegment("storage", priority: 6, [Span(state.info.storageURL, style: theme.dim)], elidable: true))

  // Line 2: counts and the best value.
  let c = state.cachedCounts
  // While a big study loads, the counts cover the loaded trials: each says "≥" and the best
  // says "so far" — a partial figure never looks final.
  let atLeast = snap.isPartial ? "≥" : ""
  var l2: [HeaderSegment] = [HeaderSegment("trials", priority: 0, [Span("\(snap.loading?.total ?? snap.trials.count) trials:")])]
  if let p = snap.loading {
    l2.append(HeaderSegment("loading", priority: 0, [Span("loading \(p.percent)%…", style: theme.fg("accent").adding(.bold))], gap: 1))
  }
  for (st, role, priority) in [(TrialState.complete, ThemeRole.complete, 1), (.running, .running, 1), (.pruned, .pruned, 2), (.fail, .failed, 2), (.waiting, .waiting, 3)] {
    l2.append(HeaderSegment("count." + role.rawValue, priority: priority, [Span("\(atLeast)\(c[st] ?? 0) \(st.rawValue.lowercased())", style: theme.fg(role))], gap: 1))
  }
  let best = state.cachedBest
  let soFar = snap.isPartial ? " so far" : ""
  if snap.directions.count == 1, let b = best.first, let v = b.value {
    l2.append(HeaderSegment("best", priority: 0, [Span("best\(soFar) "), Span(formatNumber(v), style: theme.fg("best").adding(.bold)), Span(" (#\(b.number))")]))
  } else if snap.directions.count > 1 {
    l2.append(HeaderSegment("best", priority: 0, [Span("Pareto front\(soFar): "), Span("\(best.count) trials", style: theme.fg("best").adding(.bold))]))
  }
  l2 += adviceHeaderSegments(state)

  // Line 3: time, pace, ETA, fixed params.
  var l3: [HeaderSegment] = []
  // Trials are by number, so the first one started first (no O(n) scan per frame).
  let start = state.info.startedAt ?? snap.trials.first(where: { $0.datetimeStart != nil })?.datetimeStart
  let end = studyEnd(state) ?? state.now
  let elapsed = start.map { max(0, end.timeIntervalSince($0)) } ?? 0
  l3.append(HeaderSegment("elapsed", priority: 0, [Span("elapsed \(atLeast)\(formatDuration(elapsed))")]))
  let finished = (c[.complete] ?? 0) + (c[.pruned] ?? 0) + (c[.fail] ?? 0)
  // Pace and ETA need the whole study: none while it loads. In a running study's first second
  // the pace means nothing yet and is left out; a study that has ended shows its pace whatever
  // its length (300 instant trials in 0.2 s are 90000 trials/min, not 0).
  let paceKnown = !snap.isPartial && (elapsed > 1 || (elapsed > 0 && studyEnd(state) != nil))
  let perMinute = paceKnown ? Double(finished) / (elapsed / 60) : 0
  if paceKnown {
    l3.append(HeaderSegment("pace", priority: 2, [Span("\(String(format: "%.1f", perMinute)) trials/min")]))
  }
  var eta: String?
  if let n = state.info.nTrials, perMinute > 0 {
    let left = max(0, n - finished)
    eta = left == 0 ? "done" : formatDuration(Double(left) / perMinute * 60) + " (\(finished)/\(n))"
  }
  if let (segment, budgetETA) = budgetHeader(state, elapsed: elapsed) {
    l3.append(segment)
    // The ETA follows whichever of the trial budget and the compute budget ends the study first.
    let trialsLeft = state.info.nTrials.map { Double(max(0, $0 - finished)) / perMinute * 60 } ?? .infinity
    if let budgetETA, eta == nil || budgetETA.seconds < trialsLeft { eta = budgetETA.text }
  }
  if let t = state.info.timeout, eta == nil { eta = formatDuration(max(0, t - elapsed)) + " (timeout)" }
  if let eta, !snap.isPartial { l3.append(HeaderSegment("eta", priority: 1, [Span("ETA \(eta)")])) }
  let fixed = snap.fixedParams
  if !fixed.isEmpty {
    l3.append(HeaderSegment("fixed", priority: 1, [
      Span("fixed: ", style: theme.fg("accent")),
      Span(fixed.map { "\($0.key)=\($0.value.compactJSON)" }.joined(separator: " "), style: theme.fg("accent")),
    ], elidable: true))
  }
  l3 += gpuHeaderSegments(state)
  return [l1, l2, l3]
}

/// When the study stopped: the last completion once nothing runs, waits or is about to start
/// (nil while it goes on), so elapsed time and trials/min stop counting. A paused study with
/// nothing running is stopped too (its pace would fall while nothing happens); elapsed time
/// counts again, pause included, once it resumes.
func studyEnd(_ state: AppState) -> Date? {
  let c = state.cachedCounts
  guard !state.engineRunning, !state.snapshot.isPartial, (c[.running] ?? 0) == 0, (c[.waiting] ?? 0) == 0
  else { return nil }
  let snap = state.snapshot
  return state.cache.value(slot: "studyEnd", key: "\(snap.studyID):\(snap.revision):\(snap.trials.count)") {
    snap.trials.compactMap(\.datetimeComplete).max()
  }
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
  var used = 0
  for b in Bindings.all where b.shownInFooter {
    let disabled = b.disabledReason(state) != nil
    let keyStyle = disabled ? theme.dim : theme.fg("key").adding(.bold)
    let key = Span(" " + (b.keys.first?.description ?? ""), style: keyStyle)
    let label = Span(" " + b.label + " ", style: disabled ? theme.dim : Style())
    // Whole entries only, in the table's order: from the first that does not fit on, entries are
    // left out, never cut.
    guard used + key.width + label.width - 1 <= area.width else { break }
    spans += [key, label]
    used += key.width + label.width
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
