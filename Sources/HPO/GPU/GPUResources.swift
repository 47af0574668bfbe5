import Foundation

/// The GPUs a study's trials run on (`resources:` in a study file, `--gpus` on the command line):
/// which GPUs, and each trial's share of them.
public struct GPUResources: Hashable, Sendable {
  /// Which GPUs trials may use.
  public enum Selection: Hashable, Sendable {
    /// Every GPU `nvidia-smi` lists (none when there is no `nvidia-smi`: trials run as without `resources`).
    case auto
    /// These GPU indices, as `nvidia-smi` numbers them.
    case indices([Int])
  }

  public var gpus: Selection
  /// GPUs per trial: a whole number (each trial gets that many GPUs to itself) or a fraction
  /// 1/n (n trials share one GPU: 0.5, 0.25, …).
  public var perTrial: Double

  public init(gpus: Selection = .auto, perTrial: Double = 1) {
    self.gpus = gpus
    self.perTrial = perTrial
  }

  /// Why a share is not allowed, or nil: a positive whole number, or 1/n for a whole n ≤ 64.
  public static func problem(perTrial share: Double) -> String? {
    guard share.isFinite, share > 0 else { return "gpus_per_trial must be positive, got \(formatShare(share))" }
    if share >= 1 {
      return share == share.rounded() ? nil : "gpus_per_trial above 1 must be a whole number, got \(formatShare(share))"
    }
    let n = (1 / share).rounded()
    guard n <= 64, abs(1 / n - share) < 1e-9 else {
      return "gpus_per_trial below 1 must be 1/n (0.5, 0.25, 0.2, …) so that trials fill a GPU exactly, got \(formatShare(share))"
    }
    return nil
  }

  /// How many trials run at once on `gpuCount` GPUs.
  public func slots(gpuCount: Int) -> Int {
    perTrial >= 1 ? gpuCount / Int(perTrial) : gpuCount * Int((1 / perTrial).rounded())
  }

  /// The GPU indices this machine gives the study: the listed ones, or every one `nvidia-smi`
  /// reports for `auto`; empty when there is none (then trials run without GPU settings).
  public func resolve(available: [GPUReading]?) -> [Int] {
    switch gpus {
    case .indices(let list): return list
    case .auto: return (available ?? []).map(\.index)
    }
  }

  /// The leases trials take their GPUs from on this machine, or nil when there is no GPU to
  /// give (`auto` without `nvidia-smi`): then trials run as without `resources`, and nothing
  /// is said about GPUs.
  /// Throws when GPUs exist but fewer than one trial needs (`gpus_per_trial: 2` on one GPU).
  public func leases(directory: String = GPULeases.defaultDirectory) async throws -> GPULeases? {
    let available: [GPUReading]? = gpus == .auto ? await NvidiaSMI.query() : nil
    let list = resolve(available: available)
    guard !list.isEmpty else { return nil }
    guard slots(gpuCount: list.count) > 0 else { throw TooFewGPUs(perTrial: Int(perTrial), gpus: list) }
    return GPULeases(gpus: list, perTrial: perTrial, directory: directory)
  }

  static func formatShare(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d) }
}

/// A trial needs more GPUs than the study may use.
public struct TooFewGPUs: Error, CustomStringConvertible {
  public let perTrial: Int
  public let gpus: [Int]
  public var description: String {
    "gpus_per_trial is \(perTrial) but only \(gpus.count) GPU\(gpus.count == 1 ? "" : "s") (\(gpus.map(String.init).joined(separator: ", "))) can be used"
  }
}

extension GPUResources {
  /// Reads the command line's `--gpus` (`auto` or `0,1,3`): nil and a message when it is not one of those.
  public static func parseSelection(_ text: String) -> (Selection?, String?) {
    let t = text.trimmingCharacters(in: .whitespaces)
    if t == "auto" { return (.auto, nil) }
    var out: [Int] = []
    for piece in t.split(separator: ",", omittingEmptySubsequences: false) {
      guard let i = Int(piece.trimmingCharacters(in: .whitespaces)), i >= 0 else {
        return (nil, "--gpus takes 'auto' or GPU indices such as 0,1,2,3, got '\(text)'")
      }
      guard !out.contains(i) else { return (nil, "--gpus lists GPU \(i) twice") }
      out.append(i)
    }
    return out.isEmpty ? (nil, "--gpus takes 'auto' or GPU indices such as 0,1,2,3, got '\(text)'") : (.indices(out), nil)
  }
}
