import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Hands GPUs to trials so that no GPU carries more trials than its share allows, across every
/// worker and process of this machine. Each lease is a file `gpu<index>-<pid>-<n>.lease` in a
/// per-machine folder, locked with `flock` by the process that holds it: the kernel drops the
/// lock when that process dies (even by SIGKILL), and the next process to look finds the
/// unlocked file stale and deletes it. Leases are taken under a lock on `leases.lock` in the
/// same folder, so two processes never count the same free share.
public final class GPULeases: Sendable {
  /// The GPUs to hand out.
  public let gpus: [Int]
  /// GPUs per trial (whole) or the share of one GPU (1/n).
  public let perTrial: Double
  /// The folder of lease files: `$HPOTOP_GPU_LEASE_DIR`, else `/tmp/hpotop-gpu-leases-<uid>`.
  public let directory: String
  /// Seconds between tries while every GPU is full (other processes hold them).
  public let retryInterval: TimeInterval

  public static var defaultDirectory: String {
    if let d = ProcessInfo.processInfo.environment["HPOTOP_GPU_LEASE_DIR"], !d.isEmpty { return d }
    return "/tmp/hpotop-gpu-leases-\(getuid())"
  }

  public init(gpus: [Int], perTrial: Double, directory: String = GPULeases.defaultDirectory, retryInterval: TimeInterval = 0.2) {
    self.gpus = gpus
    self.perTrial = perTrial
    self.directory = directory
    self.retryInterval = retryInterval
  }

  /// How many trials run at once on these GPUs.
  public var slots: Int { GPUResources(gpus: .indices(gpus), perTrial: perTrial).slots(gpuCount: gpus.count) }

  /// One trial's hold on its GPUs; `release()` (or the process's death) frees them.
  public final class Lease: @unchecked Sendable {
    /// The GPU indices, as `CUDA_VISIBLE_DEVICES` lists them.
    public let gpus: [Int]
    private var files: [(path: String, fd: Int32)]
    private let lock = NSLock()

    init(gpus: [Int], files: [(String, Int32)]) {
      self.gpus = gpus
      self.files = files
    }

    /// The list for `CUDA_VISIBLE_DEVICES` and `HPOTOP_GPUS`: `2` or `0,1`.
    public var visibleDevices: String { gpus.map(String.init).joined(separator: ",") }

    public func release() {
      lock.lock()
      defer { lock.unlock() }
      for (path, fd) in files {
        unlink(path)
        close(fd)
      }
      files = []
    }

    deinit { release() }
  }

  public enum LeaseError: Error, CustomStringConvertible {
    case folder(String, String)
    public var description: String {
      switch self {
      case .folder(let path, let why): return "cannot use the GPU lease folder \(path): \(why)"
      }
    }
  }

  /// Waits until this trial's share is free and takes it. `label` names the holder in the file.
  public func acquire(label: String) async throws -> Lease {
    while true {
      try Task.checkCancellation()
      if let lease = try tryAcquire(label: label) { return lease }
      try await Task.sleep(for: .milliseconds(Int(retryInterval * 1000)))
    }
  }

  nonisolated(unsafe) private static var counter = 0
  private static let counterLock = NSLock()
  private static func nextNumber() -> Int {
    counterLock.lock()
    defer { counterLock.unlock() }
    counter += 1
    return counter
  }

  /// Takes the share now if it is free, else nil.
  public func tryAcquire(label: String) throws -> Lease? {
    if mkdir(directory, 0o1777) != 0 && errno != EEXIST { throw LeaseError.folder(directory, String(cString: strerror(errno))) }
    let guardFD = open(directory + "/leases.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
    guard guardFD >= 0 else { throw LeaseError.folder(directory, String(cString: strerror(errno))) }
    defer { close(guardFD) }
    while flock(guardFD, LOCK_EX) != 0 {
      guard errno == EINTR else { throw LeaseError.folder(directory, String(cString: strerror(errno))) }
    }
    let used = liveShares()
    let share = min(perTrial, 1)
    let need = perTrial >= 1 ? Int(perTrial) : 1
    // Spread trials: the least used GPUs that still have room, lowest index first among equals.
    let candidates = gpus.filter { (used[$0] ?? 0) + share <= 1 + 1e-9 }
      .sorted { ((used[$0] ?? 0), gpus.firstIndex(of: $0)!) < ((used[$1] ?? 0), gpus.firstIndex(of: $1)!) }
    guard candidates.count >= need else { return nil }
    let chosen = Array(candidates.prefix(need)).sorted { gpus.firstIndex(of: $0)! < gpus.firstIndex(of: $1)! }
    var files: [(String, Int32)] = []
    for g in chosen {
      let path = "\(directory)/gpu\(g)-\(getpid())-\(Self.nextNumber()).lease"
      let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
      guard fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 else {
        let why = String(cString: strerror(errno))
        if fd >= 0 { close(fd) }
        Lease(gpus: [], files: files).release()
        throw LeaseError.folder(directory, why)
      }
      let text = "\(share)\n\(label)\n"
      _ = text.withCString { write(fd, $0, strlen($0)) }
      files.append((path, fd))
    }
    return Lease(gpus: chosen, files: files)
  }

  /// The share of each GPU that live leases hold; stale lease files (their process died) are
  /// deleted. Called under the folder lock.
  func liveShares() -> [Int: Double] {
    var used: [Int: Double] = [:]
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return used }
    for name in names where name.hasPrefix("gpu") && name.hasSuffix(".lease") {
      guard let g = Int(name.dropFirst(3).prefix { $0.isNumber }) else { continue }
      let path = directory + "/" + name
      let fd = open(path, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else { continue }  // released meanwhile
      defer { close(fd) }
      if flock(fd, LOCK_EX | LOCK_NB) == 0 {  // nobody holds it: its process is gone
        unlink(path)
        continue
      }
      var buffer = [UInt8](repeating: 0, count: 64)
      let n = read(fd, &buffer, 63)
      let text = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : ""
      let share = Double(text.split(separator: "\n").first ?? "") ?? 1
      used[g, default: 0] += share
    }
    return used
  }
}
