import ArgumentParser
import Foundation
import HPO
import HPOSQLite

/// Issue 6: trials per second of `hpotop run STUDY.yaml --no-tui -j N` on SQLite with a trivial
/// subprocess objective (a fixed `sh -c 'echo "[hpotop] value=1"'` argv, no param substitution).
/// Writes the study file, runs the given hpotop binary, and reads the trials back from the
/// database. Prints one JSON document.
struct Throughput: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "throughput", abstract: "Trivial subprocess trials per second, hpotop run -j N on SQLite.")

  @Option(help: "The hpotop binary (a release build).") var hpotop: String
  @Option(help: "Scratch directory (the study file and database go there).") var dir: String
  @Option(help: "Trials.") var trials = 1000
  @Option(help: "Workers (-j).") var jobs = 4

  func run() async throws {
    let fm = FileManager.default
    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let db = "\(dir)/throughput.db"
    for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: db + suffix) }
    let yaml = """
      name: throughput
      storage: sqlite:///\(db)
      params:
        x: {type: float, low: 0.0, high: 1.0}
      sampler: {name: random, seed: 0}
      n_trials: \(trials)
      parallelism: \(jobs)
      objective:
        command: [sh, -c, 'echo "[hpotop] value=1"']

      """
    let file = "\(dir)/throughput.yaml"
    try yaml.write(toFile: file, atomically: true, encoding: .utf8)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: hpotop)
    p.arguments = ["run", file, "--no-tui", "-j", "\(jobs)"]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    let t0 = Date()
    try p.run()
    p.waitUntilExit()
    let wall = Date().timeIntervalSince(t0)
    let storage = try SQLiteStorage(path: db)
    let study = try await Study.load(name: "throughput", storage: storage)
    let all = try await study.trials()
    let complete = all.filter { $0.state == .complete }
    let starts = all.compactMap(\.datetimeStart)
    let ends = all.compactMap(\.datetimeComplete)
    let span = (ends.max() ?? t0).timeIntervalSince(starts.min() ?? t0)
    let doc: [String: Any] = [
      "benchmark": "throughput", "engine": "hpotop", "jobs": jobs, "n_trials": all.count,
      "n_complete": complete.count, "exit_status": Int(p.terminationStatus), "wall_s": wall,
      "trials_per_s_wall": Double(all.count) / wall,
      "span_s": span, "trials_per_s_span": span > 0 ? Double(all.count) / span : 0,
    ]
    FileHandle.standardError.write(Data(
      "hpotop throughput: \(complete.count)/\(all.count) complete in \(String(format: "%.2f", wall)) s = \(String(format: "%.1f", Double(all.count) / wall)) trials/s (span \(String(format: "%.1f", Double(all.count) / max(span, 1e-9))))\n".utf8))
    let out = try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])
    FileHandle.standardOutput.write(out)
    FileHandle.standardOutput.write(Data("\n".utf8))
  }
}
