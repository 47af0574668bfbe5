import Foundation
import HPO
import Terminal

/// Everything a key can do on the main screen.
public enum Action: String, Sendable, CaseIterable {
  case quit, help, closeOverlay
  case up, down, pageUp, pageDown, home, end
  case detail, filter, sortNext, sortReverse
  case nextTab, previousTab
  case showTab
  case maximizePlot, topK, importanceKind, cycleParam, cycleParam2
  case nextObjective, logScale, allTrials, moveAxisLeft, moveAxisRight, hideAxis, showAllAxes
  case prune, enqueue, pause, fix, unfix, markFailed
}

/// One key binding: the single table the footer, the help overlay and `docs/keys.md` come from.
public struct Binding: Sendable {
  /// The sections of help and docs, in order.
  public enum Section: String, Sendable, CaseIterable {
    case general = "General"
    case navigation = "Trial table"
    case plots = "Plots"
    case control = "Study control"
  }

  public var keys: [Key]
  public var action: Action
  /// Short label for the footer.
  public var label: String
  /// One line for help and docs.
  public var description: String
  public var section: Section
  public var shownInFooter: Bool
  /// Why the action cannot run now (nil: it can). Shown in help and as a status message.
  public var disabledReason: @Sendable (AppState) -> String?

  public init(
    _ keys: [Key], _ action: Action, label: String, _ description: String, section: Section,
    footer: Bool = false, disabledReason: @escaping @Sendable (AppState) -> String? = { _ in nil }
  ) {
    self.keys = keys
    self.action = action
    self.label = label
    self.description = description
    self.section = section
    self.shownInFooter = footer
    self.disabledReason = disabledReason
  }

  /// Keys as shown to users: `k/F9`; a run of more than three keys as `1…9`.
  public var keyText: String {
    if keys.count > 3, let first = keys.first, let last = keys.last { return "\(first)…\(last)" }
    return keys.map(\.description).joined(separator: "/")
  }
}

/// The binding table and lookups over it.
public enum Bindings {
  static func noTrial(_ s: AppState) -> String? { s.selectedTrial == nil ? "no trial selected" : nil }

  static func running(_ s: AppState) -> String? {
    guard let t = s.selectedTrial else { return "no trial selected" }
    return t.state == .running ? nil : "trial \(t.number) is not running"
  }

