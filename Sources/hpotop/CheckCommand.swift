import ArgumentParser
import Foundation
import HPO

/// `hpotop check study.yaml`: loads and validates a study file as `run` would, without opening
/// its storage or starting a trial. Exit 0 with a one-line summary, or 2 with
/// `file:line:col: error: …`.
struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check a study file (syntax, params, sampler, pruner, objective) without running it.")
  @Argument(help: "The study file (YAML).") var studyFile: String

  func run() throws {
    let spec = try loadSpec(studyFile)
    do { try spec.checkStorageFolder() } catch let e as StudyFileError { throw BadInput(e) }
    let objective: String
    switch spec.objective {
    case .builtin(let b): objective = "builtin \(b.name)"
    case .command(let c): objective = "command \(c.argv.first ?? "")"
    }
    print(PrintableText.escaped(
      "\(studyFile): ok: study '\(spec.name)', \(spec.searchSpace.params.count) param(s), "
        + "sampler \(spec.sampler?.name ?? ComponentFactory.defaultSamplerName), \(objective)"))
  }
}
