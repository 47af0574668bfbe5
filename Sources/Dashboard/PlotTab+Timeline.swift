import Foundation
import HPO
import HPOAnalysis
import Terminal

extension PlotTab {
  /// Trials over wall time, one lane per slot of concurrency, coloured by state: idle workers
  /// (gaps) and stuck trials (`!`) at a glance.
  public static let timeline = PlotTab(id: "timeline", title: "Timeline", summary: "trials over wall time", draw: drawTimeline)
}

func drawTimeline(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  // Running bars grow with the clock: the key has the time to the second.
  let now = state.now
  let info = state.cache.value(slot: "timeline", key: scopeKey(state) + "\(Int(now.timeIntervalSince1970))") {
    TimelineInfo(plotInput(state), now: now)
  }
  guard !info.bars.isEmpty else { return message("no trial has started yet", state, &buf, area) }
  let running = info.bars.filter { $0.complete == nil }
  let stuck = info.bars.filter(\.isStuck)
  var head = "\(info.bars.count) trials in \(info.lanes) lane\(info.lanes == 1 ? "" : "s") over \(formatDuration(info.end.timeIntervalSince(info.begin)))"
  if !running.isEmpty { head += " · \(running.count) running, \(info.idleLanes.count) idle" }
  if !stuck.isEmpty { head += " · ! stuck: " + stuck.prefix(3).map { "#\($0.trialNumber)" }.joined(separator: " ") }
  var rest = caption(head, state, &buf, area, minHeight: 4)
  guard rest.height >= 3, rest.width >= 12 else { return }
  let axisRow: Rect
  (rest, axisRow) = rest.splitBottom(1)
  let gutter = min(6, rest.width / 6)
  let track = Rect(x: rest.x + gutter, y: rest.y, width: rest.width - gutter, height: rest.height)
  // The newest lanes when they do not all fit: lanes are numbered from the first started.
  // With room to spare a lane is up to three rows high, its bars labelled with trial numbers.
  let shownLanes = min(info.lanes, track.height)
  let firstLane = info.lanes - shownLanes
  let laneHeight = max(1, min(3, track.height / max(1, shownLanes)))
  let span = max(1e-9, info.end.timeIntervalSince(info.begin))
  func column(_ d: Date) -> Int {
    Int((d.timeIntervalSince(info.begin) / span * Double(track.width)).rounded(.down))
  }
  func top(_ lane: Int) -> Int { track.y + (lane - firstLane) * laneHeight }
  // Each state's colour and, for themes without colours, its own glyph.
  func look(_ s: TrialState) -> (style: Style, glyph: String) {
    switch s {
    case .complete: return (theme.fg("complete"), "█")
    case .pruned: return (theme.fg("pruned"), "▓")
    case .fail: return (theme.fg("failed"), "╳")
    case .running: return (theme.fg("running"), "▶")
    case .waiting: return (theme.fg("waiting"), "░")
    }
  }
  for lane in firstLane..<info.lanes {
    buf.setString(x: rest.x, y: top(lane), "w\(lane + 1)", style: theme.dim, maxWidth: gutter - 1)
    for x in track.x..<track.right { buf.set(x: x, y: top(lane), Cell("·", style: theme.dim)) }
  }
  let selected = state.selectedTrial?.number
  let labelStyle = theme.isMonochrome ? Style(modifiers: .reverse) : Style(fg: theme.color("header_bg") ?? .black)
  for bar in info.bars where bar.lane >= firstLane {
    let a = min(track.width - 1, column(bar.start))
    let b = max(a, min(track.width - 1, column(bar.complete ?? info.end) - (bar.complete == nil ? 0 : 1)))
    let g = look(bar.state)
    var style = g.style
    if bar.trialNumber == selected {
      style = theme.isMonochrome ? style.adding(.reverse) : Style(fg: theme.color("selected_fg") ?? theme.color("accent"), modifiers: .bold)
    }
    // Colour themes draw solid bars; mono keeps each state's own glyph. A finished bar ends in
    // a narrower block, so neighbouring trials in one lane stay apart.
    let glyph = theme.isMonochrome ? g.glyph : (bar.state == .running ? "▬" : "█")
    for row in 0..<max(1, laneHeight - (laneHeight > 1 ? 1 : 0)) {
      let y = top(bar.lane) + row
      for x in a...b { buf.set(x: track.x + x, y: y, Cell(x == b && b > a && bar.complete != nil ? "▉" : glyph, style: style)) }
    }
    // The trial number on the bar when it fits.
    let number = "#\(bar.trialNumber)"
    if b - a >= TextWidth.of(number), bar.state != .running {
      var st = labelStyle
      st.bg = style.fg
      buf.setString(x: track.x + a, y: top(bar.lane), number, style: theme.isMonochrome ? labelStyle : st)
    } else if b - a >= TextWidth.of(number) + 1 {
      buf.setString(x: track.x + a, y: top(bar.lane), number, style: style.adding(.bold))
    }
    if bar.isStuck { buf.set(x: track.x + b, y: top(bar.lane), Cell("!", style: theme.fg("error").adding(.bold))) }
  }
  // Time axis: elapsed since the first start, ≥ 3 ticks.
  var nextFree = track.x
  for t in AxisTicks.nice(0, span, maxCount: max(3, track.width / 10)) {
    let text = formatDuration(t.value)
    let x = min(max(track.x, track.x + Int(t.value / span * Double(track.width - 1)) - TextWidth.of(text) / 2), track.right - TextWidth.of(text))
    guard x >= nextFree else { continue }
    buf.setString(x: x, y: axisRow.y, text, style: theme.dim)
    nextFree = x + TextWidth.of(text) + 1
  }
}
