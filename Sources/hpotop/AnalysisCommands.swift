import ArgumentParser
import Dashboard
import Foundation
import HPO
import HPOAnalysis
import OrderedCollections

extension StudyOptions {
  /// The study's trials and directions, for analysis.
  func analysisInput() async throws -> (Study, AnalysisInput) {
    let study = try await load()
    return (study, AnalysisInput(trials: try await study.trials(), directions: study.directions))
  }
}

struct Importance: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Parameter importances (fANOVA as Optuna computes it, or mean decrease in impurity).")
  @OptionGroup var options: StudyOptions
  @OptionGroup var format: FormatOption
  @Option(help: "fanova or mdi.") var evaluator: String = "fanova"
  @Option(help: "The objective index, for studies with several.") var objective: Int = 0
  @Option(help: "Seed of the random forest.") var seed: UInt64 = 0

  func run() async throws {
    let (_, input) = try await options.analysisInput()
    guard objective >= 0 && objective < input.directions.count else {
      throw BadInput("--objective must be in 0..<\(input.directions.count)")
    }
    let importances: ParamImportances
    switch evaluator {
    case "fanova": importances = FanovaImportance(seed: seed).evaluate(input, objective: objective)
    case "mdi": importances = MDIImportance(seed: seed).evaluate(input, objective: objective)
    default: throw BadInput("--evaluator must be fanova or mdi, not '\(evaluator)'")
    }
    if importances.entries.isEmpty { throw BadInput("no complete trial with params to analyse yet") }
    let rows = importances.entries.map { e -> OrderedDictionary<String, JSONValue> in
      ["param": .string(e.name), "importance": .double(e.normalized), "raw": .double(e.raw), "std": .double(e.std)]
    }
    print(Records(columns: ["param", "importance", "raw", "std"], rows: rows).render(format.format))
    printError("[I \(logTimestamp())] \(evaluator) over \(importances.trialCount) complete trials.")
  }
}

struct Pareto: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "The Pareto-optimal trials of a multi-objective study, and their hypervolume.")
  @OptionGroup var options: StudyOptions
  @OptionGroup var format: FormatOption

  func run() async throws {
    let (study, input) = try await options.analysisInput()
    guard study.directions.count > 1 else { throw BadInput("study '\(study.name)' has one objective: use `hpotop best`") }
    let front = try await study.bestTrials()
    let info = ParetoFrontInfo(input)
    print(TrialRecords.trials(front, directions: study.directions, flatten: format.format == .csv).render(format.format))
    printError("[I \(logTimestamp())] \(front.count) trials on the front; hypervolume \(formatNumber(info.hypervolume)) "
      + "with reference point \(info.referencePoint.map(formatNumber)).")
  }
}

struct Plot: AsyncParsableCommand {
  /// The dashboard's tabs that have an SVG form, by id.
  static var kinds: [PlotTab] { PlotTab.allCases.filter { $0.svg != nil } }

  static let configuration = CommandConfiguration(
    abstract: "Write a plot as SVG: \(kinds.map(\.id).joined(separator: ", ")).")
  @OptionGroup var options: StudyOptions
  @Argument(help: "The plot kind.") var kind: String
  @Option(help: "The SVG file to write.") var svg: String
  @Option(help: "Params for slice (one) or contour (two), comma-separated.") var params: String?
  @Option(help: "The two objectives of a Pareto plot, e.g. 0,1.") var objectives: String = "0,1"
  @Option(help: "The objective of history, parallel, slice, contour, importance and edf.") var objective: Int = 0

  func run() async throws {
    guard let tab = Self.kinds.first(where: { $0.id == kind }), let render = tab.svg else {
      throw BadInput("unknown plot '\(kind)': use one of \(Self.kinds.map(\.id).joined(separator: ", "))")
    }
    let pair = objectives.split(separator: ",").compactMap { Int($0) }
    guard pair.count == 2 else { throw BadInput("--objectives takes two indexes, e.g. 0,1") }
    let (study, input) = try await options.analysisInput()
    guard (0..<max(1, study.directions.count)).contains(objective) else {
      throw BadInput("--objective \(objective): the study has \(study.directions.count) objective(s), 0..\(study.directions.count - 1)")
    }
    let names = (try? await study.storage.studySystemAttrs(study: study.id))?["study:metric_names"]?.arrayValue?.compactMap(\.stringValue) ?? []
    let document: String
    do {
      document = try render(input, PlotRequest(
        studyName: study.name, params: params?.split(separator: ",").map(String.init) ?? [],
        objective: objective, objectivePair: (pair[0], pair[1]), metricNames: names))
    } catch let e as PlotError {
      throw BadInput(e.description)
    }
    try Data(document.utf8).write(to: URL(fileURLWithPath: svg))
    printError("[I \(logTimestamp())] Wrote \(kind) plot of '\(study.name)' to \(svg).")
  }
}
