import Foundation
import HPO
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// GPU resources without a GPU: the study file's `resources:`, `nvidia-smi`'s CSV, the
/// out-of-memory reasons (verbatim framework messages) and the lease files.
@Suite struct GPUTests {
  // MARK: Study file

  @Test func resourcesParseAutoListsAndShares() throws {
    let base = "params: {x: {type: float, low: 0, high: 1}}\nobjective: {command: [echo]}\n"
    let auto = try StudySpec.parse(yaml: base + "resources: {gpus: auto}\n", path: "/tmp/g/s.yaml")
    #expect(auto.resources == GPUResources(gpus: .auto, perTrial: 1))
    let list = try StudySpec.parse(yaml: base + "resources: {gpus: [0, 2, 3], gpus_per_trial: 0.5}\n", path: "/tmp/g/s.yaml")
    #expect(list.resources == GPUResources(gpus: .indices([0, 2, 3]), perTrial: 0.5))
    #expect(list.resources?.slots(gpuCount: 3) == 6)
    let none = try StudySpec.parse(yaml: base, path: "/tmp/g/s.yaml")
    #expect(none.resources == nil)
    #expect(GPUResources(perTrial: 2).slots(gpuCount: 4) == 2)
  }

  @Test(arguments: [
    ("resources: {gpus: all}", 1, 19, "gpus must be 'auto' or a list of GPU indices"),
    ("resources: {gpus: [0, 1, 1]}", 1, 26, "GPU 1 is listed twice"),
    ("resources: {gpus: [0, -1]}", 1, 23, "a GPU index is 0 or more"),
    ("resources: {gpus_per_trial: 0.3}", 1, 29, "gpus_per_trial below 1 must be 1/n"),
    ("resources: {gpus_per_trial: 1.5}", 1, 29, "gpus_per_trial above 1 must be a whole number"),
    ("resources: {gpus_per_trial: 0}", 1, 29, "gpus_per_trial must be positive"),
    ("resources:\n  gpus: [0]\n  gpus_per_trial: 2", 3, 19, "gpus lists only 1 GPU"),
    ("resources: {gpu_per_trial: 1}", 1, 13, "did you mean 'gpus_per_trial'?"),
    ("resources: 4", 1, 12, "resources must be a mapping"),
  ])
  func badResourcesPointAtTheProblem(_ text: String, _ line: Int, _ column: Int, _ message: String) {
    let yaml = text + "\nparams: {x: {type: float, low: 0, high: 1}}\nobjective: {command: [echo]}\n"
    do {
      _ = try StudySpec.parse(yaml: yaml, path: "/tmp/g/s.yaml")
      Issue.record("accepted: \(text)")
    } catch let e as StudyFileError {
      #expect(e.description.hasPrefix("/tmp/g/s.yaml:\(line):\(column): error: "), "\(e.description)")
      #expect(e.description.contains(message), "\(e.description)")
    } catch {
      Issue.record("not a StudyFileError: \(error)")
    }
  }

  @Test func commandLineSelection() {
    #expect(GPUResources.parseSelection("auto").0 == .auto)
    #expect(GPUResources.parseSelection("0,1, 3").0 == .indices([0, 1, 3]))
    #expect(GPUResources.parseSelection("0,x").0 == nil)
    #expect(GPUResources.parseSelection("1,1").1 == "--gpus lists GPU 1 twice")
  }

  // MARK: nvidia-smi

  @Test func nvidiaSMICSVIsRead() {
    let text = "0, 97, 23650, 24576, 71, 280.12\n1, [N/A], 12000, 24576, 63, [Not Supported]\ngarbage\n"
    let r = NvidiaSMI.parse(text)
    #expect(r.count == 2)
    #expect(r[0] == GPUReading(index: 0, utilization: 97, memoryUsedMiB: 23650, memoryTotalMiB: 24576, temperature: 71, powerDraw: 280.12))
    #expect(r[1].utilization == nil && r[1].powerDraw == nil && r[1].memoryUsedMiB == 12000)
  }

  @Test func noNvidiaSMIMeansNoReadingsAndNoLeases() async {
    #expect(NvidiaSMI.executable(environment: ["PATH": "/nonexistent"]) == nil)
    #expect(await NvidiaSMI.query(executable: nil) == nil)
    #expect(GPUResources(gpus: .auto).resolve(available: nil) == [])
  }

  @Test func usageRecorderKeepsPeakAndMean() async {
    let rec = GPUUsageRecorder(gpus: [2])
    await rec.add([GPUReading(index: 2, utilization: 50, memoryUsedMiB: 1000, memoryTotalMiB: 24576)])
    await rec.add([GPUReading(index: 1, utilization: 99, memoryUsedMiB: 9999), GPUReading(index: 2, utilization: 100, memoryUsedMiB: 3000, memoryTotalMiB: 24576)])
    await rec.add([GPUReading(index: 2, utilization: 0, memoryUsedMiB: 2000, memoryTotalMiB: 24576)])
    let u = await rec.usage
    #expect(u.peakMemoryMiB == 3000)
    #expect(u.meanUtilization == 50)
    #expect(u.samples == 3)
    var attrs = HpotopAttrs([:])
    attrs.gpus = [2]
    attrs.gpuUsage = u
    #expect(attrs.gpuUsage == u)
    #expect(attrs.gpus == [2])
  }

