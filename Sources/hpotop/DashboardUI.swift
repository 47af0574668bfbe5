import ArgumentParser
import Dashboard
import Foundation
import HPO
import Terminal
import TerminalNCurses

/// Options of the dashboard (`run`, `watch`, `demo`).
struct TUIOptions: ParsableArguments {
  @Option(help: "Theme name (default, mono, nord, solarized-dark, gruvbox, or one in ~/.config/hpotop/themes) or a .theme path.")
  var theme: String = "default"
  @Option(help: "Seconds between storage polls.") var poll: Double = 0.4
  @Flag(help: "Leave the mouse to the terminal (text selection) instead of clicks and the wheel.")
  var noMouse = false

  /// The terminal options these flags ask for.
  var backendOptions: NCursesBackend.Options { NCursesBackend.Options(mouse: !noMouse) }

  /// Loads the theme; bad names are bad input (exit 2).
  func loadTheme() throws -> Theme {
    do {
      return try Theme.load(theme, directories: themeDirectories())
    } catch let e as ThemeError {
      throw BadInput(e.message)
    }
  }
}

/// Where theme files are looked up: `$HPOTOP_THEMES`, `~/.config/hpotop/themes`, the themes
/// installed beside the binary, and the source tree's `themes/` (development builds).
func themeDirectories() -> [String] {
  var dirs: [String] = []
  let env = ProcessInfo.processInfo.environment
  if let d = env["HPOTOP_THEMES"], !d.isEmpty { dirs.append(d) }
  dirs.append(NSHomeDirectory() + "/.config/hpotop/themes")
  let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
  dirs.append(exe.appendingPathComponent("../share/hpotop/themes").standardized.path)
  let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("themes").path
  dirs.append(source)
  return dirs
}

/// Whether the dashboard should open: stdout is a terminal and --no-tui was not given.
func wantsTUI(noTui: Bool) -> Bool { !noTui && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1 }

/// Runs the dashboard loop on its own thread (ncurses blocks while waiting for keys) and
/// returns the final state when the user quits. The terminal is restored on every path.
func runDashboardLoop(
  state: AppState, controller: DashboardController?, mailbox: Mailbox, pollInterval: Double,
  pickFrom studies: [StudySummary]? = nil, options: NCursesBackend.Options = NCursesBackend.Options()
) async throws -> AppState {
  try await withCheckedThrowingContinuation { (cont: CheckedContinuation<AppState, Error>) in
    let thread = Thread {
      do {
        let final = try NCursesBackend.withTerminal(options: options) { terminal -> AppState in
          var loop = DashboardLoop(
            terminal: terminal, state: state, mailbox: mailbox, controller: controller, pollInterval: pollInterval)
          let s = loop.run()
          terminal = loop.terminal
          return s
        }
        cont.resume(returning: final)
      } catch {
        cont.resume(throwing: error)
      }
    }
    thread.stackSize = 8 << 20
    thread.start()
  }
}

/// Shows the study picker on the terminal; nil when the user quits.
func pickStudy(_ studies: [StudySummary], theme: Theme, options: NCursesBackend.Options = NCursesBackend.Options()) async throws -> StudySummary? {
  try await withCheckedThrowingContinuation { (cont: CheckedContinuation<StudySummary?, Error>) in
    let thread = Thread {
      do {
        let s = try NCursesBackend.withTerminal(options: options) { terminal in StudyPicker.run(&terminal, studies: studies, theme: theme) }
        cont.resume(returning: s)
      } catch {
        cont.resume(throwing: error)
      }
    }
    thread.start()
  }
}

/// Prints theme warnings after the dashboard closes.
func printThemeWarnings(_ theme: Theme) {
  for w in theme.warnings { printError("warning: theme \(w)") }
}

