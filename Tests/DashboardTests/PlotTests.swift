import Foundation
import HPO
import HPOAnalysis
import OrderedCollections
import Terminal
import Testing

@testable import Dashboard

/// The plot tabs as a user reads them (issue 14: honest plots; issue 20: tabs declared once).
@Suite struct PlotTests {
  /// The fixture at a size, on a tab, with the plot maximized.
  static func plot(_ tab: PlotTab, _ n: Int = 20, objectives: Int = 1, width: Int = 120, height: Int = 40, theme: Theme = .builtinMono) -> AppState {
    var s = Fixture.state(n, objectives: objectives, width: width, height: height, theme: theme)
    s.tab = tab
    s.plotMaximized = true
    return s
  }

  /// A one-objective study from values, trial i with `x = i` and the given value.
  static func study(_ values: [Double], extra: (Int) -> OrderedDictionary<String, ParamValue> = { _ in [:] }) -> StudySnapshot {
    let x = Distribution.float(try! FloatDistribution(low: 0, high: 1000))
    let trials = values.enumerated().map { i, v in
      var params: OrderedDictionary<String, ParamValue> = ["x": .float(Double(i))]
      var dists: OrderedDictionary<String, Distribution> = ["x": x]
      for (k, p) in extra(i) {
        params[k] = p
        dists[k] = p.doubleValue.map { _ in Distribution.int(try! IntDistribution(low: 1, high: 512)) } ?? x
      }
      return FrozenTrial(
        id: Int64(i + 1), number: i, state: .complete, values: [v], datetimeStart: Fixture.t0.addingTimeInterval(Double(i)),
        datetimeComplete: Fixture.t0.addingTimeInterval(Double(i) + 1), params: params, distributions: dists,
        userAttrs: [:], systemAttrs: [:], intermediateValues: [:])
    }
    return StudySnapshot(studyID: 1, studyName: "s", directions: [.minimize], trials: trials, takenAt: Fixture.t0, revision: 1)
  }

  func count(_ s: String, in text: String) -> Int { text.components(separatedBy: s).count - 1 }

  // MARK: Parallel coordinates

  @Test func parallelDrawsEveryCompleteTrialWithAnNABandForConditionalParams() {
    let s = Self.plot(.parallel)
    let text = Fixture.text(s)
    // 14 complete trials, 9 of them adam (no momentum): all drawn, none left out.
    #expect(text.contains("14 trials"), "\(text)")
    #expect(text.contains("n/a"))
    let info = ParallelCoordinateInfo(plotInput(s), params: parallelAxisNames(s))
    #expect(info.lines.count == 14)
    let complete = s.snapshot.trials.filter { $0.state == .complete }
    let best = complete.min { $0.value! < $1.value! }!
    #expect(info.lines.contains { $0.trialNumber == best.number })
    // Every adam trial (no momentum) is drawn, through the n/a band of the momentum axis.
    let adam = complete.filter { $0.params["momentum"] == nil }
    #expect(adam.count == 9)
    let m = info.paramAxes.firstIndex { $0.name == "momentum" }!
    for t in adam {
      let line = info.lines.first { $0.trialNumber == t.number }
      #expect(line?.missing[m] == true && line?.coordinates[m + 1] == ParallelCoordinateInfo.missingPosition)
    }
    #expect(text.contains("◆ best #\(best.number)"))
  }

  /// Values 1000.29…1000.31 (a Python study's): the value axis and the colour bar read as many
  /// digits as tell their ends apart, never "1000" four times.
  @Test func parallelValueLabelsTellCloseValuesApart() {
    let values = (0..<12).map { 1000.29 + 0.02 * Double($0) / 11 }
    var s = AppState(info: DashboardInfo(mode: .watch, storageURL: "x"), snapshot: Self.study(values), theme: .builtinDefault, width: 120, height: 40)
    s.tab = .parallel
    s.plotMaximized = true
    let text = Fixture.lines(s).joined(separator: "\n")
    #expect(text.contains("1000.29") && text.contains("1000.31"), "\(text)")
    #expect(text.contains("best 1000.29") && text.contains("1000.31 worst"), "\(text)")
    let labels = text.split { !$0.isNumber && $0 != "." }.filter { $0.hasPrefix("1000") }
    #expect(!labels.contains("1000"), "\(text)")
  }