  // MARK: Out of memory (verbatim messages from public issue threads)

  /// PyTorch 1.x, from rshaojimmy/MADDoG#11 (the traceback lines above it are ours).
  static let torch1 = """
    Traceback (most recent call last):
      File "train.py", line 88, in <module>
        loss.backward()
    RuntimeError: CUDA out of memory. Tried to allocate 2.87 GiB (GPU 0; 14.76 GiB total capacity; 8.77 GiB already allocated; 19.75 MiB free; 13.71 GiB reserved in total by PyTorch)
    """
  /// PyTorch 2.x, from pytorch/pytorch#16417 (a 2024 comment).
  static let torch2 = """
    torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 22.00 MiB. GPU 0 has a total capacity of 23.65 GiB of which 11.06 MiB is free. Including non-PyTorch memory, this process has 23.60 GiB memory in use. Of the allocated memory 22.90 GiB is allocated by PyTorch, and 194.87 MiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)
    """
  /// PyTorch 2.1 (spelled "capacty"), from carolchenyx/MGFN.#35.
  static let torch21 = """
    torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.70 GiB. GPU 0 has a total capacty of 6.00 GiB of which 0 bytes is free. Of the allocated memory 2.93 GiB is allocated by PyTorch, and 2.30 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting max_split_size_mb to avoid fragmentation.  See documentation for Memory Management and PYTORCH_CUDA_ALLOC_CONF
    """
  /// TensorFlow, from kamalkraj/BERT-NER-TF#20.
  static let tensorflow = """
    tensorflow.python.framework.errors_impl.ResourceExhaustedError: OOM when allocating tensor with shape[128,768] and type float on /job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc [Op:StridedSliceGrad]
    """
  /// JAX, from google-deepmind/alphafold#1023 and jax-ml/jax#13428.
  static let jax = """
    jaxlib.xla_extension.XlaRuntimeError: RESOURCE_EXHAUSTED: Out of memory while trying to allocate 7406166528 bytes.
    """
  static let jaxOrdinal = """
    jaxlib.xla_extension.XlaRuntimeError: RESOURCE_EXHAUSTED: Failed to allocate request for 2.99GiB (3206250496B) on device ordinal 0
    """

  @Test func pytorchOneReason() {
    // Local GPU 0 is the trial's first GPU: physical 2. 14.76 GiB - 19.75 MiB in use.
    #expect(GPUOutOfMemory.find(in: Self.torch1, gpus: [2])?.reason == "CUDA out of memory on GPU 2, 14.7 of 14.8 GiB in use")
    #expect(GPUOutOfMemory.find(in: Self.torch1)?.reason == "CUDA out of memory on GPU 0, 14.7 of 14.8 GiB in use")
  }

  @Test func pytorchTwoReasons() {
    #expect(GPUOutOfMemory.find(in: Self.torch2, gpus: [3])?.reason == "CUDA out of memory on GPU 3, 23.6 of 23.7 GiB in use")
    #expect(GPUOutOfMemory.find(in: Self.torch21, gpus: [1])?.reason == "CUDA out of memory on GPU 1, 6 of 6 GiB in use")
  }

