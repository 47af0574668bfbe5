import Foundation
import HPO
import OrderedCollections
import Terminal
import Testing

@testable import Dashboard

/// Dialogs, quit, mouse, notes and paths: the interaction half of the dashboard-trust issue.
@Suite struct InteractionTests {
  /// A `run` dashboard with two trials running in this process.
  func runState(width: Int = 120, height: Int = 40) -> AppState {
    var s = Fixture.state(width: width, height: height)
    s.info.mode = .run
    s.engineRunning = true
    return s
  }

  // MARK: Quit

  /// Esc then q read together (Alt-q to the terminal: typed fast over a slow link) are Esc and
  /// q: the open overlay closes and the dashboard quits (it has no Alt keys of its own).
  @Test func escapeAndAKeyReadTogetherAreTheTwoKeys() {
    var s = Fixture.state()
    Fixture.press(&s, [.char("?")])
    #expect(s.overlay != nil)
    let r = update(&s, .key(.alt("q")))
    #expect(s.overlay == nil || { if case .quit = s.overlay { return true } else { return false } }(),
            "\(String(describing: s.overlay))")
    #expect(r.contains(.quit) || s.quitting || { if case .quit = s.overlay { return true } else { return false } }())
    // Without an overlay, Alt-q is still q.
    var t = Fixture.state()
    let q = update(&t, .key(.alt("q")))
    #expect(q.contains(.quit) || t.quitting)
  }

  @Test func quitAsksWhileTrialsRunHereAndCancelKeepsRunning() {
    var s = runState()
    #expect(s.runningHere == 2)
    let r = update(&s, .key(.char("q")))
    #expect(!r.contains(.quit) && !s.quitting)
    guard case .quit = s.overlay else { Issue.record("no quit dialog: \(String(describing: s.overlay))"); return }
    let text = Fixture.text(s)
    #expect(text.contains("Quit hpotop?") && text.contains("2 trials are running") && text.contains("drain"), "\(text)")
    for cancel: Key in [.char("c"), .escape, .char("q")] {
      _ = update(&s, .key(.char("q")))
      let r = update(&s, .key(cancel))
      #expect(s.overlay == nil && !s.quitting && !r.contains(.quit) && !s.draining && s.commands.isEmpty, "\(cancel)")
    }
  }

  @Test func drainStartsNoTrialAndQuitsWhenTheRunningOnesEnd() {
    var s = runState()
    Fixture.press(&s, [.char("q"), .char("d")])
    #expect(s.draining && !s.quitting && s.overlay == nil)
    guard case .drain(true) = s.commands.last else { Issue.record("no drain command: \(s.commands)"); return }
    #expect(Fixture.text(s).contains("draining: 2 trials still running"))
    _ = update(&s, .drainProgress(running: 1))
    #expect(Fixture.text(s).contains("draining: 1 trial still running"))
    // The status stays while draining (no timeout), ticks do not clear it.
    _ = update(&s, .tick(s.now.addingTimeInterval(60)))
    #expect(s.status?.text.hasPrefix("draining: 1 trial") == true)
    // q while draining asks again: stop now is still there.
    Fixture.press(&s, [.char("q")])
    #expect(Fixture.text(s).contains("draining already"))
    Fixture.press(&s, [.escape])
    #expect(s.draining && !s.quitting)
    let r = update(&s, .drainProgress(running: 0))
    #expect(r.contains(.quit) && s.quitting)
  }

  @Test func drainQuitsWhenTheEngineEnds() {
    var s = runState()
    Fixture.press(&s, [.char("q"), .char("d")])
    let r = update(&s, .engineFinished(error: nil))
    #expect(r.contains(.quit))
  }

  @Test func stopNowQuitsAtOnceAndWatchNeverAsks() {
    var s = runState()
    Fixture.press(&s, [.char("q")])
    let r = update(&s, .key(.char("s")))
    #expect(r.contains(.quit) && s.quitting)
    var w = Fixture.state()  // watch: the trials belong to other processes
    #expect(update(&w, .key(.char("q"))).contains(.quit))
    var idle = runState()
    idle.engineRunning = false  // the study finished: nothing to interrupt
    #expect(update(&idle, .key(.char("q"))).contains(.quit))
  }

  // MARK: q and the help

  @Test func qClosesEveryOverlayAndNeverQuitsFromOne() {
    var s = Fixture.state()
    let openers: [[Key]] = [[.char("?")], [.enter], [.char("k")], [.char("f")]]
    for keys in openers {
      Fixture.press(&s, keys)
      #expect(s.overlay != nil, "\(keys) opened nothing")
      let r = update(&s, .key(.char("q")))
      #expect(s.overlay == nil && !r.contains(.quit) && !s.quitting, "\(keys)")
    }
    // Text fields take q as a letter.
    Fixture.press(&s, [.char("/"), .char("q")])
    guard case .filter(let text) = s.overlay else { Issue.record("filter closed"); return }
    #expect(text == "q")
  }

  @Test func helpSaysItScrollsAndScrollsToItsEnd() {
    var s = Fixture.state(width: 80, height: 24)
    Fixture.press(&s, [.char("?")])
    let first = Fixture.lines(s)
    #expect(first[1].contains("lines 1–20 of"), "\(first[1])")
    #expect(first[22].contains("▼ more"), "\(first[22])")
    Fixture.press(&s, [.end])
    let last = Fixture.lines(s)
    #expect(last.joined().contains("Filter examples"), "\(last.joined(separator: "\n"))")
    #expect(last[22].contains("▲ end"))
    guard case .help(let scroll) = s.overlay else { Issue.record("help closed"); return }
    // Scrolled exactly to the end: one Up moves the view at once.
    Fixture.press(&s, [.up])
    guard case .help(let up) = s.overlay else { return }
    #expect(up == scroll - 1)
    // Everything in help: main keys and dialog keys.
    var tall = Fixture.state(width: 140, height: 120)
    Fixture.press(&tall, [.char("?")])
    let text = Fixture.text(tall)
    for b in Bindings.dialog { #expect(text.contains(b.description), "help lacks \(b.description)") }
  }

  // MARK: Dialog bindings

  @Test func dialogKeysAreUnambiguousAndCoverEveryAction() {
    for kind in DialogKind.allCases {
      var seen: [Key: DialogAction] = [:]
      for b in Bindings.dialog where b.dialogs.contains(kind) {
        for k in b.keys {
          #expect(seen[k] == nil, "\(kind): \(k) bound twice")
          seen[k] = b.action
        }
      }
      #expect(seen[.escape] == .close, "\(kind) has no Esc")
    }
    #expect(Set(Bindings.dialog.map(\.action)) == Set(DialogAction.allCases))
    #expect(Bindings.markdown().contains("| `C-u` | filter, enqueue, fix, note | Clear the field |"))
  }

  // MARK: Enqueue form

  /// A young study: three trials, all adam; optimizer has three choices.
  func youngStudy() -> [FrozenTrial] {
    let opt = Distribution.categorical(try! CategoricalDistribution(choices: [.string("adam"), .string("sgd"), .string("rmsprop")]))
    let width = Distribution.int(try! IntDistribution(low: 16, high: 512))
    let dropout = Distribution.float(try! FloatDistribution(low: 0, high: 0.5))
    return (0..<3).map { i in
      FrozenTrial(
        id: Int64(i + 1), number: i, state: .complete, values: [Double(i)],
        params: ["optimizer": .string("adam"), "lr": .float(0.001 * Double(i + 1)), "layers": .int(i + 1),
                 "width": .int(64), "dropout": .float(0.1)],
        distributions: ["optimizer": opt, "lr": Fixture.lr, "layers": Fixture.layers, "width": width, "dropout": dropout])
    }
  }

  @Test func enqueueFormOnAYoungStudyKeepsEveryParamWhenAChoiceChanges() {
    let trials = youngStudy()
    var s = Fixture.state()
    s.snapshot = StudySnapshot(studyID: 1, studyName: "young", directions: [.minimize], trials: trials, takenAt: Fixture.t0, revision: 2)
    s.refreshRows()
    Fixture.press(&s, [.char("e")])
    guard case .enqueue(let opened) = s.overlay else { Issue.record("no form"); return }
    #expect(opened.visibleFields.map { opened.fields[$0].name } == ["optimizer", "lr", "layers", "width", "dropout"])
    // optimizer → sgd (a choice no trial made yet): nothing disappears.
    Fixture.press(&s, [.right])
    guard case .enqueue(let sgd) = s.overlay else { return }
    #expect(sgd.fields[0].text == "sgd")
    #expect(sgd.visibleFields.count == 5, "\(sgd.visibleFields.map { sgd.fields[$0].name })")
    // Edit lr, change the choice twice more: the edit stays and is enqueued.
    Fixture.press(&s, [.down, .ctrl("u")])
    Fixture.type(&s, "0.05")
    Fixture.press(&s, [.up, .right, .right])
    guard case .enqueue(let back) = s.overlay else { return }
    #expect(back.fields[0].text == "adam" && back.fields[1].text == "0.05")
    Fixture.press(&s, [.enter])
    guard case .enqueue(let params, _) = s.commands.last else { Issue.record("not enqueued: \(s.commands)"); return }
    #expect(params["lr"] == .float(0.05) && params.count == 5)
  }

  @Test func enqueueFormStillHidesAParamTheTrialsShowIsConditional() {
    // Fixture: momentum only in sgd trials; adam trials never have one.
    let form = EnqueueForm(distributions: Fixture.snapshot().distributions, from: Fixture.trials()[1], trials: Fixture.trials())
    #expect(form.fields[2].text == "adam")
    #expect(!form.visibleFields.map { form.fields[$0].name }.contains("momentum"))
  }

  // MARK: Mouse

  @Test func clickSelectsARowAndATabAndTheWheelScrolls() {
    var s = Fixture.state(width: 120, height: 40)
    let lines = Fixture.lines(s)
    // The row of trial 12 on screen.
    guard let y = lines.firstIndex(where: { $0.range(of: #"^│ *12 "#, options: .regularExpression) != nil }) else { Issue.record("\(lines.joined(separator: "\n"))"); return }
    _ = update(&s, .mouse(Mouse(.press(button: 1), x: 6, y: y)))
    #expect(s.selectedTrial?.number == 12)
    // The header and border select nothing.
    _ = update(&s, .mouse(Mouse(.press(button: 1), x: 6, y: 4)))
    #expect(s.selectedTrial?.number == 12)
    // Tabs: click on "6 Slice".
    guard let ty = lines.firstIndex(where: { $0.contains("6 Slice") }), let r = lines[ty].range(of: "6 Slice") else {
      Issue.record("no tab bar"); return
    }
    let tx = lines[ty].distance(from: lines[ty].startIndex, to: r.lowerBound) + 2
    _ = update(&s, .mouse(Mouse(.press(button: 1), x: tx, y: ty)))
    #expect(s.tab == .slice)
    // Pareto on a one-objective study: refused with the reason, tab unchanged.
    if let pr = lines[ty].range(of: "3 Pareto") {
      let px = lines[ty].distance(from: lines[ty].startIndex, to: pr.lowerBound) + 1
      _ = update(&s, .mouse(Mouse(.press(button: 1), x: px, y: ty)))
      #expect(s.tab == .slice && s.status?.isError == true)
    }
    // Wheel over the table moves the selection by 3 rows.
    let before = s.table.selected ?? 0
    _ = update(&s, .mouse(Mouse(.wheelDown, x: 10, y: y)))
    #expect(s.table.selected == before + 3)
    _ = update(&s, .mouse(Mouse(.wheelUp, x: 10, y: y)))
    #expect(s.table.selected == before)
    // The wheel over the plot does not move the table.
    _ = update(&s, .mouse(Mouse(.wheelDown, x: 10, y: 30)))
    #expect(s.table.selected == before)
  }

  /// ncurses hands over both the press and the release of one click: a footer toggle runs once.
  @Test func aClickWithItsReleaseTogglesOnce() {
    var s = Fixture.state(width: 120, height: 40)
    let footer = Fixture.lines(s)[39]
    let pause = try! #require(footer.range(of: "p Pause"))
    let x = footer.distance(from: footer.startIndex, to: pause.lowerBound) + 2
    _ = update(&s, .mouse(Mouse(.press(button: 1), x: x, y: 39)))
    _ = update(&s, .mouse(Mouse(.release, x: x, y: 39)))
    #expect(s.snapshot.isPaused)
    #expect(s.commands.count == 1, "\(s.commands)")
    // A release alone (ncurses sometimes gives only that) is still a click.
    _ = update(&s, .mouse(Mouse(.release, x: x, y: 39)))
    #expect(!s.snapshot.isPaused)
  }

  @Test func footerEntriesAreButtons() {
    var s = Fixture.state(width: 120, height: 40)
    let footer = Fixture.lines(s)[39]
    let help = try! #require(footer.range(of: "? Help"))
    _ = update(&s, .mouse(Mouse(.press(button: 1), x: footer.distance(from: footer.startIndex, to: help.lowerBound) + 3, y: 39)))
    guard case .help = s.overlay else { Issue.record("no help: \(footer)"); return }
    Fixture.press(&s, [.escape])
    // Prune is disabled on a finished trial: the click says why, like the key.
    s.selectedNumber = 17
    s.table.selected = s.rows.firstIndex { s.snapshot.trials[$0].number == 17 }
    let prune = try! #require(footer.range(of: "k Prune"))
    _ = update(&s, .mouse(Mouse(.press(button: 1), x: footer.distance(from: footer.startIndex, to: prune.lowerBound), y: 39)))
    #expect(s.overlay == nil && s.status?.text == "Prune: trial 17 is not running")
  }

  @Test func mouseEventsGoThroughTheLoop() {
    let s = Fixture.state(width: 120, height: 40)
    guard let y = Fixture.lines(s).firstIndex(where: { $0.range(of: #"^│ *12 "#, options: .regularExpression) != nil }) else {
      Issue.record("no row 12"); return
    }
    var backend = TestBackend(width: 120, height: 40)
    backend.push(.mouse(Mouse(.press(button: 1), x: 3, y: y)))
    var loop = DashboardLoop(terminal: Terminal(backend: backend), state: s, inputTimeout: .zero, stopWhenIdle: true)
    let final = loop.run()
    #expect(final.selectedTrial?.number == 12)
    // The frame after the click shows the selection on that row.
    let cell = loop.terminal.backend.buffer.cell(x: 3, y: y)
    #expect(cell.style == s.theme.selected || cell.style.modifiers.contains(.reverse), "\(cell)")
  }

  @Test func wheelScrollsTheHelp() {
    var s = Fixture.state(width: 80, height: 24)
    Fixture.press(&s, [.char("?")])
    _ = update(&s, .mouse(Mouse(.wheelDown, x: 40, y: 10)))
    guard case .help(let scroll) = s.overlay else { Issue.record("help closed"); return }
    #expect(scroll == 3)
  }

  // MARK: Notes

  @Test func noteDialogSavesWhereOptunaDashboardReads() {
    var s = Fixture.state()
    let t = s.selectedTrial!
    Fixture.press(&s, [.char("n")])
    Fixture.type(&s, "lr too high")
    #expect(Fixture.text(s).contains("Note on trial \(t.number)"))
    Fixture.press(&s, [.enter])
    guard case .saveNote(let id, let n, let text) = s.commands.last else { Issue.record("\(s.commands)"); return }
    #expect(id == t.id && n == t.number && text == "lr too high")
    #expect(s.snapshot.systemAttrs["dashboard:\(t.id):note_str:0"] == .string("lr too high"))
    // The detail shows it.
    Fixture.press(&s, [.enter])
    #expect(Fixture.text(s, width: 120, height: 60).contains("Note (n edits)"))
    #expect(Fixture.text(s, width: 120, height: 60).contains("  lr too high"))
    Fixture.press(&s, [.escape])
    // Opening it again shows the saved text.
    Fixture.press(&s, [.char("n")])
    guard case .note(let d) = s.overlay else { return }
    #expect(d.text == "lr too high")
  }

  @Test func noteChunksMatchOptunaDashboard() {
    var attrs = OrderedDictionary<String, JSONValue>()
    let body = String(repeating: "é", count: 4100)  // 2045 + 2045 + 10 code points
    TrialNote.apply(body, trialID: 7, to: &attrs)
    #expect(attrs["dashboard:7:note_ver"] == .int(1))
    #expect(attrs["dashboard:7:note_str:2"]?.stringValue?.unicodeScalars.count == 10)
    #expect(TrialNote.read(attrs, trialID: 7) == body)
    TrialNote.apply("x", trialID: 7, to: &attrs)
    #expect(attrs["dashboard:7:note_str:1"] == .string("") && TrialNote.read(attrs, trialID: 7) == "x")
    #expect(TrialNote.read(attrs, trialID: 8) == "")
  }

  // MARK: Paths and names

  @Test func watchFindsTrialLogsBesideARelativeDatabase() {
    #expect(TrialLogLocation.trialsDirectory(storageURL: "sqlite:///runs/a/study.db", workingDirectory: "/home/u")
      == "/home/u/runs/a/trials")
    #expect(TrialLogLocation.trialsDirectory(storageURL: "sqlite:////data/study.db", workingDirectory: "/home/u")
      == "/data/trials")
    #expect(TrialLogLocation.trialsDirectory(storageURL: "sqlite:///../x/../s.db", workingDirectory: "/home/u/w")
      == "/home/u/trials")
    #expect(TrialLogLocation.trialsDirectory(storageURL: "study.db", workingDirectory: "/w") == "/w/trials")
    #expect(TrialLogLocation.trialsDirectory(storageURL: "postgresql://u@h/db", workingDirectory: "/w") == nil)
  }

  @Test func storedMetricNamesTitleTheValueColumn() {
    var s = Fixture.state(width: 120, height: 40)
    s.snapshot.systemAttrs[MetricNames.key] = .array([.string("val_loss")])
    s.snapshot.revision += 1
    #expect(s.metricName(0) == "val_loss")
    #expect(Fixture.lines(s)[4].contains("val_loss"), "\(Fixture.lines(s)[4])")
  }
}

/// The README picture's renderer: the screen buffer as SVG.
@Suite struct ScreenSVGTests {
  @Test func cellsBecomeTextAtTheirColumnsWithTheirColours() {
    var buf = Buffer(area: Rect(width: 20, height: 2))
    buf.setString(x: 2, y: 0, "a<b", style: Style(fg: .rgb(255, 0, 0), modifiers: .bold))
    buf.setString(x: 10, y: 0, "ok", style: Style(fg: .indexed(21), bg: .rgb(0, 0, 0), modifiers: .reverse))
    buf.setString(x: 0, y: 1, "⣿⠁", style: Style(fg: .green))
    let svg = ScreenSVG.render(buf)
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"168\" height=\"34\""))
    #expect(svg.contains("<text x=\"16.8\" y=\"13.3\" fill=\"#ff0000\" textLength=\"25.2\" lengthAdjust=\"spacingAndGlyphs\" font-weight=\"bold\">a&lt;b</text>"), "\(svg)")
    // Reverse swaps: the text takes the background colour, the cell the foreground's.
    #expect(svg.contains("<rect x=\"84\" y=\"0\" width=\"16.8\" height=\"17\" fill=\"#0000ff\"/>"), "\(svg)")
    #expect(svg.contains("fill=\"#000000\" textLength=\"16.8\""))
    // Braille: 8 + 1 dots, no glyphs.
    #expect(svg.components(separatedBy: "<circle").count - 1 == 9)
    #expect(!svg.contains("⣿"))
  }

  @Test func theDashboardRendersWhole() {
    let s = Fixture.state(width: 120, height: 40, theme: .builtinDefault)
    let svg = ScreenSVG.render(view(s, area: Rect(width: 120, height: 40)))
    #expect(svg.contains(">Trials</text>") && svg.contains(">History</text>") && svg.hasSuffix("</svg>\n"))
  }
}

/// The study picker of `watch` with the mouse.
@Suite struct StudyPickerMouseTests {
  @Test func clickSelectsAndASecondClickOpens() {
    let studies = (0..<3).map { StudySummary(id: Int64($0 + 1), name: "study\($0)", directions: [.minimize]) }
    var backend = TestBackend(width: 80, height: 24)
    // Row 1 (screen row 3), then a wheel turn down (row 2) and up (row 1), then a click on it.
    backend.push(
      .mouse(Mouse(.press(button: 1), x: 5, y: 3)), .mouse(Mouse(.wheelDown, x: 5, y: 3)),
      .mouse(Mouse(.wheelUp, x: 5, y: 3)), .mouse(Mouse(.press(button: 1), x: 5, y: 3)))
    var terminal = Terminal(backend: backend)
    let chosen = StudyPicker.run(&terminal, studies: studies, theme: .builtinMono)
    #expect(chosen?.name == "study1")
    #expect(terminal.backend.lines()[3].contains("study1"))
    #expect(StudyPicker.row(at: 1, count: 3, area: Rect(width: 80, height: 24)) == nil)  // the header
    #expect(StudyPicker.row(at: 5, count: 3, area: Rect(width: 80, height: 24)) == nil)  // below the rows
  }
}
