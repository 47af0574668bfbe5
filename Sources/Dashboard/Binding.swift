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
  case scrollLeft, scrollRight, jumpRunning
  case note
  case rerunSeeds
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
    Binding([.char("q"), .function(10)], .quit, label: "Quit", "Quit hpotop; while `run` has trials running, asks: cancel, drain or stop now", section: .general, footer: true),
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
    Binding([.left], .scrollLeft, label: "◂ Params", "Scroll the param columns left (when they do not all fit)", section: .navigation),
    Binding([.right], .scrollRight, label: "Params ▸", "Scroll the param columns right (when they do not all fit)", section: .navigation),
    Binding([.char("r")], .jumpRunning, label: "Running", "Jump to the next running trial (on the first row, the table follows new trials)", section: .navigation, disabledReason: { s in
      (s.cachedCounts[.running] ?? 0) == 0 ? "no trial is running" : nil }),
    Binding([.tab, .char("]")], .nextTab, label: "Plot", "Next plot tab", section: .plots, footer: true),
    Binding([.backTab, .char("[")], .previousTab, label: "Prev plot", "Previous plot tab", section: .plots),
    Binding((1...9).map { .char(Character("\($0)")) }, .showTab, label: "Tab",
            "Show plot tab N, in tab-bar order (listed below)", section: .plots),
    Binding([.char("z")], .maximizePlot, label: "Zoom", "Show the plot full-size / beside the table", section: .plots),
    Binding([.char("t")], .topK, label: "Top-k", "Parallel coordinates: all trials, the best 10, the best 50", section: .plots, disabledReason: { s in
      s.tab == .parallel ? nil : "only on the parallel tab" }),
    Binding([.char("o")], .nextObjective, label: "Objective", "Next objective (history, parallel, slice, contour, importance, EDF)", section: .plots, disabledReason: { s in
      s.snapshot.directions.count < 2 ? "the study has one objective" : nil }),
    Binding([.char("l")], .logScale, label: "Log", "Log value axis (history, curves, slice, EDF, CMA-ES)", section: .plots, disabledReason: { s in
      [.history, .intermediate, .slice, .edf, .cmaes].contains(s.tab) ? nil : "not on this tab" }),
    Binding([.char("A")], .allTrials, label: "All trials", "Plot every trial (else the newest \(plotTrialLimit), for speed)", section: .plots),
    Binding([.char("<")], .moveAxisLeft, label: "Axis ◂", "Parallel coordinates: move the focused axis left", section: .plots, disabledReason: { s in
      s.tab == .parallel ? nil : "only on the parallel tab" }),
    Binding([.char(">")], .moveAxisRight, label: "Axis ▸", "Parallel coordinates: move the focused axis right", section: .plots, disabledReason: { s in
      s.tab == .parallel ? nil : "only on the parallel tab" }),
    Binding([.char("h")], .hideAxis, label: "Hide axis", "Parallel coordinates: hide the focused axis", section: .plots, disabledReason: { s in
      s.tab == .parallel ? nil : "only on the parallel tab" }),
    Binding([.char("H")], .showAllAxes, label: "All axes", "Parallel coordinates: show the hidden axes again", section: .plots, disabledReason: { s in
      s.tab != .parallel ? "only on the parallel tab" : (s.plots.hiddenAxes.isEmpty ? "no axis is hidden" : nil) }),
    Binding([.char("m")], .importanceKind, label: "Evaluator", "Importance: switch fANOVA / Sobol (intervals, interactions) / MDI / PED-ANOVA (top 10%)", section: .plots, disabledReason: { s in
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
    Binding([.char("n")], .note, label: "Note", "Write the selected trial's note (the one optuna-dashboard shows)", section: .control, disabledReason: noTrial),
    Binding([.char("R")], .rerunSeeds, label: "Re-run", "Re-run the selected configuration \(rerunSeedCount) more times with other seeds", section: .control, disabledReason: { s in
      guard let t = s.selectedTrial else { return "no trial selected" }
      return t.params.isEmpty ? "trial \(t.number) has no params yet" : nil }),
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
    out += "\n## Dialogs\n\nIn text fields (filter, enqueue, fix, note) other keys type. Mouse: a click selects a row or a tab, the wheel scrolls.\n\n"
    out += "| Keys | In | Description |\n|---|---|---|\n"
    for b in dialog {
      let keys = b.keys.map { "`\($0.description)`" }.joined(separator: " ")
      out += "| \(keys) | \(b.dialogs.map(\.rawValue).joined(separator: ", ")) | \(b.description) |\n"
    }
    return out
  }
}