  @Test func parallelLabelsAreNeverCutNumbers() {
    // batch_size up to 256: the top label reads 256, never "25".
    let snap = Self.study((0..<12).map { Double($0) }) { i in ["batch_size": .int([16, 32, 64, 128, 256][i % 5])] }
    for (w, h) in [(80, 24), (120, 40), (200, 50)] {
      var s = AppState(info: DashboardInfo(mode: .watch, storageURL: "x"), snapshot: snap, theme: .builtinMono, width: w, height: h)
      s.tab = .parallel
      s.plotMaximized = true
      let lines = Fixture.lines(s)
      let text = lines.joined(separator: "\n")
      #expect(text.contains("256"), "\(w)x\(h)\n\(text)")
      // Every token that starts like 256 is 256.
      let tokens = text.split { !$0.isNumber && $0 != "." }
      #expect(!tokens.contains("25"), "\(w)x\(h)\n\(text)")
      // The axis name sits on its axis: the column of "batch_size" has the axis line below it.
      let nameRow = lines.firstIndex { $0.contains("batch_size") && !$0.contains("axis") }!
      let col = Array(lines[nameRow]).firstIndex(of: "b")!
      let axisRows = lines[(nameRow + 1)...].filter { col < $0.count && Array($0)[col] == "│" }
      #expect(axisRows.count >= 3, "the axis line under the name: \(w)x\(h)\n\(text)")
    }
  }

  @Test func topKAndTheCapSayHowManyTrialsAreDrawn() {
    var s = Self.plot(.parallel)
    Fixture.press(&s, [.char("t")])
    #expect(Fixture.text(s).contains("10 of 14 trials (top 10)"))
    // A study over the cap: the newest 3000, said so; A lifts the cap.
    var big = AppState(info: DashboardInfo(mode: .watch, storageURL: "x"), snapshot: Self.study((0..<3005).map { Double($0 % 97) }), theme: .builtinMono, width: 120, height: 40)
    big.tab = .parallel
    big.plotMaximized = true
    #expect(Fixture.text(big).contains("3000 of 3005 trials (newest; A: all)"))
    Fixture.press(&big, [.char("A")])
    #expect(Fixture.text(big).contains("3005 trials"))
    #expect(!Fixture.text(big).contains("3000 of"))
  }

  @Test func aFilterNarrowsTheParallelPlotAndSaysSo() {
    var s = Self.plot(.parallel)
    applyFilter(&s, "optimizer == sgd")
    #expect(Fixture.text(s).contains("5 of 14 trials (filter)"))
  }

  @Test func parallelAxesCanBeFocusedMovedHiddenAndShownAgain() {
    var s = Self.plot(.parallel, width: 160, height: 40)
    #expect(parallelAxisNames(s) == ["layers", "lr", "momentum", "optimizer"])
    Fixture.press(&s, [.char("c"), .char(">")])
    #expect(parallelAxisNames(s) == ["layers", "momentum", "lr", "optimizer"])
    // The name row on screen follows.
    let row = Fixture.lines(s).first { $0.contains("layers") && $0.contains("optimizer") } ?? ""
    let order = ["layers", "momentum", "lr (log)", "optimizer"].map { row.range(of: $0)?.lowerBound }
    #expect(order.allSatisfy { $0 != nil } && order.map { $0! } == order.map { $0! }.sorted(), "\(row)")
    Fixture.press(&s, [.char("h")])
    #expect(parallelAxisNames(s) == ["layers", "momentum", "optimizer"])
    #expect(Fixture.text(s).contains("1 hidden (H)"))
    Fixture.press(&s, [.char("H")])
    #expect(parallelAxisNames(s).count == 4)
  }

  @Test func parallelHasAColourBarAndHighlightsTheSelectedTrial() {
    var s = Self.plot(.parallel, theme: .builtinDefault)
    s.selectedNumber = 3
    s.table.selected = s.rows.firstIndex { s.snapshot.trials[$0].number == 3 }
    let buf = view(s, area: Rect(width: 120, height: 40))
    let text = Fixture.text(s)
    #expect(text.contains("value best") && text.contains("worst"))
    #expect(text.contains("● #3"))
    // The bar's cells carry the gradient's two ends.
    let row = buf.lines().firstIndex { $0.contains("value best") }!
    let colours = Set((0..<120).compactMap { x in buf.cell(x: x, y: row).symbol == "█" ? buf.cell(x: x, y: row).style.fg : nil })
    #expect(colours.count >= 4)
  }

  // MARK: Pareto