  /// The table, in help order.
  public static let all: [Binding] = [
    Binding([.char("?"), .function(1)], .help, label: "Help", "Show or hide this help", section: .general, footer: true),
    Binding([.char("q"), .function(10)], .quit, label: "Quit", "Quit hpotop (a running study keeps its trials)", section: .general, footer: true),
    Binding([.escape], .closeOverlay, label: "Back", "Close a dialog or overlay; clear the filter", section: .general),
    Binding([.up], .up, label: "Up", "Select the previous trial", section: .navigation),
    Binding([.down], .down, label: "Down", "Select the next trial", section: .navigation),
    Binding([.pageUp], .pageUp, label: "PgUp", "Scroll one page up", section: .navigation),
    Binding([.pageDown], .pageDown, label: "PgDn", "Scroll one page down", section: .navigation),
    Binding([.home], .home, label: "Top", "Select the first row", section: .navigation),
    Binding([.end], .end, label: "Bottom", "Select the last row", section: .navigation),
    Binding([.enter], .detail, label: "Detail", "Trial detail: params, values, curve, attrs, logs", section: .navigation, footer: true, disabledReason: noTrial),
    Binding([.char("/")], .filter, label: "Filter", "Filter rows: running, state=pruned, lr < 0.01 and optimizer == adam", section: .navigation, footer: true),
    Binding([.char("s"), .function(6)], .sortNext, label: "Sort", "Sort by the next column", section: .navigation, footer: true),
    Binding([.char("S")], .sortReverse, label: "Reverse", "Reverse the sort order", section: .navigation),
    Binding([.tab, .char("]")], .nextTab, label: "Plot", "Next plot tab", section: .plots, footer: true),
    Binding([.backTab, .char("[")], .previousTab, label: "Prev plot", "Previous plot tab", section: .plots),
    Binding((1...9).map { .char(Character("\($0)")) }, .showTab, label: "Tab",
            "Show plot tab N, in tab-bar order (listed below)", section: .plots),
    Binding([.char("z")], .maximizePlot, label: "Zoom", "Show the plot full-size / beside the table", section: .plots),
    Binding([.char("t")], .topK, label: "Top-k", "Parallel coordinates: all trials, the best 10, the best 50", section: .plots, disabledReason: { s in
      s.tab == .parallel ? nil : "only on the parallel tab" }),
    Binding([.char("o")], .nextObjective, label: "Objective", "Next objective (history, parallel, slice, contour, importance, EDF)", section: .plots, disabledReason: { s in
      s.snapshot.directions.count < 2 ? "the study has one objective" : nil }),
    Binding([.char("l")], .logScale, label: "Log", "Log value axis (history, curves, slice, EDF)", section: .plots, disabledReason: { s in
      [.history, .intermediate, .slice, .edf].contains(s.tab) ? nil : "not on this tab" }),
    Binding([.char("A")], .allTrials, label: "All trials", "Plot every trial (else the newest \(plotTrialLimit), for speed)", section: .plots),
    Binding([.char("<")], .moveAxisLeft, label: "Axis ◂", "Parallel coordinates: move the focused axis left", section: .plots, disabledReason: { s in
      s.tab == .parallel ? nil : "only on the parallel tab" }),
    Binding([.char(">")], .moveAxisRight, label: "Axis ▸", "Parallel coordinates: move the focused axis right", section: .plots, disabledReason: { s in
      s.tab == .parallel ? nil : "only on the parallel tab" }),
    Binding([.char("h")], .hideAxis, label: "Hide axis", "Parallel coordinates: hide the focused axis", section: .plots, disabledReason: { s in
      s.tab == .parallel ? nil : "only on the parallel tab" }),
    Binding([.char("H")], .showAllAxes, label: "All axes", "Parallel coordinates: show the hidden axes again", section: .plots, disabledReason: { s in
      s.tab != .parallel ? "only on the parallel tab" : (s.plots.hiddenAxes.isEmpty ? "no axis is hidden" : nil) }),
    Binding([.char("m")], .importanceKind, label: "fANOVA/MDI", "Importance: switch fANOVA / mean decrease impurity", section: .plots, disabledReason: { s in
      s.tab == .importance ? nil : "only on the importance tab" }),
    Binding([.char("c")], .cycleParam, label: "Param", "Slice/contour: next param; Pareto: next x objective; parallel: focus the next axis", section: .plots, disabledReason: { s in
      [.slice, .contour, .pareto, .parallel].contains(s.tab) ? (s.tab != .pareto && s.paramNames.isEmpty ? "the study has no params" : nil)
        : "only on the slice, contour, parallel and Pareto tabs" }),
    Binding([.char("C")], .cycleParam2, label: "Param 2", "Contour: next y param; Pareto: next y objective; parallel: focus the previous axis", section: .plots, disabledReason: { s in
      [.contour, .pareto, .parallel].contains(s.tab) ? nil : "only on the contour, parallel and Pareto tabs" }),
    Binding([.char("k"), .function(9)], .prune, label: "Prune", "Prune (kill) the selected running trial", section: .control, footer: true, disabledReason: running),
    Binding([.char("x")], .markFailed, label: "Fail", "Mark the selected running trial failed", section: .control, disabledReason: running),
    Binding([.char("e")], .enqueue, label: "Enqueue", "Enqueue a trial, pre-filled from the selected (or best) trial", section: .control, footer: true, disabledReason: { s in
      s.enqueueDistributions.isEmpty ? "the study has no params yet" : nil }),
    Binding([.char("p")], .pause, label: "Pause", "Pause / resume the study (no new trials start)", section: .control, footer: true),
    Binding([.char("f")], .fix, label: "Fix", "Fix a param for new trials: pick it, type its value (pre-filled from the selected or best trial)", section: .control, disabledReason: { s in
      s.enqueueDistributions.isEmpty ? "the study has no params yet" : nil }),
    Binding([.char("F")], .unfix, label: "Unfix", "Unfix a fixed param", section: .control, disabledReason: { s in
      s.snapshot.fixedParams.isEmpty ? "no param is fixed" : nil }),
  ]

  /// The binding for a key, if any.
  public static func binding(for key: Key) -> Binding? {
    all.first { $0.keys.contains(key) }
  }

  /// `docs/keys.md`, generated from the table.
  public static func markdown() -> String {
    var out = "# hpotop keys\n\n"
    out += "<!-- Generated from Sources/Dashboard/Binding.swift by `hpotop keys --markdown`; do not edit. -->\n\n"
    out += "The footer, the help overlay (`?`) and this page come from one binding table.\n"
    out += "In dialogs: Esc cancels, Enter confirms, Up/Down move between fields.\n"
    for section in Binding.Section.allCases {
      out += "\n## \(section.rawValue)\n\n| Keys | Action | Description |\n|---|---|---|\n"
      for b in all where b.section == section {
        let keys = b.keys.map { "`\($0.description == "|" ? "\\|" : $0.description)`" }.joined(separator: " ")
        out += "| \(keys) | \(b.label) | \(b.description) |\n"
      }
    }
    out += "\n## Plot tabs\n\n| Key | Tab | Shows |\n|---|---|---|\n"
    for tab in PlotTab.allCases {
      out += "| \(tab.rawValue < 9 ? "`\(tab.rawValue + 1)`" : "`Tab`") | \(tab.title) | \(tab.summary) |\n"
    }
    return out
  }
}
