import Foundation
import HPO
import Terminal

/// Draws an overlay (help, detail, dialogs) over the main screen.
func drawOverlay(_ state: AppState, _ overlay: Overlay, _ buf: inout Buffer, _ area: Rect) {
  switch overlay {
  case .filter: return  // drawn in the status line
  case .help(let scroll):
    let box = area.width >= 20 && area.height >= 6 ? area.inner(horizontal: min(4, area.width / 10), vertical: 1) : area
    let lines = helpLines(state)
    let page = max(1, box.height - 2)
    var title = " Help — keys (Esc closes) "
    if lines.count > page {
      // More than fits: say where we are and how to scroll.
      let top = max(0, min(scroll, lines.count - page))
      title += "lines \(top + 1)–\(top + page) of \(lines.count) · ↑↓ PgUp PgDn scroll "
    }
    drawBox(title, lines, scroll: scroll, state, &buf, box)
    if lines.count > page, box.height >= 3 {
      let top = max(0, min(scroll, lines.count - page))
      let mark = top + page < lines.count ? " ▼ more " : " ▲ end "
      buf.setString(x: box.x + max(1, box.width - TextWidth.of(mark) - 2), y: box.y + box.height - 1, mark,
                    style: state.theme.fg("key").adding(.bold), maxWidth: max(0, box.width - 2))
    }
  case .detail(let number, let scroll):
    let box = detailBox(area)
    guard let t = state.snapshot.trial(number: number) else {
      drawBox(" Trial \(number) ", ["(no longer in the study)"], scroll: 0, state, &buf, box)
      return
    }
    drawDetail(state, t, scroll: scroll, &buf, box)
  case .confirm(let d):
    let w = min(area.width, max(40, TextWidth.of(d.message) + 4))
    let box = area.centered(width: w, height: min(area.height, 6))
    drawBox(" " + d.title + " ", [Line(d.message), "", Line([Span("y", style: state.theme.fg("key").adding(.bold)), " yes   ", Span("n", style: state.theme.fg("key").adding(.bold)), "/Esc no"])], scroll: 0, state, &buf, box)
  case .picker(let p):
    let title = p.purpose == .fix ? " Fix which param? (Enter: its value, Esc cancels) " : " Unfix which param? "
    let lines = p.entries.enumerated().map { i, e in
      let shown = e.value.map { "\(e.name) = \($0.compactJSON)" }
        ?? "\(e.name)   " + (state.enqueueDistributions[e.name].map(describe) ?? "")
      return Line(shown, style: i == p.selected ? state.theme.selected : Style())
    }
    let box = area.centered(width: min(area.width, 56), height: min(area.height, lines.count + 2))
    drawBox(title, lines.isEmpty ? ["(nothing to choose)"] : lines, scroll: max(0, p.selected - (box.height - 3)), state, &buf, box)
  case .enqueue(let form):
    drawEnqueue(state, form, &buf, area)
  case .quit(let q):
    let key = state.theme.fg("key").adding(.bold)
    let n = state.draining ? (state.drainLeft ?? q.running) : q.running
    let lines: [Line] = [
      Line("\(n) trial\(n == 1 ? " is" : "s are") running."),
      "",
      Line([Span("c", style: key), " / Esc  cancel: keep running"]),
      Line([Span("d", style: key), state.draining ? "        draining already: quits when they end" : "        drain: start no new trial, quit when they end"]),
      Line([Span("s", style: key), "        stop now: interrupt them (failed, queued again)"]),
    ]
    let box = area.centered(width: min(area.width, 62), height: min(area.height, lines.count + 2))
    drawBox(" Quit hpotop? ", lines, scroll: 0, state, &buf, box)
  case .note(let d):
    let width = min(area.width, 76)
    let inner = max(1, width - 4)
    var lines: [Line] = []
    // The note as typed, wrapped; the cursor block at its end.
    for para in (d.text + "█").split(separator: "\n", omittingEmptySubsequences: false) {
      for piece in wrapped(String(para), width: inner) { lines.append(Line(piece)) }
    }
    lines.append("")
    lines.append(Line("Enter: save   Esc: cancel   C-u: clear   (optuna-dashboard shows it too)", style: state.theme.dim))
    let box = area.centered(width: width, height: min(area.height, lines.count + 2))
    drawBox(" Note on trial \(d.number) ", lines, scroll: max(0, lines.count - (box.height - 2)), state, &buf, box)
  case .fixValue(let dialog):
    let f = dialog.field
    let lines: [Line] = [
      fieldLine(f, isCursor: true, nameWidth: TextWidth.of(f.name) + 1, state.theme),
      "",
      Line("Every new trial takes this value; the other params stay sampled.", style: state.theme.dim),
      Line(f.error != nil ? "Enter: (fix the value first)   Esc: cancel" : "Enter: fix   Esc: cancel"
        + (f.isCategorical ? "   ←→: cycle choices" : ""), style: state.theme.dim),
    ]
    let box = area.centered(width: min(area.width, 76), height: min(area.height, lines.count + 2))
    drawBox(" Fix \(f.name) for new trials ", lines, scroll: 0, state, &buf, box)
  }
}