  @Test func paretoSwapMovesTheDataWithTheLabels() {
    // Objective 0 spans 0…1.2, objective 1 spans 1…8: after `c` the y axis must read objective 0.
    var s = Self.plot(.pareto, objectives: 2)
    func yLabels(_ s: AppState) -> [Double] {
      Fixture.lines(s).compactMap { line -> Double? in
        guard let bar = line.firstIndex(of: "┤") else { return nil }
        return Double(line[..<bar].split(separator: "│").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "")
      }
    }
    let values = s.snapshot.trials.compactMap(\.values)
    func yLabelsAboveHV(_ s: AppState) -> [Double] {
      var t = s
      t.height = 20  // too short for the hypervolume chart: only the front's axes have ticks
      return yLabels(t)
    }
    let before = yLabelsAboveHV(s)
    #expect(Fixture.text(s).contains("x=value0 y=value1"))
    #expect((before.max() ?? 0) > (values.map { $0[0] }.max() ?? 0), "y reads objective 1: \(before)")
    Fixture.press(&s, [.char("c")])
    #expect(Fixture.text(s).contains("x=value1 y=value0"))
    let after = yLabelsAboveHV(s)
    let y0 = values.map { $0[0] }
    #expect((after.max() ?? 99) <= (y0.max() ?? 0) + 0.5, "y now reads objective 0: \(after)")
  }

  @Test func hypervolumeHistoryIsALinePlotWithAxes() {
    let s = Self.plot(.pareto, objectives: 2)
    let lines = Fixture.lines(s)
    let title = lines.firstIndex { $0.contains("hypervolume") && $0.contains("by trial") }
    #expect(title != nil, "\(lines.joined(separator: "\n"))")
    let below = lines[(title ?? 0)...].joined(separator: "\n")
    #expect(below.contains("└") && count("┤", in: below) >= 2)
  }

  @Test func threeObjectivesPickTheTwoShown() {
    var s = Self.plot(.pareto, objectives: 2)
    var trials = s.snapshot.trials
    for i in trials.indices { trials[i].values = trials[i].values.map { $0 + [Double(i)] } }
    _ = update(&s, .snapshot(StudySnapshot(
      studyID: 1, studyName: "three", directions: [.minimize, .maximize, .minimize], trials: trials,
      takenAt: Fixture.t0, revision: 2)))
    Fixture.press(&s, [.char("C")])
    #expect(Fixture.text(s).contains("x=value0 y=value2"))
  }

  // MARK: Axes, ticks, legends, log scale

  @Test func historyHasThreeTicksPerAxisVisiblePointsAndALegendOfItsOwn() {
    let s = Self.plot(.history, width: 100, height: 30)
    let lines = Fixture.lines(s)
    #expect(lines.filter { $0.contains("┤") }.count >= 3)
    let xAxis = lines.first { $0.contains("└") }!
    #expect(count("┬", in: xAxis) >= 3)
    // 14 complete trials as whole-cell markers, not single braille dots.
    #expect(count("•", in: lines.joined()) + count("◆", in: lines.joined()) >= 10)
    // The legend row has no data on it.
    let legend = lines.first { $0.contains("━ best") }!
    #expect(!legend.unicodeScalars.contains { $0.value >= 0x2801 && $0.value <= 0x28FF })
  }

  @Test func logScaleShowsImprovementsBelowFive() {
    // A branin-like history: the last improvements are below 5.
    let values: [Double] = [300, 120, 80, 40, 20, 9, 4.8, 3.1, 1.7, 0.9, 0.5, 0.41, 0.398]
    var s = AppState(info: DashboardInfo(mode: .watch, storageURL: "x"), snapshot: Self.study(values), theme: .builtinMono, width: 120, height: 40)
    s.plotMaximized = true
    func markerRows(_ s: AppState) -> Int { Set(Fixture.lines(s).enumerated().filter { $0.element.contains("•") }.map(\.offset)).count }
    let linear = markerRows(s)
    Fixture.press(&s, [.char("l")])
    let text = Fixture.text(s)
    #expect(text.contains("· log"))
    let log = markerRows(s)
    #expect(log >= linear + 4, "linear \(linear) rows, log \(log)")
    #expect(text.contains("1┤") && text.contains("10┤") && text.contains("100┤"))
  }

  @Test func sliceLabelsEveryCategoricalLevel() {
    var s = Self.plot(.slice, width: 100)
    s.paramIndex = s.paramNames.firstIndex(of: "optimizer")!
    let text = Fixture.text(s)
    #expect(text.contains("adam") && text.contains("sgd"))
  }

