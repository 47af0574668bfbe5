import Foundation
import HPO
import HPOAnalysis
import Terminal
import Testing

@testable import Dashboard

/// Rendered screens at 80×24 and 200×50 for every tab and overlay, plus tiny sizes.
@Suite struct ScreenTests {
  static let sizes = [(80, 24), (200, 50)]

  /// What each tab shows for the fixture (a stable substring).
  static func marker(_ tab: PlotTab, objectives: Int) -> String {
    switch tab.id {
    case "history": return "by trial"
    case "parallel": return "lr (log)"
    case "pareto": return objectives == 1 ? "the study has one objective" : "front"
    case "importance": return "lr"
    case "intermediate": return "by step"
    case "slice": return "vs lr (log)"
    case "contour": return "x=lr y=layers"
    case "timeline": return "lane"
    case "edf": return "share of trials"
    case "pbt": return "PBT segment"
    case "cmaes": return "no CMA-ES generation"
    default: return "unknown tab \(tab.id)"
    }
  }

  @Test func header80x24() {
    let lines = Fixture.lines(Fixture.state())
    #expect(lines.count == 24)
    #expect(lines[0] == " hpotop fixture  RUNNING  [watch]  sampler tpe  pruner median  sqlite:///tmp/fi…")
    #expect(lines[1] == " 20 trials: 14 complete 2 running 3 pruned 1 fail 0 waiting  best 1 (#15)")
    #expect(lines[2].hasPrefix(" elapsed 5m00s  3.6 trials/min  ETA 6m07s (18/40)"))
    #expect(lines[3].hasPrefix("╭ Trials (20) ─"))
    #expect(lines[4].hasPrefix("│#↓ State    value    Duration Started  lr        layers optimizer momentum"))
    #expect(lines[5].hasPrefix("│19 RUNNING  (2.1333)    1m50s "))
    #expect(lines[7].hasPrefix("│17 COMPLETE  2             8s "))
    #expect(lines[22] == " sort: # ↓")
    #expect(lines[23].hasPrefix(" ? Help  q Quit  Enter Detail  / Filter  s Sort  Tab Plot  k Prune"))
  }