/// A bordered box with lines, cleared behind.
func drawBox(_ title: String, _ lines: [Line], scroll: Int, _ state: AppState, _ buf: inout Buffer, _ box: Rect) {
  guard !box.isEmpty else { return }
  buf.fill(box, with: Cell(" ", style: Style()))
  let block = paneBlock(title, state.theme)
  let inner = box.width >= 3 && box.height >= 3 ? block.inner(box) : box
  if inner != box { block.render(area: box, buffer: &buf) }
  guard !inner.isEmpty else { return }
  let s = max(0, min(scroll, max(0, lines.count - inner.height)))
  for (k, line) in lines.dropFirst(s).prefix(inner.height).enumerated() {
    buf.setLine(x: inner.x + (inner.width > 2 ? 1 : 0), y: inner.y + k, line, maxWidth: max(0, inner.width - 1))
  }
}

/// The help text: every binding by section, with why it is disabled now.
func helpLines(_ state: AppState) -> [Line] {
  let theme = state.theme
  var out: [Line] = []
  let keyWidth = Bindings.all.map { TextWidth.of($0.keyText) }.max() ?? 8
  for section in Binding.Section.allCases {
    if !out.isEmpty { out.append("") }
    out.append(Line(section.rawValue, style: theme.fg("title").adding(.bold)))
    for b in Bindings.all where b.section == section {
      let keys = b.keyText.padding(toLength: keyWidth + 2, withPad: " ", startingAt: 0)
      var spans = [Span(keys, style: theme.fg("key").adding(.bold)), Span(b.description)]
      if let why = b.disabledReason(state) { spans.append(Span("  (\(why))", style: theme.dim)) }
      out.append(Line(spans))
    }
  }
  out.append("")
  let tabs = PlotTab.allCases.map { "\($0.rawValue + 1) \($0.title)" }
  for start in stride(from: 0, to: tabs.count, by: 5) {
    let part = tabs[start..<min(tabs.count, start + 5)].joined(separator: " · ")
    out.append(Line((start == 0 ? "Plot tabs: " : "           ") + part, style: theme.dim))
  }
  out.append(Line("In dialogs", style: theme.fg("title").adding(.bold)))
  for b in Bindings.dialog {
    let keys = b.keyText.padding(toLength: keyWidth + 2, withPad: " ", startingAt: 0)
    out.append(Line([Span(keys, style: theme.fg("key").adding(.bold)), Span(b.description),
                     Span("  (" + b.dialogs.map(\.rawValue).joined(separator: ", ") + ")", style: theme.dim)]))
  }
  out.append(Line("Mouse: click a row or a plot tab; the wheel scrolls the table, help and detail.", style: theme.dim))
  out.append("")
  out.append(Line("Filter examples: running · state=pruned · lr < 0.01 · value > 2 and optimizer == adam", style: theme.dim))
  return out
}

