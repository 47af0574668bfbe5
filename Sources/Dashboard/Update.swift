import Foundation
import HPO
import OrderedCollections
import Terminal

extension AppState {
  /// The distributions the enqueue form offers: the study file's space, else what trials used.
  public var enqueueDistributions: OrderedDictionary<String, Distribution> {
    if let s = info.searchSpace, !s.isEmpty { return s }
    return snapshot.distributions
  }

  /// Rows of the table that fit on screen (for paging).
  var pageSize: Int { max(1, height / 2 - 4) }
}

/// The dashboard's state machine: every key, tick and poll result goes through here.
public func update(_ state: inout AppState, _ msg: Msg) -> Reaction {
  switch msg {
  case .tick(let now):
    state.now = now
    if let st = state.status, let until = st.until, until <= now { state.status = nil }
    return .redraw
  case .resize(let w, let h):
    state.width = w
    state.height = h
    return .redraw
  case .snapshot(let snap):
    state.snapshot = snap
    state.refreshRows()
    requestImportanceIfNeeded(&state)
    return .redraw
  case .importance(let r):
    // A result for an objective the user has since left is stale: ask again.
    if state.plots.importanceObjective == plotObjective(state) { state.importance[r.kind] = r }
    if state.importanceComputing == r.kind { state.importanceComputing = nil }
    requestImportanceIfNeeded(&state)
    return .redraw
  case .engineFinished(let error):
    state.engineRunning = false
    state.engineError = error
    if let error { state.say("engine stopped: \(error)", error: true) } else { state.say("study finished") }
    return [.redraw, .reload]
  case .stop:
    state.quitting = true
    return .quit
  case .commandDone(let message, let isError):
    state.say(message, error: isError)
    return [.redraw, .reload]
  case .key(let key):
    if state.overlay != nil { return handleOverlayKey(&state, key) }
    guard let b = Bindings.binding(for: key) else { return [] }
    if let reason = b.disabledReason(state) {
      state.say("\(b.label): \(reason)", error: true)
      return .redraw
    }
    if b.action == .showTab, case .char(let c) = key, let n = c.wholeNumberValue {
      return showTab(&state, n - 1)
    }
    return perform(&state, b.action)
  }
}

