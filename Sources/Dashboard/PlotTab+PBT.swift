import Foundation
import HPO
import HPOAnalysis
import Terminal

extension PlotTab {
  /// Population-based training: each member's curve over steps with its exploits marked, and
  /// below it each hyperparameter's schedule per member.
  public static let pbt = PlotTab(
    id: "pbt", title: "PBT", summary: "PBT members: curves, exploits, hyperparameter schedules",
    unavailable: { s in hasPBTSegments(s) ? nil : "the study has no PBT segments (sampler: pbt)" },
    draw: drawPBT)
}

/// Whether the study runs PBT: its newest trials carry PBT segments (every PBT trial does). Only
/// when the sampler is `pbt` or not known (a watched study); never a scan of the whole study,
/// which at a million trials took 150 ms a snapshot.
func hasPBTSegments(_ state: AppState) -> Bool {
  guard state.info.samplerName == nil || state.info.samplerName == "pbt" else { return false }
  return state.snapshot.trials.suffix(newestTrialsChecked).contains { $0.hpotop.pbtSegment != nil }
}

/// How many of the newest trials tell whether a sampler's own tab applies (PBT, CMA-ES).
let newestTrialsChecked = 64

/// Member colours, cycled.
private let memberRoles: [ThemeRole] = [.complete, .running, .best, .graphHigh, .pruned, .failed, .key, .graphLow]

func drawPBT(_ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  let info = state.cache.value(slot: "pbt", key: scopeKey(state)) { PBTInfo(plotInput(state)) }
  guard !info.members.isEmpty else { return message("no PBT segment has reported yet", state, &buf, area) }
  let exploits = info.members.reduce(0) { $0 + $1.exploits.count }
  let name = state.metricName(0)
  let top = caption("\(name) by step · \(info.members.count) members · \(exploits) exploits (◆)", state, &buf, area)
  // Curves above, one schedule strip per param below (when there is room).
  let params = Array(info.params.prefix(max(0, (top.height - 8) / 5)))
  let stripHeight = params.isEmpty ? 0 : max(4, (top.height * 2 / 5) / params.count)
  let (curveArea, rest) = top.splitTop(top.height - stripHeight * params.count)
  func color(_ m: Int) -> Color? { theme.color(memberRoles[m % memberRoles.count]) }
  var series: [Series] = []
  for m in info.members {
    let legend = "m\(m.index)" + (m.lastValue.map { " " + label($0) } ?? "")
    series.append(Series(legend, points: m.curve.map { (Double($0.step), $0.value) }, color: color(m.index)))
  }
  let marks = info.members.flatMap { m in m.exploits.compactMap { e in e.value.map { (Double(e.step), $0) } } }
  if !marks.isEmpty { series.append(Series("exploit", points: marks, color: theme.color("accent"), kind: .markers, marker: "◆")) }
  var plot = LinePlot(series, axisStyle: Style(fg: theme.color("border")), labelStyle: theme.dim, showLegend: legendFits(curveArea))
  plot.render(area: curveArea, buffer: &buf)
  var strips = rest
  for p in params {
    let (strip, below) = strips.splitTop(stripHeight)
    strips = below
    buf.setString(x: strip.x, y: strip.y, "\(p) by step", style: theme.dim, maxWidth: strip.width)
    let (_, body) = strip.splitTop(1)
    // A step function per member: flat until its next segment changes the value.
    var lines: [Series] = []
    for m in info.members {
      guard let points = m.schedule[p], !points.isEmpty else { continue }
      var pts: [(x: Double, y: Double)] = []
      for (i, pt) in points.enumerated() {
        pts.append((Double(pt.step), pt.value))
        let end = i + 1 < points.count ? points[i + 1].step : max(pt.step, m.progress)
        pts.append((Double(end), pt.value))
      }
      lines.append(Series("", points: pts, color: color(m.index)))
    }
    var schedule = LinePlot(lines, axisStyle: Style(fg: theme.color("border")), labelStyle: theme.dim, showLegend: false)
    schedule.render(area: body, buffer: &buf)
  }
}
