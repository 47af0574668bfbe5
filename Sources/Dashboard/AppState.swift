import Foundation
import HPO
import HPOAnalysis
import OrderedCollections
import Terminal

/// What the dashboard is attached to and how it was started (static for a session).
public struct DashboardInfo: Sendable {
  /// `run` (embedded engine), `watch` (other processes write) or `demo`.
  public enum Mode: String, Sendable { case run, watch, demo }
  public var mode: Mode
  public var storageURL: String
  public var samplerName: String?
  public var prunerName: String?
  public var nTrials: Int?
  public var timeout: Double?
  /// When the engine started (run/demo); watch uses the first trial's start.
  public var startedAt: Date?
  /// The study file's search space when running `run` (for the enqueue form, with conditions).
  public var space: SearchSpace?
  /// The space's distributions in declaration order.
  public var searchSpace: OrderedDictionary<String, Distribution>? {
    guard let space, !space.isEmpty else { return nil }
    return OrderedDictionary(uniqueKeysWithValues: space.params.map { ($0.name, $0.distribution) })
  }
  /// `<study-dir>/trials`, where `<number>/stdout.log` and `stderr.log` live.
  public var trialsDirectory: String?
  /// Metric names (column titles); nil uses `value` / `value0`….
  public var metricNames: [String]?
  /// The study file's compute budget (`budget:`), shown in the header with the ETA following it.
  public var budget: ComputeBudget? = nil

  public init(
    mode: Mode, storageURL: String, samplerName: String? = nil, prunerName: String? = nil,
    nTrials: Int? = nil, timeout: Double? = nil, startedAt: Date? = nil,
    space: SearchSpace? = nil, trialsDirectory: String? = nil,
    metricNames: [String]? = nil
  ) {
    self.mode = mode
    self.storageURL = storageURL
    self.samplerName = samplerName
    self.prunerName = prunerName
    self.nTrials = nTrials
    self.timeout = timeout
    self.startedAt = startedAt
    self.space = space
    self.trialsDirectory = trialsDirectory
    self.metricNames = metricNames
  }
}

/// Which importance evaluator the importance tab shows.
public enum ImportanceKind: String, Sendable, Hashable { case fanova, mdi, sobol, pedAnova = "ped-anova" }

/// A finished importance computation, cached by trial count and evaluator.
public struct ImportanceResult: Sendable {
  public var kind: ImportanceKind
  public var completeCount: Int
  public var info: ImportanceInfo?
  /// Sobol indices with intervals and interactions (kind `.sobol`).
  public var sobol: SobolIndices?
  public var error: String?
  public init(
    kind: ImportanceKind, completeCount: Int, info: ImportanceInfo?, sobol: SobolIndices? = nil, error: String? = nil
  ) {
    self.kind = kind
    self.sobol = sobol
    self.completeCount = completeCount
    self.info = info
    self.error = error
  }
}

/// A side effect `update` asks the runtime to perform (storage writes, background analysis).
public enum Command: Sendable {
  case requestPrune(trialID: Int64, number: Int)
  case markFailed(trialID: Int64, number: Int)
  case setPaused(Bool)
  /// Fix a param for new trials; `distribution` checks the value when no trial used it yet.
  case fix(name: String, value: JSONValue, distribution: Distribution? = nil)
  case unfix(name: String)
  case enqueue(params: OrderedDictionary<String, ParamValue>, skipIfExists: Bool)
  /// Enqueue seed re-runs of one configuration (`SeedReruns`).
  case enqueueReruns([SeedReruns.Run])
  case computeImportance(
    kind: ImportanceKind, trials: [FrozenTrial], directions: [StudyDirection], completeCount: Int)
  /// Save a trial's note where optuna-dashboard keeps it (`TrialNote`).
  case saveNote(trialID: Int64, number: Int, text: String)
  /// Start no new trial in this process (true) or start them again (false): the quit dialog's drain.
  case drain(Bool)
}

