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
    abstract: "Parameter importances with intervals and interactions (sobol), or fANOVA / MDI / PED-ANOVA as Optuna computes them.")
  @OptionGroup var options: StudyOptions
  @OptionGroup var format: FormatOption
  @Option(help: "sobol (shares of the main effects, intervals, totals, interactions), fanova, mdi or ped-anova (what matters among the best trials).")
  var evaluator: String = "sobol"
  @Option(help: "ped-anova: the top quantile of trials whose importances are measured.") var targetQuantile: Double = 0.1
  @Option(help: "ped-anova: the top quantile they are compared with (1: all trials).") var regionQuantile: Double = 1
  @Option(help: "The objective index, for studies with several.") var objective: Int = 0
  @Option(help: "Seed of the random forest.") var seed: UInt64 = 0

  func run() async throws {
    let (_, input) = try await options.analysisInput()
    guard objective >= 0 && objective < input.directions.count else {
      throw BadInput("--objective must be in 0..<\(input.directions.count)")
    }
    if evaluator == "sobol" {
      let sobol = ForestSobol(options: .init(forest: .init(seed: seed)))
        .evaluate(ImportanceDataset(input, objective: objective))
      if sobol.params.isEmpty || sobol.trialCount < 2 { throw BadInput("no complete trial with params to analyse yet") }
      print(SobolRecords(sobol).render(format.format))
      printError("[I \(logTimestamp())] sobol over \(sobol.trialCount) complete trials; "
        + "\(Int((sobol.level * 100).rounded()))% bootstrap intervals.")
      return
    }
    let importances: ParamImportances
    switch evaluator {
    case "fanova": importances = FanovaImportance(seed: seed).evaluate(input, objective: objective)
    case "mdi": importances = MDIImportance(seed: seed).evaluate(input, objective: objective)
    case "ped-anova":
      guard 0 < targetQuantile, targetQuantile < regionQuantile, regionQuantile <= 1 else {
        throw BadInput("ped-anova needs 0 < --target-quantile < --region-quantile ≤ 1")
      }
      importances = PedAnovaImportance(targetQuantile: targetQuantile, regionQuantile: regionQuantile)
        .evaluate(input, objective: objective)
    default: throw BadInput("--evaluator must be sobol, fanova, mdi or ped-anova, not '\(evaluator)'")
    }
    if importances.entries.isEmpty { throw BadInput("no complete trial with params to analyse yet") }
    let rows = importances.entries.map { e -> OrderedDictionary<String, JSONValue> in
      ["param": .string(e.name), "importance": .double(e.normalized), "raw": .double(e.raw), "std": .double(e.std)]
    }
    print(Records(columns: ["param", "importance", "raw", "std"], rows: rows).render(format.format))
    printError("[I \(logTimestamp())] \(evaluator) over \(importances.trialCount) complete trials.")
  }
}

/// `hpotop importance --evaluator sobol` output: one row per param (most important first), then
/// one row per pair of params (strongest interaction first); JSON is one object with both lists.
struct SobolRecords {
  let params: Records
  let interactions: Records
  let indices: SobolIndices

  init(_ s: SobolIndices) {
    indices = s
    let order = s.params.indices.sorted { s.shares[$0].value > s.shares[$1].value }
    params = Records(
      columns: ["param", "importance", "low", "high", "first_order", "total", "total_low", "total_high"],
      rows: order.map { i in
        ["param": .string(s.params[i]), "importance": .double(s.shares[i].value), "low": .double(s.shares[i].low),
         "high": .double(s.shares[i].high), "first_order": .double(s.firstOrder[i].value),
         "total": .double(s.total[i].value), "total_low": .double(s.total[i].low),
         "total_high": .double(s.total[i].high)]
      })
    interactions = Records(
      columns: ["param", "with", "interaction", "low", "high"],
      rows: s.pairs.sorted { $0.index.value > $1.index.value }.map { p in
        ["param": .string(p.first), "with": .string(p.second), "interaction": .double(p.index.value),
         "low": .double(p.index.low), "high": .double(p.index.high)]
      })
  }

  func render(_ format: OutputFormat) -> String {
    if format == .json {
      let doc: OrderedDictionary<String, JSONValue> = [
        "evaluator": .string("sobol"), "level": .double(indices.level), "trials": .int(indices.trialCount),
        "params": JSONValue(parsingOrNull: params.render(.json)),
        "interactions": JSONValue(parsingOrNull: interactions.render(.json)),
      ]
      return JSONValue.object(doc).pythonJSON
    }
    if interactions.rows.isEmpty { return params.render(format) }
    return params.render(format) + "\n\n" + interactions.render(format)
  }
}

private extension JSONValue {
  init(parsingOrNull text: String) { self = (try? JSONValue(parsing: text)) ?? .null }
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
    let names = ((try? await study.metricNames()) ?? nil) ?? []
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
