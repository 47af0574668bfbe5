import Foundation
import HPO
import OrderedCollections
import Terminal
import Testing

@testable import Dashboard

/// A clock tests move by hand.
final class FakeClock: @unchecked Sendable {
  private let lock = NSLock()
  private var t = Fixture.t0.addingTimeInterval(300)
  var now: Date { lock.withLock { t } }
  func advance(_ s: TimeInterval) { lock.withLock { t = t.addingTimeInterval(s) } }
}

/// Key scripts through the loop with a TestBackend and a fake clock, and `update` directly.
@Suite struct ProgramTests {
  func loop(_ state: AppState, keys: [Key], width: Int = 80, height: Int = 24, mailbox: Mailbox = Mailbox(), clock: FakeClock = FakeClock())
    -> DashboardLoop<TestBackend>
  {
    var backend = TestBackend(width: width, height: height)
    backend.push(keys: keys)
    return DashboardLoop(
      terminal: Terminal(backend: backend), state: state, mailbox: mailbox, clock: { clock.now },
      inputTimeout: .zero, stopWhenIdle: true)
  }

  @Test func filterScriptShowsOnlyPrunedTrials() {
    var l = loop(Fixture.state(), keys: [.char("/")] + "state=pruned".map { .char($0) } + [.enter])
    let final = l.run()
    #expect(final.filterText == "state=pruned")
    #expect(final.rows.map { final.snapshot.trials[$0].number } == [14, 9, 4])
    let lines = l.terminal.backend.lines()
    #expect(lines[3].hasPrefix("╭ Trials (3 of 20) "))
    #expect(lines[5].hasPrefix("│14 PRUNED"))
    #expect(lines[22].contains("filter: state=pruned (3/20)"))
    #expect(l.frames >= 2)
  }

  @Test func filterErrorIsInlineAndKeepsRows() {
    var s = Fixture.state()
    Fixture.press(&s, [.char("/")])
    Fixture.type(&s, "lrr < 1")
    #expect(s.filterError?.message.hasPrefix("unknown name 'lrr'") == true)
    #expect(Fixture.lines(s)[22].contains("✗ col 1: unknown name 'lrr'"))
    Fixture.press(&s, [.enter])
    #expect(s.overlay != nil)  // stays open on error
    #expect(s.rows.count == 20)
    Fixture.press(&s, [.backspace, .backspace, .backspace, .backspace, .backspace, .backspace, .backspace])
    Fixture.type(&s, "lr < 0.001")
    Fixture.press(&s, [.enter])
    #expect(s.overlay == nil)
    #expect(s.rows.allSatisfy { (s.snapshot.trials[$0].params["lr"]?.doubleValue ?? 1) < 0.001 })
    Fixture.press(&s, [.escape])
    #expect(s.rows.count == 20 && s.filter == nil)
  }

  @Test func sortCyclesColumnsAndReverses() {
    var s = Fixture.state()
    Fixture.press(&s, [.char("s")])
    #expect(s.sortColumn == "state")
    Fixture.press(&s, [.char("s")])
    #expect(s.sortColumn == "value0" && !s.sortDescending)
    let values = s.rows.compactMap { s.snapshot.trials[$0].values?.first }
    #expect(values == values.sorted())
    // Trials without a value come last.
    #expect(s.snapshot.trials[s.rows.last ?? 0].values == nil)
    #expect(Fixture.lines(s)[4].contains("value↑"))
    Fixture.press(&s, [.char("S")])
    let desc = s.rows.compactMap { s.snapshot.trials[$0].values?.first }
    #expect(desc == desc.sorted(by: >))
    for _ in 0..<20 { Fixture.press(&s, [.function(6)]) }
    #expect(TrialColumns.sortable(objectives: 1, params: s.paramNames).contains(s.sortColumn))
  }

  @Test func selectionStaysOnItsTrialWhileRowsAreAdded() {
    let mailbox = Mailbox()
    var s = Fixture.state()
    s.snapshot = Fixture.snapshot(10)
    s.refreshRows()
    Fixture.press(&s, [.down, .down])
    #expect(s.selectedTrial?.number == 7)
    // New trials arrive above it (newest first).
    mailbox.post(.snapshot(Fixture.snapshot(20, revision: 2)))
    var l = loop(s, keys: [], mailbox: mailbox)
    let final = l.run()
    #expect(final.selectedTrial?.number == 7)
    #expect(final.table.selected == 12)
    #expect(l.terminal.backend.lines().joined().contains("Trials (20)"))
  }

