import Foundation
import HPO
import HPOAnalysis
import PlotSVG
import Terminal

extension PlotTab {
  /// The empirical distribution of the objective (optuna-dashboard's EDF): the share of
  /// trials at or below each value.
  public static let edf = PlotTab(
    id: "edf", title: "EDF", summary: "empirical distribution of objective values",
    svg: { input, r in
      SVGPlot.edf(EDFInfo(input, objective: r.objective, targetName: r.metricName(r.objective, of: input.directions.count)), studyName: r.studyName)
    }, draw: drawEDF)
}

func drawEDF(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  let objective = plotObjective(state)
  let name = state.metricName(objective)
  let info = state.cache.value(slot: "edf", key: scopeKey(state) + "\(objective)") {
    EDFInfo(plotInput(state), objective: objective, targetName: name)
  }
  guard !info.steps.isEmpty else { return message("no completed trials yet", state, &buf, area) }
  let log = logApplies(state, info.steps.map(\.value))
  let f = { (v: Double) in log.on ? log10(v) : v }
  let multi = state.snapshot.directions.count > 1 ? " (o: objective)" : ""
  let top = caption("share of trials with \(name) ≤ x · \(trialsCaption(state, drawn: info.count))\(log.note)  l: log\(multi)", state, &buf, area)
  // A step function: flat until the next value, then up.
  var pts: [(x: Double, y: Double)] = []
  var previous = 0.0
  for s in info.steps {
    pts.append((f(s.value), previous))
    pts.append((f(s.value), s.fraction))
    previous = s.fraction
  }
  var series = [Series("", points: pts, color: theme.color("complete"), kind: .line)]
  if let sel = state.selectedTrial, sel.state == .complete, let v = sel.values, objective < v.count,
    let step = info.steps.first(where: { $0.value == v[objective] })
  {
    series.append(Series("#\(sel.number)", points: [(f(step.value), step.fraction)], color: theme.color("selected_fg") ?? theme.color("accent"), kind: .markers, marker: "◆"))
  }
  var plot = LinePlot(series, axisStyle: Style(fg: theme.color("border")), labelStyle: theme.dim, showLegend: legendFits(top))
  plot.yBounds = 0...1
  plot.yTicks = [0, 0.25, 0.5, 0.75, 1].map { AxisTick($0, $0 == 0 ? "0" : $0 == 1 ? "1" : String($0)) }
  if log.on { plot.xTicks = logTicks(plot.resolvedBounds().x, maxCount: max(3, top.width / 12)) }
  plot.render(area: top, buffer: &buf)
}
