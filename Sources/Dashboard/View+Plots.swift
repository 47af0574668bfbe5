import Foundation
import HPO
import HPOAnalysis
import PlotSVG
import Terminal

/// At most this many trials feed the per-frame plots of a large study (the most recent), until
/// `A` lifts the cap; the plots say "N of M trials (newest)" while it applies.
let plotTrialLimit = 3000

/// The plot pane: tab bar, then the selected plot.
func drawPlotPane(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  guard !area.isEmpty else { return }
  let theme = state.theme
  let block = paneBlock(" Plots ", theme)
  var inner = area.width >= 3 && area.height >= 3 ? block.inner(area) : area
  if inner != area { block.render(area: area, buffer: &buf) }
  guard !inner.isEmpty else { return }
  let shown = shownTabs(state)
  let tabs = Tabs(
    tabTitles(shown, selected: state.tab, width: inner.width).map { Line($0) }, selected: shown.firstIndex(of: state.tab) ?? 0,
    style: theme.dim, highlightStyle: theme.fg("accent").adding([.bold, .underline]))
  tabs.render(area: Rect(x: inner.x, y: inner.y, width: inner.width, height: 1), buffer: &buf)
  inner = inner.inset(top: 1)
  guard !inner.isEmpty else { return }
  drawPlot(state, &buf, inner)
}

/// The tabs the bar shows: the nine with number keys always, later ones (a sampler's own, like
/// PBT's and CMA-ES's) only where the study can show them or when selected.
func shownTabs(_ state: AppState) -> [PlotTab] {
  PlotTab.allCases.filter { $0.rawValue < 9 || $0 == state.tab || $0.unavailableReason(state) == nil }
}

/// The tab bar's titles in `width` columns: whole when they fit, else the selected one whole and
/// the others shortened to three letters, else to their number.
func tabTitles(_ tabs: [PlotTab], selected: PlotTab, width: Int) -> [String] {
  func fits(_ titles: [String]) -> Bool { titles.reduce(0) { $0 + TextWidth.of($1) + 3 } - 1 <= width }
  let full = tabs.map { "\($0.rawValue + 1) \($0.title)" }
  if fits(full) { return full }
  let short = tabs.map { $0 == selected ? "\($0.rawValue + 1) \($0.title)" : "\($0.rawValue + 1) \($0.title.prefix(3))" }
  if fits(short) { return short }
  return tabs.map { $0 == selected ? "\($0.rawValue + 1) \($0.title)" : "\($0.rawValue + 1)" }
}

/// Draws the selected tab's plot into `area`.
func drawPlot(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  state.tab.draw(state, &buf, area)
}

// MARK: The tabs

extension PlotTab {
  public static let history = PlotTab(
    id: "history", title: "History", summary: "optimization history",
    svg: { input, r in
      SVGPlot.history(OptimizationHistoryInfo(input, objective: r.objective, targetName: r.metricName(r.objective, of: input.directions.count)), studyName: r.studyName)
    }, draw: drawHistory)
  public static let parallel = PlotTab(
    id: "parallel", title: "Parallel", summary: "parallel coordinates",
    svg: { input, r in
      SVGPlot.parallel(ParallelCoordinateInfo(input, objective: r.objective, targetName: r.metricName(r.objective, of: input.directions.count)), studyName: r.studyName)
    }, draw: drawParallel)
  public static let pareto = PlotTab(
    id: "pareto", title: "Pareto", summary: "Pareto front (two or more objectives)",
    unavailable: { s in s.snapshot.directions.count < 2 ? "the study has one objective" : nil },
    svg: { input, r in
      guard input.directions.count > 1 else { throw PlotError("a Pareto front needs a study with two or more objectives") }
      let n = input.directions.count
      guard (0..<n).contains(r.objectivePair.0), (0..<n).contains(r.objectivePair.1), r.objectivePair.0 != r.objectivePair.1 else {
        throw PlotError("--objectives takes two different objectives of 0..\(n - 1)")
      }
      return SVGPlot.pareto(ParetoFrontInfo(input, xObjective: r.objectivePair.0, yObjective: r.objectivePair.1),
                            studyName: r.studyName, names: (0..<n).map { r.metricName($0, of: n) })
    }, draw: drawPareto)
  public static let importance = PlotTab(
    id: "importance", title: "Importance", summary: "param importances",
    svg: { input, r in SVGPlot.importance(ImportanceInfo(input, objective: r.objective), studyName: r.studyName) },
    draw: drawImportance)
  public static let intermediate = PlotTab(
    id: "intermediate", title: "Curves", summary: "intermediate values (learning curves)",
    svg: { input, r in SVGPlot.intermediate(IntermediateValuesInfo(input), studyName: r.studyName) },
    draw: drawIntermediate)
  public static let slice = PlotTab(
    id: "slice", title: "Slice", summary: "objective against one param",
    svg: { input, r in
      let name = r.params.first ?? input.allParams.keys.first ?? ""
      guard let info = SliceInfo(input, param: name, objective: r.objective, targetName: r.metricName(r.objective, of: input.directions.count)) else {
        throw PlotError("no complete trial has a param '\(name)'")
      }
      return SVGPlot.slice(info, studyName: r.studyName)
    }, draw: drawSlice)
  public static let contour = PlotTab(
    id: "contour", title: "Contour", summary: "objective over two params",
    svg: { input, r in
      let names = r.params.count >= 2 ? Array(r.params.prefix(2)) : Array(input.allParams.keys.prefix(2))
      guard names.count == 2, let info = ContourInfo(input, xParam: names[0], yParam: names[1], objective: r.objective) else {
        throw PlotError("a contour needs two params that complete trials share (give --params x,y)")
      }
      return SVGPlot.contour(info, studyName: r.studyName)
    }, draw: drawContour)
}

