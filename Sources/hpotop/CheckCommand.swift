import ArgumentParser
import Foundation
import HPO
import HPOAnalysis

/// `hpotop check study.yaml`: loads and validates a study file (hpotop's own or a W&B sweep) as
/// `run` would, without starting a trial, prints the study as hpotop understood it (`-f json`:
/// params in Optuna's distribution JSON, directions, metric names, sampler, pruner, the
/// objective's argv template, constants) and lints it (`CheckLint`: the file's settings, and the
/// trials of its storage when one holds the study). Warnings go to stderr. Exit 0 with the
/// findings, or 2 with `file:line:col: error: …`.
struct Check: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check a study file or W&B sweep without running it: print it normalised and lint it.")
  @Argument(help: "The study file (YAML), or a W&B sweep configuration.") var studyFile: String
  @Option(help: "Storage URL the study would use, whose trials are linted (default: the file's storage, when it exists).")
  var storage: String?
  @Option(name: [.customShort("f"), .long], help: "Output format: table (text) or json.")
  var format: OutputFormat = .table

  func validate() throws {
    guard format == .table || format == .json else { throw ValidationError("--format must be table or json for check") }
  }

  func run() async throws {
    let spec = try loadSpec(studyFile)
    if storage == nil { do { try spec.checkStorageFolder() } catch let e as StudyFileError { throw BadInput(e) } }
    let lint = try await CheckLint.context(spec: spec, storageURL: storage)
    let findings = Linter.run(lint)
    let study: NormalisedStudy
    do {
      study = try NormalisedStudy(spec: spec, storage: storage, findings: format == .json ? findings.map(\.json) : [])
    } catch let e as StudyFileError {
      throw BadInput(e)
    }
    if format == .json {
      print(study.json.pythonJSON)
      return
    }
    let lines = study.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      + CheckLint.lines(findings, trials: lint.trials.count)
    for line in lines { print(PrintableText.escaped(line)) }
  }
}
