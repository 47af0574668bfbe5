import Foundation
import HPO
import HPOAnalysis
import PlotSVG
import Terminal

/// One tab of the plot pane: its title, what it draws, whether the study can show it, and the
/// SVG `hpotop plot <id>` writes. Adding a tab is one file that declares a `static let` and one
/// line in `PlotTab.allCases`: the tab bar, the number keys, Tab/[ ], the help and `hpotop plot`
/// all read that list.
public struct PlotTab: Sendable, Hashable, CustomStringConvertible {
  /// The name `hpotop plot` takes and tests use (`history`, `parallel`…).
  public let id: String
  /// The tab bar's title.
  public let title: String
  /// One line for the help's key table (`3`: "Plot: Pareto front").
  public let summary: String
  /// Why the study cannot show this tab now (Pareto on one objective); nil when it can.
  let unavailable: @Sendable (AppState) -> String?
  /// Draws the plot into the pane below the tab bar.
  let draw: @Sendable (AppState, inout Buffer, Rect) -> Void
  /// The SVG document of this plot, if the tab has one.
  public let svg: (@Sendable (AnalysisInput, PlotRequest) throws -> String)?

  public init(
    id: String, title: String, summary: String,
    unavailable: @escaping @Sendable (AppState) -> String? = { _ in nil },
    svg: (@Sendable (AnalysisInput, PlotRequest) throws -> String)? = nil,
    draw: @escaping @Sendable (AppState, inout Buffer, Rect) -> Void
  ) {
    self.id = id
    self.title = title
    self.summary = summary
    self.unavailable = unavailable
    self.svg = svg
    self.draw = draw
  }

  /// The built-in tabs, in key order (`1` is the first). THE list: add a tab here.
  public static let builtins: [PlotTab] = [
    .history, .parallel, .pareto, .importance, .intermediate, .slice, .contour, .timeline, .edf, .pbt, .cmaes,
  ]

  /// Tabs added for the current task, after the built-ins: a test (or a program embedding the
  /// dashboard) adds its own with `PlotTab.$added.withValue([tab]) { … }`, and nothing outside
  /// that scope sees them.
  @TaskLocal public static var added: [PlotTab] = []

  /// Every tab, in key order: the built-ins, then the added ones.
  public static var allCases: [PlotTab] { builtins + added }

  /// The tab's position in `allCases` (its number key is `rawValue + 1`).
  public var rawValue: Int { Self.allCases.firstIndex(of: self) ?? 0 }

  /// The tab at a position of `allCases`.
  public init?(rawValue: Int) {
    guard Self.allCases.indices.contains(rawValue) else { return nil }
    self = Self.allCases[rawValue]
  }

  /// The tab named `id`.
  public static func named(_ id: String) -> PlotTab? { allCases.first { $0.id == id } }

  /// Why this tab cannot be shown for a state, or nil.
  public func unavailableReason(_ state: AppState) -> String? { unavailable(state) }

  public var description: String { id }
  public static func == (a: PlotTab, b: PlotTab) -> Bool { a.id == b.id }
  public func hash(into h: inout Hasher) { h.combine(id) }
}

/// What `hpotop plot` asks of a tab's SVG: the study name and the chosen params and objectives.
public struct PlotRequest: Sendable {
  public var studyName: String
  /// Slice: the param; contour: the two params (default: the first ones).
  public var params: [String]
  /// The objective of history, parallel, slice, contour, importance and EDF.
  public var objective: Int
  /// The x and y objectives of a Pareto plot.
  public var objectivePair: (Int, Int)
  /// The objectives' names (default `value`, `value0`…).
  public var metricNames: [String]

  public init(
    studyName: String, params: [String] = [], objective: Int = 0, objectivePair: (Int, Int) = (0, 1),
    metricNames: [String] = []
  ) {
    self.studyName = studyName
    self.params = params
    self.objective = objective
    self.objectivePair = objectivePair
    self.metricNames = metricNames
  }

  /// The name of objective `i`.
  public func metricName(_ i: Int, of count: Int) -> String {
    i < metricNames.count ? metricNames[i] : (count > 1 ? "value\(i)" : "value")
  }
}

/// The plot pane's settings that several tabs share (objective, log scale, the trial cap) and
/// the parallel plot's axis choice.
public struct PlotSettings: Sendable {
  /// The objective history, parallel, slice, contour, importance and EDF show (`o`).
  public var objective = 0
  /// Log scale on the value axis (`l`).
  public var logScale = false
  /// Draw every trial, lifting `plotTrialLimit` (`A`).
  public var allTrials = false
  /// The parallel plot's param axes in the user's order (names not listed follow, by name).
  public var parallelOrder: [String] = []
  /// Param axes the user hid from the parallel plot (`h`; `H` shows them again).
  public var hiddenAxes: Set<String> = []
  /// The focused param axis of the parallel plot (an index into its shown param axes).
  public var axisCursor = 0
  /// The objective the importance in flight was asked for (a result for another is dropped).
  var importanceObjective = 0

  public init() {}
}

/// A plot that cannot be drawn for this study, with the reason (`hpotop plot` exits 2 with it).
public struct PlotError: Error, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }
}
