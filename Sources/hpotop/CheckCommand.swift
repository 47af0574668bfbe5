import ArgumentParser
import Foundation
import HPO

/// `hpotop check study.yaml`: loads and validates a study file (hpotop's own or a W&B sweep) as
/// `run` would, without opening its storage or starting a trial, and prints the study as hpotop
/// understood it (`-f json`: params in Optuna's distribution JSON, directions, metric names,
/// sampler, pruner, the objective's argv template, constants). Warnings go to stderr. Exit 0,
/// or 2 with `file:line:col: error: …`.
struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check a study file or W&B sweep (syntax, params, sampler, pruner, objective) without running it, and print it normalised.")
  @Argument(help: "The study file (YAML), or a W&B sweep configuration.") var studyFile: String
  @Option(help: "Storage URL the study would use (overrides the study file's).") var storage: String?
  @Option(name: [.customShort("f"), .long], help: "Output format: table (text) or json.")
  var format: OutputFormat = .table

  func validate() throws {
    guard format == .table || format == .json else { throw ValidationError("--format must be table or json for check") }
  }

  func run() throws {
    let spec = try loadSpec(studyFile)
    if storage == nil { do { try spec.checkStorageFolder() } catch let e as StudyFileError { throw BadInput(e) } }
    print(try checkOutput(spec: spec, findings: []))
  }

  /// The text or JSON `check` prints. `findings` are the study linter's (JSON objects with `id`,
  /// `message`, `fix`), listed under `findings`.
  func checkOutput(spec: StudySpec, findings: [JSONValue]) throws -> String {
    let study: NormalisedStudy
    do {
      study = try NormalisedStudy(spec: spec, storage: storage, findings: findings)
    } catch let e as StudyFileError {
      throw BadInput(e)
    }
    if format == .json { return study.json.pythonJSON }
    return study.text.split(separator: "\n", omittingEmptySubsequences: false).map { PrintableText.escaped(String($0)) }
      .joined(separator: "\n")
  }
}
