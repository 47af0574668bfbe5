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
  pickFrom studies: [StudySummary]? = nil
) async throws -> AppState {
  try await withCheckedThrowingContinuation { (cont: CheckedContinuation<AppState, Error>) in
    let thread = Thread {
      do {
        let final = try NCursesBackend.withTerminal { terminal -> AppState in
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
func pickStudy(_ studies: [StudySummary], theme: Theme) async throws -> StudySummary? {
  try await withCheckedThrowingContinuation { (cont: CheckedContinuation<StudySummary?, Error>) in
    let thread = Thread {
      do {
        let s = try NCursesBackend.withTerminal { terminal in StudyPicker.run(&terminal, studies: studies, theme: theme) }
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

/// `run` / `demo` with the dashboard: the engine runs in a task while the UI shows the study.
/// Quitting stops the engine like Ctrl-C does (running trials are recorded FAIL and re-queued).
func runStudyWithDashboard(spec: StudySpec, engine: EngineOptions, tui: TUIOptions, mode: DashboardInfo.Mode) async throws {
  let theme = try tui.loadTheme()
  let (spec, storage, launcher, study) = try await launch(spec, engine)
  let mailbox = Mailbox()
  let controller = DashboardController(storage: storage, studyID: study.id, mailbox: mailbox)
  let info = DashboardInfo(
    mode: mode, storageURL: storage.displayURL, samplerName: launcher.sampler.name, prunerName: launcher.pruner.name,
    nTrials: spec.nTrials, timeout: spec.timeout, startedAt: Date(),
    space: spec.searchSpace, trialsDirectory: launcher.trialsDirectory,
    metricNames: spec.metrics.map(\.name))
  let first = try await controller.pollOnce()
  let state = AppState(info: info, snapshot: first, theme: theme, engineRunning: true)
  let run = Task {
    do {
      try await study.optimize(limits: engine.limits(spec), onEvent: { _ in }, objective: launcher.objective)
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
  let final = try await runDashboardLoop(state: state, controller: controller, mailbox: mailbox, pollInterval: tui.poll)
  run.cancel()
  _ = await run.result
  if let sig = interrupted.signal, sig == SIGHUP { _exit(128 + sig) }
  printThemeWarnings(theme)
  let trials = try await study.trials()
  let counts = Dictionary(grouping: trials, by: \.state).mapValues(\.count)
  printError("[I \(logTimestamp())] Study '\(study.name)': \(trials.count) trials ("
    + TrialState.allCases.compactMap { s in counts[s].map { "\($0) \(s.rawValue.lowercased())" } }.joined(separator: ", ") + ").")
  if let sig = interrupted.signal {
    printError("Interrupted: running trials were recorded as FAIL (\"interrupted\") and queued again; "
      + "run the same command to resume.")
    Foundation.exit(128 + sig)
  }
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
      chosen = try await pickStudy(studies, theme: theme)
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
    var trialsDir: String?
    if let path = sqlitePath(store.displayURL) {
      trialsDir = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("trials")
    }
    let info = DashboardInfo(mode: .watch, storageURL: store.displayURL, trialsDirectory: trialsDir)
    let state = AppState(info: info, snapshot: snap, theme: theme)
    _ = try await runDashboardLoop(state: state, controller: controller, mailbox: mailbox, pollInterval: tui.poll)
    printThemeWarnings(theme)
  }
}

/// The file path of a `sqlite:///…` URL.
func sqlitePath(_ url: String) -> String? {
  guard url.hasPrefix("sqlite:///") else { return url.hasSuffix(".db") ? url : nil }
  return String(url.dropFirst("sqlite:///".count)).hasPrefix("/") ? String(url.dropFirst("sqlite:///".count)) : "/" + String(url.dropFirst("sqlite:///".count))
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
