import Foundation
import HPO
import OrderedCollections
import Terminal
import Testing

@testable import Dashboard

/// The seen defects of the trial table, header, tab bar and detail view, one test each.
@Suite struct TableLayoutTests {
  static func parse(_ s: AppState) -> ParsedTable {
    let ids = TrialColumns.ids(objectives: s.snapshot.directions.count, params: s.paramNames)
    var titles: [String: String] = [:]
    for id in ids { titles[id] = TrialColumns.title(id, state: s) }
    return ParsedTable(Fixture.lines(s), ids: ids, titles: titles)
  }

  static func cells(_ t: ParsedTable, _ column: String) -> [String] {
    t.rows.compactMap { $0.first { $0.column == column }?.text }
  }

  /// A snapshot of complete trials with these values (and one param `x`).
  static func study(values: [Double], params: [String: Double] = [:]) -> StudySnapshot {
    let d = Distribution.float(try! FloatDistribution(low: -1e9, high: 1e9))
    let trials = values.enumerated().map { i, v in
      var p: OrderedDictionary<String, ParamValue> = ["x": .float(Double(i) / 3)]
      var ds: OrderedDictionary<String, Distribution> = ["x": d]
      for (k, pv) in params { p[k] = .float(pv); ds[k] = d }
      return FrozenTrial(
        id: Int64(i + 1), number: i, state: .complete, values: [v],
        datetimeStart: Fixture.t0.addingTimeInterval(Double(i)), datetimeComplete: Fixture.t0.addingTimeInterval(Double(i) + 1),
        params: p, distributions: ds)
    }
    return StudySnapshot(studyID: 1, studyName: "s", directions: [.minimize], trials: trials, takenAt: Fixture.t0)
  }

  static func state(_ snap: StudySnapshot, width: Int, height: Int, info: DashboardInfo? = nil) -> AppState {
    AppState(
      info: info ?? DashboardInfo(mode: .watch, storageURL: "sqlite:///s.db"), snapshot: snap, theme: .builtinMono,
      now: Fixture.t0.addingTimeInterval(3600), width: width, height: height)
  }

  @Test func trialNumbersAreWholeAtEveryWidth() {
    // At 160 columns the # column was one character wide: trials 30–39 all read `3`.
    for w in [50, 80, 120, 160, 200] {
      let s = Fixture.state(40, width: w, height: 50)
      let numbers = Self.cells(Self.parse(s), "number")
      #expect(Set(numbers).isSuperset(of: (30...39).map(String.init)), "\(w): \(numbers)")
      #expect(numbers.allSatisfy { Int($0) != nil }, "\(w): \(numbers)")
      #expect(Set(numbers).count == numbers.count, "\(w): \(numbers)")
      #expect(numbers.contains("39") && numbers.contains("30"), "\(w): \(numbers)")
    }
  }

  @Test func closeValuesReadDifferentlyAndAlign() {
    let values = [1000.2910, 1000.3003, 1000.3104, 1000.3299, 1000.3421, 0.9906, 0.99058]
    for (w, h) in [(50, 12), (80, 24), (200, 50)] {
      let s = Self.state(Self.study(values: values), width: w, height: h)
      let lines = Fixture.lines(s)
      let shown = Self.cells(Self.parse(s), "value0")
      #expect(shown.count == min(values.count, shown.count) && shown.count >= 5, "\(lines.joined(separator: "\n"))")
      #expect(Set(shown).count == shown.count, "\(w)x\(h): \(shown)")
      #expect(!shown.contains("1000.3") && shown.contains("1000.30") && shown.contains("0.9906"), "\(shown)")
      // Decimal points share a column.
      let dots = Set(lines.filter { $0.contains("COMPLETE") }.compactMap { l -> Int? in
        guard let r = l.range(of: "COMPLETE") else { return nil }
        let rest = l[r.upperBound...]
        return rest.firstIndex(of: ".").map { l.distance(from: l.startIndex, to: $0) }
      })
      #expect(dots.count == 1, "\(w)x\(h): \(lines.joined(separator: "\n"))")
    }
  }