/// What a key does in a dialog or overlay.
public enum DialogAction: String, Sendable, CaseIterable {
  case close, confirm
  case up, down, pageUp, pageDown, home, end
  case previousField, nextField, previousChoice, nextChoice
  case clearText, backspace, toggle
  case drain, stopNow
}

/// The dialogs and overlays, as named in help and docs.
public enum DialogKind: String, Sendable, CaseIterable {
  case help, detail, filter, confirm, picker, fix, enqueue, quit, note
}

/// A key of one or more dialogs: the dialog half of the one binding table.
public struct DialogBinding: Sendable {
  public var keys: [Key]
  public var action: DialogAction
  public var dialogs: [DialogKind]
  public var description: String

  public init(_ keys: [Key], _ action: DialogAction, _ dialogs: [DialogKind], _ description: String) {
    self.keys = keys
    self.action = action
    self.dialogs = dialogs
    self.description = description
  }

  /// Keys as shown to users.
  public var keyText: String { keys.map(\.description).joined(separator: "/") }
}

extension Bindings {
  /// Dialog keys, in help order. A key may appear twice only for disjoint dialogs.
  public static let dialog: [DialogBinding] = [
    DialogBinding([.escape], .close, DialogKind.allCases, "Close without acting (cancel)"),
    DialogBinding([.char("q")], .close, [.help, .detail, .confirm, .picker, .quit], "Close, as Esc (text fields type it)"),
    DialogBinding([.char("?"), .function(1), .enter], .close, [.help], "Close the help"),
    DialogBinding([.enter, .backspace], .close, [.detail], "Close the detail"),
    DialogBinding([.enter], .confirm, [.filter, .confirm, .picker, .fix, .enqueue, .note], "Apply, confirm, choose or save"),
    DialogBinding([.char("y"), .char("Y")], .confirm, [.confirm], "Yes"),
    DialogBinding([.char("n"), .char("N")], .close, [.confirm], "No"),
    DialogBinding([.char("c")], .close, [.quit], "Cancel: keep running"),
    DialogBinding([.char("d")], .drain, [.quit], "Drain: start no new trial, quit when the running ones end"),
    DialogBinding([.char("s")], .stopNow, [.quit], "Stop now: interrupt running trials (they are queued again)"),
    DialogBinding([.up], .up, [.help, .detail, .picker], "Scroll or move up"),
    DialogBinding([.down], .down, [.help, .detail, .picker], "Scroll or move down"),
    DialogBinding([.pageUp], .pageUp, [.help, .detail], "Scroll one page up"),
    DialogBinding([.pageDown], .pageDown, [.help, .detail], "Scroll one page down"),
    DialogBinding([.home], .home, [.help, .detail, .picker], "To the top"),
    DialogBinding([.end], .end, [.help, .detail, .picker], "To the bottom"),
    DialogBinding([.up, .backTab], .previousField, [.enqueue], "Previous field"),
    DialogBinding([.down, .tab], .nextField, [.enqueue], "Next field"),
    DialogBinding([.left], .previousChoice, [.enqueue, .fix], "Previous choice of a categorical param"),
    DialogBinding([.right], .nextChoice, [.enqueue, .fix], "Next choice of a categorical param"),
    DialogBinding([.ctrl("u")], .clearText, [.filter, .enqueue, .fix, .note], "Clear the field"),
    DialogBinding([.backspace], .backspace, [.filter, .enqueue, .fix, .note], "Delete the last character"),
    DialogBinding([.char(" ")], .toggle, [.enqueue], "On the last row: toggle skip-if-exists (elsewhere types a space)"),
  ]

  /// What `key` does in dialog `kind`, nil when it is not bound there (text fields then type it).
  public static func dialogAction(for key: Key, in kind: DialogKind) -> DialogAction? {
    dialog.first { $0.dialogs.contains(kind) && $0.keys.contains(key) }?.action
  }
}