/// Runs a main-screen action.
func perform(_ state: inout AppState, _ action: Action) -> Reaction {
  let count = state.rows.count
  func select(_ f: (inout TableState) -> Void) {
    f(&state.table)
    if let s = state.table.selected, s < count { state.selectedNumber = state.snapshot.trials[state.rows[s]].number }
  }
  switch action {
  case .quit:
    state.quitting = true
    return .quit
  case .help: state.overlay = .help(scroll: 0)
  case .closeOverlay:
    if state.filter != nil || !state.filterText.isEmpty {
      state.filterText = ""
      state.filter = nil
      state.filterError = nil
      state.refreshRows()
    }
  case .up: select { $0.move(by: -1, count: count) }
  case .down: select { $0.move(by: 1, count: count) }
  case .pageUp: select { $0.move(by: -state.pageSize, count: count) }
  case .pageDown: select { $0.move(by: state.pageSize, count: count) }
  case .home: select { $0.selectFirst(count: count) }
  case .end: select { $0.selectLast(count: count) }
  case .detail:
    if let t = state.selectedTrial { state.overlay = .detail(number: t.number, scroll: 0) }
  case .filter: state.overlay = .filter(text: state.filterText)
  case .sortNext, .sortReverse:
    if action == .sortReverse {
      state.sortDescending.toggle()
    } else {
      let ids = TrialColumns.sortable(objectives: state.snapshot.directions.count, params: state.paramNames)
      let i = ids.firstIndex(of: state.sortColumn) ?? -1
      state.sortColumn = ids.isEmpty ? "number" : ids[(i + 1) % ids.count]
      state.sortDescending = state.sortColumn == "number"
    }
    state.refreshRows()
    state.say("sorted by \(TrialColumns.title(state.sortColumn, state: state)) \(state.sortDescending ? "↓" : "↑")")
  case .nextTab, .previousTab:
    let n = PlotTab.allCases.count
    var i = state.tab.rawValue
    repeat {
      i = ((i + (action == .nextTab ? 1 : -1)) % n + n) % n
    } while PlotTab.allCases[i].unavailableReason(state) != nil && i != state.tab.rawValue
    return showTab(&state, i)
  case .showTab: break
  case .maximizePlot: state.plotMaximized.toggle()
  case .topK:
    state.topK = state.topK == nil ? 10 : (state.topK == 10 ? 50 : nil)
    state.say("parallel coordinates: " + (state.topK.map { "the best \($0) trials" } ?? "all trials"))
  case .nextObjective:
    state.plots.objective = (plotObjective(state) + 1) % max(1, state.snapshot.directions.count)
    state.say("plots show \(state.metricName(state.plots.objective))")
    requestImportanceIfNeeded(&state)
  case .logScale:
    state.plots.logScale.toggle()
    state.say("value axis: " + (state.plots.logScale ? "log scale" : "linear"))
  case .allTrials:
    state.plots.allTrials.toggle()
    state.say(state.plots.allTrials ? "plots draw every trial" : "plots draw the newest \(plotTrialLimit) trials")
  case .moveAxisLeft, .moveAxisRight:
    var names = parallelAxisNames(state)
    let i = min(state.plots.axisCursor, max(0, names.count - 1))
    let j = i + (action == .moveAxisLeft ? -1 : 1)
    guard names.indices.contains(i), names.indices.contains(j) else { break }
    names.swapAt(i, j)
    state.plots.parallelOrder = names + state.plots.parallelOrder.filter { !names.contains($0) }
    state.plots.axisCursor = j
  case .hideAxis:
    let names = parallelAxisNames(state)
    guard names.count > 1 else {
      state.say("the last axis stays", error: true)
      break
    }
    let i = min(state.plots.axisCursor, names.count - 1)
    state.plots.hiddenAxes.insert(names[i])
    state.plots.axisCursor = min(i, names.count - 2)
    state.say("hid \(names[i]) (H: show all)")
  case .showAllAxes:
    state.plots.hiddenAxes = []
  case .importanceKind:
    state.importanceKind = state.importanceKind == .fanova ? .mdi : .fanova
    requestImportanceIfNeeded(&state)
  case .cycleParam:
    if state.tab == .parallel {
      state.plots.axisCursor = (state.plots.axisCursor + 1) % max(1, parallelAxisNames(state).count)
    } else if state.tab == .pareto {
      state.objectiveX = (state.objectiveX + 1) % max(1, state.snapshot.directions.count)
    } else {
      state.paramIndex = (state.paramIndex + 1) % max(1, state.paramNames.count)
    }
  case .cycleParam2:
    if state.tab == .parallel {
      let n = max(1, parallelAxisNames(state).count)
      state.plots.axisCursor = (min(state.plots.axisCursor, n - 1) + n - 1) % n
    } else if state.tab == .pareto {
      state.objectiveY = (state.objectiveY + 1) % max(1, state.snapshot.directions.count)
    } else {
      state.paramIndex2 = (state.paramIndex2 + 1) % max(1, state.paramNames.count)
    }
  case .prune:
    if let t = state.selectedTrial {
      state.overlay = .confirm(ConfirmDialog(
        title: "Prune trial \(t.number)?",
        message: "The worker running it stops it within a second; it is recorded as PRUNED.",
        command: .requestPrune(trialID: t.id, number: t.number)))
    }
  case .markFailed:
    if let t = state.selectedTrial {
      state.overlay = .confirm(ConfirmDialog(
        title: "Mark trial \(t.number) failed?",
        message: "Sets state FAIL with reason \"marked failed by user\"; its worker may still be running.",
        command: .markFailed(trialID: t.id, number: t.number)))
    }
  case .pause:
    let paused = !state.snapshot.isPaused
    state.commands.append(.setPaused(paused))
    state.snapshot.systemAttrs["hpotop:paused"] = .bool(paused)
    state.say(paused ? "paused: no new trial starts" : "resumed")
    return [.redraw, .reload]
  case .enqueue:
    state.overlay = .enqueue(EnqueueForm(
      distributions: state.enqueueDistributions, from: state.selectedOrBest, trials: state.snapshot.trials,
      space: state.info.space))
  case .fix:
    let from = state.selectedOrBest
    state.overlay = .picker(ParamPicker(
      purpose: .fix, entries: state.enqueueDistributions.keys.map { ($0, from?.params[$0]?.json) }, selected: 0))
  case .unfix:
    state.overlay = .picker(ParamPicker(
      purpose: .unfix, entries: state.snapshot.fixedParams.map { ($0.key, $0.value) }, selected: 0))
  }
  return .redraw
}

