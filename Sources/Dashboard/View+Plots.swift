import Foundation
import HPO
import HPOAnalysis
import Terminal

/// At most this many trials feed the per-frame plots of a large study (the most recent).
let plotTrialLimit = 3000

/// The plot pane: tab bar, then the selected plot.
func drawPlotPane(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  guard !area.isEmpty else { return }
  let theme = state.theme
  let block = paneBlock(" Plots ", theme)
  var inner = area.width >= 3 && area.height >= 3 ? block.inner(area) : area
  if inner != area { block.render(area: area, buffer: &buf) }
  guard !inner.isEmpty else { return }
  let tabs = Tabs(
    PlotTab.allCases.map { Line("\($0.rawValue + 1) \($0.title)") }, selected: state.tab.rawValue,
    style: theme.dim, highlightStyle: theme.fg("accent").adding([.bold, .underline]))
  tabs.render(area: Rect(x: inner.x, y: inner.y, width: inner.width, height: 1), buffer: &buf)
  inner = inner.inset(top: 1)
  guard !inner.isEmpty else { return }
  drawPlot(state, &buf, inner)
}

/// Draws the selected tab's plot into `area`.
func drawPlot(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  switch state.tab {
  case .history: drawHistory(state, &buf, area)
  case .parallel: drawParallel(state, &buf, area)
  case .pareto: drawPareto(state, &buf, area)
  case .importance: drawImportance(state, &buf, area)
  case .intermediate: drawIntermediate(state, &buf, area)
  case .slice: drawSlice(state, &buf, area)
  case .contour: drawContour(state, &buf, area)
  }
}

/// The analysis input for plots: the most recent `plotTrialLimit` trials.
func plotInput(_ state: AppState) -> AnalysisInput {
  AnalysisInput(trials: Array(state.snapshot.trials.suffix(plotTrialLimit)), directions: state.snapshot.directions)
}

func message(_ text: String, _ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  guard !area.isEmpty else { return }
  buf.setString(x: area.x + (area.width > 2 ? 1 : 0), y: area.y + area.height / 2, text, style: state.theme.dim, maxWidth: max(0, area.width - 1))
}

func cacheKey(_ state: AppState, _ extra: String = "") -> String {
  "\(state.snapshot.studyID):\(state.snapshot.revision):\(state.snapshot.trials.count):\(extra)"
}

func label(_ v: Double) -> String { NumberFormat.compact(v, digits: 4) }

// MARK: 1 History

func drawHistory(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  let objective = min(state.objectiveX, max(0, state.snapshot.directions.count - 1))
  let info = state.cache.value(slot: "history", key: cacheKey(state, "\(objective)")) {
    OptimizationHistoryInfo(plotInput(state), objective: objective, targetName: state.metricName(objective))
  }
  guard !info.points.isEmpty else { return message("no completed trials yet", state, &buf, area) }
  let values = info.points.map { (x: Double($0.trialNumber), y: $0.value) }
  var series = [Series(state.metricName(objective), points: values, color: theme.color("complete"), kind: .scatter)]
  let best = info.points.compactMap { p in p.bestSoFar.map { (x: Double(p.trialNumber), y: $0) } }
  if !best.isEmpty { series.append(Series("best", points: best, color: theme.color("best"), kind: .line)) }
  var plot = LinePlot(series, axisStyle: Style(fg: theme.color("border")), labelStyle: theme.dim)
  let b = plot.resolvedBounds()
  plot.yLabels = [label(b.y.lowerBound), label(b.y.upperBound)]
  plot.xLabels = ["#" + label(b.x.lowerBound), "#" + label(b.x.upperBound)]
  plot.render(area: area, buffer: &buf)
}

// MARK: 2 Parallel coordinates

