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
    if state.draining && error == nil {
      state.quitting = true
      return .quit
    }
    if let error { state.say("engine stopped: \(error)", error: true) } else { state.say("study finished") }
    return [.redraw, .reload]
  case .stop:
    state.quitting = true
    return .quit
  case .commandDone(let message, let isError):
    state.say(message, error: isError)
    return [.redraw, .reload]
  case .mouse(let m):
    return handleMouse(&state, m)
  case .drainProgress(let running):
    guard state.draining else { return [] }
    state.drainLeft = running
    if running == 0 {
      state.quitting = true
      return .quit
    }
    state.status = StatusMessage(text: drainText(state), isError: false, until: nil)
    return .redraw
  case .key(.alt(let c)):
    // No key of the dashboard is an Alt chord: Esc and a key read together (typed quickly over a
    // slow SSH link, or on a loaded machine) are the two keys the user pressed.
    var reaction = update(&state, .key(.escape))
    if reaction.contains(.quit) || state.quitting { return reaction }
    reaction.formUnion(update(&state, .key(.char(c))))
    return reaction
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
    // Trials running in this process would be interrupted: ask first.
    if state.runningHere > 0 || state.draining {
      state.overlay = .quit(QuitDialog(running: state.runningHere))
      return .redraw
    }
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
      let ids = TrialColumns.sortable(
        objectives: state.snapshot.directions.count, params: state.paramNames, seeds: state.seedGroups.hasRepeats,
        pbt: state.snapshot.trials.contains { $0.systemAttrs[HpotopKey.pbtSegment.rawValue] != nil })
      let i = ids.firstIndex(of: state.sortColumn) ?? -1
      state.sortColumn = ids.isEmpty ? "number" : ids[(i + 1) % ids.count]
      state.sortDescending = state.sortColumn == "number"
    }
    state.refreshRows()
    // A new sort starts at its first row.
    select { $0.selectFirst(count: state.rows.count) }
    state.table.offset = 0
    state.say("sorted by \(TrialColumns.title(state.sortColumn, state: state)) \(state.sortDescending ? "↓" : "↑")")
  case .nextTab, .previousTab:
    let n = PlotTab.allCases.count
    var i = state.tab.rawValue
    repeat {
      i = ((i + (action == .nextTab ? 1 : -1)) % n + n) % n
    } while PlotTab.allCases[i].unavailableReason(state) != nil && i != state.tab.rawValue
    return showTab(&state, i)
  case .showTab: break
  case .scrollLeft: state.paramScroll = max(0, clampedParamScroll(state, state.paramScroll) - 1)
  case .scrollRight: state.paramScroll = clampedParamScroll(state, min(max(0, state.paramNames.count - 1), state.paramScroll + 1))
  case .jumpRunning:
    // The next running row after the cursor, wrapping around.
    let trials = state.snapshot.trials
    let from = state.table.selected ?? -1
    let order = Array((from + 1)..<count) + Array(0..<min(count, max(0, from + 1)))
    if let i = order.first(where: { trials[state.rows[$0]].state == .running }) {
      select { $0.selected = i }
    }
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
    switch state.importanceKind {  // fANOVA → Sobol (intervals, interactions) → MDI → PED-ANOVA
    case .fanova: state.importanceKind = .sobol
    case .sobol: state.importanceKind = .mdi
    case .mdi: state.importanceKind = .pedAnova
    case .pedAnova: state.importanceKind = .fanova
    }
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
    state.snapshot.systemAttrs.hpotop.isPaused = paused
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
  case .rerunSeeds:
    rerunSelected(&state)
  case .note:
    if let t = state.selectedTrial {
      state.overlay = .note(NoteDialog(
        trialID: t.id, number: t.number, text: TrialNote.read(state.snapshot.systemAttrs, trialID: t.id)))
    }
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