/// Keys while an overlay is open: text input, dialog navigation, Esc to close.
func handleOverlayKey(_ state: inout AppState, _ key: Key) -> Reaction {
  guard let overlay = state.overlay else { return [] }
  switch overlay {
  case .help(let scroll):
    switch key {
    case .up: state.overlay = .help(scroll: max(0, scroll - 1))
    case .down: state.overlay = .help(scroll: scroll + 1)
    case .pageDown: state.overlay = .help(scroll: scroll + 10)
    case .pageUp: state.overlay = .help(scroll: max(0, scroll - 10))
    case .char("q") where false: break
    default:
      if Bindings.binding(for: key)?.action == .quit {
        state.quitting = true
        return .quit
      }
      state.overlay = nil
    }
  case .detail(let number, let scroll):
    switch key {
    case .up: state.overlay = .detail(number: number, scroll: max(0, scroll - 1))
    case .down: state.overlay = .detail(number: number, scroll: scroll + 1)
    case .pageDown: state.overlay = .detail(number: number, scroll: scroll + 10)
    case .pageUp: state.overlay = .detail(number: number, scroll: max(0, scroll - 10))
    case .home: state.overlay = .detail(number: number, scroll: 0)
    case .escape, .enter, .char("q"), .backspace: state.overlay = nil
    default:
      if let b = Bindings.binding(for: key), [.prune, .markFailed, .enqueue, .fix, .pause].contains(b.action) {
        state.overlay = nil
        return update(&state, .key(key))
      }
    }
  case .filter(var text):
    switch key {
    case .escape:
      state.overlay = nil
    case .enter:
      applyFilter(&state, text)
      if state.filterError == nil { state.overlay = nil }
    case .backspace:
      if !text.isEmpty { text.removeLast() }
      state.overlay = .filter(text: text)
      previewFilter(&state, text)
    case .ctrl("u"):
      state.overlay = .filter(text: "")
      previewFilter(&state, "")
    case .char(let c):
      text.append(c)
      state.overlay = .filter(text: text)
      previewFilter(&state, text)
    default: break
    }
  case .confirm(let dialog):
    switch key {
    case .char("y"), .char("Y"), .enter:
      state.overlay = nil
      state.commands.append(dialog.command)
      if case .requestPrune(_, let n) = dialog.command { state.say("prune requested for trial \(n)") }
      return [.redraw, .reload]
    case .char("n"), .char("N"), .escape, .char("q"):
      state.overlay = nil
    default: break
    }
  case .picker(var p):
    switch key {
    case .up: p.selected = max(0, p.selected - 1)
    case .down: p.selected = min(max(0, p.entries.count - 1), p.selected + 1)
    case .escape, .char("q"):
      state.overlay = nil
      return .redraw
    case .enter:
      state.overlay = nil
      guard p.selected < p.entries.count else { return .redraw }
      let e = p.entries[p.selected]
      if p.purpose == .fix {
        // Then the value: pre-filled with the selected (or best) trial's, exactly.
        guard let d = state.enqueueDistributions[e.name] else { return .redraw }
        let current = e.value.flatMap(ParamValue.init(json:))
          ?? state.snapshot.fixedParams[e.name].flatMap(ParamValue.init(json:))
        state.overlay = .fixValue(FixDialog(field: ParamField(name: e.name, distribution: d, value: current, exact: true)))
        return .redraw
      }
      var fixed = state.snapshot.fixedParams
      fixed.removeValue(forKey: e.name)
      state.say("unfixed \(e.name)")
      state.commands.append(.unfix(name: e.name))
      state.snapshot.systemAttrs["hpotop:fixed_params"] = fixed.isEmpty ? nil : .object(fixed)
      return [.redraw, .reload]
    default: break
    }
    if case .picker = state.overlay { state.overlay = .picker(p) }
  case .fixValue(var dialog):
    switch key {
    case .escape:
      state.overlay = nil
      return .redraw
    case .enter:
      guard let v = dialog.field.value else {
        state.say("fix the invalid value first", error: true)
        return .redraw
      }
      let name = dialog.field.name
      state.overlay = nil
      var fixed = state.snapshot.fixedParams
      fixed[name] = v.json
      state.snapshot.systemAttrs["hpotop:fixed_params"] = .object(fixed)
      state.commands.append(.fix(name: name, value: v.json, distribution: dialog.field.distribution))
      state.say("fixed \(name) = \(v.json.compactJSON) for new trials")
      return [.redraw, .reload]
    default:
      _ = dialog.field.edit(key)
    }
    state.overlay = .fixValue(dialog)
  case .enqueue(var form):
    switch key {
    case .escape:
      state.overlay = nil
      return .redraw
    case .up, .backTab: form.moveCursor(-1)
    case .down, .tab: form.moveCursor(1)
    case .left: form.cycleChoice(-1)
    case .right: form.cycleChoice(1)
    case .backspace: form.backspace()
    case .ctrl("u"):
      if let i = form.cursorField { form.setText("", field: i) }
    case .char(let c): form.type(c)
    case .enter:
      if let params = form.params {
        state.overlay = nil
        state.commands.append(.enqueue(params: params, skipIfExists: form.skipIfExists))
        return [.redraw, .reload]
      }
      state.say("fix the invalid fields first", error: true)
    default: break
    }
    state.overlay = .enqueue(form)
  }
  return .redraw
}

