import Foundation
import HPOAnalysis
import Terminal

/// The Importance tab for Sobol indices: one row per param (most important first) with a bar to
/// the main-effect share and a whisker `├─┤` over its interval, then, where rows are left, a
/// heat map of the pairwise interaction indices (row param × column param).
func drawSobolImportance(_ s: SobolIndices, _ state: AppState, _ buf: inout Buffer, _ area: Rect) {
  let theme = state.theme
  guard !s.params.isEmpty, area.width >= 20, area.height >= 1 else {
    return message("no params to rank", state, &buf, area)
  }
  let order = s.params.indices.sorted { s.shares[$0].value > s.shares[$1].value }
  let labelWidth = min(max(4, s.params.map(\.count).max() ?? 4), area.width / 4)
  let textWidth = 22  // " 0.415 [0.39, 0.44] "
  let barWidth = max(4, area.width - labelWidth - textWidth - 2)
  let x0 = area.x + labelWidth + 1
  let heatRows = s.params.count > 1 ? s.params.count + 2 : 0
  let rows = min(order.count, max(1, area.height - (area.height >= order.count + heatRows ? heatRows : 0)))
  func column(_ v: Double) -> Int { x0 + min(barWidth - 1, max(0, Int((v * Double(barWidth - 1)).rounded()))) }
  for (r, i) in order.prefix(rows).enumerated() {
    let y = area.y + r
    let e = s.shares[i]
    buf.setString(x: area.x, y: y, s.params[i], style: Style(), maxWidth: labelWidth)
    let color = Style(fg: theme.gradient(1 - Double(r) / Double(max(1, order.count - 1))))
    let end = column(e.value)
    if e.value > 0 { buf.setString(x: x0, y: y, String(repeating: "█", count: max(1, end - x0 + 1)), style: color) }
    let lo = column(e.low), hi = column(e.high)
    if hi > lo {
      for x in (lo + 1)..<hi where x > end { buf.setString(x: x, y: y, "─", style: theme.dim) }
      if lo > end || e.value <= 0 { buf.setString(x: lo, y: y, "├", style: theme.fg("accent")) }
      buf.setString(x: hi, y: y, "┤", style: theme.fg("accent"))
    } else {
      buf.setString(x: lo, y: y, "│", style: theme.fg("accent"))
    }
    let text = String(format: "%.3f [%.2f, %.2f]", e.value, e.low, e.high)
    buf.setString(x: x0 + barWidth + 1, y: y, text, style: theme.dim, maxWidth: textWidth)
  }
  // Interaction heat map below, when every row fits.
  let top = area.y + rows + 1
  guard s.params.count > 1, rows == order.count, top + s.params.count < area.bottom else { return }
  let maxPair = max(1e-9, s.pairs.map(\.index.value).max() ?? 0)
  let cell = 6
  let fits = max(1, min(order.count, (area.width - labelWidth - 1) / cell))
  buf.setString(
    x: area.x, y: top, "interactions S_ij (share of variance; colour: low → high, max \(String(format: "%.3f", maxPair)))",
    style: theme.dim, maxWidth: area.width)
  for (c, j) in order.prefix(fits).enumerated() {
    buf.setString(x: x0 + c * cell, y: top + 1, String(s.params[j].prefix(cell - 1)), style: theme.dim, maxWidth: cell - 1)
  }
  for (r, i) in order.enumerated() where top + 2 + r < area.bottom {
    let y = top + 2 + r
    buf.setString(x: area.x, y: y, s.params[i], style: Style(), maxWidth: labelWidth)
    for (c, j) in order.prefix(fits).enumerated() {
      let x = x0 + c * cell
      guard i != j, let e = s.interaction(s.params[i], s.params[j]) else {
        buf.setString(x: x, y: y, "  ·  ", style: theme.dim)
        continue
      }
      let t = e.value / maxPair
      let bg = theme.gradient(t)
      let text = String(format: "%.2f", e.value).replacingOccurrences(of: "0.", with: " .")
      buf.setString(x: x, y: y, text.padding(toLength: cell - 1, withPad: " ", startingAt: 0),
                    style: Style(fg: bg == nil ? nil : .rgb(0, 0, 0), bg: bg, modifiers: bg == nil && t > 0.5 ? .bold : []))
    }
  }
}
