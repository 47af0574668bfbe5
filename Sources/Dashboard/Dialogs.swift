import Foundation
import HPO
import OrderedCollections
import Terminal

/// One dialog or overlay: its keys come from `Bindings.dialog` for its `kind`; `handle` acts on
/// the bound action (nil: an unbound key, typed into text fields).
protocol Dialog {
  static var kind: DialogKind { get }
  /// Handles one key. The dialog is already off screen (`state.overlay` is nil): return `.keep`
  /// to stay open, or `.close` (after setting another overlay, if one follows).
  mutating func handle(_ action: DialogAction?, _ key: Key, _ state: inout AppState) -> DialogStep
}

/// Whether a dialog stays open after a key, and what the loop does next.
enum DialogStep {
  case keep(Reaction)
  case close(Reaction)
  static let keep = DialogStep.keep(.redraw)
  static let close = DialogStep.close(.redraw)
}

/// Keys while an overlay is open: each dialog type handles its own bound actions.
func handleOverlayKey(_ state: inout AppState, _ key: Key) -> Reaction {
  guard let overlay = state.overlay else { return [] }
  state.overlay = nil
  switch overlay {
  case .help(let scroll): return run(HelpDialog(scroll: scroll), key, &state) { .help(scroll: $0.scroll) }
  case .detail(let n, let scroll): return run(DetailDialog(number: n, scroll: scroll), key, &state) { .detail(number: $0.number, scroll: $0.scroll) }
  case .filter(let text): return run(FilterDialog(text: text), key, &state) { .filter(text: $0.text) }
  case .confirm(let d): return run(d, key, &state) { .confirm($0) }
  case .picker(let p): return run(p, key, &state) { .picker($0) }
  case .fixValue(let d): return run(d, key, &state) { .fixValue($0) }
  case .enqueue(let f): return run(f, key, &state) { .enqueue($0) }
  case .quit(let q): return run(q, key, &state) { .quit($0) }
  case .note(let n): return run(n, key, &state) { .note($0) }
  }
}

private func run<D: Dialog>(_ dialog: D, _ key: Key, _ state: inout AppState, _ wrap: (D) -> Overlay) -> Reaction {
  var d = dialog
  switch d.handle(Bindings.dialogAction(for: key, in: D.kind), key, &state) {
  case .keep(let r):
    if state.overlay == nil { state.overlay = wrap(d) }
    return r
  case .close(let r):
    return r
  }
}

// MARK: Help and detail

/// The help overlay: every binding, scrolled when it does not fit.
struct HelpDialog: Dialog {
  static let kind = DialogKind.help
  var scroll: Int

  /// Lines the help box shows at a screen height (the box leaves a row above and below).
  static func visibleLines(height: Int) -> Int { max(1, height - 4) }

  mutating func handle(_ action: DialogAction?, _ key: Key, _ state: inout AppState) -> DialogStep {
    let page = Self.visibleLines(height: state.height)
    let maxScroll = max(0, helpLines(state).count - page)
    switch action {
    case .close: return .close
    case .up: scroll -= 1
    case .down: scroll += 1
    case .pageUp: scroll -= page
    case .pageDown: scroll += page
    case .home: scroll = 0
    case .end: scroll = maxScroll
    default: return .keep([])
    }
    scroll = max(0, min(maxScroll, scroll))
    return .keep
  }
}

/// The trial detail overlay; the study-control keys act on its trial.
struct DetailDialog: Dialog {
  static let kind = DialogKind.detail
  var number: Int
  var scroll: Int

  mutating func handle(_ action: DialogAction?, _ key: Key, _ state: inout AppState) -> DialogStep {
    let limit = detailScrollLimit(state, number: number)
    switch action {
    case .close: return .close
    case .up: scroll = max(0, scroll - 1)
    case .down: scroll = min(limit, scroll + 1)
    case .pageUp: scroll = max(0, scroll - 10)
    case .pageDown: scroll = min(limit, scroll + 10)
    case .home: scroll = 0
    case .end: scroll = limit
    default:
      if let b = Bindings.binding(for: key), [.prune, .markFailed, .enqueue, .fix, .pause, .note].contains(b.action) {
        return .close(update(&state, .key(key)))
      }
      return .keep([])
    }
    return .keep
  }
}

// MARK: Text fields

/// The filter line: parsed as typed, applied on Enter.
struct FilterDialog: Dialog {
  static let kind = DialogKind.filter
  var text: String

  mutating func handle(_ action: DialogAction?, _ key: Key, _ state: inout AppState) -> DialogStep {
    switch action {
    case .close: return .close
    case .confirm:
      applyFilter(&state, text)
      return state.filterError == nil ? .close : .keep
    case .backspace: if !text.isEmpty { text.removeLast() }
    case .clearText: text = ""
    default:
      guard case .char(let c) = key else { return .keep([]) }
      text.append(c)
    }
    previewFilter(&state, text)
    return .keep
  }
}

/// The note of one trial, saved where optuna-dashboard keeps trial notes.
public struct NoteDialog: Sendable, Dialog {
  static let kind = DialogKind.note
  public var trialID: Int64
  public var number: Int
  public var text: String

  public init(trialID: Int64, number: Int, text: String) {
    self.trialID = trialID
    self.number = number
    self.text = text
  }