  @Test func detailShowsEveryDigit() {
    var s = Self.state(Self.study(values: [1000.2905280002885, 0.000401]), width: 100, height: 30)
    s.overlay = .detail(number: 0, scroll: 0)
    let text = Fixture.text(s)
    #expect(text.contains("value=1000.2905280002885"), "\(text)")
    #expect(text.contains("x = 0.0   float"), "\(text)")
  }

  @Test func tinyValuesAreNeverCut() {
    // zdt1 at 120×40 showed `4.011e-0` for 0.000401; 50×12 showed `8.422` for 0.000842.
    let s0 = Self.study(values: [0.000401, 0.000842, 0.0002496, 123456789.5, -0.5])
    for (w, h) in TableNumberTests.sizes {
      let s = Self.state(s0, width: w, height: h)
      let lines = Fixture.lines(s)
      let text = lines.joined(separator: "\n")
      #expect(!text.contains("4.011e-0 ") && !text.contains("8.422 ") && !text.contains("2.496e-0 "), "\(text)")
      #expect(TableNumberTests.check(lines, s).isEmpty, "\(w)x\(h): \(TableNumberTests.check(lines, s))\n\(text)")
    }
  }

  @Test func longTitlesAreElidedNotCut() {
    let s0 = Self.study(values: [1, 2, 3], params: ["weight_decay_coefficient_a": 1, "weight_decay_coefficient_b": 2])
    let s = Self.state(s0, width: 120, height: 30)
    let header = Fixture.lines(s).first { $0.contains("State") } ?? ""
    #expect(header.contains("weight…ent_a") && header.contains("weight…ent_b"), "\(header)")
    #expect(!header.contains("weight_deca "))
  }

  @Test func wideScreenGivesTheTableWhatItNeeds() {
    // At 200×50 the table got less room than at 120 (`COMPLET`, `17:50:3`).
    let narrow = Self.parse(Fixture.state(width: 120, height: 40)).columns.map(\.id)
    let wide = Self.parse(Fixture.state(width: 200, height: 50)).columns.map(\.id)
    #expect(Set(narrow).isSubset(of: Set(wide)), "120: \(narrow) 200: \(wide)")
    #expect(wide.contains("curve") && wide.contains("start") && wide.contains("param:momentum"))
    let text = Fixture.text(Fixture.state(width: 200, height: 50))
    #expect(!text.contains("COMPLET ") && text.contains("COMPLETE"))
  }

  @Test func narrowScreensDropLowValueColumnsFirstAndScrollParams() {
    var s = Fixture.state(width: 50, height: 12)
    var cols = Self.parse(s).columns.map(\.id)
    #expect(Array(cols.prefix(3)) == ["number", "state", "value0"])
    #expect(!cols.contains("curve") && !cols.contains("start") && !cols.contains("duration"))
    #expect(cols.contains("param:lr") && !cols.contains("param:momentum"), "\(cols)")
    let header = Fixture.lines(s).first { $0.contains("State") } ?? ""
    #expect(header.contains("›") && !header.contains("‹"), "\(header)")
    #expect(Fixture.text(s).contains("params 1–"))
    Fixture.press(&s, [.right, .right, .right])
    cols = Self.parse(s).columns.map(\.id)
    #expect(cols.contains("param:momentum") && !cols.contains("param:lr"), "\(cols)")
    let header2 = Fixture.lines(s).first { $0.contains("State") } ?? ""
    #expect(header2.contains("‹"), "\(header2)")
    Fixture.press(&s, [.left, .left, .left, .left])
    #expect(s.paramScroll == 0)
    // Pressed past the end, the window stays full and one ← moves it back at once.
    Fixture.press(&s, Array(repeating: .right, count: 10))
    let atEnd = Self.parse(s).columns.map(\.id).filter { $0.hasPrefix("param:") }
    #expect(atEnd.last == "param:momentum" && atEnd.count >= 2, "\(atEnd)")
    Fixture.press(&s, [.left])
    let back = Self.parse(s).columns.map(\.id).filter { $0.hasPrefix("param:") }
    #expect(back.first != atEnd.first, "\(back) after ← from \(atEnd)")
    // At 80 columns the curve goes before any param does.
    let at80 = Self.parse(Fixture.state(width: 80, height: 24)).columns.map(\.id)
    #expect(!at80.contains("curve") && at80.contains("param:momentum"), "\(at80)")
  }