  @Test func tabKeysAndNumbersPickPlots() {
    var s = Fixture.state()
    Fixture.press(&s, [.tab])
    #expect(s.tab == .parallel)
    Fixture.press(&s, [.tab])
    #expect(s.tab == .importance)  // Pareto is skipped with one objective
    Fixture.press(&s, [.char("[")])
    #expect(s.tab == .parallel)
    Fixture.press(&s, [.char("7")])
    #expect(s.tab == .contour)
    Fixture.press(&s, [.char("9")])
    #expect(s.tab == .edf)
    Fixture.press(&s, [.char("]")])
    #expect(s.tab == .history)  // wraps after the last tab
    Fixture.press(&s, [.char("3")])
    #expect(s.tab == .history)  // disabled: stays
    #expect(s.status?.text == "Pareto: the study has one objective")
    Fixture.press(&s, [.char("6"), .char("c")])
    #expect(s.paramIndex == 1)
    #expect(Fixture.text(s).contains("value vs layers"))
  }

  @Test func quitKeyStopsTheLoopAndHelpTogglesOnTheScreen() {
    var l = loop(Fixture.state(), keys: [.char("?")])
    _ = l.run()
    #expect(l.terminal.backend.lines().joined().contains("Help — keys"))
    var q = loop(Fixture.state(), keys: [.char("q"), .char("?")])
    let final = q.run()
    #expect(final.quitting)
    #expect(!q.terminal.backend.lines().joined().contains("Help — keys"))
    var f10 = loop(Fixture.state(), keys: [.function(10)])
    #expect(f10.run().quitting)
  }

  @Test func resizeRedrawsAtTheNewSize() {
    var l = loop(Fixture.state(), keys: [])
    _ = l.run()
    l.terminal.backend.resize(width: 60, height: 20)
    l.terminal.backend.push(.resize(width: 60, height: 20))
    let s = l.run()
    #expect(s.width == 60 && s.height == 20)
    #expect(l.terminal.backend.lines().count == 20)
    #expect(l.terminal.backend.lines()[0].hasPrefix(" hpotop fixture"))
  }

  @Test func tickUpdatesElapsedTimeFromTheFakeClock() {
    let clock = FakeClock()
    var l = loop(Fixture.state(), keys: [], clock: clock)
    _ = l.run()
    #expect(l.terminal.backend.lines()[2].hasPrefix(" elapsed 5m00s"))
    clock.advance(65)
    _ = l.run()
    #expect(l.terminal.backend.lines()[2].hasPrefix(" elapsed 6m05s"))
  }

  @Test func pruneAsksThenEmitsTheCommand() {
    var s = Fixture.state()
    Fixture.press(&s, [.char("k")])
    guard case .confirm(let d)? = s.overlay else {
      Issue.record("no confirm dialog")
      return
    }
    #expect(d.title == "Prune trial 19?")
    #expect(Fixture.text(s).contains("Prune trial 19?"))
    Fixture.press(&s, [.char("n")])
    #expect(s.overlay == nil && s.commands.isEmpty)
    Fixture.press(&s, [.char("k"), .char("y")])
    guard case .requestPrune(let id, 19)? = s.commands.first else {
      Issue.record("no prune command: \(s.commands)")
      return
    }
    #expect(id == 20)
  }

  @Test func disabledActionsSayWhy() {
    var s = Fixture.state()
    Fixture.press(&s, [.down, .down])  // #17, complete
    Fixture.press(&s, [.char("k")])
    #expect(s.overlay == nil)
    #expect(s.status?.text == "Prune: trial 17 is not running")
    Fixture.press(&s, [.char("x")])
    #expect(s.status?.text == "Fail: trial 17 is not running")
    Fixture.press(&s, [.char("F")])
    #expect(s.status?.text == "Unfix: no param is fixed")
    Fixture.press(&s, [.char("t")])
    #expect(s.status?.text == "Top-k: only on the parallel tab")
    var empty = AppState(info: DashboardInfo(mode: .watch, storageURL: "x"))
    Fixture.press(&empty, [.char("k")])
    #expect(empty.status?.text == "Prune: no trial selected")
    Fixture.press(&empty, [.char("e")])
    #expect(empty.status?.text == "Enqueue: the study has no params yet")
  }