  mutating func handle(_ action: DialogAction?, _ key: Key, _ state: inout AppState) -> DialogStep {
    switch action {
    case .close: return .close
    case .confirm:
      state.commands.append(.saveNote(trialID: trialID, number: number, text: text))
      // Shown at once; the next poll brings the stored text.
      var attrs = state.snapshot.systemAttrs
      TrialNote.apply(text, trialID: trialID, to: &attrs)
      state.snapshot.systemAttrs = attrs
      return .close([.redraw, .reload])
    case .backspace: if !text.isEmpty { text.removeLast() }
    case .clearText: text = ""
    default:
      guard case .char(let c) = key else { return .keep([]) }
      text.append(c)
    }
    return .keep
  }
}

// MARK: Questions and pickers

extension ConfirmDialog: Dialog {
  static let kind = DialogKind.confirm

  mutating func handle(_ action: DialogAction?, _ key: Key, _ state: inout AppState) -> DialogStep {
    switch action {
    case .close: return .close
    case .confirm:
      state.commands.append(command)
      if case .requestPrune(_, let n) = command { state.say("prune requested for trial \(n)") }
      return .close([.redraw, .reload])
    default: return .keep([])
    }
  }
}

/// The question `q` asks while this process runs trials.
public struct QuitDialog: Sendable, Dialog {
  static let kind = DialogKind.quit
  /// Trials running when it opened.
  public var running: Int
  public init(running: Int) { self.running = running }

  mutating func handle(_ action: DialogAction?, _ key: Key, _ state: inout AppState) -> DialogStep {
    switch action {
    case .close:
      if state.draining { state.say(drainText(state)) }
      return .close
    case .drain:
      if !state.draining {
        state.draining = true
        state.drainLeft = running
        state.commands.append(.drain(true))
      }
      state.status = StatusMessage(text: drainText(state), isError: false, until: nil)
      return .close
    case .stopNow:
      state.quitting = true
      return .close(.quit)
    default: return .keep([])
    }
  }
}

/// The status line while draining.
func drainText(_ state: AppState) -> String {
  let n = state.drainLeft ?? state.runningHere
  return "draining: \(n) trial\(n == 1 ? "" : "s") still running, none starts; quits when \(n == 1 ? "it ends" : "they end") (q)"
}

extension AppState {
  /// Trials running in this process's engine (`run`/`demo`); 0 in `watch`.
  var runningHere: Int {
    guard info.mode != .watch, engineRunning else { return 0 }
    return cachedCounts[.running] ?? 0
  }
}

extension ParamPicker: Dialog {
  static let kind = DialogKind.picker

  mutating func handle(_ action: DialogAction?, _ key: Key, _ state: inout AppState) -> DialogStep {
    switch action {
    case .close: return .close
    case .up: selected = max(0, selected - 1)
    case .down: selected = min(max(0, entries.count - 1), selected + 1)
    case .home: selected = 0
    case .end: selected = max(0, entries.count - 1)
    case .confirm:
      guard selected < entries.count else { return .close }
      let e = entries[selected]
      if purpose == .fix {
        // Then the value: pre-filled with the selected (or best) trial's, exactly.
        guard let d = state.enqueueDistributions[e.name] else { return .close }
        let current = e.value.flatMap(ParamValue.init(json:))
          ?? state.snapshot.fixedParams[e.name].flatMap(ParamValue.init(json:))
        state.overlay = .fixValue(FixDialog(field: ParamField(name: e.name, distribution: d, value: current, exact: true)))
        return .close
      }
      var fixed = state.snapshot.fixedParams
      fixed.removeValue(forKey: e.name)
      state.say("unfixed \(e.name)")
      state.commands.append(.unfix(name: e.name))
      state.snapshot.systemAttrs.hpotop.fixedParamsJSON = fixed
      return .close([.redraw, .reload])
    default: return .keep([])
    }
    return .keep
  }
}

extension FixDialog: Dialog {
  static let kind = DialogKind.fix

  mutating func handle(_ action: DialogAction?, _ key: Key, _ state: inout AppState) -> DialogStep {
    switch action {
    case .close: return .close
    case .confirm:
      guard let v = field.value else {
        state.say("fix the invalid value first", error: true)
        return .keep
      }
      let name = field.name
      var fixed = state.snapshot.fixedParams
      fixed[name] = v.json
      state.snapshot.systemAttrs.hpotop.fixedParamsJSON = fixed
      state.commands.append(.fix(name: name, value: v.json, distribution: field.distribution))
      state.say("fixed \(name) = \(v.json.compactJSON) for new trials")
      return .close([.redraw, .reload])
    case .previousChoice: field.cycleChoice(-1)
    case .nextChoice: field.cycleChoice(1)
    case .backspace: if !field.text.isEmpty { field.text.removeLast() }
    case .clearText: field.text = ""
    default:
      guard case .char(let c) = key else { return .keep([]) }
      field.text.append(c)
    }
    return .keep
  }
}

extension EnqueueForm: Dialog {
  static let kind = DialogKind.enqueue

  mutating func handle(_ action: DialogAction?, _ key: Key, _ state: inout AppState) -> DialogStep {
    switch action {
    case .close: return .close
    case .previousField: moveCursor(-1)
    case .nextField: moveCursor(1)
    case .previousChoice: cycleChoice(-1)
    case .nextChoice: cycleChoice(1)
    case .backspace: backspace()
    case .clearText: if let i = cursorField { setText("", field: i) }
    case .toggle: type(" ")
    case .confirm:
      guard let params else {
        state.say("fix the invalid fields first", error: true)
        return .keep
      }
      state.commands.append(.enqueue(params: params, skipIfExists: skipIfExists))
      return .close([.redraw, .reload])
    default:
      guard case .char(let c) = key else { return .keep([]) }
      type(c)
    }
    return .keep
  }
}
