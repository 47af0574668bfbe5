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
  @Option(help: "Instead: time watch start-up (first rows, whole load) on this storage URL or SQLite path.") var startup: String?
  @Flag(help: "With --startup: load the study in one poll, not newest first.") var atOnce = false

  func run() async throws {
    if let path = writeSqlite { return try await write(path) }
    if let path = startup { return try await timeStartup(path) }
    let snap = StudySnapshot(
      studyID: 1, studyName: "bench", directions: [.minimize], trials: try Self.synthetic(trials), revision: 1)
    var state = AppState(
      info: DashboardInfo(mode: .watch, storageURL: "sqlite:///bench.db"), snapshot: snap, width: width, height: height)
    state.importance[.fanova] = nil
    print("trials=\(trials) size=\(width)x\(height)")
    timeFrames(&state)
    print(String(format: "  RSS %.1f MB", Self.rssMB()))
  }

  /// Frame time per plot tab, then of the trial table alone: each frame moves the selection,
  /// and every 10th a new snapshot revision arrives (the plot infos a live poll recomputes).
  func timeFrames(_ state: inout AppState) {
    let area = Rect(width: width, height: height)
    var previous = Buffer(area: area)
    for tab in PlotTab.allCases where tab != .pareto {
      state.tab = tab
      var times: [Double] = [], cpu: [Double] = []
      for i in 0..<frames {
        _ = update(&state, .key(i % 2 == 0 ? .down : .up))
        // Simulate a live poll every few frames: a new revision invalidates plot caches.
        if i % 10 == 9 {
          var s = state.snapshot
          s.revision += 1
          _ = update(&state, .snapshot(s))
        }
        let t0 = DispatchTime.now().uptimeNanoseconds, c0 = Self.threadCPU()
        let buf = view(state, area: area)
        let changes = buf.diff(from: previous)
        previous = buf
        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        times.append(dt)
        cpu.append((Self.threadCPU() - c0) * 1000)
        _ = changes.count
      }
      times.sort()
      cpu.sort()
      let median = times[times.count / 2], p95 = times[min(times.count - 1, Int(Double(times.count) * 0.95))]
      let cpuP95 = cpu[min(cpu.count - 1, Int(Double(cpu.count) * 0.95))]
      print(String(format: "  %-12@ median %7.2f ms  p95 %7.2f ms  cpu_median %7.2f ms  cpu_p95 %7.2f ms",
                   tab.title as NSString, median, p95, cpu[cpu.count / 2], cpuP95))
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

  /// Times what `watch` does on a study file: open the storage, list studies and draw the first
  /// frame (the study still loading); then the polls that load it newest first, each snapshot
  /// applied and drawn as the UI thread does, with a key (Down) answered between them; then one
  /// incremental poll, and with `--frames` the frame times on the loaded study.
  func timeStartup(_ path: String) async throws {
    func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
    func ms(_ a: UInt64, _ b: UInt64) -> Double { Double(b - a) / 1e6 }
    let t0 = now()
    let storage = try openStorage(path)
    guard let s = try await storage.studies().first else { throw BadInput("no study in \(path)") }
    let area = Rect(width: width, height: height)
    var state = AppState(
      info: DashboardInfo(mode: .watch, storageURL: storage.displayURL),
      snapshot: .empty(studyID: s.id, name: s.name, directions: s.directions), width: width, height: height)
    _ = view(state, area: area)
    let tFrame = now()
    let poller = StudyPoller(storage: storage, studyID: s.id, staleCheckInterval: nil, firstPage: atOnce ? Int.max : 2000)
    var snap = try await poller.poll()
    let tPolled = now()
    _ = update(&state, .snapshot(snap))
    _ = view(state, area: area)
    let tRows = now()
    let firstRows = snap.trials.count
    // The UI thread's longest step while the study loads (a snapshot applied and drawn), and
    // the longest key answered (update + frame): a key waits at most for their sum.
    var uiMax = ms(tPolled, tRows), keyMax = 0.0
    // The same as CPU time of this thread: what the steps cost without other processes.
    var uiCPUMax = 0.0, keyCPUMax = 0.0
    let cpuRows = Self.processCPU()
    var polls = 1
    while await poller.needsAnotherPoll {
      snap = try await poller.poll()
      polls += 1
      let u0 = now(), c0 = Self.threadCPU()
      // As the dashboard's loop does: the replaced snapshot is freed on another thread.
      let replaced = RetiredSnapshot(state.snapshot)
      _ = update(&state, .snapshot(snap))
      replaced.dropElsewhere()
      _ = view(state, area: area)
      let u1 = now(), c1 = Self.threadCPU()
      _ = update(&state, .key(.down))
      _ = view(state, area: area)
      uiMax = max(uiMax, ms(u0, u1))
      keyMax = max(keyMax, ms(u1, now()))
      uiCPUMax = max(uiCPUMax, (c1 - c0) * 1000)
      keyCPUMax = max(keyCPUMax, (Self.threadCPU() - c1) * 1000)
    }
    let tWhole = now()
    let cpuWhole = Self.processCPU()
    _ = try await poller.poll()
    let tPoll = now()
    print(String(format: "trials=%d first_frame_ms=%.0f first_rows_ms=%.0f first_rows=%d whole_load_ms=%.0f polls=%d "
      + "ui_step_max_ms=%.1f key_max_ms=%.1f incremental_poll_ms=%.1f rss_mb=%.0f "
      + "cpu_first_rows_s=%.2f cpu_whole_load_s=%.2f ui_step_cpu_max_ms=%.1f key_cpu_max_ms=%.1f",
      snap.trials.count, ms(t0, tFrame), ms(t0, tRows), firstRows, ms(t0, tWhole), polls, uiMax, keyMax,
      ms(tWhole, tPoll), Self.rssMB(), cpuRows, cpuWhole, uiCPUMax, keyCPUMax))
    if frames > 0 { timeFrames(&state) }
  }

  /// CPU seconds this thread has used.
  static func threadCPU() -> Double { cpuSeconds(CLOCK_THREAD_CPUTIME_ID) }

  /// CPU seconds the whole process has used (all threads, user and system).
  static func processCPU() -> Double { cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) }

  private static func cpuSeconds(_ clock: clockid_t) -> Double {
    var t = timespec()
    clock_gettime(clock, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
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