// MARK: Shared pieces

/// The trials the plots read: the table's filter applied, then the newest `plotTrialLimit`
/// unless `A` lifted the cap.
struct PlotScope {
  var input: AnalysisInput
  var isCapped: Bool
  var isFiltered: Bool
  /// Every param any of these trials has, by name (the parallel plot's axes).
  var paramNames: [String]
}

func plotScope(_ state: AppState) -> PlotScope {
  state.cache.value(slot: "scope", key: scopeKey(state)) {
    var trials = state.snapshot.trials
    let filtered = state.filter != nil
    if filtered { trials = state.rows.sorted().map { state.snapshot.trials[$0] } }
    let capped = !state.plots.allTrials && trials.count > plotTrialLimit
    if capped { trials = Array(trials.suffix(plotTrialLimit)) }
    let input = AnalysisInput(trials: trials, directions: state.snapshot.directions)
    return PlotScope(
      input: input, isCapped: capped, isFiltered: filtered,
      paramNames: Array(input.allParams.keys))
  }
}

/// The analysis input for plots (see `plotScope`).
func plotInput(_ state: AppState) -> AnalysisInput { plotScope(state).input }

/// What the plot scope depends on.
func scopeKey(_ state: AppState) -> String {
  cacheKey(state, "\(state.filter == nil ? "" : state.filterText):\(state.plots.allTrials)")
}

/// "26 trials", or "10 of 26 trials (top 10)", "3000 of 100000 trials (newest; A: all)".
func trialsCaption(_ state: AppState, drawn: Int, topK: Int? = nil) -> String {
  let scope = plotScope(state)
  let total = state.cachedCounts[.complete] ?? drawn
  var why: [String] = []
  if scope.isFiltered { why.append("filter") }
  if scope.isCapped { why.append("newest; A: all") }
  if let topK, drawn <= topK, drawn < total { why.append("top \(topK)") }
  // A study still loading: the total is a lower bound, and the plot may change.
  let partial = state.snapshot.isPartial
  if partial { why.append("loading") }
  if drawn >= total && why.isEmpty { return "\(drawn) trial\(drawn == 1 ? "" : "s")" }
  return "\(drawn) of \(partial ? "≥" : "")\(total) trials" + (why.isEmpty ? "" : " (\(why.joined(separator: "; ")))")
}

/// The objective the plots show (`o`), clamped to the study's objectives.
func plotObjective(_ state: AppState) -> Int {
  min(state.plots.objective, max(0, state.snapshot.directions.count - 1))
}

func message(_ text: String, _ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  guard !area.isEmpty else { return }
  buf.setString(x: area.x + (area.width > 2 ? 1 : 0), y: area.y + area.height / 2, text, style: state.theme.dim, maxWidth: max(0, area.width - 1))
}

/// A one-line caption above a plot when there are at least `minHeight` rows; returns the rest.
func caption(_ text: String, _ state: AppState, _ buf: inout Buffer, _ area: Rect, minHeight: Int = 6) -> Rect {
  guard area.height >= minHeight else { return area }
  let (h, r) = area.splitTop(1)
  buf.setString(x: h.x, y: h.y, text, style: state.theme.dim, maxWidth: h.width)
  return r
}

func cacheKey(_ state: AppState, _ extra: String = "") -> String {
  "\(state.snapshot.studyID):\(state.snapshot.revision):\(state.snapshot.trials.count):\(extra)"
}

/// Whether a plot of this height keeps a legend row (short plots give it to the data).
func legendFits(_ area: Rect) -> Bool { area.height >= 9 }

func label(_ v: Double) -> String { NumberFormat.compact(v, digits: 4) }

/// A number in at most `width` columns: fewer significant digits (a rounded value), never cut;
/// nil when even one digit does not fit.
///
/// With `range` (the axis' other end, or the values it must be told apart from), it starts from
/// the digits that make those read differently (1000.29 and 1000.31, not 1000 and 1000).
func fittedLabel(_ v: Double, width: Int, separating range: [Double] = []) -> String? {
  for d in stride(from: NumberFormat.digitsToSeparate([v] + range), through: 1, by: -1) {
    let s = NumberFormat.compact(v, digits: d)
    if TextWidth.of(s) <= width { return s }
  }
  return nil
}

/// Ticks for a log10 axis spanning `bounds` (in log10 units), labelled with the values.
func logTicks(_ bounds: ClosedRange<Double>, maxCount: Int = 5) -> [AxisTick] {
  let lo = bounds.lowerBound, hi = bounds.upperBound
  if hi - lo >= 2 {
    var decades = Array(Int(lo.rounded(.up))...Int(hi.rounded(.down)))
    let stride = max(1, (decades.count + maxCount - 1) / maxCount)
    decades = decades.enumerated().filter { $0.offset % stride == 0 }.map(\.element)
    return decades.map { AxisTick(Double($0), NumberFormat.compact(pow(10, Double($0)), digits: 2)) }
  }
  let linear = AxisTicks.nice(pow(10, lo), pow(10, hi), maxCount: maxCount)
  return linear.filter { $0.value > 0 }.map { AxisTick(log10($0.value), $0.label) }
}