func drawParallel(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  let objective = min(state.objectiveX, max(0, state.snapshot.directions.count - 1))
  let info = state.cache.value(slot: "parallel", key: cacheKey(state, "\(objective):\(state.topK ?? -1)")) {
    ParallelCoordinateInfo(plotInput(state), objective: objective, targetName: state.metricName(objective), topK: state.topK)
  }
  guard !info.lines.isEmpty else { return message("no completed trials with params yet", state, &buf, area) }
  let names = [state.metricName(objective)] + info.paramAxes.map { $0.name + ($0.isLog ? "(log)" : "") }
  let axes = names.count
  guard area.height >= 4, area.width >= 2 * axes else {
    return message("too small for \(axes) axes", state, &buf, area)
  }
  // Row 0: axis names; rows 1..h-2: canvas; last row: low labels (top labels in row 0 after names).
  let plotArea = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 2)
  let selected = state.selectedTrial?.number
  let lo = info.objectiveLow, hi = info.objectiveHigh
  func ax(_ i: Int, _ dotW: Double) -> Double { axes == 1 ? 0 : Double(i) / Double(axes - 1) * dotW }
  func stroke(_ canvas: inout BrailleCanvas, _ line: ParallelCoordinateInfo.Line, _ color: Color?) {
    let dotW = Double(canvas.dotWidth - 1), dotH = Double(canvas.dotHeight - 1)
    for i in 0..<(line.coordinates.count - 1) {
      let y0 = (1 - line.coordinates[i]) * dotH, y1 = (1 - line.coordinates[i + 1]) * dotH
      canvas.line(
        x0: Int(ax(i, dotW).rounded()), y0: Int(y0.rounded()), x1: Int(ax(i + 1, dotW).rounded()),
        y1: Int(y1.rounded()), color: color)
    }
  }
  // The polylines are the expensive part: the canvas is cached per revision and size; the
  // selected trial's line is drawn over a copy each frame.
  let canvasKey = cacheKey(state, "\(objective):\(state.topK ?? -1):\(plotArea.width)x\(plotArea.height):\(theme.name)")
  var canvas = state.cache.value(slot: "parallel-canvas", key: canvasKey) { () -> BrailleCanvas in
    var canvas = BrailleCanvas(width: plotArea.width, height: plotArea.height)
    // Worst first so the best lines end on top.
    for line in info.lines.sorted(by: { a, b in info.direction.isBetter(b.value, than: a.value) }) {
      var t = hi > lo ? (line.value - lo) / (hi - lo) : 0.5
      if info.direction == .maximize { t = 1 - t }
      stroke(&canvas, line, theme.gradient(t))
    }
    return canvas
  }
  if let sel = selected, let line = info.lines.first(where: { $0.trialNumber == sel }) {
    stroke(&canvas, line, theme.color("selected_fg") ?? theme.color("accent"))
  }
  let dotW = Double(canvas.dotWidth - 1)
  // Axis lines under the canvas.
  for i in 0..<axes {
    let cx = plotArea.x + min(plotArea.width - 1, Int(ax(i, dotW) / 2))
    for y in plotArea.top..<plotArea.bottom { buf.setString(x: cx, y: y, "│", style: Style(fg: theme.color("border"))) }
  }
  canvas.render(area: plotArea, buffer: &buf)
  // Labels.
  let slot = max(1, area.width / axes)
  for i in 0..<axes {
    let cx = area.x + min(area.width - 1, Int(ax(i, dotW) / 2))
    let x = min(max(area.x, cx - slot / 2), area.right - slot)
    let top: String, bottom: String
    if i == 0 {
      top = label(hi)
      bottom = label(lo)
    } else {
      let a = info.paramAxes[i - 1]
      if a.isCategorical {
        top = a.labels.last ?? ""
        bottom = a.labels.first ?? ""
      } else {
        top = label(a.isLog ? pow(10, a.high) : a.high)
        bottom = label(a.isLog ? pow(10, a.low) : a.low)
      }
    }
    buf.setString(x: max(area.x, x), y: area.y, names[i] + " " + top, style: i == 0 ? theme.fg("accent") : theme.dim, maxWidth: slot - 1)
    buf.setString(x: max(area.x, x), y: area.bottom - 1, bottom, style: theme.dim, maxWidth: slot - 1)
  }
}

