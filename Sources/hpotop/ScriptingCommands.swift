import ArgumentParser
import Foundation
import HPO
import HPOJournal
import OrderedCollections

struct CreateStudy: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "create-study", abstract: "Create a study; prints its name.")
  @OptionGroup var storage: StorageOptions
  @Option(help: "The study's name (default: no-name-<uuid>).") var studyName: String?
  @Option(help: "minimize or maximize.") var direction: StudyDirection?
  @Option(parsing: .upToNextOption, help: "One direction per objective.") var directions: [StudyDirection] = []
  @Flag(help: "Succeed without change when the study exists.") var skipIfExists = false

  func run() async throws {
    if direction != nil && !directions.isEmpty { throw BadInput("give --direction or --directions, not both") }
    let dirs = directions.isEmpty ? [direction ?? .minimize] : directions
    let name = studyName ?? "no-name-\(UUID().uuidString.lowercased())"
    let opened = try storage.open()
    let study = try await Study.create(name: name, directions: dirs, storage: opened, loadIfExists: skipIfExists)
    storage.logVerbose("A new study created in \(opened is JournalFileStorage ? "Journal" : "RDB") with name: \(study.name)")
    print(study.name)
  }
}

extension StudyDirection: ExpressibleByArgument {
  public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}

extension TrialState: ExpressibleByArgument {
  public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}

struct DeleteStudy: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "delete-study", abstract: "Delete a study and its trials.")
  @OptionGroup var options: StudyOptions

  func run() async throws {
    let storage = try options.storage.open()
    guard let id = try await storage.studyID(named: options.studyName) else {
      throw BadInput("no study named '\(options.studyName)'")
    }
    try await storage.deleteStudy(id: id)
  }
}

struct Studies: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "List the studies in a storage.")
  @OptionGroup var storage: StorageOptions
  @OptionGroup var format: FormatOption
  @Flag(help: "Spread the directions into direction_<i> columns.") var flatten = false

  func run() async throws {
    let tuple = format.format != .json && format.format != .yaml
    print(TrialRecords.studies(try await storage.open(readOnly: true).studies(), tupleDirections: tuple, flatten: flatten)
      .render(format.format))
  }
}

struct Trials: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "List a study's trials.")
  @OptionGroup var options: StudyOptions
  @OptionGroup var format: FormatOption
  @Flag(help: "Spread params and attrs into their own columns.") var flatten = false
  @Flag(help: "Add system attrs and intermediate values.") var all = false

  func run() async throws {
    let study = try await options.load(readOnly: true)
    let metricNames = try await study.metricNames()
    let out = TextSink()
    try await writeTrials(of: study, format: format.format, to: out) {
      TrialRowPlan($0, directions: study.directions, flatten: flatten, full: all, metricNames: metricNames)
    }
    out.write("\n")
    try out.finish()
  }
}

struct Best: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show the best trial (or, for several objectives, the Pareto-optimal trials).")
  @OptionGroup var options: StudyOptions
  @OptionGroup var format: FormatOption
  @Flag(help: "Spread params and attrs into their own columns.") var flatten = false

  func run() async throws {
    let study = try await options.load(readOnly: true)
    let best: [FrozenTrial]
    if study.directions.count > 1 {
      best = try await study.bestTrials()
    } else {
      guard let b = try await study.bestTrial() else { throw BadInput("study '\(study.name)' has no complete trial yet") }
      best = [b]
    }
    let records = TrialRecords.trials(
      best, directions: study.directions, flatten: flatten, metricNames: try await study.metricNames())
    guard study.directions.count == 1 else { return print(records.render(format.format)) }
    // One objective: configurations by mean ± sd over their seeds and the return on search
    // (BestExtras) join the best trial.
    let extras = BestExtras(try await study.trials(), direction: study.directions[0])
    print(extras.render(records, format.format))
  }
}

struct Ask: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Start a trial and print its params (Optuna's `ask`).")
  @OptionGroup var options: StudyOptions
  @Option(name: [.customShort("f"), .long], help: "Output format: json, yaml or table.") var format: OutputFormat = .json
  @Option(help: "JSON object: param name → distribution (Optuna's distribution JSON).") var searchSpace: String = "{}"
  @Flag(help: "Spread params into params_<name> keys.") var flatten = false
  @Option(help: "Optuna's sampler class name (RandomSampler, TPESampler, GridSampler, NSGAIISampler).")
  var sampler: String?
  @Option(help: "The sampler's keyword arguments as a JSON object.") var samplerKwargs: String?

  func run() async throws {
    let space = try parseSearchSpace(searchSpace)
    let opened = try options.storage.open()
    guard try await opened.studyID(named: options.studyName) != nil else {
      throw BadInput("Implicit study creation within the 'ask' command was dropped in Optuna v4.0.0. "
        + "Please use the `create-study` command beforehand.")
    }
    let study = try await Study.load(
      name: options.studyName, storage: opened, sampler: optunaSampler(sampler, kwargs: samplerKwargs, space: space))
    let trial = try await study.ask(fixedDistributions: space)
    printError("[I \(logTimestamp())] Asked trial \(trial.number) with parameters \(pythonDictRepr(trial.params)).")
    var row: OrderedDictionary<String, JSONValue> = ["number": .int(trial.number)]
    if flatten {
      for (k, v) in trial.params { row["params_\(k)"] = v.json }
    } else {
      row["params"] = .object(OrderedDictionary(uniqueKeysWithValues: trial.params.map { ($0.key, $0.value.json) }))
    }
    // Strict JSON whatever the params (a NaN fixed by another tool prints as null).
    print(Records(columns: Array(row.keys), rows: [row.mapValues(\.finiteNumbersOnly)]).render(format, single: true))
  }
}

