import Foundation
import HPO
import Terminal

extension PlotTab {
  /// CMA-ES: the best value of each generation and the best so far, and below them the step
  /// size σ, by generation (restarts show as σ jumping back up).
  public static let cmaes = PlotTab(
    id: "cmaes", title: "CMA-ES", summary: "CMA-ES by generation: each generation's best value, the best so far, σ",
    unavailable: { s in cmaSummary(s) == nil ? "the study has no CMA-ES generations (sampler: cmaes)" : nil },
    draw: drawCMAES)
}

/// The study's CMA-ES generations, decoded once per snapshot.
func cmaHistory(_ state: AppState) -> [CMAGeneration] {
  let snap = state.snapshot
  return state.cache.value(slot: "cmaHistory", key: cacheKey(state)) {
    CMARun.history(in: snap.trials, direction: snap.directions.first ?? .minimize)
  }
}

func drawCMAES(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  let history = cmaSummary(state) == nil ? [] : cmaHistory(state)
  guard let last = history.last else { return message("no CMA-ES generation yet", state, &buf, area) }
  let name = state.metricName(0)
  let scored = history.filter { $0.best != nil }
  let log = logApplies(state, scored.compactMap(\.best))
  let f = { (v: Double) in log.on ? log10(v) : v }
  var head = "\(name) by generation · \(history.count) generations · λ \(last.popsize) · σ \(label(last.sigma))"
  if last.restarts > 0 { head += " · \(last.restarts) restart\(last.restarts == 1 ? "" : "s")" }
  let top = caption(head + "\(log.note)  l: log", state, &buf, area)
  // Values above, σ (log scale) in a strip below when there is room for both.
  let stripHeight = top.height >= 14 ? max(5, top.height * 2 / 5) : 0
  let (valueArea, sigmaArea) = top.splitTop(top.height - stripHeight)

  let minimize = (state.snapshot.directions.first ?? .minimize) == .minimize
  var bestSoFar: Double?
  var bestLine: [(x: Double, y: Double)] = []
  for g in scored {
    let v = g.best!
    if bestSoFar.map({ minimize ? v < $0 : v > $0 }) ?? true { bestSoFar = v }
    bestLine.append((Double(g.generation), f(bestSoFar!)))
  }
  var series = [Series("best so far", points: bestLine, color: theme.color("best"), kind: .line)]
  series.append(Series("generation's best", points: scored.map { (Double($0.generation), f($0.best!)) },
                       color: theme.color("complete"), kind: .markers, marker: "•"))
  if let sel = state.selectedTrial, let g = sel.systemAttrs[CMAKey.generation.rawValue]?.intValue,
     let v = sel.value, !log.on || v > 0
  {
    series.append(Series("#\(sel.number) (gen \(g))", points: [(Double(g), f(v))],
                         color: theme.color("selected_fg") ?? theme.color("accent"), kind: .markers, marker: "◆"))
  }
  // Both plots on the same generations, so a σ jump lines up with the values above it.
  let first = Double(history[0].generation)
  let generations = first...max(Double(last.generation), first + 1)
  var plot = LinePlot(series, axisStyle: Style(fg: theme.color("border")), labelStyle: theme.dim, showLegend: legendFits(valueArea))
  plot.xBounds = generations
  let yb = plot.resolvedBounds().y
  plot.yTicks = log.on ? logTicks(yb) : AxisTicks.nice(yb.lowerBound, yb.upperBound, maxCount: max(3, min(6, valueArea.height / 2)))
  guard stripHeight > 0 else { return plot.render(area: valueArea, buffer: &buf) }

  buf.setString(x: sigmaArea.x, y: sigmaArea.y, "σ by generation (log; the sampler's [0, 1] scale)", style: theme.dim, maxWidth: sigmaArea.width)
  let (_, body) = sigmaArea.splitTop(1)
  let sigmas = history.filter { $0.sigma > 0 }.map { (x: Double($0.generation), y: log10($0.sigma)) }
  var sigmaPlot = LinePlot([Series("σ", points: sigmas, color: theme.color("accent"), kind: .line)],
                           axisStyle: Style(fg: theme.color("border")), labelStyle: theme.dim, showLegend: false)
  sigmaPlot.xBounds = generations
  sigmaPlot.yTicks = logTicks(sigmaPlot.resolvedBounds().y, maxCount: max(2, body.height / 2))
  // One label column for both, so their generation axes line up.
  let width = ((plot.yTicks ?? []) + (sigmaPlot.yTicks ?? [])).map { TextWidth.of($0.label) }.max() ?? 0
  plot.minYLabelWidth = width
  sigmaPlot.minYLabelWidth = width
  plot.render(area: valueArea, buffer: &buf)
  sigmaPlot.render(area: body, buffer: &buf)
}