/// Whether the log toggle applies to these values (all positive) and a note when it cannot.
func logApplies(_ state: AppState, _ values: [Double]) -> (on: Bool, note: String) {
  guard state.plots.logScale else { return (false, "") }
  return values.allSatisfy({ $0 > 0 }) ? (true, " · log") : (false, " · log needs values > 0")
}

/// The ticks of a param axis: every categorical level where it fits, else nice ticks of the
/// values (log10 coordinates for log params).
func paramTicks(_ axis: ParamAxis, range: ClosedRange<Double>, maxCount: Int) -> [AxisTick] {
  if axis.isCategorical { return axis.labels.enumerated().map { AxisTick(Double($0.offset), $0.element) } }
  if axis.isLog { return logTicks(range, maxCount: maxCount) }
  return AxisTicks.nice(range.lowerBound, range.upperBound, maxCount: maxCount)
}

/// The shade of `t` in [0, 1] (0 the best): the theme's gradient, or in a theme without colours
/// a shading glyph (`█` best … `░` worst).
func shade(_ t: Double, _ theme: Theme) -> (color: Color?, glyph: String) {
  let glyphs = ["█", "▓", "▒", "░"]
  let i = min(glyphs.count - 1, max(0, Int(t * Double(glyphs.count))))
  return (theme.gradient(t), glyphs[i])
}

/// A colour bar for the objective: `best 0.12 ████ 3.4 worst` (shading glyphs in `mono`).
func drawColorBar(_ state: AppState, _ buf: inout Buffer, _ row: Rect, name: String, best: Double, worst: Double) {
  let theme = state.theme
  guard row.width >= 20 else { return }
  let digits = NumberFormat.digitsToSeparate([best, worst])
  let left = "\(name) best \(NumberFormat.compact(best, digits: digits)) "
  let right = " \(NumberFormat.compact(worst, digits: digits)) worst"
  let barWidth = max(4, min(24, row.width - TextWidth.of(left) - TextWidth.of(right)))
  var x = buf.setString(x: row.x, y: row.y, left, style: theme.dim, maxWidth: row.width)
  for i in 0..<barWidth where x < row.right {
    let s = shade(Double(i) / Double(max(1, barWidth - 1)), theme)
    buf.set(x: x, y: row.y, Cell(theme.isMonochrome ? s.glyph : "█", style: Style(fg: s.color)))
    x += 1
  }
  buf.setString(x: x, y: row.y, right, style: theme.dim, maxWidth: max(0, row.right - x))
}

// MARK: 1 History

func drawHistory(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  let objective = plotObjective(state)
  let name = state.metricName(objective)
  let info = state.cache.value(slot: "history", key: scopeKey(state) + "\(objective)") {
    OptimizationHistoryInfo(plotInput(state), objective: objective, targetName: name)
  }
  guard !info.points.isEmpty else { return message("no completed trials yet", state, &buf, area) }
  let log = logApplies(state, info.points.map(\.value))
  let f = { (v: Double) in log.on ? log10(v) : v }
  let multi = state.snapshot.directions.count > 1 ? " (o: objective)" : ""
  let top = caption("\(name) by trial · \(trialsCaption(state, drawn: info.points.count))\(log.note)  l: log\(multi)", state, &buf, area)
  let feasible = info.points.filter(\.isFeasible).map { (x: Double($0.trialNumber), y: f($0.value)) }
  let infeasible = info.points.filter { !$0.isFeasible }.map { (x: Double($0.trialNumber), y: f($0.value)) }
  let best = info.points.compactMap { p in p.bestSoFar.map { (x: Double(p.trialNumber), y: f($0)) } }
  var series = [Series("best", points: best, color: theme.color("best"), kind: .line)]
  series.append(Series(name, points: feasible, color: theme.color("complete"), kind: .markers, marker: "•"))
  if !infeasible.isEmpty { series.append(Series("infeasible", points: infeasible, color: theme.color("dim"), kind: .markers, marker: "∘")) }
  if let sel = state.selectedTrial, let p = info.points.first(where: { $0.trialNumber == sel.number }) {
    series.append(Series("#\(sel.number)", points: [(Double(p.trialNumber), f(p.value))], color: theme.color("selected_fg") ?? theme.color("accent"), kind: .markers, marker: "◆"))
  }
  var plot = LinePlot(series, axisStyle: Style(fg: theme.color("border")), labelStyle: theme.dim, showLegend: legendFits(top))
  if log.on { plot.yTicks = logTicks(plot.resolvedBounds().y) }
  plot.render(area: top, buffer: &buf)
}

// MARK: 2 Parallel coordinates

/// The parallel plot's param axes: the user's order, then the rest by name, without hidden ones.
func parallelAxisNames(_ state: AppState) -> [String] {
  let all = plotScope(state).paramNames
  let ordered = state.plots.parallelOrder.filter { all.contains($0) } + all.filter { !state.plots.parallelOrder.contains($0) }
  return ordered.filter { !state.plots.hiddenAxes.contains($0) }
}