/// The detail box of a screen `area`.
func detailBox(_ area: Rect) -> Rect {
  area.width >= 20 && area.height >= 6 ? area.inner(horizontal: 2, vertical: 1) : area
}

/// The largest useful scroll of the detail overlay of trial `number` (End goes there).
func detailScrollLimit(_ state: AppState, number: Int) -> Int {
  guard let t = state.snapshot.trial(number: number) else { return 0 }
  let inner = detailBox(Rect(width: state.width, height: state.height)).inner(1)
  return max(0, detailLines(state, t, width: inner.width - 1).count - inner.height)
}

/// The lines of the trial detail overlay for a box `width` columns wide inside.
func detailLines(_ state: AppState, _ t: FrozenTrial, width: Int) -> [Line] {
  let theme = state.theme
  var lines: [Line] = []
  var head: [Span] = [Span("State ", style: theme.dim), Span(t.state.rawValue, style: theme.state(t.state.rawValue).adding(.bold))]
  if let vs = t.values {
    head.append(Span("   Values ", style: theme.dim))
    // Exact, as stored (the table rounds; the detail is where to read every digit).
    head.append(Span(vs.enumerated().map { "\(state.metricName($0.offset))=\(JSONValue.pythonFloat($0.element))" }.joined(separator: "  "), style: theme.fg("best")))
  }
  lines.append(Line(head))
  var times: [Span] = []
  if let s = t.datetimeStart { times.append(Span("Started \(clockText(s))", style: theme.dim)) }
  if let c = t.datetimeComplete { times.append(Span("   Completed \(clockText(c))", style: theme.dim)) }
  if let d = t.duration ?? t.datetimeStart.map({ state.now.timeIntervalSince($0) }) { times.append(Span("   Duration \(formatDuration(d))", style: theme.dim)) }
  if !times.isEmpty { lines.append(Line(times)) }
  if let gpu = gpuDetailLine(state, t) { lines.append(gpu) }
  // Why it failed or was pruned comes first: the error is what the user opened the detail for.
  for (label, text) in t.hpotop.reasons {
    // Kept as lines (stderr tails have several), each wrapped to the box.
    let reasonLines = text.split(separator: "\n", omittingEmptySubsequences: true)
      .map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    lines.append("")
    lines.append(Line([Span(label + ": ", style: theme.fg("failed").adding(.bold)), Span(reasonLines.first ?? "")]))
    for l in reasonLines.dropFirst() {
      for piece in wrapped(l, width: max(8, width - 2)) { lines.append(Line("  " + piece, style: theme.fg("error"))) }
    }
  }
  lines.append("")
  lines.append(Line("Params", style: theme.fg("title").adding(.bold)))
  for (k, v) in t.params {
    var spans = [Span("  \(k) = ", style: theme.dim), Span({ if case .float = v { return v.pythonRepr } else { return v.displayText } }())]
    if let d = t.distributions[k] { spans.append(Span("   \(describe(d))", style: theme.dim)) }
    lines.append(Line(spans))
  }
  if t.params.isEmpty { lines.append(Line("  (none yet)", style: theme.dim)) }
  if !t.intermediateValues.isEmpty {
    lines.append("")
    let vs = Array(t.intermediateValues.values)
    lines.append(Line([Span("Intermediate values ", style: theme.fg("title").adding(.bold)),
      Span("(\(vs.count) steps, last \(formatNumber(vs.last ?? .nan)) at step \(t.lastStep ?? 0))", style: theme.dim)]))
    lines.append(Line("CHART"))  // placeholder row: the chart is drawn over the next rows
    for _ in 0..<5 { lines.append("") }
  }
  if let gp = t.hpotop.gpPrediction {
    lines.append(Line([Span("GP: ", style: theme.fg("title").adding(.bold)),
      Span("predicted \(formatNumber(gp.mean)) ± \(formatNumber(gp.sd)), \(gp.acquisition) \(formatNumber(gp.value))")]))
  }
  if let choice = t.hpotop.autoSampler { lines.append(Line([Span("Sampler: ", style: theme.dim), Span(choice)])) }
  if let unreadable = t.systemAttrs[HpotopKey.unreadableReportLines.rawValue]?.objectValue, let n = unreadable["count"]?.doubleValue {
    lines.append(Line([Span("Unreadable [hpotop] lines: ", style: theme.fg("failed").adding(.bold)),
      Span("\(Int(n))" + (unreadable["first"]?.stringValue.map { ", the first: \($0)" } ?? ""))]))
  }
  // An attr whole, wrapped to the box (a JSON value can be longer than a row).
  func attr(_ k: String, _ v: JSONValue) -> [Line] {
    wrapped("\(k) = \(v.compactJSON)", width: max(8, width - 4)).enumerated().map { Line(($0.offset == 0 ? "  " : "    ") + $0.element) }
  }
  if !t.userAttrs.isEmpty {
    lines.append("")
    lines.append(Line("User attrs", style: theme.fg("title").adding(.bold)))
    for (k, v) in t.userAttrs { lines += attr(k, v) }
  }
  if !t.systemAttrs.isEmpty {
    lines.append("")
    lines.append(Line("System attrs", style: theme.fg("title").adding(.bold)))
    for (k, v) in t.systemAttrs where HpotopAttrs.isListedAttr(k) && !HpotopAttrs.isReason(k) { lines += attr(k, v) }
  }
  for (name, text) in logTails(state, t) {
    lines.append("")
    lines.append(Line(name, style: theme.fg("title").adding(.bold)))
    for l in text.split(separator: "\n", omittingEmptySubsequences: true).suffix(20) {
      for piece in wrapped(String(l), width: max(8, width - 2)) {
        lines.append(Line("  " + piece, style: name.contains("stderr") ? theme.fg("error") : Style()))
      }
    }
  }
  // The note (`n`), the one optuna-dashboard shows for this trial.
  let note = TrialNote.read(state.snapshot.systemAttrs, trialID: t.id)
  if !note.isEmpty {
    lines.append("")
    lines.append(Line("Note (n edits)", style: theme.fg("title").adding(.bold)))
    for l in note.split(separator: "\n", omittingEmptySubsequences: false) { lines.append(Line("  " + l)) }
  }
  return lines
}