// MARK: 3 Pareto front

func drawPareto(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  let n = state.snapshot.directions.count
  guard n >= 2 else { return message("Pareto front: the study has one objective", state, &buf, area) }
  let xo = state.objectiveX % n
  var yo = state.objectiveY % n
  if xo == yo { yo = (xo + 1) % n }
  let info = state.cache.value(slot: "pareto", key: cacheKey(state, "\(xo):\(yo)")) {
    ParetoFrontInfo(plotInput(state), xObjective: xo, yObjective: yo)
  }
  guard !info.points.isEmpty else { return message("no completed trials yet", state, &buf, area) }
  let (plotArea, hvArea) = area.height >= 10 ? area.splitBottom(3) : (area, Rect.zero)
  let dominated = info.points.filter { !$0.isOnFront }.map { (x: $0.values[0], y: $0.values[1]) }
  let front = info.frontSortedByX.map { (x: $0.values[0], y: $0.values[1]) }
  var plot = LinePlot([
    Series("dominated", points: dominated, color: theme.color("dim"), kind: .scatter),
    Series("front", points: front, color: theme.color("best"), kind: .line),
  ], axisStyle: Style(fg: theme.color("border")), labelStyle: theme.dim)
  let b = plot.resolvedBounds()
  plot.xLabels = [state.metricName(xo) + " " + label(b.x.lowerBound), label(b.x.upperBound)]
  plot.yLabels = [label(b.y.lowerBound), label(b.y.upperBound)]
  plot.render(area: plotArea, buffer: &buf)
  if !hvArea.isEmpty {
    buf.setString(x: hvArea.x, y: hvArea.y, "hypervolume \(label(info.hypervolume))  front \(front.count)  x=\(state.metricName(xo)) y=\(state.metricName(yo))", style: theme.fg("accent"), maxWidth: hvArea.width)
    Sparkline(info.hypervolumeHistory.map(\.hypervolume), style: theme.fg("best"))
      .render(area: hvArea.inset(top: 1), buffer: &buf)
  }
}

// MARK: 4 Importances

func drawImportance(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  let kindName = state.importanceKind == .fanova ? "fANOVA" : "MDI"
  var top = area
  if area.height >= 2 {
    let (h, r) = area.splitTop(1)
    var text = "\(kindName) (m: switch)"
    if state.importanceComputing != nil { text += "  computing…" }
    buf.setString(x: h.x, y: h.y, text, style: theme.dim, maxWidth: h.width)
    top = r
  }
  guard let r = state.importance[state.importanceKind] else {
    let complete = state.cachedCounts[.complete] ?? 0
    return message(complete < 2 ? "importances need 2 completed trials" : "computing \(kindName)…", state, &buf, top)
  }
  if let e = r.error { return message(e, state, &buf, top) }
  guard let info = r.info, !info.names.isEmpty else { return message("no params to rank", state, &buf, top) }
  let bars = zip(info.names, info.values).enumerated().map { i, p in
    Bar(p.0, p.1, valueText: String(format: "%.3f", p.1), style: Style(fg: theme.gradient(1 - Double(i) / Double(max(1, info.names.count - 1)))))
  }
  BarChart(bars, max: 1, labelStyle: Style(), valueStyle: theme.dim).render(area: top, buffer: &buf)
}

// MARK: 5 Intermediate values