/// A message into `update`.
public enum Msg: Sendable {
  case key(Key)
  case resize(width: Int, height: Int)
  /// Time passed (a clock tick); `now` is the (possibly fake) current time.
  case tick(Date)
  case snapshot(StudySnapshot)
  case importance(ImportanceResult)
  /// The embedded engine stopped.
  case engineFinished(error: String?)
  /// A command finished: a message for the status line (error or not).
  case commandDone(message: String, isError: Bool)
  /// A signal (SIGHUP, SIGTERM, SIGINT) stops the dashboard: the loop ends without drawing again.
  case stop
  /// A click or wheel turn on the screen.
  case mouse(Mouse)
  /// While draining: trials this process still runs (0: the drain is over and the app quits).
  case drainProgress(running: Int)
}

/// What the loop should do after `update`.
public struct Reaction: OptionSet, Sendable {
  public let rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }
  public static let redraw = Reaction(rawValue: 1)
  /// Poll storage now (after a write).
  public static let reload = Reaction(rawValue: 2)
  public static let quit = Reaction(rawValue: 4)
}

/// A line in the status bar.
public struct StatusMessage: Sendable, Hashable {
  public var text: String
  public var isError: Bool
  public var until: Date?
}

/// What overlays the main screen and takes the keys.
public enum Overlay: Sendable {
  case help(scroll: Int)
  case detail(number: Int, scroll: Int)
  case filter(text: String)
  case confirm(ConfirmDialog)
  case picker(ParamPicker)
  case enqueue(EnqueueForm)
  /// The value of the param chosen in the fix picker.
  case fixValue(FixDialog)
  /// Quit while trials run here: cancel, drain or stop now.
  case quit(QuitDialog)
  /// The note of a trial.
  case note(NoteDialog)
}

/// A yes/no question before a dangerous action.
public struct ConfirmDialog: Sendable {
  public var title: String
  public var message: String
  public var command: Command
}

/// A list to choose a param from (fix / unfix).
public struct ParamPicker: Sendable {
  public enum Purpose: Sendable { case fix, unfix }
  public var purpose: Purpose
  /// Entries: name and the value shown (for `fix`, the selected or best trial's, nil if it has
  /// none; for `unfix`, the fixed one).
  public var entries: [(name: String, value: JSONValue?)]
  public var selected: Int

  public init(purpose: Purpose, entries: [(name: String, value: JSONValue?)], selected: Int) {
    self.purpose = purpose
    self.entries = entries
    self.selected = selected
  }
}

/// The whole dashboard state; `update` changes it, `view` draws it.
public struct AppState: Sendable {
  public var info: DashboardInfo
  public var snapshot: StudySnapshot
  public var theme: Theme
  public var now: Date
  public var width: Int
  public var height: Int
  public var engineRunning: Bool
  public var engineError: String?

  // Trial table
  /// Sort column id (see `TrialColumns`), descending or not.
  public var sortColumn: String = "number"
  public var sortDescending = true
  public var filterText = ""
  public var filter: TrialFilterExpression?
  public var filterError: FilterError?
  /// Indices into `snapshot.trials`, filtered and sorted.
  public private(set) var rows: [Int] = []
  var rowsKey: RowsKey?
  public var table = TableState()
  /// The selected trial's number: the selection follows it when rows move.
  public var selectedNumber: Int?
  /// The first param column shown when the params do not all fit (←/→ scroll it).
  public var paramScroll = 0

  // Plots
  public var tab: PlotTab = .history
  public var plotMaximized = false
  public var topK: Int?
  public var importanceKind: ImportanceKind = .fanova
  public var importance: [ImportanceKind: ImportanceResult] = [:]
  public var importanceComputing: ImportanceKind?
  public var paramIndex = 0
  public var paramIndex2 = 1
  public var objectiveX = 0
  public var objectiveY = 1
  /// Objective, log scale, trial cap and parallel axes (see `PlotSettings`).
  public var plots = PlotSettings()