/// `text` cut into pieces of at most `width` columns (hard wrap; the last piece is shorter).
func wrapped(_ text: String, width: Int) -> [String] {
  var out: [String] = []
  var rest = Substring(text)
  while TextWidth.of(String(rest)) > width {
    let (head, _) = TextWidth.prefix(String(rest), fitting: width)
    guard !head.isEmpty else { break }
    out.append(head)
    rest = rest.dropFirst(head.count)
  }
  out.append(String(rest))
  return out
}

/// The trial detail overlay.
func drawDetail(_ state: AppState, _ t: FrozenTrial, scroll: Int, _ buf: inout Buffer, _ box: Rect) {
  let theme = state.theme
  let lines = detailLines(state, t, width: box.inner(1).width - 1)
  drawBox(" Trial \(t.number) (Esc closes, ↑↓ scroll) ", lines, scroll: scroll, state, &buf, box)
  // The intermediate chart over its placeholder rows.
  let inner = box.inner(1)
  let s = max(0, min(scroll, max(0, lines.count - inner.height)))
  if let row = lines.firstIndex(where: { $0.plainText == "CHART" }) {
    let y = inner.y + row - s
    let chartRect = Rect(x: inner.x + 1, y: y, width: max(0, inner.width - 2), height: 6).intersection(inner)
    buf.fill(chartRect, with: Cell(" "))
    if !chartRect.isEmpty && y >= inner.y {
      let pts = t.intermediateValues.map { (x: Double($0.key), y: $0.value) }
      LinePlot([Series("", points: pts, color: theme.color(t.state == .running ? "running" : "complete"))],
               axisStyle: Style(fg: theme.color("border")), labelStyle: theme.dim, showLegend: false)
        .render(area: chartRect, buffer: &buf)
    }
  }
}

