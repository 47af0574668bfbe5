import ArgumentParser
import Dashboard
import Foundation
import HPO
import OrderedCollections
import Terminal

/// `hpotop bench-frame`: dashboard frame time and memory on a synthetic study (bench/dashboard).
struct BenchFrame: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench-frame", abstract: "Measure dashboard frame time (bench/dashboard).", shouldDisplay: false)
  @Option(help: "Trials in the synthetic study.") var trials: Int = 1000
  @Option(help: "Frames per tab.") var frames: Int = 30
  @Option var width: Int = 200
  @Option var height: Int = 50
  @Option(help: "Instead: write a SQLite study with --trials trials to this path.") var writeSqlite: String?
  @Option(help: "Instead: time watch start-up (first poll + first frame) on this SQLite path.") var startup: String?

  func run() async throws {
    if let path = writeSqlite { return try await write(path) }
    if let path = startup { return try await timeStartup(path) }
    let snap = StudySnapshot(
      studyID: 1, studyName: "bench", directions: [.minimize], trials: try Self.synthetic(trials), revision: 1)
    var state = AppState(
      info: DashboardInfo(mode: .watch, storageURL: "sqlite:///bench.db"), snapshot: snap, width: width, height: height)
    state.importance[.fanova] = nil
    let area = Rect(width: width, height: height)
    var previous = Buffer(area: area)
    print("trials=\(trials) size=\(width)x\(height)")
    for tab in PlotTab.allCases where tab != .pareto {
      state.tab = tab
      var times: [Double] = []
      for i in 0..<frames {
        _ = update(&state, .key(i % 2 == 0 ? .down : .up))
        // Simulate a live poll every few frames: a new revision invalidates plot caches.
        if i % 10 == 9 {
          var s = state.snapshot
          s.revision += 1
          _ = update(&state, .snapshot(s))
        }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let buf = view(state, area: area)
        let changes = buf.diff(from: previous)
        previous = buf
        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        times.append(dt)
        _ = changes.count
      }
      times.sort()
      let median = times[times.count / 2], p95 = times[min(times.count - 1, Int(Double(times.count) * 0.95))]
      print(String(format: "  %-12@ median %7.2f ms  p95 %7.2f ms", tab.title as NSString, median, p95))
    }
    // The trial table pane alone, at the width it gets beside the plot.
    var tableTimes: [Double] = []
    for i in 0..<frames {
      _ = update(&state, .key(i % 2 == 0 ? .down : .up))
      var buf = Buffer(area: area)
      let t0 = DispatchTime.now().uptimeNanoseconds
      drawTablePane(state, into: &buf, area: Rect(x: 0, y: 3, width: width * 55 / 100, height: max(1, height - 5)))
      tableTimes.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
    }
    tableTimes.sort()
    print(String(format: "  %-12@ median %7.2f ms  p95 %7.2f ms", "Table only" as NSString, tableTimes[tableTimes.count / 2],
                 tableTimes[min(tableTimes.count - 1, Int(Double(tableTimes.count) * 0.95))]))
    print(String(format: "  RSS %.1f MB", Self.rssMB()))
  }

  /// A study like the demo's: lr (log), layers (int), optimizer (categorical), dropout; 20 steps.
  static func synthetic(_ n: Int) throws -> [FrozenTrial] {
    var rng = SplitMix(seed: 42)
    let dLR = Distribution.float(try FloatDistribution(low: 1e-5, high: 1e-1, log: true))
    let dLayers = Distribution.int(try IntDistribution(low: 1, high: 8))
    let dOpt = Distribution.categorical(try CategoricalDistribution(choices: [.string("adam"), .string("sgd"), .string("rmsprop")]))
    let dDrop = Distribution.float(try FloatDistribution(low: 0, high: 0.5))
    let start = Date().addingTimeInterval(-Double(n))
    return (0..<n).map { i in
      let lr = pow(10, -5 + 4 * rng.next()), layers = 1 + Int(rng.next() * 8) % 8
      let opt = ["adam", "sgd", "rmsprop"][Int(rng.next() * 3) % 3], drop = rng.next() * 0.5
      let value = abs(log10(lr) + 3) + Double(layers) * 0.05 + drop + rng.next() * 0.3
      let state: TrialState = i >= n - 4 ? .running : (rng.next() < 0.3 ? .pruned : .complete)
      var iv = OrderedDictionary<Int, Double>()
      for s in 0..<20 { iv[s] = value + 2 / Double(s + 1) }
      return FrozenTrial(
        id: Int64(i + 1), number: i, state: state, values: state == .running ? nil : [value],
        datetimeStart: start.addingTimeInterval(Double(i)),
        datetimeComplete: state == .running ? nil : start.addingTimeInterval(Double(i) + 0.8),
        params: ["lr": .float(lr), "layers": .int(layers), "optimizer": .string(opt), "dropout": .float(drop)],
        distributions: ["lr": dLR, "layers": dLayers, "optimizer": dOpt, "dropout": dDrop],
        intermediateValues: iv)
    }
  }

  func write(_ path: String) async throws {
    let storage = try openStorage(path)
    let id = try await storage.createStudy(name: "bench", directions: [.minimize])
    let t0 = Date()
    for t in try Self.synthetic(trials) { _ = try await storage.createTrial(study: id, template: t) }
    print("wrote \(trials) trials in \(String(format: "%.1f", Date().timeIntervalSince(t0))) s")
  }

  /// Times what `watch` does: open the storage, list studies, draw the first frame (with the
  /// study still loading), then the first full poll and a frame with every trial.
  func timeStartup(_ path: String) async throws {
    let t0 = DispatchTime.now().uptimeNanoseconds
    func ms(_ a: UInt64, _ b: UInt64) -> Double { Double(b - a) / 1e6 }
    let storage = try openStorage(path)
    guard let s = try await storage.studies().first else { throw BadInput("no study in \(path)") }
    let area = Rect(width: width, height: height)
    var state = AppState(
      info: DashboardInfo(mode: .watch, storageURL: storage.displayURL),
      snapshot: .empty(studyID: s.id, name: s.name, directions: s.directions), width: width, height: height)
    _ = view(state, area: area)
    let t1 = DispatchTime.now().uptimeNanoseconds
    let controller = DashboardController(storage: storage, studyID: s.id, mailbox: Mailbox(), staleCheckInterval: nil)
    let snap = try await controller.pollOnce()
    let t2 = DispatchTime.now().uptimeNanoseconds
    _ = update(&state, .snapshot(snap))
    _ = view(state, area: area)
    let t3 = DispatchTime.now().uptimeNanoseconds
    let again = try await controller.pollOnce()
    let t4 = DispatchTime.now().uptimeNanoseconds
    print(String(format: "trials=%d first frame %.0f ms; full load %.0f ms; frame with all trials %.0f ms; "
      + "incremental poll %.1f ms; RSS %.1f MB",
      again.trials.count, ms(t0, t1), ms(t1, t2), ms(t2, t3), ms(t3, t4), Self.rssMB()))
  }

  /// Resident set size from /proc/self/statm (Linux) in MB; 0 elsewhere.
  static func rssMB() -> Double {
    guard let s = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let parts = s.split(separator: " ")
    guard parts.count > 1, let pages = Double(parts[1]) else { return 0 }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
  }
}

/// A tiny deterministic generator for synthetic data.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> Double {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Double(z >> 11) / Double(1 << 53)
  }
}
