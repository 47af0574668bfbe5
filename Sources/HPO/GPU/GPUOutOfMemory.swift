import Foundation

/// Recognises a GPU out-of-memory error in a failed trial's stderr (PyTorch 1.x and 2.x,
/// TensorFlow, JAX/XLA) and words it as one line: "CUDA out of memory on GPU 2, 23.1 of 24 GiB
/// in use". The GPU is the physical one (`nvidia-smi`'s index): the framework's device number
/// counts within `CUDA_VISIBLE_DEVICES`, so it is mapped through the trial's GPUs.
public struct GPUOutOfMemory: Hashable, Sendable {
  /// The physical GPU index, when the message or the trial's single GPU tells it.
  public var gpu: Int?
  /// Bytes in use on that GPU and its capacity, from the message or the last `nvidia-smi` reading.
  public var usedBytes: Double?
  public var totalBytes: Double?

  /// How every out-of-memory fail reason starts.
  public static let reasonPrefix = "CUDA out of memory"

  /// Whether a stored fail reason is an out-of-memory one.
  public static func isReason(_ failReason: String) -> Bool { failReason.hasPrefix(reasonPrefix) }

  /// The one-line fail reason.
  public var reason: String {
    var s = Self.reasonPrefix
    if let gpu { s += " on GPU \(gpu)" }
    if let usedBytes, let totalBytes, totalBytes > 0 {
      s += ", \(Self.gib(usedBytes)) of \(Self.gib(totalBytes)) GiB in use"
    }
    return s
  }

  /// The out-of-memory error in `stderr`, or nil when it shows none. `gpus` are the trial's
  /// GPUs in `CUDA_VISIBLE_DEVICES` order (empty when hpotop did not assign any); `readings`
  /// the last `nvidia-smi` reading of each, used when the message gives no memory figures.
  /// The message must be the last error the program printed (the last line that names an
  /// `Error`, `Exception` or `RESOURCE_EXHAUSTED`): a program that caught an out-of-memory
  /// error and later died of another fails with the general reason.
  public static func find(in stderr: String, gpus: [Int] = [], readings: [Int: GPUReading] = [:]) -> GPUOutOfMemory? {
    let names = { (l: Substring) in l.contains("Error") || l.contains("Exception") || l.contains("RESOURCE_EXHAUSTED") }
    guard let last = stderr.split(whereSeparator: \.isNewline).last(where: names) else { return nil }
    let text = String(last)
    var local: Int?
    var total: Double?, free: Double?
    if text.contains("CUDA out of memory") {
      // PyTorch 2.x: "GPU 0 has a total capacity of 23.65 GiB of which 11.06 MiB is free."
      // (some 2.1 builds spell it "capacty").
      if let m = match(#"GPU (\d+) has a total capac\w* of ([\d.]+ \w+) of which ([\d.]+ \w+) is free"#, in: text) {
        local = Int(m[0]); total = bytes(m[1]); free = bytes(m[2])
      } else if let m = match(#"\(GPU (\d+); ([\d.]+ \w+) total capacity;[^;]*; ([\d.]+ \w+) free"#, in: text) {
        // PyTorch 1.x: "(GPU 0; 14.76 GiB total capacity; 8.77 GiB already allocated; 19.75 MiB free; …)"
        local = Int(m[0]); total = bytes(m[1]); free = bytes(m[2])
      } else if let m = match(#"GPU (\d+)"#, in: text) {
        local = Int(m[0])
      }
    } else if text.contains("OOM when allocating tensor") {
      // TensorFlow: "… on /job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc"
      if let m = match(#"device:GPU:(\d+)"#, in: text) { local = Int(m[0]) }
    } else if text.contains("RESOURCE_EXHAUSTED: Out of memory") || text.contains("RESOURCE_EXHAUSTED: Failed to allocate") {
      // JAX/XLA: "RESOURCE_EXHAUSTED: Out of memory while trying to allocate 7406166528 bytes."
      if let m = match(#"device ordinal (\d+)"#, in: text) { local = Int(m[0]) }
    } else {
      return nil
    }
    var oom = GPUOutOfMemory()
    if let local { oom.gpu = local < gpus.count ? gpus[local] : (gpus.isEmpty ? local : nil) }
    if oom.gpu == nil, gpus.count == 1 { oom.gpu = gpus[0] }
    if let total, let free {
      oom.totalBytes = total
      oom.usedBytes = max(0, total - free)
    } else if let g = oom.gpu, let r = readings[g], let used = r.memoryUsedMiB, let cap = r.memoryTotalMiB {
      oom.usedBytes = used * 1_048_576
      oom.totalBytes = cap * 1_048_576
    }
    return oom
  }

  /// GiB with one decimal, without a trailing `.0`: 23.1, 24.
  static func gib(_ bytes: Double) -> String {
    let v = (bytes / 1_073_741_824 * 10).rounded() / 10
    return v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v)
  }

  /// "19.75 MiB", "0 bytes", "23.65 GiB" in bytes.
  static func bytes(_ text: String) -> Double? {
    let parts = text.split(separator: " ")
    guard parts.count == 2, let v = Double(parts[0]) else { return nil }
    let scale: [String: Double] = ["bytes": 1, "B": 1, "KiB": 1024, "MiB": 1_048_576, "GiB": 1_073_741_824, "TiB": 1_099_511_627_776]
    return scale[String(parts[1])].map { v * $0 }
  }

  /// The capture groups of the first match of `pattern`.
  static func match(_ pattern: String, in text: String) -> [String]? {
    guard let re = try? NSRegularExpression(pattern: pattern),
      let m = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
    else { return nil }
    return (1..<m.numberOfRanges).map { i in Range(m.range(at: i), in: text).map { String(text[$0]) } ?? "" }
  }
}
