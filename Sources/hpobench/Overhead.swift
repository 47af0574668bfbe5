import ArgumentParser
import Foundation
import HPO
import HPOSQLite

/// `hpobench overhead`: the engine's own cost per trial (ask + six suggests + tell, the objective
/// excluded) on the 6-param space of the Optuna baseline's `overhead.py`, in memory and on a
/// fresh SQLite file. Prints one JSON document: one record per run with the median ms per trial
/// in each window of 10 trials, wall (`windows_ms`) and CPU time (`cpu_windows_ms`).
struct Overhead: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Sampler + storage overhead per trial (ask + 6 suggests + tell), as JSON.")

  @Option(help: "Samplers, comma-separated (random, tpe).")
  var samplers = "random,tpe"
  @Option(help: "Storages, comma-separated (memory, sqlite).")
  var storages = "memory,sqlite"
  @Option(help: "Trials of the seed-0 run in memory.")
  var trials = 10_000
  @Option(help: "Trials of the other repeats in memory.")
  var repeatTrials = 1000
  @Option(help: "Repeats in memory (seeds 0, 1, …).")
  var repeats = 3
  @Option(help: "Trials of the SQLite run.")
  var sqliteTrials = 3000
  @Option(help: "Directory for the SQLite files (deleted after each run).")
  var dir = NSTemporaryDirectory()

  static let windows = [(90, 100), (990, 1000), (2990, 3000), (9990, 10_000)]

  func run() async throws {
    var records: [String] = []
    let t0 = Date()
    for sampler in samplers.split(separator: ",").map(String.init) {
      for storage in storages.split(separator: ",").map(String.init) {
        let plan: [(seed: Int, n: Int)] =
          storage == "memory"
          ? [(0, trials)] + (1..<max(1, repeats)).map { ($0, repeatTrials) } : [(0, sqliteTrials)]
        for (seed, n) in plan {
          let record = try await Self.measure(sampler: sampler, storage: storage, trials: n, seed: seed, dir: dir)
          records.append(record)
          FileHandle.standardError.write(Data("hpotop \(sampler) \(storage) seed=\(seed) n=\(n) \(record)\n".utf8))
        }
      }
    }
    let wall = Date().timeIntervalSince(t0)
    print("{\"engine\": \"hpotop\", \"benchmark\": \"overhead\", \"script_wall_s\": \(wall), \"runs\": [\n"
      + records.joined(separator: ",\n") + "\n]}")
  }

  static func measure(sampler name: String, storage kind: String, trials n: Int, seed: Int, dir: String)
    async throws -> String
  {
    let sampler: any Sampler =
      name == "tpe" ? TPESampler(seed: UInt64(seed)) : RandomSampler(seed: UInt64(seed))
    var path: String?
    let storage: any Storage
    if kind == "sqlite" {
      let p = (dir as NSString).appendingPathComponent("hpobench_overhead_\(getpid())_\(seed).db")
      try? FileManager.default.removeItem(atPath: p)
      path = p
      storage = try SQLiteStorage(path: p)
    } else {
      storage = InMemoryStorage()
    }
    defer {
      if let path {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
      }
    }
    let study = try await Study.create(name: "overhead", storage: storage, sampler: sampler)
    let lr = Distribution.float(try FloatDistribution(low: 1e-5, high: 1e-1, log: true))
    let wd = Distribution.float(try FloatDistribution(low: 1e-6, high: 1e-2, log: true))
    let dropout = Distribution.float(try FloatDistribution(low: 0, high: 0.5))
    let layers = Distribution.int(try IntDistribution(low: 1, high: 8))
    let optimizer = Distribution.categorical(
      try CategoricalDistribution(choices: [.string("adam"), .string("sgd"), .string("rmsprop")]))
    let batch = Distribution.categorical(try CategoricalDistribution(choices: [.int(16), .int(32), .int(64), .int(128)]))
    var over = [Double](repeating: 0, count: n)
    var cpu = [Double](repeating: 0, count: n)
    let clock = ContinuousClock()
    let wallStart = clock.now
    for i in 0..<n {
      let t0 = clock.now
      let c0 = Self.cpuMilliseconds()
      var trial = try await study.ask()
      let p = (
        lr: try await trial.suggest("lr", lr).doubleValue ?? 0,
        wd: try await trial.suggest("wd", wd).doubleValue ?? 0,
        dropout: try await trial.suggest("dropout", dropout).doubleValue ?? 0,
        layers: try await trial.suggest("layers", layers).intValue ?? 0,
        optimizer: try await trial.suggest("optimizer", optimizer).stringValue ?? "",
        batch: try await trial.suggest("batch", batch).intValue ?? 0)
      let t1 = clock.now
      let c1 = Self.cpuMilliseconds()
      let v = objective(p)
      let t2 = clock.now
      let c2 = Self.cpuMilliseconds()
      try await study.tell(trialID: trial.id, values: [v])
      let t3 = clock.now
      over[i] = ms(t1 - t0) + ms(t3 - t2)
      cpu[i] = (c1 - c0) + (Self.cpuMilliseconds() - c2)
    }
    let wall = ms(clock.now - wallStart) / 1000
    var cells: [String] = [], cpuCells: [String] = []
    for (a, b) in Self.windows where b <= n {
      let w = Array(over[a..<b]).sorted()
      cells.append("\"\(a)-\(b)\": \((w[4] + w[5]) / 2)")
      let c = Array(cpu[a..<b]).sorted()
      cpuCells.append("\"\(a)-\(b)\": \((c[4] + c[5]) / 2)")
    }
    let mean = over.reduce(0, +) / Double(max(1, n))
    return "{\"engine\": \"hpotop\", \"sampler\": \"\(name)\", \"storage\": \"\(kind)\", \"seed\": \(seed), "
      + "\"n_trials\": \(n), \"windows_ms\": {\(cells.joined(separator: ", "))}, "
      + "\"cpu_windows_ms\": {\(cpuCells.joined(separator: ", "))}, \"wall_s\": \(wall), "
      + "\"mean_ms\": \(mean)}"
  }

  /// The CPU time (user + system) this process has used, in ms: per-trial figures that a
  /// loaded machine's preemption does not inflate (the run is one thread at a time).
  static func cpuMilliseconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) * 1000 + Double(t.tv_nsec) / 1e6
  }

  static func ms(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
  }

  /// `functions.overhead_objective` of the Optuna baseline.
  static func objective(
    _ p: (lr: Double, wd: Double, dropout: Double, layers: Int, optimizer: String, batch: Int)
  ) -> Double {
    let opt: [String: Double] = ["adam": 0, "sgd": 0.3, "rmsprop": 0.1]
    let bat: [Int: Double] = [16: 0.2, 32: 0, 64: 0.05, 128: 0.3]
    let a = log10(p.lr) + 3, b = log10(p.wd) + 4, c = p.dropout - 0.2, d = Double(p.layers - 4)
    return a * a + 0.5 * b * b + c * c + 0.05 * d * d + (opt[p.optimizer] ?? 0) + (bat[p.batch] ?? 0)
  }
}