  @Test func sliceSpreadsAChoicesTrialsAndCountsThem() throws {
    // 40 trials of one choice with values close enough to share a row: without a spread they
    // would hide behind a marker or two.
    let base = Self.study((0..<40).map { 1 + Double($0 % 4) * 1e-3 })
    let choice = Distribution.categorical(try CategoricalDistribution(choices: [.string("adam"), .string("sgd")]))
    let trials = base.trials.map { t in
      var t = t
      t.params["opt"] = .string("adam")
      t.distributions["opt"] = choice
      return t
    }
    var s = Fixture.state(width: 100, height: 30)
    s.snapshot = StudySnapshot(studyID: 1, studyName: "s", directions: [.minimize], trials: trials, takenAt: Fixture.t0, revision: 1)
    s.tab = .slice
    s.plotMaximized = true
    s.paramIndex = s.paramNames.firstIndex(of: "opt")!
    let lines = Fixture.lines(s)
    let text = lines.joined(separator: "\n")
    #expect(text.contains("adam (40)"), "\(text)")
    // The markers cover many columns of the choice's band.
    var columns = Set<Int>()
    for l in lines where !l.contains("older") {
      for (i, c) in l.enumerated() where c == "•" || c == "▪" || c == "◆" { columns.insert(i) }
    }
    #expect(columns.count >= 10, "\(text)")
  }

  @Test func curvesHaveALegend() {
    let text = Fixture.text(Self.plot(.intermediate))
    #expect(text.contains("━ complete") && text.contains("pruned") && text.contains("running"))
  }

  @Test func monoThemeKeepsContourAndCurvesDrawn() {
    let contour = Fixture.text(Self.plot(.contour))
    #expect(Set(contour.filter { "█▓▒░".contains($0) }).count >= 3, "\(contour)")
    let curves = Fixture.text(Self.plot(.intermediate))
    #expect(curves.unicodeScalars.filter { $0.value > 0x2800 && $0.value <= 0x28FF }.count >= 20)
  }

  @Test func contourHasAColourScale() {
    let text = Fixture.text(Self.plot(.contour, theme: .builtinDefault))
    #expect(text.contains("value best") && text.contains("worst"))
  }

  // MARK: Objectives and tabs

  @Test func objectiveKeyChangesWhatEveryPlotShows() {
    for tab in [PlotTab.history, .parallel, .slice, .contour, .edf] {
      var s = Self.plot(tab, objectives: 2)
      let before = Fixture.text(s)
      Fixture.press(&s, [.char("o")])
      #expect(s.plots.objective == 1)
      let after = Fixture.text(s)
      #expect(before != after, "\(tab)")
      #expect(after.contains("value1"), "\(tab):\n\(after)")
    }
  }

  @Test func importanceFollowsTheObjective() {
    var s = Self.plot(.importance, objectives: 2)
    Fixture.press(&s, [.char("o")])
    s.commands.removeAll()
    s.importanceComputing = nil
    requestImportanceIfNeeded(&s)
    guard case .computeImportance(_, let trials, let directions, _)? = s.commands.first else {
      Issue.record("no importance request")
      return
    }
    #expect(directions == [.maximize])
    let original = Dictionary(uniqueKeysWithValues: s.snapshot.trials.map { ($0.number, $0) })
    #expect(trials.allSatisfy { $0.values == [original[$0.number]!.values![1]] })
  }

  @Test func aStaleTabErrorGoesAwayOnTheNextTab() {
    var s = Fixture.state()
    Fixture.press(&s, [.char("3")])
    #expect(Fixture.text(s).contains("Pareto: the study has one objective"))
    #expect(s.tab == .history)
    Fixture.press(&s, [.char("4")])
    #expect(s.tab == .importance)
    #expect(!Fixture.text(s).contains("one objective"))
  }

