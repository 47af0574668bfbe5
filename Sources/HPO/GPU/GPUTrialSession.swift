import Foundation

/// One command trial's GPUs while it runs: the lease, the environment that confines the
/// program to them, and the `nvidia-smi` sampling whose result is stored when the trial ends.
final class GPUTrialSession: Sendable {
  let lease: GPULeases.Lease
  let recorder: GPUUsageRecorder
  private let sampling: Task<Void, Never>?

  /// Waits for the trial's share of the GPUs and records which it got (`HpotopKey.gpus`).
  static func start(_ leases: GPULeases, trial: Trial, sampleInterval: TimeInterval) async throws -> GPUTrialSession {
    let lease = try await leases.acquire(label: "\(trial.study.name) trial \(trial.number) pid \(getpid())")
    try? await trial.study.setSystemAttr(
      trialID: trial.id, key: HpotopKey.gpus.rawValue, value: .array(lease.gpus.map { .int($0) }))
    return GPUTrialSession(lease: lease, sampleInterval: sampleInterval)
  }

  private init(lease: GPULeases.Lease, sampleInterval: TimeInterval) {
    self.lease = lease
    let recorder = GPUUsageRecorder(gpus: lease.gpus)
    self.recorder = recorder
    sampling = NvidiaSMI.executable().map { smi in
      Task.detached { await recorder.sample(every: sampleInterval, executable: smi) }
    }
  }

  deinit {
    sampling?.cancel()
    lease.release()
  }

  /// What the program's environment gets: `CUDA_VISIBLE_DEVICES` and `HPOTOP_GPUS` list the
  /// trial's GPUs; `CUDA_DEVICE_ORDER=PCI_BUS_ID` makes CUDA number them as `nvidia-smi` does.
  var environment: [String: String] {
    ["CUDA_VISIBLE_DEVICES": lease.visibleDevices, "HPOTOP_GPUS": lease.visibleDevices, "CUDA_DEVICE_ORDER": "PCI_BUS_ID"]
  }

  /// Stops sampling, stores the trial's GPU use (system attr and the user-attr copies), and
  /// frees the GPUs. Returns the last reading of each GPU (for an out-of-memory reason).
  func finish(trial: Trial) async -> [Int: GPUReading] {
    sampling?.cancel()
    _ = await sampling?.value
    lease.release()
    let usage = await recorder.usage
    guard usage.samples > 0 else { return [:] }
    var attrs = HpotopAttrs([:])
    attrs.gpuUsage = usage
    if let v = attrs.attrs[HpotopKey.gpuUsage.rawValue] {
      try? await trial.study.setSystemAttr(trialID: trial.id, key: HpotopKey.gpuUsage.rawValue, value: v)
    }
    if let peak = usage.peakMemoryMiB {
      try? await trial.setUserAttr(HpotopAttrs.gpuPeakMemoryUserAttr, .double(peak))
    }
    if let mean = usage.meanUtilization {
      try? await trial.setUserAttr(HpotopAttrs.gpuMeanUtilizationUserAttr, .double((mean * 10).rounded() / 10))
    }
    return await recorder.last
  }
}
