import Foundation
import HPO
import Terminal

/// The study picker `hpotop watch` shows when a storage holds several studies.
public enum StudyPicker {
  /// Draws the picker.
  public static func draw(_ studies: [StudySummary], selected: Int, theme: Theme, into buf: inout Buffer, area: Rect) {
    guard !area.isEmpty else { return }
    let block = paneBlock(" Pick a study (Enter opens, q quits) ", theme)
    let inner = area.width >= 3 && area.height >= 3 ? block.inner(area) : area
    if inner != area { block.render(area: area, buffer: &buf) }
    let rows = studies.map { s in
      Row([Line(s.name), Line(String(s.trialCount), alignment: .right),
           Line(s.directions.map { $0.rawValue.lowercased() }.joined(separator: ",")),
           Line(s.datetimeStart.map(clockText) ?? "")])
    }
    var ts = TableState(selected: studies.isEmpty ? nil : selected)
    Table(rows: rows, header: Row(["Study", "Trials", "Directions", "Started"]),
          widths: [.fill(1), .length(8), .length(22), .length(9)],
          headerStyle: Style(fg: theme.color("header_fg"), bg: theme.color("header_bg"), modifiers: .bold),
          highlightStyle: theme.selected).render(area: inner, buffer: &buf, state: &ts)
  }

  /// The study on screen row `y` (border and header take the first two rows), nil off the rows.
  /// The table scrolls only once the list is taller than the screen, and then keeps the
  /// selection in view, so rows map one to one while they fit.
  static func row(at y: Int, count: Int, area: Rect) -> Int? {
    let visible = area.height - 3
    guard count <= visible else { return nil }
    let i = y - area.y - 2
    return i >= 0 && i < count ? i : nil
  }

  /// Runs the picker on a terminal; nil when the user quits.
  public static func run<B: Backend>(_ terminal: inout Terminal<B>, studies: [StudySummary], theme: Theme) -> StudySummary? {
    var selected = 0
    while true {
      terminal.draw { frame in draw(studies, selected: selected, theme: theme, into: &frame.buffer, area: frame.area) }
      guard let e = terminal.pollEvent(timeout: .milliseconds(500)) else { continue }
      if case .mouse(let m) = e {
        // A click on a row selects it; a click on the selected row opens it. The wheel moves.
        let area = Rect(width: terminal.area.width, height: terminal.area.height)
        switch m.kind {
        case .press(button: 1):
          guard let i = row(at: m.y, count: studies.count, area: area) else { continue }
          if i == selected { return studies[i] }
          selected = i
        case .wheelUp: selected = max(0, selected - 1)
        case .wheelDown: selected = min(studies.count - 1, selected + 1)
        default: break
        }
        continue
      }
      guard case .key(let k) = e else { continue }
      switch k {
      case .up: selected = max(0, selected - 1)
      case .down: selected = min(studies.count - 1, selected + 1)
      case .home: selected = 0
      case .end: selected = max(0, studies.count - 1)
      case .enter: return studies.isEmpty ? nil : studies[selected]
      case .char("q"), .escape, .function(10): return nil
      default: break
      }
    }
  }
}