  // Overlays and effects
  public var overlay: Overlay?
  public var status: StatusMessage?
  /// Effects for the runtime; it drains them after each `update`.
  public var commands: [Command] = []
  /// Whether the loop should stop.
  public var quitting = false
  /// The last left-button press, so that its release on the same cell is not a second click.
  var lastMousePress: Mouse?
  /// Draining (quit dialog): no new trial starts here; the app quits when `drainLeft` reaches 0.
  public var draining = false
  public var drainLeft: Int?
  /// Memoized derived data (plot infos) keyed by snapshot revision.
  let cache = ViewCache()

  public init(
    info: DashboardInfo, snapshot: StudySnapshot = .empty(), theme: Theme = .builtinDefault,
    now: Date = Date(), width: Int = 80, height: Int = 24, engineRunning: Bool = false
  ) {
    self.info = info
    self.snapshot = snapshot
    self.theme = theme
    self.now = now
    self.width = width
    self.height = height
    self.engineRunning = engineRunning
    if info.mode == .watch {
      sortDescending = true
    }
    refreshRows()
  }

  struct RowsKey: Equatable {
    var revision: Int
    var studyID: Int64
    var sort: String
    var descending: Bool
    var filter: String
    var count: Int
  }

  /// Recomputes `rows` when the snapshot, sort or filter changed, keeping the selection on
  /// its trial.
  public mutating func refreshRows() {
    let key = RowsKey(
      revision: snapshot.revision, studyID: snapshot.studyID, sort: sortColumn,
      descending: sortDescending, filter: filter == nil ? "" : filterText, count: snapshot.trials.count)
    guard key != rowsKey else { return }
    let trials = snapshot.trials
    // Follow mode: a cursor on the first row stays there, so new trials stay in view.
    let following = table.selected == 0 && key.sort == rowsKey?.sort
    rowsKey = key
    var idx = Array(trials.indices)
    if let f = filter { idx = idx.filter { f.matches(trials[$0]) } }
    rows = TrialColumns.sorted(idx, trials: trials, column: sortColumn, descending: sortDescending,
                               seedMeans: sortColumn == "seeds" ? seedGroups.meanByTrial : [:])
    if following, !rows.isEmpty {
      table.selected = 0
      table.offset = 0
      selectedNumber = trials[rows[0]].number
    } else if let n = selectedNumber, let i = rows.firstIndex(where: { trials[$0].number == n }) {
      table.selected = i
    } else if rows.isEmpty {
      table.selected = nil
    } else {
      let i = min(table.selected ?? 0, rows.count - 1)
      table.selected = i
      selectedNumber = trials[rows[i]].number
    }
  }

  /// The selected trial, if any.
  public var selectedTrial: FrozenTrial? {
    guard let s = table.selected, s >= 0, s < rows.count else { return nil }
    return snapshot.trials[rows[s]]
  }

  /// The selected trial, or the best one when none is selected.
  var selectedOrBest: FrozenTrial? { selectedTrial ?? cachedBest.first }

  /// Param names for plots and the filter.
  public var paramNames: [String] {
    Array((info.searchSpace.map { Array($0.keys) } ?? []) + snapshot.distributions.keys.filter {
      info.searchSpace?[$0] == nil
    })
  }

  /// Whether the study is running, paused or finished (header state).
  public var runState: String {
    if snapshot.isPaused { return "paused" }
    let c = cachedCounts
    if engineRunning || (info.mode == .watch && (c[.running] ?? 0) > 0) { return "running" }
    if info.mode == .watch { return (c[.waiting] ?? 0) > 0 ? "waiting" : "idle" }
    return "finished"
  }

  /// Metric title of objective `i`.
  public func metricName(_ i: Int) -> String {
    if let m = info.metricNames, i < m.count { return m[i] }
    if let names = snapshot.systemAttrs["study:metric_names"]?.arrayValue, i < names.count,
      let s = names[i].stringValue
    {
      return s
    }
    return snapshot.directions.count > 1 ? "value\(i)" : "value"
  }

  /// Sets a status line message shown for a few seconds.
  mutating func say(_ text: String, error: Bool = false) {
    status = StatusMessage(text: text, isError: error, until: now.addingTimeInterval(error ? 8 : 4))
  }
}
