import Foundation
import Subprocess
import SystemPackage

/// One GPU's state as `nvidia-smi` reports it. A field the GPU does not report (`[N/A]`) is nil.
public struct GPUReading: Hashable, Sendable, Codable {
  /// The GPU's index as `nvidia-smi` numbers it (PCI bus order).
  public var index: Int
  /// Percent of the last sample period a kernel ran.
  public var utilization: Double?
  public var memoryUsedMiB: Double?
  public var memoryTotalMiB: Double?
  /// Degrees Celsius.
  public var temperature: Double?
  /// Watts.
  public var powerDraw: Double?

  public init(index: Int, utilization: Double? = nil, memoryUsedMiB: Double? = nil, memoryTotalMiB: Double? = nil,
              temperature: Double? = nil, powerDraw: Double? = nil) {
    self.index = index
    self.utilization = utilization
    self.memoryUsedMiB = memoryUsedMiB
    self.memoryTotalMiB = memoryTotalMiB
    self.temperature = temperature
    self.powerDraw = powerDraw
  }
}

/// Reads the GPUs through `nvidia-smi` (the NVML command-line tool that ships with the driver).
/// Where there is no `nvidia-smi`, every reading is nil and nothing is printed.
public enum NvidiaSMI {
  /// The query hpotop sends: one CSV line per GPU, numbers without units.
  public static let arguments = [
    "--query-gpu=index,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw",
    "--format=csv,noheader,nounits",
  ]

  /// `nvidia-smi` on `PATH`, or nil.
  public static func executable(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
    CommandObjective.resolve("nvidia-smi", environment: environment, cwd: nil)
  }

  /// Every GPU's reading now, or nil when there is no `nvidia-smi` or it fails (no driver, no
  /// GPU: it exits non-zero); a failing tool is not an error to report, as no GPU is not.
  public static func query(executable path: String? = executable()) async -> [GPUReading]? {
    guard let path else { return nil }
    let result = try? await Subprocess.run(
      .path(FilePath(path)), arguments: Arguments(arguments), output: .string(limit: 1 << 20), error: .discarded)
    guard let result, result.terminationStatus.isSuccess else { return nil }
    let readings = parse(result.standardOutput)
    return readings.isEmpty ? nil : readings
  }

  /// The readings in `nvidia-smi`'s CSV output (lines it cannot read are skipped).
  public static func parse(_ text: String) -> [GPUReading] {
    text.split(whereSeparator: \.isNewline).compactMap { line in
      let f = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      guard f.count >= 6, let index = Int(f[0]) else { return nil }
      let n = { (s: String) in Double(s).flatMap { $0.isFinite ? $0 : nil } }  // "[N/A]", "[Not Supported]" → nil
      return GPUReading(index: index, utilization: n(f[1]), memoryUsedMiB: n(f[2]), memoryTotalMiB: n(f[3]),
                        temperature: n(f[4]), powerDraw: n(f[5]))
    }
  }
}

/// A trial's GPU use over its run: the peak memory in use and the mean utilisation over the
/// samples taken while it ran, on the GPUs it held (summed memory, mean utilisation across them).
/// On a shared GPU (a share below 1) the figures are the GPU's, so they include its neighbours'.
public struct GPUUsage: Hashable, Sendable {
  public var gpus: [Int]
  public var peakMemoryMiB: Double?
  public var memoryTotalMiB: Double?
  public var meanUtilization: Double?
  public var samples: Int

  public init(gpus: [Int], peakMemoryMiB: Double? = nil, memoryTotalMiB: Double? = nil, meanUtilization: Double? = nil, samples: Int = 0) {
    self.gpus = gpus
    self.peakMemoryMiB = peakMemoryMiB
    self.memoryTotalMiB = memoryTotalMiB
    self.meanUtilization = meanUtilization
    self.samples = samples
  }
}

/// Samples `nvidia-smi` for one trial's GPUs while it runs, keeping the peak memory, the mean
/// utilisation and the last reading of each GPU (what an out-of-memory reason quotes).
public actor GPUUsageRecorder {
  public let gpus: [Int]
  private var peak: Double?
  private var total: Double?
  private var utilizationSum = 0.0
  private var utilizationCount = 0
  private var count = 0
  /// The last reading of each of the trial's GPUs.
  public private(set) var last: [Int: GPUReading] = [:]

  public init(gpus: [Int]) { self.gpus = gpus }

  /// Adds one sample (readings of every GPU; the trial's are picked out).
  public func add(_ readings: [GPUReading]) {
    let mine = readings.filter { gpus.contains($0.index) }
    guard !mine.isEmpty else { return }
    count += 1
    for r in mine { last[r.index] = r }
    let used = mine.compactMap(\.memoryUsedMiB)
    if !used.isEmpty { peak = max(peak ?? 0, used.reduce(0, +)) }
    let totals = mine.compactMap(\.memoryTotalMiB)
    if !totals.isEmpty { total = totals.reduce(0, +) }
    let utils = mine.compactMap(\.utilization)
    if !utils.isEmpty {
      utilizationSum += utils.reduce(0, +) / Double(utils.count)
      utilizationCount += 1
    }
  }

  public var usage: GPUUsage {
    GPUUsage(gpus: gpus, peakMemoryMiB: peak, memoryTotalMiB: total,
             meanUtilization: utilizationCount > 0 ? utilizationSum / Double(utilizationCount) : nil, samples: count)
  }

  /// Samples every `interval` seconds until the task is cancelled.
  public func sample(every interval: TimeInterval, executable: String) async {
    while !Task.isCancelled {
      if let r = await NvidiaSMI.query(executable: executable) { add(r) }
      try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
    }
  }
}