func drawIntermediate(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  let info = state.cache.value(slot: "curves", key: cacheKey(state)) {
    IntermediateValuesInfo(AnalysisInput(trials: Array(state.snapshot.trials.suffix(500)), directions: state.snapshot.directions))
  }
  guard !info.curves.isEmpty else { return message("no intermediate values reported yet", state, &buf, area) }
  let selected = state.selectedTrial?.number
  var series: [Series] = []
  var sel: Series?
  for c in info.curves {
    let pts = zip(c.steps, c.values).map { (x: Double($0), y: $1) }
    let role: ThemeRole
    switch c.state {
    case .pruned, .fail: role = "dim"
    case .running: role = "running"
    default: role = "complete"
    }
    let s = Series("", points: pts, color: theme.color(role), kind: .line)
    if c.trialNumber == selected { sel = Series("#\(c.trialNumber)", points: pts, color: theme.color("selected_fg") ?? theme.color("accent")) } else { series.append(s) }
  }
  // Pruned first (dimmed, underneath), then the rest.
  series.sort { ($0.color == theme.color("dim") ? 0 : 1) < ($1.color == theme.color("dim") ? 0 : 1) }
  if let sel { series.append(sel) }
  var plot = LinePlot(series, axisStyle: Style(fg: theme.color("border")), labelStyle: theme.dim, showLegend: sel != nil)
  let b = plot.resolvedBounds()
  plot.xLabels = ["step " + label(b.x.lowerBound), label(b.x.upperBound)]
  plot.yLabels = [label(b.y.lowerBound), label(b.y.upperBound)]
  plot.render(area: area, buffer: &buf)
}

// MARK: 6 Slice

func drawSlice(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  let names = state.paramNames
  guard !names.isEmpty else { return message("the study has no params yet", state, &buf, area) }
  let param = names[state.paramIndex % names.count]
  let info = state.cache.value(slot: "slice", key: cacheKey(state, param)) {
    SliceInfo(plotInput(state), param: param, targetName: state.metricName(0))
  }
  var top = area
  if area.height >= 2 {
    let (h, r) = area.splitTop(1)
    buf.setString(x: h.x, y: h.y, "\(state.metricName(0)) vs \(param)\(info?.axis.isLog == true ? " (log)" : "")  (c: next param)", style: theme.dim, maxWidth: h.width)
    top = r
  }
  guard let info, !info.points.isEmpty else { return message("no completed trial has \(param)", state, &buf, top) }
  let n = Double(max(1, info.points.count - 1))
  let pts = info.points.map { (x: $0.x, y: $0.value) }
  var series = [Series(param, points: pts, color: theme.color("complete"), kind: .scatter)]
  // Later trials in the high gradient colour: split in thirds.
  if info.points.count >= 6 {
    let recent = info.points.enumerated().filter { Double($0.offset) / n > 0.66 }.map { (x: $0.element.x, y: $0.element.value) }
    series.append(Series("recent", points: recent, color: theme.color("graph_high"), kind: .scatter))
  }
  var plot = LinePlot(series, axisStyle: Style(fg: theme.color("border")), labelStyle: theme.dim, showLegend: false)
  let b = plot.resolvedBounds()
  if info.axis.isCategorical {
    plot.xBounds = -0.5...(Double(max(0, info.axis.labels.count - 1)) + 0.5)
    plot.xLabels = info.axis.labels
  } else {
    let f = { (v: Double) in info.axis.isLog ? pow(10, v) : v }
    plot.xLabels = [label(f(b.x.lowerBound)), label(f(b.x.upperBound))]
  }
  plot.yLabels = [label(b.y.lowerBound), label(b.y.upperBound)]
  plot.render(area: top, buffer: &buf)
}

// MARK: 7 Contour