/// What the dashboard shows about a study it runs itself.
func dashboardInfo(_ spec: StudySpec, _ storage: any Storage, _ launcher: StudyLauncher, mode: DashboardInfo.Mode) -> DashboardInfo {
  var info = DashboardInfo(
    mode: mode, storageURL: storage.displayURL, samplerName: launcher.sampler.name, prunerName: launcher.pruner.name,
    nTrials: spec.nTrials, timeout: spec.timeout, startedAt: Date(),
    space: spec.searchSpace, trialsDirectory: launcher.trialsDirectory,
    metricNames: spec.metrics.map(\.name))
  info.budget = spec.budget
  return info
}

/// `demo --svg`: runs the study headless for `after` seconds, then draws the dashboard it would
/// show (the same `view` the terminal gets) at `width`×`height` and writes it as SVG.
func renderDashboardSVG(spec: StudySpec, engine: EngineOptions, after: Double, width: Int, height: Int, path: String) async throws {
  let (spec, storage, launcher, study) = try await launch(spec, engine)
  let info = dashboardInfo(spec, storage, launcher, mode: .demo)
  let run = Task { try await study.optimize(limits: engine.limits(spec), objective: launcher.objective) }
  try await Task.sleep(for: .seconds(after))
  let snapshot = try await StudyPoller(storage: storage, studyID: study.id).poll(now: Date())
  run.cancel()
  _ = await run.result
  let state = AppState(info: info, snapshot: snapshot, theme: .builtinDefault, now: Date(), width: width, height: height, engineRunning: true)
  let svg = ScreenSVG.render(view(state, area: Rect(width: width, height: height)))
  try Data(svg.utf8).write(to: URL(fileURLWithPath: path))
  printError("[I \(logTimestamp())] Wrote \(path): the dashboard after \(snapshot.trials.count) trials at \(width)×\(height).")
}

/// `run` / `demo` with the dashboard: the engine runs in a task while the UI shows the study.
/// Quitting stops the engine like Ctrl-C does (running trials are recorded FAIL and re-queued).
func runStudyWithDashboard(spec: StudySpec, engine: EngineOptions, tui: TUIOptions, mode: DashboardInfo.Mode) async throws {
  let theme = try tui.loadTheme()
  let (spec, storage, launcher, study) = try await launch(spec, engine)
  let mailbox = Mailbox()
  let controller = DashboardController(storage: storage, studyID: study.id, mailbox: mailbox)
  let info = dashboardInfo(spec, storage, launcher, mode: mode)
  let first = try await controller.pollOnce()
  let state = AppState(info: info, snapshot: first, theme: theme, engineRunning: true)
  // The quit dialog's drain: no new trial starts here; the count of those still running goes to
  // the screen until it reaches 0, when the dashboard quits with no trial interrupted.
  let gate = TrialGate()
  var limits = engine.limits(spec)
  limits.gate = gate
  controller.drainEngine = { on in
    if on {
      gate.close()
      Task.detached {
        var last = -1
        while gate.isClosed {
          let n = gate.running
          if n != last { mailbox.post(.drainProgress(running: n)) }
          if n == 0 { break }
          last = n
          try? await Task.sleep(for: .milliseconds(250))
        }
      }
    } else {
      gate.open()
    }
    return gate.running
  }
  let run = Task {
    do {
      try await study.optimize(limits: limits, onEvent: { _ in }, objective: launcher.objective)
      mailbox.post(.engineFinished(error: nil))
    } catch is CancellationError {
      mailbox.post(.engineFinished(error: nil))
    } catch {
      mailbox.post(.engineFinished(error: "\(error)"))
    }
  }
  // SIGHUP (the SSH connection or tmux session went away), SIGTERM and SIGINT stop the study as
  // Ctrl-C does headless: objectives stopped, running trials FAIL "interrupted" and queued again.
  let interrupted = InterruptFlag()
  NCursesBackend.deliverTerminatingSignals { sig in
    interrupted.set(sig)
    mailbox.post(.stop)
    run.cancel()
    Task.detached {
      _ = await run.result
      // The terminal is gone: nothing to restore or print, and no drawing to wait for.
      if sig == SIGHUP { _exit(128 + sig) }
      // Otherwise the UI thread restores the screen; if a blocked terminal holds it, exit anyway.
      try? await Task.sleep(for: .seconds(10))
      _exit(128 + sig)
    }
  }
  let final: AppState
  do {
    final = try await runDashboardLoop(state: state, controller: controller, mailbox: mailbox, pollInterval: tui.poll,
                                     options: tui.backendOptions)
  } catch {
    // No dashboard after all (the terminal could not be set up): stop the engine cleanly, so
    // that its running trials are recorded and queued again instead of left RUNNING.
    run.cancel()
    _ = await run.result
    throw error
  }
  run.cancel()
  _ = await run.result
  if let sig = interrupted.signal, sig == SIGHUP { _exit(128 + sig) }
  printThemeWarnings(theme)
  try await printRunSummary(study, interrupted: interrupted)
  if let e = final.engineError { throw BadInput("engine stopped: \(e)") }
}