  @Test func everyTabIsDeclaredOnceAndReachedByItsNumber() {
    #expect(Set(PlotTab.allCases.map(\.id)).count == PlotTab.allCases.count)
    // Keys 1…9 reach the first nine tabs; later ones (PBT) only Tab and [ ].
    for (i, tab) in PlotTab.allCases.enumerated().prefix(9) {
      var s = Fixture.state(objectives: 2, width: 200, height: 50)
      s.plotMaximized = true
      Fixture.press(&s, [.char(Character("\(i + 1)"))])
      #expect(s.tab == tab)
      #expect(Fixture.text(s).contains("\(i + 1) \(tab.title)"))
      #expect(Bindings.markdown().contains(tab.summary))
    }
    // Tab walks every tab of a two-objective study and skips Pareto on a one-objective one.
    var s = Fixture.state()
    var seen: [String] = []
    for _ in PlotTab.allCases { Fixture.press(&s, [.tab]); seen.append(s.tab.id) }
    #expect(!seen.contains("pareto") && seen.contains("edf") && seen.contains("timeline"))
  }

  /// Issue 20: a tab is one declaration; a test adds a dummy one and finds it everywhere.
  @Test func anAddedTabAppearsInTheTabBarKeysHelpAndDocs() {
    let dummy = PlotTab(id: "dummy", title: "Dummy", summary: "a tab a test added") { state, buf, area in
      buf.setString(x: area.x, y: area.y, "dummy plot of \(state.snapshot.trials.count) trials")
    }
    PlotTab.$added.withValue([dummy]) {
      #expect(PlotTab.allCases.last == dummy && dummy.rawValue == PlotTab.builtins.count)
      let label = "\(PlotTab.builtins.count + 1) Dummy"
      var s = Fixture.state(width: 200, height: 60)
      s.plotMaximized = true
      Fixture.press(&s, [.char("9"), .tab])  // Tab passes over PBT: the fixture has no PBT segments
      #expect(s.tab == dummy)
      let text = Fixture.text(s)
      #expect(text.contains(label) && text.contains("dummy plot of 20 trials"), "\(text)")
      Fixture.press(&s, [.tab])
      #expect(s.tab == .history)
      Fixture.press(&s, [.char("?")])
      #expect(Fixture.text(s).contains(label))
      #expect(Bindings.markdown().contains("| `Tab` | Dummy | a tab a test added |"))
    }
    #expect(!PlotTab.allCases.contains(dummy))
  }

  @Test func timelineShowsLanesRunningTrialsAndStuckOnes() {
    var s = Self.plot(.timeline)
    // Trial 19 started at t0+190 and runs; finished trials took 8 s, so at t0+300 it is stuck.
    let text = Fixture.text(s)
    #expect(text.contains("20 trials in"), "\(text)")
    #expect(text.contains("2 running"))
    #expect(text.contains("! stuck: #18 #19"))
    #expect(text.contains("w1"))
    // At start time nothing is stuck yet.
    s.now = Fixture.t0.addingTimeInterval(195)
    #expect(!Fixture.text(s).contains("stuck"))
  }

  @Test func edfRisesFromZeroToOne() {
    let snap = Self.study([5, 1, 3, 2, 4])
    let info = EDFInfo(AnalysisInput(trials: snap.trials, directions: snap.directions))
    #expect(info.steps.map(\.value) == [1, 2, 3, 4, 5])
    #expect(info.steps.map(\.fraction) == [0.2, 0.4, 0.6, 0.8, 1])
    var s = AppState(info: DashboardInfo(mode: .watch, storageURL: "x"), snapshot: snap, theme: .builtinMono, width: 100, height: 30)
    s.tab = .edf
    s.plotMaximized = true
    let text = Fixture.text(s)
    #expect(text.contains("0.5┤") && text.contains("1┤") && text.contains("0┤"))
  }

  // MARK: SVG through the tab list

  @Test(arguments: PlotTab.allCases.filter { $0.svg != nil })
  func everySVGTabRendersAWellFormedDocument(_ tab: PlotTab) throws {
    let s = Fixture.state(objectives: tab == .pareto ? 2 : 1)
    let input = AnalysisInput(trials: s.snapshot.trials, directions: s.snapshot.directions)
    let svg = try tab.svg!(input, PlotRequest(studyName: "svg", params: ["lr", "layers"]))
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(svg.hasSuffix("</svg>\n"))
    #expect(!svg.contains("nan") && !svg.contains("inf"))
    #expect(count("<text", in: svg) == count("</text>", in: svg))
    if tab == .parallel { #expect(count("<path class=\"trial\"", in: svg) == 14) }
  }

  @Test func aParetoSVGNeedsTwoObjectives() {
    let s = Fixture.state()
    let input = AnalysisInput(trials: s.snapshot.trials, directions: s.snapshot.directions)
    #expect(throws: PlotError.self) { try PlotTab.pareto.svg!(input, PlotRequest(studyName: "x")) }
  }
}