  @Test func pauseFixUnfixAndMarkFailedEmitCommands() {
    var s = Fixture.state()
    Fixture.press(&s, [.char("p")])
    guard case .setPaused(true)? = s.commands.last else { Issue.record("no pause"); return }
    #expect(Fixture.lines(s)[0].contains("PAUSED"))
    Fixture.press(&s, [.char("p")])
    guard case .setPaused(false)? = s.commands.last else { Issue.record("no resume"); return }
    // Fix: pick the second param (layers), keep trial 19's value.
    Fixture.press(&s, [.char("f"), .down, .enter, .enter])
    guard case .fix("layers", .int(2), _)? = s.commands.last else { Issue.record("no fix: \(s.commands)"); return }
    Fixture.press(&s, [.char("F"), .enter])
    guard case .unfix("layers")? = s.commands.last else { Issue.record("no unfix: \(s.commands)"); return }
    Fixture.press(&s, [.char("x"), .char("y")])
    guard case .markFailed(20, 19)? = s.commands.last else { Issue.record("no mark failed"); return }
  }

  @Test func fixDialogTakesATypedValueValidatedAsTyped() {
    var s = Fixture.state()
    Fixture.press(&s, [.char("f")])
    guard case .picker(let p)? = s.overlay else { Issue.record("no picker"); return }
    // Every param of the study, with the selected trial's (#19) value when it has one.
    #expect(p.entries.map(\.name) == ["lr", "layers", "optimizer", "momentum"])
    #expect(p.entries[1].value == .int(2) && p.entries[3].value == nil)
    #expect(Fixture.text(s, width: 100, height: 30).contains("momentum   float [0, 0.99]"))
    Fixture.press(&s, [.down, .enter])
    guard case .fixValue(let d)? = s.overlay else { Issue.record("no value dialog: \(String(describing: s.overlay))"); return }
    #expect(d.field.name == "layers" && d.field.text == "2")
    #expect(Fixture.text(s, width: 100, height: 30).contains("Fix layers for new trials"))
    // Out of range: an inline error, Enter refused, nothing written.
    Fixture.press(&s, [.ctrl("u")])
    Fixture.type(&s, "9")
    guard case .fixValue(let bad)? = s.overlay else { Issue.record("dialog closed"); return }
    #expect(bad.field.error == "must be in [1, 8]")
    #expect(Fixture.text(s, width: 100, height: 30).contains("9▏  ✗ must be in [1, 8]"))
    Fixture.press(&s, [.enter])
    #expect(s.commands.isEmpty)
    #expect(s.status?.text == "fix the invalid value first")
    guard case .fixValue = s.overlay else { Issue.record("Enter closed the dialog on an invalid value"); return }
    Fixture.type(&s, "x")
    #expect(Fixture.text(s, width: 100, height: 30).contains("✗ not an integer"))
    // A valid value: written, with the distribution it was checked against.
    Fixture.press(&s, [.backspace, .backspace])
    Fixture.type(&s, "7")
    Fixture.press(&s, [.enter])
    #expect(s.overlay == nil)
    guard case .fix("layers", .int(7), let dist)? = s.commands.last else { Issue.record("no fix: \(s.commands)"); return }
    #expect(dist == Fixture.layers)
    #expect(s.snapshot.fixedParams == ["layers": .int(7)])
    #expect(Fixture.lines(s)[2].contains("fixed: layers=7"))
  }

  @Test func fixDialogCancelsWithEscAndCyclesChoices() {
    var s = Fixture.state()
    Fixture.press(&s, [.char("f"), .enter])
    guard case .fixValue(let lr)? = s.overlay else { Issue.record("no value dialog"); return }
    // Floats are pre-filled exactly (not the table's rounding).
    #expect(lr.field.text == s.selectedTrial?.params["lr"]?.pythonRepr)
    Fixture.press(&s, [.escape])
    #expect(s.overlay == nil && s.commands.isEmpty)
    Fixture.press(&s, [.char("f"), .down, .down, .enter, .right, .enter])
    guard case .fix("optimizer", .string("sgd"), _)? = s.commands.last else { Issue.record("no fix: \(s.commands)"); return }
    // No trial: the best one pre-fills; an empty study has nothing to fix.
    var empty = AppState(info: DashboardInfo(mode: .watch, storageURL: "x"))
    Fixture.press(&empty, [.char("f")])
    #expect(empty.status?.text == "Fix: the study has no params yet")
  }