/// Reads `--search-space`: `{"x": {"name": "FloatDistribution", "attributes": {…}}, …}`.
func parseSearchSpace(_ text: String) throws -> OrderedDictionary<String, Distribution> {
  let json: JSONValue
  do { json = try JSONValue(parsing: text) } catch { throw BadInput("--search-space: \(error)") }
  guard let obj = json.objectValue else { throw BadInput("--search-space must be a JSON object") }
  var out = OrderedDictionary<String, Distribution>()
  for (name, d) in obj {
    do { out[name] = try Distribution(json: d) } catch { throw BadInput("--search-space: param '\(name)': \(error)") }
  }
  return out
}

struct Tell: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Finish a trial (Optuna's `tell`).")
  @OptionGroup var options: OptionalStudyOptions
  @Option(help: "The trial's number.") var trialNumber: Int
  @Option(parsing: .upToNextOption, help: "One value per objective.") var values: [Double] = []
  @Option(help: "complete, pruned or fail.") var state: TrialState = .complete
  @Flag(help: "Do nothing if the trial has already finished.") var skipIfFinished = false

  func run() async throws {
    let study = try await options.load()
    do {
      let t = try await study.tell(trialNumber: trialNumber, values: values.isEmpty ? nil : values, state: state)
      let shown = values.map { JSONValue.pythonFloat($0) }.joined(separator: ", ")
      printError("[I \(logTimestamp())] Told trial \(t.number) with values [\(shown)] and state TrialState.\(t.state.rawValue).")
    } catch let e as StorageError where e.kind == .trialFinished && skipIfFinished {
      printError("[I \(logTimestamp())] Did not tell trial \(trialNumber): it has already finished.")
    }
  }
}

struct Enqueue: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Queue a trial with fixed params (Optuna's `enqueue_trial`); workers run it next.")
  @OptionGroup var options: StudyOptions
  @Option(help: "JSON object of param values, e.g. '{\"lr\": 0.01, \"optimizer\": \"adam\"}'.") var params: String
  @Option(help: "JSON object of user attrs.") var userAttrs: String = "{}"
  @Flag(help: "Do not enqueue when a trial already has these params.") var skipIfExists = false

  func run() async throws {
    let p = try parseObject(params, option: "--params")
    var values = OrderedDictionary<String, ParamValue>()
    for (k, v) in p {
      guard let pv = ParamValue(json: v) else { throw BadInput("--params: '\(k)' must be a number, string, bool or null") }
      // Params are never NaN or infinite (Optuna's distributions cannot hold them).
      if case .float(let x) = pv, !x.isFinite {
        throw BadInput("--params: '\(k)' must be a finite number, got \(pv.pythonRepr)")
      }
      values[k] = pv
    }
    let study = try await options.load()
    if let t = try await study.enqueue(params: values, userAttrs: try parseObject(userAttrs, option: "--user-attrs"),
                                       skipIfExists: skipIfExists) {
      printError("[I \(logTimestamp())] Enqueued trial \(t.number) with parameters \(pythonDictRepr(values)).")
    } else {
      printError("[I \(logTimestamp())] Skipped: a trial with parameters \(pythonDictRepr(values)) already exists.")
    }
  }
}

func parseObject(_ text: String, option: String) throws -> OrderedDictionary<String, JSONValue> {
  do {
    guard let obj = try JSONValue(parsing: text).objectValue else { throw BadInput("\(option) must be a JSON object") }
    return obj
  } catch let e as BadInput {
    throw e
  } catch {
    throw BadInput("\(option): \(error)")
  }
}

struct Export: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write every field of every trial (params, values, attrs, intermediate values) as CSV or JSON.")
  @OptionGroup var options: StudyOptions
  @Option(name: [.customShort("f"), .long], help: "csv, json or yaml.") var format: OutputFormat = .csv
  @Option(name: [.customShort("o"), .long], help: "Output file (default: standard output).") var output: String?

  func run() async throws {
    let study = try await options.load(readOnly: true)
    let out = try output.map { try TextSink(path: $0) } ?? TextSink()
    let flatten = format == .csv
    try await writeTrials(of: study, format: format, to: out) {
      TrialRowPlan($0, directions: study.directions, flatten: flatten, full: true)
    }
    out.write("\n")
    try out.finish()
  }
}

/// Writes a study's trials as rows of the plan `plan(trials)` builds, each row as it is written:
/// where the format streams and the storage reads pages, a page of trials at a time (the plan's
/// columns come from the trials that introduce a key), so a 1M-trial study is never in memory
/// at once; else from one load of every trial.
func writeTrials(
  of study: Study, format: OutputFormat, to out: TextSink, plan: ([FrozenTrial]) -> TrialRowPlan
) async throws {
  if RecordWriter.streams(format) {
    var rowPlan: TrialRowPlan?
    var writer: RecordWriter?
    let paged = try await study.storage.readTrialPages(
      study: study.id, pageSize: 10_000,
      columns: { carriers in
        let p = plan(carriers)
        rowPlan = p
        writer = RecordWriter(columns: p.columns, format: format)
      },
      page: { trials in
        for t in trials { writer!.add(rowPlan!.row(t), write: out.write) }
      })
    if paged, var writer {
      writer.finish(write: out.write)
      return
    }
  }
  let trials = try await study.trials()
  let p = plan(trials)
  Records.stream(columns: p.columns, rows: trials.lazy.map(p.row), format: format, write: out.write)
}

func logTimestamp() -> String { TrialLogLine.timestamp() }
