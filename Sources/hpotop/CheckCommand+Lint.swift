import Foundation
import HPO
import HPOAnalysis

/// `hpotop check`'s linter: the study's trials (from `--storage`, or from the file's own storage
/// when that file exists) and the findings of `LintRegistry`'s rules on them.
enum CheckLint {
  /// The lint context of a study file: its trials from `storageURL` (given: it must open; nil:
  /// the file's own storage, read only if it is a SQLite file that exists; a PostgreSQL URL in
  /// the file is not contacted). A storage without the study gives a context with no trials (the
  /// file's own rules still run).
  static func context(spec: StudySpec, storageURL: String?) async throws -> LintContext {
    let url: String
    if let storageURL {
      url = storageURL
    } else {
      guard let file = sqliteFilePath(spec.storage), FileManager.default.fileExists(atPath: file) else {
        return LintContext(spec: spec, trials: [])
      }
      url = spec.storage
    }
    let storage = try openStorage(url, readOnly: true)
    guard let id = try await storage.studyID(named: spec.name) else { return LintContext(spec: spec, trials: []) }
    return LintContext(
      spec: spec, trials: try await storage.trials(study: id, filter: .all),
      directions: try await storage.studyDirections(id: id), studyAttrs: try await storage.studySystemAttrs(study: id))
  }

  /// Findings as text lines, two each: `warning[id]: message` and `  fix: …`.
  static func lines(_ findings: [LintFinding], trials: Int) -> [String] {
    guard !findings.isEmpty else { return ["lint: \(trials) trial(s), no findings"] }
    return findings.flatMap { ["\($0.severity.rawValue)[\($0.id)]: \($0.message)", "  fix: \($0.fix)"] }
  }

  /// The `findings` list of `check -f json`.
  static func json(_ findings: [LintFinding]) -> JSONValue { .array(findings.map(\.json)) }
}