/// Parses the filter as typed, showing errors inline without changing the rows.
func previewFilter(_ state: inout AppState, _ text: String) {
  if text.trimmingCharacters(in: .whitespaces).isEmpty {
    state.filterError = nil
    return
  }
  do {
    _ = try TrialFilterExpression.parse(text, params: state.paramNames)
    state.filterError = nil
  } catch let e as FilterError {
    state.filterError = e
  } catch {
    state.filterError = FilterError(message: "\(error)", column: 1)
  }
}

/// Applies a filter (empty clears it).
func applyFilter(_ state: inout AppState, _ text: String) {
  let trimmed = text.trimmingCharacters(in: .whitespaces)
  if trimmed.isEmpty {
    state.filterText = ""
    state.filter = nil
    state.filterError = nil
    state.refreshRows()
    return
  }
  do {
    state.filter = try TrialFilterExpression.parse(trimmed, params: state.paramNames)
    state.filterText = trimmed
    state.filterError = nil
    state.refreshRows()
  } catch let e as FilterError {
    state.filterError = e
  } catch {
    state.filterError = FilterError(message: "\(error)", column: 1)
  }
}

/// Asks the runtime for importances when the tab shows them and the cache is stale.
func requestImportanceIfNeeded(_ state: inout AppState) {
  guard state.tab == .importance, state.importanceComputing == nil else { return }
  let objective = plotObjective(state)
  if state.plots.importanceObjective != objective {
    state.importance = [:]
    state.plots.importanceObjective = objective
  }
  var complete = state.snapshot.trials.filter { $0.state == .complete && $0.values != nil }
  let kind = state.importanceKind
  if let cached = state.importance[kind], cached.completeCount == complete.count { return }
  guard complete.count >= 2 else { return }
  state.importanceComputing = kind
  var directions = state.snapshot.directions
  if directions.count > 1 {
    // The evaluators read objective 0: hand them the chosen objective alone.
    for i in complete.indices { complete[i].values = complete[i].values.map { objective < $0.count ? [$0[objective]] : $0 } }
    directions = [directions[min(objective, directions.count - 1)]]
  }
  // Large studies: the most recent 2000 complete trials keep the forest fast.
  state.commands.append(.computeImportance(
    kind: kind, trials: Array(complete.suffix(2000)), directions: directions,
    completeCount: complete.count))
}

/// Shows tab `index` (an index into `PlotTab.allCases`), or says why it cannot. A tab switch
/// clears an error left by an earlier refusal, so no stale reason stays on screen.
func showTab(_ state: inout AppState, _ index: Int) -> Reaction {
  guard let tab = PlotTab(rawValue: index) else { return [] }
  if let reason = tab.unavailableReason(state) {
    state.say("\(tab.title): \(reason)", error: true)
    return .redraw
  }
  if state.status?.isError == true { state.status = nil }
  state.tab = tab
  requestImportanceIfNeeded(&state)
  return .redraw
}