func drawContour(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  let names = state.paramNames
  guard names.count >= 2 else { return message("contour needs two params", state, &buf, area) }
  let xp = names[state.paramIndex % names.count]
  var yi = state.paramIndex2 % names.count
  if names[yi] == xp { yi = (yi + 1) % names.count }
  let yp = names[yi]
  var top = area
  if area.height >= 2 {
    let (h, r) = area.splitTop(1)
    buf.setString(x: h.x, y: h.y, "x=\(xp) y=\(yp)  (c/C: change)", style: theme.dim, maxWidth: h.width)
    top = r
  }
  let cols = max(1, min(64, top.width - 8))
  let info = state.cache.value(slot: "contour", key: cacheKey(state, "\(xp):\(yp):\(cols)")) {
    ContourInfo(plotInput(state), xParam: xp, yParam: yp, resolution: max(2, min(32, cols / 2)))
  }
  guard let info, !info.grid.isEmpty else { return message("no completed trial has both \(xp) and \(yp)", state, &buf, top) }
  // Left gutter for y labels, bottom row for x labels.
  let gutter = top.width >= 16 ? 7 : 0
  let heat = Rect(x: top.x + gutter, y: top.y, width: top.width - gutter, height: max(0, top.height - (top.height >= 4 ? 1 : 0)))
  guard !heat.isEmpty else { return }
  let finite = info.grid.filter(\.isFinite)
  let lo = finite.min() ?? 0, hi = finite.max() ?? 1
  func color(_ v: Double?) -> Color? {
    guard let v, v.isFinite else { return nil }
    var t = hi > lo ? (v - lo) / (hi - lo) : 0.5
    if info.direction == .maximize { t = 1 - t }
    return theme.gradient(t)
  }
  // Each cell shows two grid rows: ▀ with the upper as foreground, the lower as background.
  let subRows = heat.height * 2
  for cy in 0..<heat.height {
    for cx in 0..<heat.width {
      let col = min(info.columns - 1, cx * info.columns / max(1, heat.width))
      let rUp = info.rows - 1 - min(info.rows - 1, (cy * 2) * info.rows / max(1, subRows))
      let rDown = info.rows - 1 - min(info.rows - 1, (cy * 2 + 1) * info.rows / max(1, subRows))
      let up = color(info.value(column: col, row: rUp)), down = color(info.value(column: col, row: rDown))
      if up == nil && down == nil {
        buf.set(x: heat.x + cx, y: heat.y + cy, Cell("▀", style: Style(modifiers: cy % 2 == 0 ? .dim : [])))
      } else {
        buf.set(x: heat.x + cx, y: heat.y + cy, Cell("▀", style: Style(fg: up, bg: down)))
      }
    }
  }
  // Trials as dots.
  for p in info.points {
    let tx = (p.x - info.xRange.lowerBound) / max(1e-300, info.xRange.upperBound - info.xRange.lowerBound)
    let ty = (p.y - info.yRange.lowerBound) / max(1e-300, info.yRange.upperBound - info.yRange.lowerBound)
    let cx = heat.x + min(heat.width - 1, max(0, Int(tx * Double(heat.width))))
    let cy = heat.y + min(heat.height - 1, max(0, Int((1 - ty) * Double(heat.height))))
    let old = buf.cell(x: cx, y: cy).style
    buf.set(x: cx, y: cy, Cell("•", style: Style(fg: theme.color("selected_fg") ?? .white, bg: old.bg ?? old.fg)))
  }
  if gutter > 0 {
    let yl = info.yAxis
    let f = { (v: Double) in yl.isLog ? pow(10, v) : v }
    let hiText = yl.isCategorical ? (yl.labels.last ?? "") : label(f(info.yRange.upperBound))
    let loText = yl.isCategorical ? (yl.labels.first ?? "") : label(f(info.yRange.lowerBound))
    buf.setString(x: top.x, y: heat.y, hiText, style: theme.dim, maxWidth: gutter - 1)
    buf.setString(x: top.x, y: heat.bottom - 1, loText, style: theme.dim, maxWidth: gutter - 1)
  }
  if top.height >= 4 {
    let xl = info.xAxis
    let f = { (v: Double) in xl.isLog ? pow(10, v) : v }
    let loText = xl.isCategorical ? (xl.labels.first ?? "") : label(f(info.xRange.lowerBound))
    let hiText = xl.isCategorical ? (xl.labels.last ?? "") : label(f(info.xRange.upperBound))
    buf.setString(x: heat.x, y: heat.bottom, loText, style: theme.dim, maxWidth: heat.width)
    let hx = max(heat.x, heat.right - TextWidth.of(hiText))
    buf.setString(x: hx, y: heat.bottom, hiText, style: theme.dim, maxWidth: heat.right - hx)
  }
}