/// `float [0.0001, 0.1] log`.
func describe(_ d: Distribution) -> String {
  switch d {
  case .float(let f):
    return "float [\(formatNumber(f.low)), \(formatNumber(f.high))]" + (f.log ? " log" : "") + (f.step.map { " step \(formatNumber($0))" } ?? "")
  case .int(let i):
    return "int [\(i.low), \(i.high)]" + (i.log ? " log" : "") + (i.step != 1 ? " step \(i.step)" : "")
  case .categorical(let c):
    return "one of " + c.choices.map(\.displayText).joined(separator: ", ")
  }
}

/// The stdout/stderr tails of a trial: files in the trial's folder (as its runner recorded it,
/// else `<trialsDirectory>/<number>`), else `hpotop:stderr_tail`.
func logTails(_ state: AppState, _ t: FrozenTrial) -> [(String, String)] {
  var out: [(String, String)] = []
  let recorded = t.systemAttrs[HpotopKey.trialDirectory.rawValue]?.stringValue
  if let dir = recorded ?? state.info.trialsDirectory.map({ "\($0)/\(t.number)" }) {
    for name in ["stdout.log", "stderr.log"] {
      let path = "\(dir)/\(name)"
      if let tail = readTail(path, bytes: 4096), !tail.isEmpty { out.append((name, tail)) }
    }
  }
  if !out.contains(where: { $0.0 == "stderr.log" }), let s = t.hpotop.stderrTail, !s.isEmpty {
    out.append(("stderr (tail)", s))
  }
  return out
}

/// The last `bytes` of a file as text.
func readTail(_ path: String, bytes: Int) -> String? {
  guard let h = FileHandle(forReadingAtPath: path) else { return nil }
  defer { try? h.close() }
  guard let end = try? h.seekToEnd() else { return nil }
  let start = end > UInt64(bytes) ? end - UInt64(bytes) : 0
  try? h.seek(toOffset: start)
  guard let data = try? h.readToEnd() else { return nil }
  return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
}

/// One param field: name, the text being typed, and its inline error (or its distribution).
func fieldLine(_ f: ParamField, isCursor: Bool, nameWidth: Int, _ theme: Theme) -> Line {
  var spans = [
    Span((isCursor ? "› " : "  ") + f.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0), style: isCursor ? theme.fg("accent").adding(.bold) : Style()),
    Span(f.text + (isCursor ? "▏" : ""), style: isCursor ? Style(modifiers: .underline) : Style()),
  ]
  if let e = f.error {
    spans.append(Span("  ✗ \(e)", style: theme.fg("error")))
  } else {
    spans.append(Span("  \(describe(f.distribution))", style: theme.dim))
  }
  return Line(spans)
}

/// The enqueue form.
func drawEnqueue(_ state: AppState, _ form: EnqueueForm, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  let visible = form.visibleFields
  var lines: [Line] = []
  let nameWidth = (form.fields.map { TextWidth.of($0.name) }.max() ?? 4) + 1
  for (row, i) in visible.enumerated() {
    lines.append(fieldLine(form.fields[i], isCursor: row == form.cursor, nameWidth: nameWidth, theme))
  }
  let toggleRow = visible.count
  lines.append(Line([
    Span((form.cursor == toggleRow ? "› " : "  ") + "skip_if_exists ", style: form.cursor == toggleRow ? theme.fg("accent").adding(.bold) : Style()),
    Span(form.skipIfExists ? "[x]" : "[ ]"), Span("  (Space toggles)", style: theme.dim),
  ]))
  lines.append("")
  lines.append(Line(form.params == nil ? "Enter: (fix errors first)   Esc: cancel   ←→: cycle choices" : "Enter: enqueue   Esc: cancel   ←→: cycle choices", style: theme.dim))
  let w = min(area.width, 76)
  let box = area.centered(width: w, height: min(area.height, lines.count + 2))
  drawBox(" Enqueue a trial ", lines, scroll: max(0, form.cursor - (box.height - 4)), state, &buf, box)
}
