import Foundation
import HPO
import HPOAnalysis

/// The SVG documents of the plots, each drawn from its info struct (the dashboard's plot tabs
/// say which one `hpotop plot KIND --svg FILE` writes).
public enum SVGPlot {
  public static func history(_ info: OptimizationHistoryInfo, studyName: String) -> String {
    var c = SVGCanvas(title: "Optimization history: \(studyName)")
    let values = info.points.map(\.value)
    let x = c.xScale(0, Double(max(1, info.points.last?.trialNumber ?? 1)))
    let y = c.yScale(values.min() ?? 0, values.max() ?? 1)
    c.axes(x: x, y: y, xLabel: "Trial", yLabel: info.targetName)
    for p in info.points {
      c.circle(x(Double(p.trialNumber)), y(p.value), fill: p.isFeasible ? "#1f77b4" : "#bbbbbb", opacity: 0.8,
               title: "trial \(p.trialNumber): \(formatNumber(p.value))")
    }
    var line: [(Double, Double)] = []
    for p in info.points { if let b = p.bestSoFar { line.append((x(Double(p.trialNumber)), y(b))) } }
    c.polyline(line, stroke: "#d62728", width: 2)
    return c.document
  }

  /// One `<path class="trial">` per drawn trial (a trial without a conditional param crosses
  /// that axis in its "n/a" band), the best trial last and thicker.
  public static func parallel(_ info: ParallelCoordinateInfo, studyName: String) -> String {
    var c = SVGCanvas(title: "Parallel coordinates: \(studyName) (\(info.lines.count) trials)")
    let axisCount = info.paramAxes.count + 1
    let xs = (0..<axisCount).map { c.left + (c.right - c.left) * Double($0) / Double(max(1, axisCount - 1)) }
    let span = info.objectiveHigh - info.objectiveLow
    func y(_ v: Double) -> Double { c.bottom - (c.bottom - c.top) * v }
    // Worst first, so the best lines end on top.
    let ordered = info.lines.sorted { a, b in info.direction.isBetter(b.value, than: a.value) }
    for (k, line) in ordered.enumerated() {
      let t = span > 0 ? (line.value - info.objectiveLow) / span : 0.5
      let shade = info.direction == .minimize ? 1 - t : t
      let isBest = k == ordered.count - 1
      // Coordinates are in [0, 1], the objective's first, then one per param axis.
      let d = zip(xs, line.coordinates).enumerated().map { i, p in "\(i == 0 ? "M" : "L")\(fmt(p.0)),\(fmt(y(p.1)))" }
        .joined(separator: " ")
      c.add(##"<path class="trial" data-trial="\##(line.trialNumber)" d="\##(d)" fill="none" stroke="\##(isBest ? "#d62728" : SVGCanvas.gradient(shade))" stroke-width="\##(isBest ? "2.5" : "1.2")" stroke-opacity="\##(isBest ? "1" : "0.7")"><title>trial \##(line.trialNumber): \##(formatNumber(line.value))</title></path>"##)
    }
    let names = [info.targetName] + info.paramAxes.map { $0.name + ($0.isLog ? " (log)" : "") }
    for (i, x) in xs.enumerated() {
      c.add(##"<line x1="\##(fmt(x))" y1="\##(fmt(c.top))" x2="\##(fmt(x))" y2="\##(fmt(c.bottom))" stroke="#333"/>"##)
      c.add(c.text(names[i], x: x, y: c.bottom + 20, size: 11, anchor: "middle"))
      if i > 0 {
        let a = i - 1, axis = info.paramAxes[a]
        if axis.isCategorical {
          for (k, label) in axis.labels.enumerated() {
            c.add(c.text(label, x: x + 4, y: y(info.position(axis: a, coordinate: Double(k))) + 4, size: 10))
          }
        } else {
          for t in SVGCanvas.ticks(axis.low, axis.high, log: false, exponent: axis.isLog) where t >= axis.low && t <= axis.high {
            c.add(c.text(SVGCanvas.label(t, exponent: axis.isLog), x: x + 4, y: y(info.position(axis: a, coordinate: t)) + 4, size: 10))
          }
        }
        if info.axisHasMissing[a] {
          c.add(c.text("n/a", x: x + 4, y: y(ParallelCoordinateInfo.missingPosition) - 2, size: 10))
        }
      } else {
        for t in SVGCanvas.ticks(info.objectiveLow, info.objectiveHigh, log: false)
        where t >= info.objectiveLow && t <= info.objectiveHigh && span > 0 {
          c.add(c.text(formatAxis(t), x: x + 4, y: y((t - info.objectiveLow) / span) + 4, size: 10))
        }
      }
    }
    return c.document
  }

  public static func pareto(_ info: ParetoFrontInfo, studyName: String, names: [String] = []) -> String {
    var c = SVGCanvas(title: "Pareto front: \(studyName) (hypervolume \(formatNumber(info.hypervolume)))")
    let xs = info.points.compactMap { $0.values.count > info.xObjective ? $0.values[info.xObjective] : nil }
    let ys = info.points.compactMap { $0.values.count > info.yObjective ? $0.values[info.yObjective] : nil }
    let x = c.xScale(xs.min() ?? 0, xs.max() ?? 1), y = c.yScale(ys.min() ?? 0, ys.max() ?? 1)
    c.axes(x: x, y: y, xLabel: info.xObjective < names.count ? names[info.xObjective] : "Objective \(info.xObjective)",
           yLabel: info.yObjective < names.count ? names[info.yObjective] : "Objective \(info.yObjective)")
    for p in info.points where p.values.count > max(info.xObjective, info.yObjective) {
      c.circle(x(p.values[info.xObjective]), y(p.values[info.yObjective]), r: p.isOnFront ? 4.5 : 3,
               fill: p.isOnFront ? "#d62728" : "#9e9e9e", opacity: p.isOnFront ? 1 : 0.5,
               title: "trial \(p.trialNumber)")
    }
    return c.document
  }

  public static func importance(_ info: ImportanceInfo, studyName: String) -> String {
    var c = SVGCanvas(height: max(200, 90 + 28 * Double(info.names.count)), title: "Importances (\(info.evaluator.name)): \(studyName)")
    let labelWidth = 160.0
    let barLeft = c.left + labelWidth - 60, barRight = c.right - 60
    for (i, (name, value)) in zip(info.names, info.values).enumerated() {
      let yTop = c.top + 10 + 28 * Double(i)
      c.add(c.text(name, x: barLeft - 8, y: yTop + 15, size: 12, anchor: "end"))
      c.rect(x: barLeft, y: yTop, width: (barRight - barLeft) * value, height: 20, fill: "#1f77b4")
      c.add(c.text(String(format: "%.3f", value), x: barLeft + (barRight - barLeft) * value + 6, y: yTop + 15, size: 11))
    }
    return c.document
  }

  public static func intermediate(_ info: IntermediateValuesInfo, studyName: String) -> String {
    var c = SVGCanvas(title: "Intermediate values: \(studyName)")
    let steps = info.stepRange ?? 0...1, values = info.valueRange ?? 0...1
    let x = c.xScale(Double(steps.lowerBound), Double(steps.upperBound)), y = c.yScale(values.lowerBound, values.upperBound)
    c.axes(x: x, y: y, xLabel: "Step", yLabel: "Intermediate value")
    for curve in info.curves {
      let pts = zip(curve.steps, curve.values).filter { $0.1.isFinite }.map { (x(Double($0.0)), y($0.1)) }
      let pruned = curve.state == .pruned
      c.polyline(pts, stroke: pruned ? "#bbbbbb" : curve.state == .running ? "#ff7f0e" : "#1f77b4",
                 width: pruned ? 1 : 1.5, opacity: pruned ? 0.6 : 0.9)
    }
    return c.document
  }

  public static func slice(_ info: SliceInfo, studyName: String) -> String {
    var c = SVGCanvas(title: "Slice: \(studyName)")
    let vs = info.points.map(\.value)
    let x = info.axis.isCategorical ? c.xScale(-0.5, Double(info.axis.labels.count) - 0.5) : c.xScale(info.axis.low, info.axis.high)
    let y = c.yScale(vs.min() ?? 0, vs.max() ?? 1)
    c.axes(x: x, y: y, xLabel: info.axis.name, yLabel: info.targetName,
           xCategories: info.axis.isCategorical ? info.axis.labels : nil, xExponent: info.axis.isLog)
    let last = Double(max(1, info.points.map(\.trialNumber).max() ?? 1))
    for p in info.points {
      c.circle(x(p.x), y(p.value), fill: SVGCanvas.gradient(Double(p.trialNumber) / last), opacity: 0.85,
               title: "trial \(p.trialNumber)")
    }
    return c.document
  }

  public static func contour(_ info: ContourInfo, studyName: String) -> String {
    var c = SVGCanvas(title: "Contour: \(studyName)")
    let x = c.xScale(info.xRange.lowerBound, info.xRange.upperBound)
    let y = c.yScale(info.yRange.lowerBound, info.yRange.upperBound)
    let values = info.grid.filter(\.isFinite)
    let low = values.min() ?? 0, high = values.max() ?? 1
    let cw = (c.right - c.left) / Double(info.columns), ch = (c.bottom - c.top) / Double(info.rows)
    for row in 0..<info.rows {
      for col in 0..<info.columns {
        guard let v = info.value(column: col, row: row), v.isFinite else { continue }
        let t = high > low ? (v - low) / (high - low) : 0.5
        c.rect(x: c.left + Double(col) * cw, y: c.bottom - Double(row + 1) * ch, width: cw + 0.5, height: ch + 0.5,
               fill: SVGCanvas.gradient(info.direction == .minimize ? 1 - t : t))
      }
    }
    c.axes(x: x, y: y, xLabel: info.xAxis.name, yLabel: info.yAxis.name,
           xCategories: info.xAxis.isCategorical ? info.xAxis.labels : nil,
           xExponent: info.xAxis.isLog, yExponent: info.yAxis.isLog)
    for p in info.points { c.circle(x(p.x), y(p.y), r: 2.5, fill: "#000000", opacity: 0.6) }
    return c.document
  }

  /// The empirical distribution: a step line of the share of trials at or below each value.
  public static func edf(_ info: EDFInfo, studyName: String) -> String {
    var c = SVGCanvas(title: "Empirical distribution: \(studyName)")
    let vs = info.steps.map(\.value)
    let x = c.xScale(vs.min() ?? 0, vs.max() ?? 1), y = c.yScale(0, 1)
    c.axes(x: x, y: y, xLabel: info.targetName, yLabel: "Cumulative probability")
    var pts: [(Double, Double)] = []
    var previous = 0.0
    for s in info.steps {
      pts.append((x(s.value), y(previous)))
      pts.append((x(s.value), y(s.fraction)))
      previous = s.fraction
    }
    c.polyline(pts, stroke: "#1f77b4", width: 2)
    return c.document
  }
}
