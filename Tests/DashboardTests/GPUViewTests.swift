import Foundation
import HPO
import OrderedCollections
import Terminal
import Testing

@testable import Dashboard

/// The GPU strip, column and detail line drawn from a snapshot with GPU readings.
@Suite struct GPUViewTests {
  static let readings = [
    GPUReading(index: 0, utilization: 97, memoryUsedMiB: 23650, memoryTotalMiB: 24576, temperature: 71, powerDraw: 280),
    GPUReading(index: 1, utilization: 45, memoryUsedMiB: 12000, memoryTotalMiB: 24576, temperature: 63, powerDraw: 190),
    GPUReading(index: 2, utilization: 0, memoryUsedMiB: 3, memoryTotalMiB: 24576, temperature: 35),
    GPUReading(index: 3, utilization: 88, memoryUsedMiB: 20480, memoryTotalMiB: 24576, temperature: 69, powerDraw: 260),
  ]

  /// The fixture study with trial n on GPU n % 4 (the two RUNNING ones, 18 and 19, on GPUs 2 and 3).
  static func state(width: Int, height: Int, readings: [GPUReading] = Self.readings) -> AppState {
    var s = Fixture.state(width: width, height: height)
    let trials = s.snapshot.trials.map { t -> FrozenTrial in
      var t = t
      t.systemAttrs[HpotopKey.gpus.rawValue] = .array([.int(t.number % 4)])
      if t.state != .running {
        var a = HpotopAttrs(t.systemAttrs)
        a.gpuUsage = GPUUsage(gpus: [t.number % 4], peakMemoryMiB: 23654, memoryTotalMiB: 24576, meanUtilization: 97, samples: 5)
        t.systemAttrs = a.attrs
      }
      return t
    }
    var snap = StudySnapshot(studyID: 1, studyName: "fixture", directions: [.minimize], trials: trials,
                             takenAt: s.snapshot.takenAt, revision: 2)
    snap.gpuReadings = readings
    s.snapshot = snap
    return s
  }

  @Test func stripShowsEveryGPUWithItsTrialsAt80And200Columns() {
    let narrow = Fixture.lines(Self.state(width: 80, height: 24))
    #expect(narrow[2].contains("0 ███▉ 97% idle"), "\(narrow[2])")
    #expect(narrow[2].contains("2 ░░░░ 0% #18"), "\(narrow[2])")
    #expect(narrow[2].contains("3 ███▌ 88% #19"), "\(narrow[2])")
    #expect(narrow[2].contains("1 █▊░░ 45% idle"), "\(narrow[2])")
    let wide = Fixture.lines(Self.state(width: 200, height: 50))
    #expect(wide[2].contains("GPU0 ███████▊  97% 23.1/24.0G 71°C idle"), "\(wide[2])")
    #expect(wide[2].contains("GPU2 ░░░░░░░░   0% 0.0/24.0G 35°C #18"), "\(wide[2])")
  }

  @Test func gpuColumnDropsFirstOnNarrowScreens() {
    let s = Self.state(width: 200, height: 50)
    let table = TrialTable(s, height: 20)
    #expect(table.all.contains { $0.id == "gpu" })
    var sawWithout = false
    for width in stride(from: 40, through: 200, by: 4) {
      let ids = Set(table.shown(width: width, scroll: 0).columns.map(\.id))
      if ids.contains("gpu") {
        #expect(ids.isSuperset(of: ["curve", "start", "duration"]), "width \(width): \(ids)")
      } else if ids.contains("curve") || ids.contains("start") || ids.contains("duration") {
        sawWithout = true
      }
    }
    #expect(sawWithout, "no width dropped the GPU column while keeping another low-value column")
    #expect(table.shown(width: 200, scroll: 0).columns.contains { $0.id == "gpu" })
  }

  @Test func detailShowsPeakMemoryAndMeanUtilisation() {
    let s = Self.state(width: 120, height: 40)
    let done = s.snapshot.trials[6]
    #expect(gpuDetailLine(s, done).map { $0.spans.map(\.content).joined() } == "GPU 2   peak memory 23.1 of 24.0 GiB   mean utilisation 97%")
    let running = s.snapshot.trials[19]
    #expect(gpuDetailLine(s, running).map { $0.spans.map(\.content).joined() }?.hasPrefix("GPU 3") == true)
  }

  @Test func withoutReadingsOrGPUTrialsNothingAboutGPUs() {
    let plain = Fixture.text(Fixture.state(width: 200, height: 50))
    #expect(!plain.contains("GPU"))
    let noReadings = Fixture.lines(Self.state(width: 200, height: 50, readings: []))
    #expect(!noReadings[2].contains("GPU"))
  }
}