struct Watch: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Open the dashboard on a storage that other processes (hpotop workers, Python Optuna) write.")
  @Argument(help: "Storage URL (sqlite:///path.db) or a .db path.") var storage: String
  @Option(help: "The study to show (default: the only one, else a picker).") var study: String?
  @OptionGroup var tui: TUIOptions
  @Option(help: "Seconds a RUNNING trial may go without a heartbeat before it is failed as stale.")
  var staleGrace: Double = 60

  func run() async throws {
    let theme = try tui.loadTheme()
    let store = try openStorageForWatching(storage)
    let studies = try await store.studies()
    var chosen: StudySummary?
    if let name = study {
      guard let s = studies.first(where: { $0.name == name }) else {
        throw BadInput("no study named '\(name)' in \(store.displayURL) (studies: \(studies.map(\.name).joined(separator: ", ")))")
      }
      chosen = s
    } else if studies.count == 1 {
      chosen = studies[0]
    } else if studies.isEmpty {
      throw BadInput("no study in \(store.displayURL)")
    } else {
      guard wantsTUI(noTui: false) else {
        throw BadInput("\(store.displayURL) holds \(studies.count) studies; choose one with --study (\(studies.map(\.name).joined(separator: ", ")))")
      }
      chosen = try await pickStudy(studies, theme: theme, options: tui.backendOptions)
    }
    guard let summary = chosen else { return }
    guard wantsTUI(noTui: false) else {
      throw BadInput("watch needs a terminal (use `hpotop trials` for scripting)")
    }
    let mailbox = Mailbox()
    let controller = DashboardController(storage: store, studyID: summary.id, mailbox: mailbox)
    await controller.poller.setStaleGrace(staleGrace)
    // The dashboard opens at once; the first (full) load runs in the background.
    let snap = StudySnapshot.empty(studyID: summary.id, name: summary.name, directions: summary.directions)
    let trialsDir = TrialLogLocation.trialsDirectory(
      storageURL: store.displayURL, workingDirectory: FileManager.default.currentDirectoryPath)
    let info = DashboardInfo(mode: .watch, storageURL: store.displayURL, trialsDirectory: trialsDir)
    let state = AppState(info: info, snapshot: snap, theme: theme)
    _ = try await runDashboardLoop(state: state, controller: controller, mailbox: mailbox, pollInterval: tui.poll,
                                             options: tui.backendOptions)
    printThemeWarnings(theme)
  }
}

struct Keys: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Print the dashboard's key bindings (docs/keys.md with --markdown).")
  @Flag(help: "Print Markdown (the text of docs/keys.md).") var markdown = false

  func run() throws {
    if markdown {
      print(Bindings.markdown(), terminator: "")
    } else {
      for b in Bindings.all { print(b.keyText.padding(toLength: 10, withPad: " ", startingAt: 0) + b.description) }
    }
  }
}
