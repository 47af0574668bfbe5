import ArgumentParser
import Foundation
import HPO
import HPOAnalysis

/// `hpotop check study.yaml`: loads and validates a study file as `run` would, without starting
/// a trial, then lints the study (`CheckLint`: the file's settings, and the trials of its storage
/// when one holds the study). Exit 0 with a one-line summary and the findings, or 2 with
/// `file:line:col: error: …`.
struct Check: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check a study file (syntax, params, sampler, pruner, objective) without running it.")
  @Argument(help: "The study file (YAML).") var studyFile: String
  @Option(help: "Lint the study's trials in this storage (default: the file's storage, when it exists).")
  var storage: String?
  @Option(name: [.customShort("f"), .long], help: "Output format: table (text) or json.")
  var format: OutputFormat = .table

  func run() async throws {
    let spec = try loadSpec(studyFile)
    do { try spec.checkStorageFolder() } catch let e as StudyFileError { throw BadInput(e) }
    let objective: String
    switch spec.objective {
    case .builtin(let b): objective = "builtin \(b.name)"
    case .command(let c): objective = "command \(c.argv.first ?? "")"
    }
    let lint = try await CheckLint.context(spec: spec, storageURL: storage)
    let findings = Linter.run(lint)
    if format == .json {
      print(JSONValue.object(["study": .string(spec.name), "findings": CheckLint.json(findings)]).pythonJSON)
      return
    }
    print(PrintableText.escaped(
      "\(studyFile): ok: study '\(spec.name)', \(spec.searchSpace.params.count) param(s), "
        + "sampler \(spec.sampler?.name ?? ComponentFactory.defaultSamplerName), \(objective)"))
    for line in CheckLint.lines(findings, trials: lint.trials.count) { print(PrintableText.escaped(line)) }
  }
}