  @Test(arguments: PlotTab.allCases, [1, 2])
  func everyTabAtBothSizes(_ tab: PlotTab, objectives: Int) {
    for (w, h) in Self.sizes {
      var s = Fixture.state(objectives: objectives, width: w, height: h)
      s.tab = tab
      if tab == .importance {
        let input = AnalysisInput(trials: s.snapshot.trials, directions: s.snapshot.directions)
        _ = update(&s, .importance(ImportanceResult(kind: .fanova, completeCount: 14, info: ImportanceInfo(input))))
      }
      let text = Fixture.text(s)
      #expect(text.contains(Self.marker(tab, objectives: objectives)), "\(tab) \(w)x\(h):\n\(text)")
      #expect(text.contains("\(tab.rawValue + 1) \(tab.title)".prefix(5)))
      if tab == .pareto && objectives == 2 && h >= 50 { #expect(text.contains("hypervolume")) }
      #expect(Fixture.lines(s).count == h)
    }
  }

  @Test func wideScreenPutsTableAndPlotSideBySide() {
    let lines = Fixture.lines(Fixture.state(width: 200, height: 50))
    #expect(lines[3].contains("╭ Trials (20) ") && lines[3].contains("╮╭ Plots "))
    // All 20 trials fit.
    #expect(lines.contains { $0.hasPrefix("│ 0 COMPLETE") })
  }

  @Test func importanceShowsComputingUntilTheResultArrives() {
    var s = Fixture.state()
    _ = update(&s, .key(.char("4")))
    guard case .computeImportance(let kind, let trials, _, let count)? = s.commands.first else {
      Issue.record("no importance command: \(s.commands)")
      return
    }
    #expect(kind == .fanova && count == 14 && trials.count == 14)
    #expect(Fixture.text(s).contains("computing"))
    let input = AnalysisInput(trials: trials, directions: [.minimize])
    _ = update(&s, .importance(ImportanceResult(kind: .fanova, completeCount: count, info: ImportanceInfo(input))))
    let text = Fixture.text(s)
    #expect(!text.contains("computing"))
    #expect(text.contains("fANOVA (m: switch)"))
    #expect(text.contains("layers") && text.contains("█"))
    // Same trial count: no new computation.
    s.commands.removeAll()
    _ = update(&s, .snapshot(Fixture.snapshot(revision: 2)))
    #expect(s.commands.isEmpty)
    // `m` switches to Sobol, then MDI, each computed separately.
    _ = update(&s, .key(.char("m")))
    if case .computeImportance(.sobol, _, _, _)? = s.commands.first {} else { Issue.record("no Sobol request") }
    s.commands.removeAll()
    let sobol = ForestSobol(options: .init(replicates: 0)).evaluate(ImportanceDataset(input))
    _ = update(&s, .importance(ImportanceResult(kind: .sobol, completeCount: count, info: nil, sobol: sobol)))
    _ = update(&s, .key(.char("m")))
    if case .computeImportance(.mdi, _, _, _)? = s.commands.first {} else { Issue.record("no MDI request") }
  }

  @Test func helpOverlayListsSectionsAndDisabledReasons() {
    var s = Fixture.state(width: 100, height: 50)
    _ = update(&s, .key(.down))  // select #18 (running)
    _ = update(&s, .key(.down))  // #17 complete
    _ = update(&s, .key(.function(1)))
    let text = Fixture.text(s)
    #expect(text.contains("Help — keys"))
    for section in Binding.Section.allCases { #expect(text.contains(section.rawValue)) }
    #expect(text.contains("k/F9"))
    #expect(text.contains("(trial 17 is not running)"))
    _ = update(&s, .key(.escape))
    #expect(!Fixture.text(s).contains("Help — keys"))
  }

  @Test func detailShowsParamsAttrsReasonsAndCurve() {
    var s = Fixture.state(width: 100, height: 60)
    s.selectedNumber = 7
    s.table.selected = s.rows.firstIndex { s.snapshot.trials[$0].number == 7 }
    _ = update(&s, .key(.enter))
    let text = Fixture.text(s)
    #expect(text.contains("Trial 7 (Esc closes"))
    #expect(text.contains("State FAIL"))
    #expect(text.contains("lr = 0.001   float [1e-05, 0.1] log"))
    #expect(text.contains("optimizer = adam   one of adam, sgd"))
    #expect(text.contains("Fail reason: exit code 1"))
    #expect(text.contains("Intermediate values (6 steps"))
    // Trial 3 has a user attr.
    var u = Fixture.state(width: 100, height: 60)
    u.overlay = .detail(number: 3, scroll: 0)
    #expect(Fixture.text(u).contains("note = \"hello\""))
  }

  @Test func detailWrapsALongAttrInsteadOfCuttingIt() throws {
    var s = Fixture.state(width: 80, height: 40)
    let long = (0..<30).map { "v\($0)" }.joined(separator: "-")  // 139 characters
    var trials = s.snapshot.trials
    let i = trials.firstIndex { $0.number == 3 }!
    trials[i].userAttrs["run_id"] = .string(long)
    s.snapshot = StudySnapshot(studyID: 1, studyName: s.snapshot.studyName, directions: s.snapshot.directions,
                               trials: trials, takenAt: Fixture.t0, revision: s.snapshot.revision + 1)
    s.overlay = .detail(number: 3, scroll: 0)
    let lines = Fixture.lines(s)
    // The value's start and end are both on screen, on consecutive rows of the box.
    let text = lines.joined(separator: "\n")
    let first = try #require(lines.firstIndex { $0.contains("run_id = \"v0-v1-") }, "\(text)")
    #expect(lines[first + 1].contains("v29\""), "\(text)")
  }

  @Test func detailShowsLogTailsFromTheTrialDirectory() throws {
    let dir = NSTemporaryDirectory() + "hpotop-dash-\(UUID().uuidString.prefix(6))"
    try FileManager.default.createDirectory(atPath: dir + "/trials/5", withIntermediateDirectories: true)
    try "epoch 1\nepoch 2 done\n".write(toFile: dir + "/trials/5/stdout.log", atomically: true, encoding: .utf8)
    try "warning: slow\n".write(toFile: dir + "/trials/5/stderr.log", atomically: true, encoding: .utf8)
    var s = Fixture.state(width: 100, height: 70)
    s.info.trialsDirectory = dir + "/trials"
    s.overlay = .detail(number: 5, scroll: 0)
    let text = Fixture.text(s)
    #expect(text.contains("stdout.log") && text.contains("epoch 2 done"))
    #expect(text.contains("stderr.log") && text.contains("warning: slow"))
  }

  @Test func tinySizesNeverCrash() {
    var states: [AppState] = []
    for tab in PlotTab.allCases {
      for objectives in [1, 2] {
        var s = Fixture.state(objectives: objectives)
        s.tab = tab
        states.append(s)
      }
    }
    var overlays = Fixture.state()
    for o: Overlay in [
      .help(scroll: 3), .detail(number: 7, scroll: 2), .filter(text: "lr <"),
      .confirm(ConfirmDialog(title: "Prune trial 18?", message: "m", command: .requestPrune(trialID: 19, number: 18))),
      .picker(ParamPicker(purpose: .fix, entries: [("lr", .double(0.1))], selected: 0)),
      .fixValue(FixDialog(field: ParamField(name: "lr", distribution: Fixture.lr, text: "0.5"))),
      .enqueue(EnqueueForm(distributions: overlays.snapshot.distributions, from: overlays.snapshot.trials[0], trials: overlays.snapshot.trials)),
    ] {
      overlays.overlay = o
      states.append(overlays)
    }
    var empty = AppState(info: DashboardInfo(mode: .watch, storageURL: "x"))
    states.append(empty)
    empty.plotMaximized = true
    states.append(empty)
    for s in states {
      for (w, h) in [(0, 0), (1, 1), (2, 1), (3, 3), (10, 5), (20, 8), (40, 12), (79, 13)] {
        let lines = Fixture.lines(s, width: w, height: h)
        #expect(lines.count == h)
      }
    }
  }

  @Test func emptyStudySaysWaiting() {
    var s = AppState(info: DashboardInfo(mode: .watch, storageURL: "sqlite:///x.db"), theme: .builtinMono)
    #expect(Fixture.text(s).contains("loading trials…"))
    _ = update(&s, .snapshot(StudySnapshot(studyID: 1, studyName: "new", directions: [.minimize], trials: [])))
    let text = Fixture.text(s)
    #expect(text.contains("waiting for trials…"))
    #expect(text.contains("no completed trials yet"))
  }

  @Test func pausedAndFixedParamsShowInTheHeader() {
    var s = Fixture.state(width: 120, height: 30)
    s.snapshot.systemAttrs["hpotop:paused"] = .bool(true)
    s.snapshot.systemAttrs["hpotop:fixed_params"] = .object(["lr": .double(0.01)])
    let lines = Fixture.lines(s)
    #expect(lines[0].contains(" PAUSED "))
    #expect(lines[2].contains("fixed: lr=0.01"))
    // Line 1's state says it once; line 3 does not repeat it.
    #expect(!lines[2].contains("PAUSED"))
  }

  @Test func defaultThemeColoursStatesAndSelection() {
    var s = Fixture.state(theme: .builtinDefault)
    s.tab = .history
    let buf = view(s, area: Rect(width: 80, height: 24))
    // Row of #19 (selected) uses selected_bg; the state cell of #17 is COMPLETE-coloured.
    #expect(buf.cell(x: 2, y: 5).style.bg == Theme.builtinDefault.color("selected_bg"))
    #expect(buf.cell(x: 5, y: 7).style.fg == Theme.builtinDefault.color("complete"))
    #expect(buf.cell(x: 5, y: 10).style.fg == Theme.builtinDefault.color("pruned"))
  }
}
