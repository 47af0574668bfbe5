import ArgumentParser
import Foundation
import HPO

/// `hpotop migrate`: copies studies between storages (e.g. SQLite to PostgreSQL), keeping every
/// trial field and trial numbers.
struct Migrate: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Copy studies from one storage to another (all trials, attrs and intermediate values).")
  @Option(help: "Source storage URL, e.g. sqlite:///old.db.") var from: String
  @Option(help: "Target storage URL, e.g. postgresql://user@host:5432/db.") var to: String
  @Option(name: .customLong("study"), help: "Copy only this study (repeatable; default: all).")
  var studies: [String] = []

  func run() async throws {
    let source = try openStorage(from)
    let target = try openStorage(to)
    let reports = try await StorageCopy.copy(
      from: source, to: target, studies: studies.isEmpty ? nil : studies
    ) { r in
      printError("[I \(logTimestamp())] Copied study '\(r.study)': \(r.trials) trials.")
    }
    print("Copied \(reports.count) \(reports.count == 1 ? "study" : "studies") "
      + "(\(reports.map(\.trials).reduce(0, +)) trials) from \(source.displayURL) to \(target.displayURL).")
  }
}