  @Test func followModeKeepsNewTrialsInView() {
    var s = Fixture.state(20)
    #expect(s.table.selected == 0 && s.selectedTrial?.number == 19)
    _ = update(&s, .snapshot(Fixture.snapshot(25, revision: 2)))
    #expect(s.table.selected == 0 && s.selectedTrial?.number == 24)
    #expect(Fixture.lines(s)[5].hasPrefix("│24 "), "\(Fixture.lines(s)[5])")
    // Off the first row the cursor stays on its trial.
    Fixture.press(&s, [.down, .down])
    let n = s.selectedTrial?.number
    _ = update(&s, .snapshot(Fixture.snapshot(30, revision: 3)))
    #expect(s.selectedTrial?.number == n && s.table.selected == 7)
    // A sort starts at row 1.
    Fixture.press(&s, [.down, .down, .down, .char("s")])
    #expect(s.table.selected == 0 && s.table.offset == 0)
    Fixture.press(&s, [.down, .char("S")])
    #expect(s.table.selected == 0)
  }

  @Test func runningKeyJumpsToRunningTrials() {
    var s = Fixture.state(20, width: 80, height: 24)
    Fixture.press(&s, [.char("s"), .char("s"), .char("S")])  // by value, running last
    #expect(s.sortColumn == "value0")
    Fixture.press(&s, [.char("r")])
    #expect(s.selectedTrial?.state == .running)
    let first = s.selectedTrial?.number
    Fixture.press(&s, [.char("r")])
    #expect(s.selectedTrial?.state == .running && s.selectedTrial?.number != first)
    #expect(Fixture.text(s).contains("│1" + String(s.selectedTrial!.number % 10)) || Fixture.text(s).contains("\(s.selectedTrial!.number) RUNNING"))
    // Without running trials the key says why.
    var done = Self.state(Self.study(values: [1, 2]), width: 80, height: 24)
    Fixture.press(&done, [.char("r")])
    #expect(done.status?.text.contains("no trial is running") == true)
  }

  @Test func detailKeepsStderrLinesAndEndReachesTheEnd() {
    // As the engine writes it (see CommandObjectiveTests.failReasonKeepsTheLastStderrLines…).
    let reason = """
      exited with code 1; stderr ends with:
      Traceback (most recent call last):
      File "train.py", line 40, in <module>
      RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB
      epoch 14 done
      epoch 15 done
      """
    var trials = Fixture.trials(20)
    var sys = trials[7].systemAttrs
    sys["hpotop:fail_reason"] = .string(reason)
    for k in 0..<30 { sys["attr\(k)"] = .int(k) }
    sys["zz_last_attr"] = .string("the end")
    trials[7] = FrozenTrial(
      id: trials[7].id, number: 7, state: .fail, datetimeStart: trials[7].datetimeStart, datetimeComplete: trials[7].datetimeComplete,
      params: trials[7].params, distributions: trials[7].distributions, systemAttrs: sys)
    var s = Self.state(StudySnapshot(studyID: 1, studyName: "f", directions: [.minimize], trials: trials, takenAt: Fixture.t0), width: 80, height: 24)
    s.overlay = .detail(number: 7, scroll: 0)
    let lines = Fixture.lines(s)
    #expect(lines.contains { $0.contains("Fail reason: exited with code 1") }, "\(lines.joined(separator: "\n"))")
    #expect(lines.contains { $0.contains("  RuntimeError: CUDA out of memory") })
    #expect(lines.contains { $0.hasSuffix("epoch 14 done") || $0.contains("epoch 14 done  ") || $0.contains("epoch 14 done │") })
    #expect(!lines.contains { $0.contains("doneepoch") })
    #expect(!lines.contains { $0.contains("the end") })
    Fixture.press(&s, [.end])
    #expect(Fixture.text(s).contains("zz_last_attr = \"the end\""), "\(Fixture.text(s))")
    // Down past the end does not wind the scroll up: one Up moves the view.
    Fixture.press(&s, [.down, .down, .down])
    guard case .detail(_, let atEnd)? = s.overlay else { Issue.record("detail closed"); return }
    Fixture.press(&s, [.up])
    guard case .detail(_, let afterUp)? = s.overlay else { Issue.record("detail closed"); return }
    #expect(afterUp == atEnd - 1)
    Fixture.press(&s, [.home])
    #expect(Fixture.text(s).contains("State FAIL"))
  }

