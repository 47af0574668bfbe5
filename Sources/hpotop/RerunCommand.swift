import ArgumentParser
import Foundation
import HPO
import HPOAnalysis
import OrderedCollections

/// `hpotop rerun --top K --seeds S`: enqueues the best K configurations S more times with other
/// seeds (`SeedReruns`: the study's seed param changed, or `HPOTOP_SEED` through
/// `HpotopAttrs.seed`). A worker (`hpotop worker`, `run`) runs them like any enqueued trial;
/// `hpotop best` and the dashboard's table then rank configurations by mean ± sd.
struct Rerun: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Enqueue the best configurations again with other seeds (a seed param, else HPOTOP_SEED).")
  @OptionGroup var options: StudyOptions
  @Option(help: "How many of the best configurations to re-run.") var top: Int = 3
  @Option(help: "How many more runs (seeds) each gets.") var seeds: Int = 3

  func validate() throws {
    guard top >= 1, seeds >= 1 else { throw ValidationError("--top and --seeds must be at least 1") }
  }

  func run() async throws {
    let study = try await options.load()
    guard study.directions.count == 1, let direction = study.directions.first else {
      throw BadInput("rerun ranks configurations by one objective; study '\(study.name)' has \(study.directions.count)")
    }
    let trials = try await study.trials()
    var distributions = OrderedDictionary<String, Distribution>()
    for t in trials.reversed() { for (k, d) in t.distributions where distributions[k] == nil { distributions[k] = d } }
    let runs: [SeedReruns.Run]
    do {
      runs = try SeedReruns.plan(trials: trials, direction: direction, top: top, seeds: seeds, distributions: distributions)
    } catch let e as RerunError {
      throw BadInput(e.description)
    }
    guard !runs.isEmpty else { throw BadInput("study '\(study.name)' has no complete trial to re-run") }
    for r in runs {
      guard let t = try await study.enqueue(params: r.params, systemAttrs: r.systemAttrs) else { continue }
      let seed = r.hpotopSeed.map { " HPOTOP_SEED=\($0)" } ?? ""
      printError("[I \(logTimestamp())] Enqueued trial \(t.number): \(PrintableText.escaped(pythonDictRepr(r.params)))\(seed)")
    }
  }
}