  @Test func enqueueFormValidatesAsTypedAndSubmits() {
    var s = Fixture.state()
    Fixture.press(&s, [.down, .down, .down])  // #16: lr 6.31e-05, layers 1, adam
    Fixture.press(&s, [.char("e")])
    guard case .enqueue(let form)? = s.overlay else { Issue.record("no form"); return }
    #expect(form.fields.map(\.name) == ["lr", "layers", "optimizer", "momentum"])
    // Exact, not the table's rounding: enqueuing it unchanged gives the trial's very config.
    #expect(form.fields[0].text == "6.309573444801929e-05")
    // momentum only shows for sgd (trials with momentum are all sgd).
    #expect(form.visibleFields == [0, 1, 2])
    Fixture.press(&s, [.ctrl("u")])
    Fixture.type(&s, "0.5")
    guard case .enqueue(let bad)? = s.overlay else { Issue.record("form closed"); return }
    #expect(bad.error(0) == "must be in [1e-05, 0.1]")
    #expect(Fixture.text(s, width: 100, height: 30).contains("✗ must be in [1e-05, 0.1]"))
    Fixture.press(&s, [.enter])
    #expect(s.commands.isEmpty)
    Fixture.press(&s, [.backspace, .backspace, .backspace])
    Fixture.type(&s, "0.01")
    Fixture.press(&s, [.down, .down, .right])  // optimizer → sgd: momentum appears
    guard case .enqueue(let sgd)? = s.overlay else { Issue.record("form closed"); return }
    #expect(sgd.fields[2].text == "sgd")
    #expect(sgd.visibleFields == [0, 1, 2, 3])
    Fixture.press(&s, [.down, .ctrl("u")])
    Fixture.type(&s, "0.9")
    Fixture.press(&s, [.down, .char(" "), .enter])
    guard case .enqueue(let params, let skip)? = s.commands.last else { Issue.record("no enqueue: \(s.commands)"); return }
    #expect(params == ["lr": .float(0.01), "layers": .int(1), "optimizer": .string("sgd"), "momentum": .float(0.9)])
    #expect(skip == false)
  }

  @Test func typingACategoricalFieldKeepsTheOtherFieldsAndTheCursor() {
    var s = Fixture.state()
    Fixture.press(&s, [.down, .down, .down])  // #16: lr 6.31e-05, layers 1, adam
    Fixture.press(&s, [.char("e"), .down, .down, .ctrl("u")])
    guard case .enqueue(let cleared)? = s.overlay else { Issue.record("no form"); return }
    // A cleared choice hides nothing (before, every field of a trial with an optimizer vanished).
    #expect(cleared.visibleFields.prefix(3) == [0, 1, 2])
    #expect(cleared.cursorField == 2)
    Fixture.type(&s, "sgd")
    guard case .enqueue(let sgd)? = s.overlay else { Issue.record("form closed"); return }
    #expect(sgd.fields[2].text == "sgd")
    #expect(sgd.visibleFields == [0, 1, 2, 3])
    #expect(sgd.cursorField == 2)
  }

  @Test func enqueueFormUsesStudyFileConditions() throws {
    let space = SearchSpace([
      .init(name: "optimizer", distribution: Fixture.optimizer),
      .init(name: "momentum", distribution: Fixture.momentum, condition: .init(["optimizer": [.string("sgd")]])),
    ])
    var form = EnqueueForm(distributions: ["optimizer": Fixture.optimizer, "momentum": Fixture.momentum], from: nil, trials: [], space: space)
    #expect(form.visibleFields == [0])
    form.cycleChoice(1)
    #expect(form.visibleFields == [0, 1])
    #expect(EnqueueForm.parse("3", Fixture.layers) == .success(.int(3)))
    #expect(EnqueueForm.parse("2.5", Fixture.layers) == .failure(FieldError("not an integer")))
    #expect(EnqueueForm.parse("rmsprop", Fixture.optimizer) == .failure(FieldError("one of: adam, sgd")))
  }
}
