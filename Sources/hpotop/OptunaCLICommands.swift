import ArgumentParser
import Foundation
import HPO
import HPOJournal
import OrderedCollections

// Optuna CLI subcommands under Optuna's own names, for scripts written against `optuna`
// (Optuna's tests/test_cli.py runs against hpotop through bench/optuna-cli-tests.sh).

/// `optuna best-trial`: the best trial of a single-objective study.
struct BestTrial: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "best-trial", abstract: "Show the best trial of a single-objective study (Optuna's name).")
  @OptionGroup var options: StudyOptions
  @OptionGroup var format: FormatOption
  @Flag(help: "Spread params and attrs into their own columns.") var flatten = false

  func run() async throws {
    let study = try await options.load()
    guard let best = try await study.bestTrial() else {
      throw BadInput("study '\(study.name)' has no complete trial yet")
    }
    let records = TrialRecords.trials(
      [best], directions: study.directions, flatten: flatten, metricNames: try await study.metricNames(),
      columnsFrom: try await study.trials())
    print(records.render(format.format, single: true))
  }
}

/// `optuna best-trials`: the Pareto-optimal trials (for one objective, those tied for best).
struct BestTrials: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "best-trials", abstract: "Show the Pareto-optimal trials of a study (Optuna's name).")
  @OptionGroup var options: StudyOptions
  @OptionGroup var format: FormatOption
  @Flag(help: "Spread params and attrs into their own columns.") var flatten = false

  func run() async throws {
    let study = try await options.load()
    let records = TrialRecords.trials(
      try await study.bestTrials(), directions: study.directions, flatten: flatten,
      metricNames: try await study.metricNames())
    print(records.render(format.format))
  }
}

/// `optuna study-names`: one `name` per study, `value` format by default.
struct StudyNames: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "study-names", abstract: "List the names of the studies in a storage.")
  @OptionGroup var storage: StorageOptions
  @Option(name: [.customShort("f"), .long], help: "Output format: value, json, table or yaml.")
  var format: OutputFormat = .value

  func run() async throws {
    let rows: [OrderedDictionary<String, JSONValue>] = try await storage.open().studies().map { ["name": .string($0.name)] }
    print(Records(columns: ["name"], rows: rows).render(format))
  }
}

/// `optuna study set-user-attr`.
struct StudyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "study", abstract: "Change a study (Optuna's `study` group).", subcommands: [SetUserAttr.self])

  struct SetUserAttr: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "set-user-attr", abstract: "Set a study user attr (the value is stored as a string).")
    @OptionGroup var options: StudyOptions
    @Option(name: [.customShort("k"), .long], help: "The attr's key.") var key: String
    @Option(name: [.customShort("v"), .long], help: "The attr's value.") var value: String

    func run() async throws {
      let study = try await options.load()
      try await study.storage.setStudyUserAttr(study: study.id, key: key, value: .string(value))
      printError("[I \(logTimestamp())] Attribute successfully written.")
    }
  }
}

/// `optuna storage upgrade`: hpotop opens (and so checks) an RDB storage; its schema is Optuna
/// 5.0's, so there is nothing to upgrade.
struct StorageCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "storage", abstract: "Storage maintenance (Optuna's `storage` group).", subcommands: [Upgrade.self])

  struct Upgrade: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "upgrade", abstract: "Check that an RDB storage has Optuna 5.0's schema.")
    @OptionGroup var storage: StorageOptions

    func run() async throws {
      let opened = try storage.open()
      if opened is JournalFileStorage { throw BadInput("storage upgrade applies to RDB storages, not a journal file") }
      _ = try await opened.studies()
      printError("[I \(logTimestamp())] This storage is up-to-date.")
    }
  }
}

/// The sampler `ask --sampler NAME --sampler-kwargs JSON` names, by Optuna's class name, built
/// through the sampler registry with the kwargs as its study-file options (`seed` is the seed).
/// Without `--sampler`, Optuna's CLI (and hpotop) asks with the random sampler.
func optunaSampler(_ className: String?, kwargs: String?, space: OrderedDictionary<String, Distribution>) throws
  -> any Sampler
{
  guard let className else {
    if kwargs != nil { throw BadInput("`--sampler_kwargs` is set without `--sampler`. Please specify `--sampler` as well or omit `--sampler-kwargs`.") }
    return RandomSampler()
  }
  let names = ["RandomSampler": "random", "TPESampler": "tpe", "GridSampler": "grid", "NSGAIISampler": "nsga2",
               "CmaEsSampler": "cmaes", "GPSampler": "gp"]
  guard let kind = names[className] ?? SamplerRegistry.kind(named: className)?.name else {
    throw BadInput("--sampler: unknown sampler '\(className)' (known: \(names.keys.sorted().joined(separator: ", ")))")
  }
  var options = try kwargs.map { try parseObject($0, option: "--sampler-kwargs") } ?? [:]
  let seed = options.removeValue(forKey: "seed").flatMap(\.intValue).map { UInt64(truncatingIfNeeded: $0) }
  let spec = ComponentSpec(path: "--sampler-kwargs", name: kind, seed: seed, options: options)
  let searchSpace = SearchSpace(space.map { SearchSpace.Param(name: $0.key, distribution: $0.value) })
  do {
    return try ComponentFactory.sampler(spec, directions: [.minimize], space: searchSpace)
  } catch let e as StudyFileError {
    throw BadInput("--sampler-kwargs: \(e.message)")
  }
}