func drawParallel(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  let objective = plotObjective(state)
  let names = parallelAxisNames(state)
  let infoKey = scopeKey(state) + "\(objective):\(state.topK ?? -1):\(names.joined(separator: ","))"
  let info = state.cache.value(slot: "parallel", key: infoKey) {
    ParallelCoordinateInfo(plotInput(state), params: names, objective: objective, targetName: state.metricName(objective), topK: state.topK)
  }
  guard !info.lines.isEmpty else { return message("no completed trials yet", state, &buf, area) }
  let cursor = info.paramAxes.isEmpty ? nil : min(state.plots.axisCursor, info.paramAxes.count - 1)
  var head = trialsCaption(state, drawn: info.lines.count, topK: state.topK)
  if let cursor { head += " · axis \(info.paramAxes[cursor].name)" }
  if !state.plots.hiddenAxes.isEmpty { head += " · \(state.plots.hiddenAxes.count) hidden (H)" }
  head += "  c/C: axis  </>: move  h: hide  t: top-k"
  // Short panes drop the caption, unless it says that trials are left out.
  let partial = info.lines.count < (state.cachedCounts[.complete] ?? 0)
  var rest = caption(head, state, &buf, area, minHeight: partial ? 5 : 8)
  var barRow = Rect.zero
  if rest.height >= 9 { (rest, barRow) = rest.splitBottom(1) }
  let axes = info.paramAxes.count + 1
  // Columns per axis: a line and its tick labels to its right.
  let labelWidth = min(10, max(3, rest.width / axes - 2))
  guard rest.height >= 5, rest.width >= axes * 4 else {
    return message("too small for \(axes) axes (z: zoom, h: hide axes)", state, &buf, rest)
  }
  let spanWidth = rest.width - labelWidth - 1
  func axisX(_ i: Int) -> Int { rest.x + (axes == 1 ? 0 : Int((Double(i) * Double(spanWidth - 1) / Double(axes - 1)).rounded())) }
  // Names: above their axis, left-aligned on it; staggered on two rows when they do not fit.
  let gap = axes > 1 ? max(1, axisX(1) - axisX(0)) : rest.width
  let axisNames = [info.targetName] + info.paramAxes.map { $0.name + ($0.isLog ? " (log)" : "") }
  let twoRows = axisNames.dropLast().contains { TextWidth.of($0) >= gap } && rest.height >= 8
  let nameRows = twoRows ? 2 : 1
  for (i, n) in axisNames.enumerated() {
    let x = axisX(i)
    let room = i == axes - 1 ? rest.right - x : (twoRows ? 2 * gap - 1 : gap - 1)
    let y = rest.y + (twoRows ? i % 2 : 0)
    let focused = cursor.map { $0 + 1 == i } ?? false
    let style = i == 0 ? theme.fg("accent").adding(.bold) : (focused ? theme.fg("key").adding([.bold, .reverse]) : Style(modifiers: .bold))
    let (text, _) = TextWidth.prefix(n, fitting: room)
    buf.setString(x: x, y: y, text == n ? n : String(TextWidth.prefix(n, fitting: max(0, room - 1)).0) + "…", style: style, maxWidth: room)
  }
  let plotArea = Rect(x: rest.x, y: rest.y + nameRows, width: spanWidth, height: rest.height - nameRows)
  guard plotArea.height >= 2 else { return }
  let lo = info.objectiveLow, hi = info.objectiveHigh
  func rowOf(_ position: Double) -> Int { plotArea.y + Int(((1 - position) * Double(plotArea.height - 1)).rounded()) }
  func dotX(_ i: Int, _ canvas: BrailleCanvas) -> Int { min(canvas.dotWidth - 1, (axisX(i) - plotArea.x) * 2) }
  func stroke(_ canvas: inout BrailleCanvas, _ line: ParallelCoordinateInfo.Line, _ color: Color?) {
    let dotH = Double(canvas.dotHeight - 1)
    for i in 0..<(line.coordinates.count - 1) {
      let y0 = (1 - line.coordinates[i]) * dotH, y1 = (1 - line.coordinates[i + 1]) * dotH
      canvas.line(x0: dotX(i, canvas), y0: Int(y0.rounded()), x1: dotX(i + 1, canvas), y1: Int(y1.rounded()), color: color)
    }
  }
  func badness(_ v: Double) -> Double {
    let t = hi > lo ? (v - lo) / (hi - lo) : 0.5
    return info.direction == .maximize ? 1 - t : t
  }
  // The polylines are the expensive part: the canvas is cached per revision and size; the best
  // and selected trials are drawn over a copy each frame.
  let canvasKey = infoKey + ":\(plotArea.width)x\(plotArea.height):\(theme.name)"
  var canvas = state.cache.value(slot: "parallel-canvas", key: canvasKey) { () -> BrailleCanvas in
    var canvas = BrailleCanvas(width: plotArea.width, height: plotArea.height)
    // Worst first so the best lines end on top.
    for line in info.lines.sorted(by: { a, b in info.direction.isBetter(b.value, than: a.value) }) {
      stroke(&canvas, line, shade(badness(line.value), theme).color)
    }
    return canvas
  }
  let best = info.lines.min { a, b in info.direction.isBetter(a.value, than: b.value) || (a.value == b.value && a.trialNumber < b.trialNumber) }
  let selected = state.selectedTrial.flatMap { sel in info.lines.first { $0.trialNumber == sel.number } }
  let selectedColor = theme.color("selected_fg") ?? theme.color("accent")
  if let best { stroke(&canvas, best, theme.color("best")) }
  if let selected { stroke(&canvas, selected, selectedColor) }
  // Axis lines under the canvas.
  for i in 0..<axes {
    for y in plotArea.top..<plotArea.bottom { buf.setString(x: axisX(i), y: y, "│", style: Style(fg: theme.color("border"))) }
  }
  canvas.render(area: plotArea, buffer: &buf)
  // Where the best and selected trials cross each axis: a glyph, visible without colour too.
  for (line, glyph, color) in [(best, "◆", theme.color("best")), (selected, "●", selectedColor)] {
    guard let line else { continue }
    for (i, c) in line.coordinates.enumerated() {
      buf.set(x: axisX(i), y: rowOf(c), Cell(glyph, style: Style(fg: color, modifiers: .bold)))
    }
  }
  // Tick labels right of each axis, at their positions; numbers are rounded to fit, never cut.
  let maxTicks = max(3, min(6, plotArea.height / 2))
  for i in 0..<axes {
    let x = axisX(i) + 1
    let room = i == axes - 1 ? rest.right - x : min(labelWidth, axisX(i + 1) - x - 1)
    guard room >= 1 else { continue }
    // The axis' ends (its real low and high), then nice ticks between them.
    var ticks: [(position: Double, text: String)] = []
    if i == 0 {
      // The ends with the digits that tell them apart; nice ticks keep their step's decimals.
      for v in [lo, hi] {
        ticks.append((hi > lo ? (v - lo) / (hi - lo) : 0.5, fittedLabel(v, width: room, separating: [lo, hi]) ?? ""))
      }
      for t in AxisTicks.nice(lo, hi, maxCount: maxTicks) where t.value > lo && t.value < hi {
        let text = TextWidth.of(t.label) <= room ? t.label : fittedLabel(t.value, width: room, separating: [lo, hi]) ?? ""
        ticks.append(((t.value - lo) / (hi - lo), text))
      }
    } else {
      let a = i - 1, axis = info.paramAxes[a]
      if axis.isCategorical {
        for t in paramTicks(axis, range: axis.low...axis.high, maxCount: maxTicks) {
          ticks.append((info.position(axis: a, coordinate: t.value), t.label))
        }
      } else {
        let inner = paramTicks(axis, range: axis.low...axis.high, maxCount: maxTicks).map(\.value).filter { $0 > axis.low && $0 < axis.high }
        let ends = [axis.low, axis.high].map { axis.isLog ? pow(10, $0) : $0 }
        for c in [axis.low, axis.high] + inner {
          ticks.append((info.position(axis: a, coordinate: c), fittedLabel(axis.isLog ? pow(10, c) : c, width: room, separating: ends) ?? ""))
        }
      }
      if info.axisHasMissing[a] { ticks.append((ParallelCoordinateInfo.missingPosition, "n/a")) }
    }
    // In order: the ends and n/a win rows; a tick next to a taken row is left out.
    let order = ticks.indices.sorted { a, b in
      let ka = a < 2 || ticks[a].text == "n/a", kb = b < 2 || ticks[b].text == "n/a"
      return ka != kb ? ka : a < b
    }
    var used = Set<Int>()
    for k in order {
      let (p, text) = ticks[k]
      let row = rowOf(p)
      let isKey = k < 2 || text == "n/a"
      guard !text.isEmpty, !used.contains(row), isKey || (!used.contains(row - 1) && !used.contains(row + 1)) else { continue }
      used.insert(row)
      let shown = TextWidth.of(text) <= room ? text : String(TextWidth.prefix(text, fitting: max(0, room - 1)).0) + "…"
      buf.setString(x: x, y: row, shown, style: text == "n/a" ? theme.dim.adding(.italic) : theme.dim, maxWidth: room)
    }
  }
  if !barRow.isEmpty {
    let (b, w) = info.direction == .minimize ? (lo, hi) : (hi, lo)
    var x = barRow.x
    if theme.isMonochrome {
      // Lines carry no colour here: no bar, just the range.
      x = buf.setString(x: x, y: barRow.y, "\(info.targetName) best \(fittedLabel(b, width: 12, separating: [w]) ?? "") … \(fittedLabel(w, width: 12, separating: [b]) ?? "") worst", style: theme.dim, maxWidth: barRow.width)
    } else {
      drawColorBar(state, &buf, barRow, name: info.targetName, best: b, worst: w)
      x = barRow.x + min(barRow.width, 60)
    }
    if let best, x + 16 < barRow.right {
      x = buf.setString(x: x, y: barRow.y, " ◆", style: Style(fg: theme.color("best"), modifiers: .bold))
      x = buf.setString(x: x, y: barRow.y, " best #\(best.trialNumber)", style: theme.dim, maxWidth: barRow.right - x)
    }
    if let selected, x + 14 < barRow.right {
      x = buf.setString(x: x, y: barRow.y, "  ●", style: Style(fg: selectedColor, modifiers: .bold))
      buf.setString(x: x, y: barRow.y, " #\(selected.trialNumber)", style: theme.dim, maxWidth: barRow.right - x)
    }
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
  let info = state.cache.value(slot: "pareto", key: scopeKey(state) + "\(xo):\(yo)") {
    ParetoFrontInfo(plotInput(state), xObjective: xo, yObjective: yo)
  }
  guard !info.points.isEmpty else { return message("no completed trials yet", state, &buf, area) }
  let front = info.frontSortedByX
  let head = "x=\(state.metricName(xo)) y=\(state.metricName(yo)) (c/C: change) · front \(front.count) of \(trialsCaption(state, drawn: info.points.count))"
  let top = caption(head, state, &buf, area)
  let (plotArea, hvArea) = top.height >= 14 ? top.splitBottom(max(6, top.height / 3)) : (top, Rect.zero)
  let dominated = info.points.filter { !$0.isOnFront }.map { (x: $0.values[xo], y: $0.values[yo]) }
  let frontPoints = front.map { (x: $0.values[xo], y: $0.values[yo]) }
  var series = [
    Series("dominated", points: dominated, color: theme.color("dim"), kind: .markers, marker: "•"),
  ]
  // The staircase joins the front only when the two axes are all the objectives.
  if n == 2 { series.append(Series("", points: frontPoints, color: theme.color("best"), kind: .line)) }
  series.append(Series("front", points: frontPoints, color: theme.color("best"), kind: .markers, marker: "◆"))
  if let sel = state.selectedTrial, let p = info.points.first(where: { $0.trialNumber == sel.number }) {
    series.append(Series("#\(sel.number)", points: [(p.values[xo], p.values[yo])], color: theme.color("selected_fg") ?? theme.color("accent"), kind: .markers, marker: "●"))
  }
  LinePlot(series, axisStyle: Style(fg: theme.color("border")), labelStyle: theme.dim, showLegend: legendFits(plotArea)).render(area: plotArea, buffer: &buf)
  if !hvArea.isEmpty {
    let (title, chart) = hvArea.splitTop(1)
    buf.setString(x: title.x, y: title.y, "hypervolume \(label(info.hypervolume)) by trial (all \(n) objectives)", style: theme.fg("accent"), maxWidth: title.width)
    let pts = info.hypervolumeHistory.map { (x: Double($0.trialNumber), y: $0.hypervolume) }
    LinePlot([Series("", points: pts, color: theme.color("best"), kind: .line)], axisStyle: Style(fg: theme.color("border")), labelStyle: theme.dim, showLegend: false)
      .render(area: chart, buffer: &buf)
  } else {
    buf.setString(x: top.x, y: top.bottom - 1, "hv \(label(info.hypervolume))", style: theme.fg("accent"), maxWidth: top.width)
  }
}

// MARK: 4 Importances

func drawImportance(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  let kindName = [ImportanceKind.fanova: "fANOVA", .mdi: "MDI", .sobol: "Sobol", .pedAnova: "PED-ANOVA (top 10%)"][state.importanceKind] ?? ""
  var top = area
  if area.height >= 2 {
    let (h, r) = area.splitTop(1)
    var text = "\(kindName) (m: switch)"
    if state.snapshot.directions.count > 1 { text += " · \(state.metricName(plotObjective(state))) (o: objective)" }
    if state.importanceComputing != nil { text += "  computing…" }
    buf.setString(x: h.x, y: h.y, text, style: theme.dim, maxWidth: h.width)
    top = r
  }
  guard let r = state.importance[state.importanceKind] else {
    let complete = state.cachedCounts[.complete] ?? 0
    return message(complete < 2 ? "importances need 2 completed trials" : "computing \(kindName)…", state, &buf, top)
  }
  if let e = r.error { return message(e, state, &buf, top) }
  if let sobol = r.sobol { return drawSobolImportance(sobol, state, &buf, top) }
  guard let info = r.info, !info.names.isEmpty else { return message("no params to rank", state, &buf, top) }
  let bars = zip(info.names, info.values).enumerated().map { i, p in
    Bar(p.0, p.1, valueText: String(format: "%.3f", p.1), style: Style(fg: theme.gradient(1 - Double(i) / Double(max(1, info.names.count - 1)))))
  }
  BarChart(bars, max: 1, labelStyle: Style(), valueStyle: theme.dim).render(area: top, buffer: &buf)
}

// MARK: 5 Intermediate values

func drawIntermediate(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  let info = state.cache.value(slot: "curves", key: scopeKey(state)) {
    IntermediateValuesInfo(AnalysisInput(trials: Array(plotInput(state).trials.suffix(500)), directions: state.snapshot.directions))
  }
  guard !info.curves.isEmpty else { return message("no intermediate values reported yet", state, &buf, area) }
  let log = logApplies(state, info.curves.flatMap(\.values).filter(\.isFinite))
  let f = { (v: Double) in log.on ? log10(v) : v }
  let top = caption("intermediate value by step · \(info.curves.count) curves\(info.curves.count == 500 ? " (newest)" : "")\(log.note)  l: log", state, &buf, area)
  let selected = state.selectedTrial?.number
  var layers: [[Series]] = [[], [], [], []]  // pruned/failed, complete, running, selected
  for c in info.curves {
    let pts = zip(c.steps, c.values).map { (x: Double($0), y: f($1)) }
    if c.trialNumber == selected {
      layers[3].append(Series("", points: pts, color: theme.color("selected_fg") ?? theme.color("accent")))
      continue
    }
    switch c.state {
    case .pruned, .fail: layers[0].append(Series("", points: pts, color: theme.color("pruned")))
    case .running: layers[2].append(Series("", points: pts, color: theme.color("running")))
    default: layers[1].append(Series("", points: pts, color: theme.color("complete")))
    }
  }
  // Legend entries (no points): one per kind present.
  var legend: [Series] = []
  if !layers[1].isEmpty { legend.append(Series("complete", points: [], color: theme.color("complete"))) }
  if !layers[0].isEmpty { legend.append(Series("pruned", points: [], color: theme.color("pruned"), marker: "╌")) }
  if !layers[2].isEmpty { legend.append(Series("running", points: [], color: theme.color("running"), marker: "┅")) }
  if let selected, !layers[3].isEmpty { legend.append(Series("#\(selected)", points: [], color: theme.color("selected_fg") ?? theme.color("accent"), marker: "●")) }
  // Without colours, running and selected curves get their last point marked so they stand out.
  var marks: [Series] = []
  if theme.isMonochrome {
    for (layer, glyph) in [(2, "┅"), (3, "●")] {
      marks.append(Series("", points: layers[layer].compactMap(\.points.last), kind: .markers, marker: glyph))
    }
  }
  var plot = LinePlot(layers.flatMap { $0 } + legend + marks, axisStyle: Style(fg: theme.color("border")), labelStyle: theme.dim, showLegend: legendFits(top))
  if log.on { plot.yTicks = logTicks(plot.resolvedBounds().y) }
  plot.render(area: top, buffer: &buf)
}

// MARK: 6 Slice

func drawSlice(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  let names = state.paramNames
  guard !names.isEmpty else { return message("the study has no params yet", state, &buf, area) }
  let param = names[state.paramIndex % names.count]
  let objective = plotObjective(state)
  let name = state.metricName(objective)
  let info = state.cache.value(slot: "slice", key: scopeKey(state) + "\(param):\(objective)") {
    SliceInfo(plotInput(state), param: param, objective: objective, targetName: name)
  }
  let log = logApplies(state, info?.points.map(\.value) ?? [])
  let head = "\(name) vs \(param)\(info?.axis.isLog == true ? " (log)" : "") · \(trialsCaption(state, drawn: info?.points.count ?? 0))\(log.note)  c: param  l: log"
  let top = caption(head, state, &buf, area, minHeight: 2)
  guard let info, !info.points.isEmpty else { return message("no completed trial has \(param)", state, &buf, top) }
  let f = { (v: Double) in log.on ? log10(v) : v }
  // A categorical choice's trials spread across the middle of its band (by trial number), so
  // that trials with close values do not hide behind one marker.
  let x = { (p: SliceInfo.Point) in
    info.axis.isCategorical ? p.x + ((Double(p.trialNumber) * 0.6180339887).truncatingRemainder(dividingBy: 1) - 0.5) * 0.6 : p.x
  }
  let n = Double(max(1, info.points.count - 1))
  // Older trials dim, the newest third in the high gradient colour.
  let old = info.points.enumerated().filter { Double($0.offset) / n <= 0.66 || info.points.count < 6 }.map { (x: x($0.element), y: f($0.element.value)) }
  let recent = info.points.count < 6 ? [] : info.points.enumerated().filter { Double($0.offset) / n > 0.66 }.map { (x: x($0.element), y: f($0.element.value)) }
  var series = [Series("older", points: old, color: theme.color("complete"), kind: .markers, marker: "•")]
  if !recent.isEmpty { series.append(Series("newest third", points: recent, color: theme.color("graph_high"), kind: .markers, marker: "▪")) }
  if let sel = state.selectedTrial, let p = info.points.first(where: { $0.trialNumber == sel.number }) {
    series.append(Series("#\(sel.number)", points: [(x(p), f(p.value))], color: theme.color("selected_fg") ?? theme.color("accent"), kind: .markers, marker: "◆"))
  }
  var plot = LinePlot(series, axisStyle: Style(fg: theme.color("border")), labelStyle: theme.dim, showLegend: legendFits(top))
  let b = plot.resolvedBounds()
  if info.axis.isCategorical {
    plot.xBounds = -0.5...(Double(max(0, info.axis.labels.count - 1)) + 0.5)
  }
  plot.xTicks = paramTicks(info.axis, range: plot.xBounds ?? b.x, maxCount: max(3, top.width / 12))
  if info.axis.isCategorical {
    // Each choice with its number of trials: "mlp (52)".
    var counts: [Int: Int] = [:]
    for p in info.points { counts[Int(p.x.rounded()), default: 0] += 1 }
    plot.xTicks = plot.xTicks?.map { AxisTick($0.value, "\($0.label) (\(counts[Int($0.value.rounded())] ?? 0))") }
  }
  if log.on { plot.yTicks = logTicks(b.y) }
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
  let objective = plotObjective(state)
  var top = area
  if area.height >= 2 {
    let (h, r) = area.splitTop(1)
    let multi = state.snapshot.directions.count > 1 ? " · \(state.metricName(objective)) (o)" : ""
    buf.setString(x: h.x, y: h.y, "x=\(xp) y=\(yp)\(multi)  (c/C: change)", style: theme.dim, maxWidth: h.width)
    top = r
  }
  var barRow = Rect.zero
  if top.height >= 8 { (top, barRow) = top.splitBottom(1) }
  let cols = max(1, min(64, top.width - 8))
  let info = state.cache.value(slot: "contour", key: scopeKey(state) + "\(xp):\(yp):\(cols):\(objective)") {
    ContourInfo(plotInput(state), xParam: xp, yParam: yp, objective: objective, resolution: max(2, min(32, cols / 2)))
  }
  guard let info, !info.grid.isEmpty else { return message("no completed trial has both \(xp) and \(yp)", state, &buf, top) }
  // Left gutter for y labels, bottom row for x labels.
  let gutter = top.width >= 16 ? 7 : 0
  let heat = Rect(x: top.x + gutter, y: top.y, width: top.width - gutter, height: max(0, top.height - (top.height >= 4 ? 1 : 0)))
  guard !heat.isEmpty else { return }
  let finite = info.grid.filter(\.isFinite)
  let lo = finite.min() ?? 0, hi = finite.max() ?? 1
  func badness(_ v: Double?) -> Double? {
    guard let v, v.isFinite else { return nil }
    let t = hi > lo ? (v - lo) / (hi - lo) : 0.5
    return info.direction == .maximize ? 1 - t : t
  }
  let subRows = heat.height * 2
  for cy in 0..<heat.height {
    for cx in 0..<heat.width {
      let col = min(info.columns - 1, cx * info.columns / max(1, heat.width))
      let rUp = info.rows - 1 - min(info.rows - 1, (cy * 2) * info.rows / max(1, subRows))
      let rDown = info.rows - 1 - min(info.rows - 1, (cy * 2 + 1) * info.rows / max(1, subRows))
      let up = badness(info.value(column: col, row: rUp)), down = badness(info.value(column: col, row: rDown))
      let cell: Cell
      if theme.isMonochrome {
        // Without colours: one shading glyph per cell (the mean of its two grid rows).
        let t = [up, down].compactMap { $0 }
        cell = t.isEmpty ? Cell(" ") : Cell(shade(t.reduce(0, +) / Double(t.count), theme).glyph)
      } else if up == nil && down == nil {
        cell = Cell("▀", style: Style(modifiers: cy % 2 == 0 ? .dim : []))
      } else {
        // Two grid rows per cell: ▀ with the upper as foreground, the lower as background.
        cell = Cell("▀", style: Style(fg: up.flatMap { shade($0, theme).color }, bg: down.flatMap { shade($0, theme).color }))
      }
      buf.set(x: heat.x + cx, y: heat.y + cy, cell)
    }
  }
  // Trials as dots.
  func cellX(_ v: Double) -> Int {
    let t = (v - info.xRange.lowerBound) / max(1e-300, info.xRange.upperBound - info.xRange.lowerBound)
    return heat.x + min(heat.width - 1, max(0, Int(t * Double(heat.width))))
  }
  func cellY(_ v: Double) -> Int {
    let t = (v - info.yRange.lowerBound) / max(1e-300, info.yRange.upperBound - info.yRange.lowerBound)
    return heat.y + min(heat.height - 1, max(0, Int((1 - t) * Double(heat.height))))
  }
  for p in info.points {
    let (cx, cy) = (cellX(p.x), cellY(p.y))
    let old = buf.cell(x: cx, y: cy).style
    buf.set(x: cx, y: cy, Cell(theme.isMonochrome ? "●" : "•", style: Style(fg: theme.color("selected_fg") ?? .white, bg: old.bg ?? old.fg, modifiers: theme.isMonochrome ? .reverse : [])))
  }
  if gutter > 0 {
    var used = Set<Int>()
    for t in paramTicks(info.yAxis, range: info.yRange, maxCount: max(3, heat.height / 3)) where info.yRange.contains(t.value) {
      let row = cellY(t.value)
      guard !used.contains(row) else { continue }
      used.insert(row)
      let text = info.yAxis.isCategorical ? t.label : (fittedLabel(info.yAxis.isLog ? pow(10, t.value) : t.value, width: gutter - 1) ?? "")
      buf.setString(x: top.x, y: row, text, style: theme.dim, maxWidth: gutter - 1)
    }
  }
  if top.height >= 4 {
    var nextFree = heat.x
    for t in paramTicks(info.xAxis, range: info.xRange, maxCount: max(3, heat.width / 10)) where info.xRange.contains(t.value) {
      let text = info.xAxis.isCategorical ? t.label : (info.xAxis.isLog ? NumberFormat.compact(pow(10, t.value), digits: 3) : t.label)
      let w = TextWidth.of(text)
      let x = min(max(heat.x, cellX(t.value) - w / 2), heat.right - w)
      guard x >= nextFree else { continue }
      buf.setString(x: x, y: heat.bottom, text, style: theme.dim, maxWidth: heat.right - x)
      nextFree = x + w + 1
    }
  }
  if !barRow.isEmpty {
    let (b, w) = info.direction == .minimize ? (lo, hi) : (hi, lo)
    drawColorBar(state, &buf, barRow, name: state.metricName(objective), best: b, worst: w)
  }
}
