import Foundation
import HPO
import Terminal

/// The dashboard's GPU readings: `nvidia-smi` asked at most once per `interval` by the poller.
/// Without `nvidia-smi` the readings stay empty and the dashboard shows nothing about GPUs.
actor GPUReadingsSource {
  let interval: TimeInterval
  private var last: (at: Date, readings: [GPUReading])?
  private let executable = NvidiaSMI.executable()

  init(interval: TimeInterval = 1) { self.interval = interval }

  func readings(now: Date) async -> [GPUReading] {
    guard let executable else { return [] }
    if let last, now.timeIntervalSince(last.at) < interval, now >= last.at { return last.readings }
    let r = await NvidiaSMI.query(executable: executable) ?? []
    last = (now, r)
    return r
  }
}

/// The header's GPU strip: one segment per GPU (a utilisation gauge, its memory, and the
/// running trials on it), added to the header's third line. The gauges are must-keep
/// segments (priority 0): pace and ETA go first; when even the gauges do not fit, the last
/// GPUs' go. Wide screens (≥ 160 columns) add memory and temperature.
func gpuHeaderSegments(_ state: AppState) -> [HeaderSegment] {
  let readings = state.snapshot.gpuReadings
  guard !readings.isEmpty else { return [] }
  let theme = state.theme
  let onGPU = state.cache.value(slot: "gpuTrials", key: cacheKey(state)) { runningTrialsByGPU(state.snapshot) }
  let wide = state.width >= 160
  return readings.map { r in
    let util = r.utilization ?? 0
    var spans: [Span] = [Span(wide ? "GPU\(r.index) " : "\(r.index) ", style: theme.fg("title").adding(.bold))]
    let bar = gaugeBar(util / 100, width: wide ? 8 : 4)
    spans.append(Span(bar.filled, style: theme.fg(util >= 90 ? "running" : "accent")))
    spans.append(Span(bar.empty, style: theme.dim))
    spans.append(Span(r.utilization.map { String(format: wide ? "%4.0f%%" : " %.0f%%", $0) } ?? " -%"))
    if wide, let used = r.memoryUsedMiB, let total = r.memoryTotalMiB {
      spans.append(Span(" \(gib(used))/\(gib(total))G", style: theme.dim))
    }
    if wide, let t = r.temperature { spans.append(Span(String(format: " %.0f°C", t), style: theme.dim)) }
    let trials = onGPU[r.index] ?? []
    spans.append(trials.isEmpty
      ? Span(" idle", style: theme.dim)
      : Span(" #" + trials.map(String.init).joined(separator: ","), style: theme.fg("running")))
    return HeaderSegment("gpu\(r.index)", priority: 0, spans, gap: wide ? 2 : 1)
  }
}

/// Running trials by the GPU they hold (`hpotop:gpus`), in trial order.
func runningTrialsByGPU(_ snap: StudySnapshot) -> [Int: [Int]] {
  var out: [Int: [Int]] = [:]
  for t in snap.trials where t.state == .running {
    for g in t.hpotop.gpus { out[g, default: []].append(t.number) }
  }
  return out
}

/// A bar of `width` cells filled to `fraction` in eighths, and the `░` that fills the rest.
func gaugeBar(_ fraction: Double, width: Int) -> (filled: String, empty: String) {
  let eighths = Int((max(0, min(1, fraction.isFinite ? fraction : 0)) * Double(width * 8)).rounded())
  let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
  let s = String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
  return (s, String(repeating: "░", count: max(0, width - TextWidth.of(s))))
}

/// MiB as GiB with one decimal (`23.1`).
func gib(_ mib: Double) -> String { String(format: "%.1f", mib / 1024) }

/// The table's GPU cell: the trial's GPUs (`2`, `0,1`), empty when it had none.
func gpuCellText(_ t: FrozenTrial) -> String { t.hpotop.gpus.map(String.init).joined(separator: ",") }

/// The detail's GPU line: where the trial ran, its peak memory and mean utilisation.
func gpuDetailLine(_ state: AppState, _ t: FrozenTrial) -> Line? {
  let a = t.hpotop
  guard !a.gpus.isEmpty else { return nil }
  let theme = state.theme
  var spans = [Span("GPU \(gpuCellText(t))", style: theme.fg("title").adding(.bold))]
  if let u = a.gpuUsage {
    if let peak = u.peakMemoryMiB {
      spans.append(Span("   peak memory ", style: theme.dim))
      spans.append(Span("\(gib(peak))" + (u.memoryTotalMiB.map { " of \(gib($0))" } ?? "") + " GiB"))
    }
    if let mean = u.meanUtilization {
      spans.append(Span("   mean utilisation ", style: theme.dim))
      spans.append(Span(String(format: "%.0f%%", mean)))
    }
  } else if t.state == .running {
    spans.append(Span("   (peak memory and mean utilisation when it ends)", style: theme.dim))
  }
  return Line(spans)
}