  @Test func tensorflowReasonTakesMemoryFromTheLastReading() {
    let reading = GPUReading(index: 2, utilization: 99, memoryUsedMiB: 23654, memoryTotalMiB: 24576)
    #expect(GPUOutOfMemory.find(in: Self.tensorflow, gpus: [2], readings: [2: reading])?.reason
      == "CUDA out of memory on GPU 2, 23.1 of 24 GiB in use")
    #expect(GPUOutOfMemory.find(in: Self.tensorflow)?.reason == "CUDA out of memory on GPU 0")
  }

  @Test func jaxReasons() {
    let reading = GPUReading(index: 1, memoryUsedMiB: 40000, memoryTotalMiB: 40960)
    #expect(GPUOutOfMemory.find(in: Self.jax, gpus: [1], readings: [1: reading])?.reason == "CUDA out of memory on GPU 1, 39.1 of 40 GiB in use")
    #expect(GPUOutOfMemory.find(in: Self.jax)?.reason == "CUDA out of memory")
    #expect(GPUOutOfMemory.find(in: Self.jaxOrdinal, gpus: [0, 3])?.reason == "CUDA out of memory on GPU 0")
  }

  @Test func anOutOfMemoryErrorThatIsNotTheLastErrorIsNotTheReason() {
    #expect(GPUOutOfMemory.find(in: Self.torch2 + "\nretrying with a smaller batch\nValueError: bad shape") == nil)
    #expect(GPUOutOfMemory.find(in: "CUDA out of memory, retrying with batch 16") == nil)
    #expect(GPUOutOfMemory.find(in: Self.torch1 + "\nepoch 3 done")?.gpu == 0)
  }

  @Test func otherErrorsAreNotOutOfMemory() {
    #expect(GPUOutOfMemory.find(in: "RuntimeError: CUDA error: device-side assert triggered") == nil)
    #expect(GPUOutOfMemory.find(in: "MemoryError") == nil)
    #expect(GPUOutOfMemory.find(in: "") == nil)
  }

  // MARK: Leases

  static func leaseDirectory() throws -> String {
    let dir = NSTemporaryDirectory() + "hpotop-leases-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test func sharesFillEachGPUExactly() throws {
    let dir = try Self.leaseDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let leases = GPULeases(gpus: [0, 1, 2, 3], perTrial: 0.5, directory: dir)
    #expect(leases.slots == 8)
    var held: [GPULeases.Lease] = []
    for _ in 0..<8 { held.append(try #require(try leases.tryAcquire(label: "t"))) }
    // Spread first: the first four leases went to four different GPUs.
    #expect(Set(held.prefix(4).flatMap(\.gpus)) == [0, 1, 2, 3])
    #expect(held.flatMap(\.gpus).sorted() == [0, 0, 1, 1, 2, 2, 3, 3])
    #expect(try leases.tryAcquire(label: "t") == nil)
    // A second allocator of the same folder (another worker) sees the same leases.
    let whole = GPULeases(gpus: [0, 1, 2, 3], perTrial: 1, directory: dir)
    #expect(try whole.tryAcquire(label: "w") == nil)
    held[0].release()
    held[4].release()  // both halves of one GPU (the fifth lease is the first's neighbour)
    let freed = try #require(try whole.tryAcquire(label: "w"))
    #expect(freed.gpus == held[0].gpus)
    #expect(freed.visibleDevices == String(held[0].gpus[0]))
  }

  @Test func wholeGPUsPerTrial() throws {
    let dir = try Self.leaseDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let leases = GPULeases(gpus: [0, 1, 2, 3], perTrial: 2, directory: dir)
    let a = try #require(try leases.tryAcquire(label: "a"))
    let b = try #require(try leases.tryAcquire(label: "b"))
    #expect(a.gpus.count == 2 && b.gpus.count == 2)
    #expect(Set(a.gpus + b.gpus) == [0, 1, 2, 3])
    #expect(a.visibleDevices == a.gpus.map(String.init).joined(separator: ","))
    #expect(try leases.tryAcquire(label: "c") == nil)
  }

  /// Four workers (tasks) of each of two allocators take and give back leases as fast as they
  /// can; every holder records itself on its GPU while it holds it, and no GPU ever has more
  /// holders than its share allows.
  @Test func concurrentWorkersNeverOverbook() async throws {
    let dir = try Self.leaseDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let board = HolderBoard()
    let allocators = [GPULeases(gpus: [0, 1, 2, 3], perTrial: 0.5, directory: dir, retryInterval: 0.001),
                      GPULeases(gpus: [0, 1, 2, 3], perTrial: 0.5, directory: dir, retryInterval: 0.001)]
    try await withThrowingTaskGroup(of: Void.self) { group in
      for w in 0..<10 {
        let leases = allocators[w % 2]
        group.addTask {
          for _ in 0..<40 {
            let lease = try await leases.acquire(label: "w\(w)")
            await board.enter(lease.gpus[0])
            await Task.yield()
            await board.leave(lease.gpus[0])
            lease.release()
          }
        }
      }
      try await group.waitForAll()
    }
    #expect(await board.worst <= 2)
    #expect(await board.entries == 400)
  }

  @Test func aStaleLeaseFileIsRemoved() throws {
    let dir = try Self.leaseDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // A lease file nobody holds a lock on: its process died.
    try "1\ndead worker\n".write(toFile: dir + "/gpu0-999999-1.lease", atomically: true, encoding: .utf8)
    let leases = GPULeases(gpus: [0], perTrial: 1, directory: dir)
    let lease = try #require(try leases.tryAcquire(label: "new"))
    #expect(lease.gpus == [0])
    #expect(!FileManager.default.fileExists(atPath: dir + "/gpu0-999999-1.lease"))
  }
}

/// Who holds each GPU now, and the most holders one GPU ever had.
actor HolderBoard {
  var now: [Int: Int] = [:]
  var worst = 0
  var entries = 0
  func enter(_ g: Int) {
    now[g, default: 0] += 1
    worst = max(worst, now[g]!)
    entries += 1
  }
  func leave(_ g: Int) { now[g, default: 0] -= 1 }
}