  @Test func elapsedStopsWhenTheStudyFinished() {
    let snap = Self.study(values: [1, 2, 3])  // last completion at t0 + 3 s
    var s = Self.state(snap, width: 80, height: 24, info: DashboardInfo(mode: .run, storageURL: "x", nTrials: 3, startedAt: Fixture.t0))
    let before = Fixture.lines(s)[2]
    #expect(before.contains("elapsed 3s"), "\(before)")
    _ = update(&s, .tick(Fixture.t0.addingTimeInterval(7200)))
    #expect(Fixture.lines(s)[2] == before)
    // While the engine runs it counts.
    s.engineRunning = true
    #expect(Fixture.lines(s)[2].contains("elapsed 2h00m"))
  }

  @Test func headerKeepsTheRunStateAndNeverCutsAWord() {
    let info = DashboardInfo(
      mode: .watch, storageURL: "postgresql://user@db.example.com:5432/very_long_database_name",
      samplerName: "TPESampler(multivariate=True)", prunerName: "hyperband", nTrials: 40, startedAt: Fixture.t0)
    for w in [50, 60, 80, 100, 120] {
      var s = Fixture.state(width: w, height: 24)
      s.info = info
      let line = Fixture.lines(s)[0]
      #expect(line.contains("RUNNING"), "\(w): \(line)")
      #expect(!line.contains("pruner") || line.contains("pruner hyperband"), "\(w): \(line)")
      #expect(!line.contains("sampler") || line.contains("sampler TPESampler(multivariate=True)"), "\(w): \(line)")
      #expect(line.count <= w)
      let l2 = Fixture.lines(s)[1]
      #expect(l2.contains("best 1 (#15)"), "\(w): \(l2)")
    }
  }

  @Test func footerShowsWholeEntriesOnly() {
    let labels = Bindings.all.filter(\.shownInFooter).map(\.label)
    for w in [40, 60, 80, 100, 200] {
      let footer = Fixture.lines(Fixture.state(width: w, height: 24)).last ?? ""
      #expect(labels.contains { footer.hasSuffix(" " + $0) }, "\(w): `\(footer)`")
    }
  }

  @Test func tabBarNeverEndsInACutLabel() {
    let titles = PlotTab.allCases.map { Line("\($0.rawValue + 1) \($0.title)") }
    for w in stride(from: 8, through: 90, by: 1) {
      for sel in [0, 3, 6] {
        let tabs = Tabs(titles, selected: sel)
        var buf = Buffer(area: Rect(width: w, height: 1))
        tabs.render(area: buf.area, buffer: &buf)
        let text = buf.lines()[0]
        let words = text.replacingOccurrences(of: "‹", with: "").replacingOccurrences(of: "›", with: "")
          .split(separator: "│").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for clean in words {
          let whole = titles.contains { $0.plainText == clean }
          let elided = clean.hasSuffix("…") && titles.contains { $0.plainText.hasPrefix(String(clean.dropLast())) }
          #expect(whole || elided, "width \(w): `\(clean)` in `\(text)`")
        }
        #expect(text.contains("\(sel + 1)"), "width \(w): selected tab missing in `\(text)`")
      }
    }
    // At 80×24 the pane's bar shows every tab.
    let bar = Fixture.lines(Fixture.state(width: 80, height: 24)).first { $0.contains("1 Hist") } ?? ""
    #expect(bar.contains("7 "), "\(bar)")
  }

  @Test func curveCellScalesToTheWholeCurve() {
    // Converged: falls fast, then creeps down by tiny steps. The old cell scaled the last 10
    // steps to their own range, so the creeping tail looked like a full-height fall.
    var iv = OrderedDictionary<Int, Double>()
    for s in 0..<40 { iv[s] = s < 5 ? 10 - Double(s) * 2 : 1 + 1e-4 * Double(40 - s) }
    let t = FrozenTrial(id: 1, number: 0, state: .complete, values: [1], params: [:], distributions: [:], intermediateValues: iv)
    let cell = curveText(t)
    #expect(cell.count == 10)
    #expect(!cell.hasPrefix("▁"), "\(cell)")
    #expect(cell.hasSuffix("▁▁▁▁▁▁"), "\(cell)")
  }
}
