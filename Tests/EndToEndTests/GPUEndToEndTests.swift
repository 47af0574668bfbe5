import Foundation
import HPO
import HPOSQLite
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A box of four GPUs as hpotop sees one: a fake `nvidia-smi` on PATH (the real interface hpotop
/// calls; no GPU exists here) with scripted readings, real `hpotop` processes, real lease files.
enum FakeGPUBox {
  /// The readings the fake prints: GPU 2 is nearly full (23654 of 24576 MiB).
  static let readings = """
    0, 97, 23650, 24576, 71, 280.12
    1, 45, 12000, 24576, 63, 190.50
    2, 100, 23654, 24576, 80, [N/A]
    3, 88, 20480, 24576, 69, 260.00
    """

  /// A study folder with `bin/nvidia-smi` and an empty lease folder; returns the folder and the
  /// environment that puts the fake first on PATH and the leases in the folder.
  static func make(_ label: String, withSMI: Bool = true, readings: String = FakeGPUBox.readings) throws -> (dir: String, env: [String: String]) {
    let dir = try Binary.temporaryDirectory(label)
    try FileManager.default.createDirectory(atPath: dir + "/bin", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: dir + "/leases", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: dir + "/marks", withIntermediateDirectories: true)
    if withSMI {
      try script(dir + "/bin/nvidia-smi", """
        #!/bin/sh
        [ "$1" = "\(NvidiaSMI.arguments[0])" ] || { echo "unexpected query: $*" >&2; exit 9; }
        cat <<'END'
        \(readings)
        END
        """)
    }
    let path = (withSMI ? dir + "/bin:" : "") + "/usr/bin:/bin"
    return (dir, ["PATH": path, "HPOTOP_GPU_LEASE_DIR": dir + "/leases"])
  }

  /// Writes an executable script. Objectives run it through `/bin/sh` (not by exec'ing the file
  /// just written, which a concurrently forked process may still hold open: "Text file busy").
  static func script(_ path: String, _ text: String) throws {
    try (text + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    chmod(path, 0o755)
  }

  static func trials(_ dir: String, _ name: String) async throws -> [FrozenTrial] {
    let storage = try SQLiteStorage(path: "\(dir)/\(name).db")
    return try await Study.load(name: name, storage: storage).trials()
  }
}

@Suite(.serialized) struct GPUEndToEndTests {
  /// Two `hpotop worker` processes of four workers each on four GPUs, one GPU per trial: every
  /// trial marks its GPU while it runs and checks that no other trial marked it; each trial's
  /// `CUDA_VISIBLE_DEVICES` is the GPU its `hpotop:gpus` attr records.
  @Test func twoProcessesOfFourWorkersNeverOverbookAGPU() async throws {
    let (dir, env) = try FakeGPUBox.make("gpu-share")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FakeGPUBox.script(dir + "/obj.sh", """
      #!/bin/sh
      M="\(dir)/marks"
      G="$CUDA_VISIBLE_DEVICES"
      echo "$HPOTOP_TRIAL_NUMBER $G $HPOTOP_GPUS" >> "$M/assigned-$$"
      touch "$M/on-$G-$$"
      n=$(ls "$M" | grep -c "^on-$G-")
      [ "$n" -gt 1 ] && echo "GPU $G had $n trials" >> "$M/overbooked"
      sleep 0.3
      rm "$M/on-$G-$$"
      echo "[hpotop] value=$G"
      """)
    try """
      name: share
      params: {x: {type: float, low: 0, high: 1}}
      n_trials: 32
      resources: {gpus: auto, gpus_per_trial: 1}
      objective: {command: [/bin/sh, obj.sh], args: ""}
      """.write(toFile: dir + "/share.yaml", atomically: true, encoding: .utf8)
    let outputs = try await withThrowingTaskGroup(of: Binary.Output.self) { group in
      for _ in 0..<2 { group.addTask { try await Binary.run(["worker", "share.yaml", "-j", "4"], in: dir, environment: env) } }
      return try await group.reduce(into: []) { $0.append($1) }
    }
    for o in outputs { #expect(o.status == 0, "\(o.stderr.suffix(800))") }
    #expect(!FileManager.default.fileExists(atPath: dir + "/marks/overbooked"),
            "\((try? String(contentsOfFile: dir + "/marks/overbooked", encoding: .utf8)) ?? "")")
    let trials = try await FakeGPUBox.trials(dir, "share")
    #expect(trials.count == 32)
    #expect(trials.allSatisfy { $0.state == .complete })
    var seen: [Int: String] = [:]
    for file in try FileManager.default.contentsOfDirectory(atPath: dir + "/marks") where file.hasPrefix("assigned-") {
      for line in try String(contentsOfFile: dir + "/marks/" + file, encoding: .utf8).split(separator: "\n") {
        let f = line.split(separator: " ")
        #expect(f.count == 3 && f[1] == f[2], "CUDA_VISIBLE_DEVICES and HPOTOP_GPUS differ: \(line)")
        if let n = Int(f[0]) { seen[n] = String(f[1]) }
      }
    }
    #expect(seen.count == 32)
    for t in trials {
      #expect(t.hpotop.gpus.count == 1 && (0...3).contains(t.hpotop.gpus[0]), "trial \(t.number): \(t.hpotop.gpus)")
      #expect(seen[t.number] == t.hpotop.gpus.first.map(String.init), "trial \(t.number)")
      #expect(t.userAttrs[HpotopAttrs.gpuPeakMemoryUserAttr] != nil, "trial \(t.number) has no peak memory copy")
    }
    // Both processes ran trials: the GPUs were shared between them, not taken by one.
    #expect(outputs.allSatisfy { $0.stderr.contains("finished with value") })
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/leases").filter { $0.hasSuffix(".lease") }.isEmpty)
  }

  /// A worker holding all four GPUs is killed with SIGKILL: its leases go with it, and a new
  /// allocator takes all four GPUs at once.
  @Test func leasesAreFreedWhenAWorkerIsKilled() async throws {
    let (dir, env) = try FakeGPUBox.make("gpu-kill")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FakeGPUBox.script(dir + "/obj.sh", "#!/bin/sh\nsleep 120\necho \"[hpotop] value=1\"")
    try """
      name: kill
      params: {x: {type: float, low: 0, high: 1}}
      n_trials: 8
      resources: {gpus: auto}
      objective: {command: [/bin/sh, obj.sh], args: ""}
      """.write(toFile: dir + "/kill.yaml", atomically: true, encoding: .utf8)
    let (p, _, _) = try Binary.start(["worker", "kill.yaml"], in: dir, environment: env)
    func leaseFiles() -> [String] {
      ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/leases")) ?? []).filter { $0.hasSuffix(".lease") }
    }
    let deadline = Date().addingTimeInterval(60)
    while leaseFiles().count < 4 && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
    #expect(leaseFiles().count == 4, "the worker took \(leaseFiles())")
    let other = GPULeases(gpus: [0, 1, 2, 3], perTrial: 1, directory: dir + "/leases")
    #expect(try other.tryAcquire(label: "while the worker lives") == nil)
    kill(p.processIdentifier, SIGKILL)
    _ = await Binary.waitForExit(p)
    var taken: [GPULeases.Lease] = []
    for _ in 0..<4 { if let l = try other.tryAcquire(label: "after the kill") { taken.append(l) } }
    #expect(taken.flatMap(\.gpus).sorted() == [0, 1, 2, 3])
    // The stale files were deleted; only the new holder's four remain.
    #expect(leaseFiles().count == 4 && leaseFiles().allSatisfy { $0.contains("-\(getpid())-") })
    taken.forEach { $0.release() }
  }

  /// A trial that dies of a CUDA out-of-memory error fails with one line naming the physical
  /// GPU and its memory: from PyTorch 2.x's message, and from the last `nvidia-smi` reading for
  /// TensorFlow's (which gives no figures).
  @Test func outOfMemoryFailsWithAOneLineReason() async throws {
    let (dir, env) = try FakeGPUBox.make("gpu-oom")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let torch = "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 22.00 MiB. GPU 0 has a total capacity of 23.65 GiB of which 11.06 MiB is free. Including non-PyTorch memory, this process has 23.60 GiB memory in use. Of the allocated memory 22.90 GiB is allocated by PyTorch, and 194.87 MiB is reserved by PyTorch but unallocated."
    let tf = "tensorflow.python.framework.errors_impl.ResourceExhaustedError: OOM when allocating tensor with shape[128,768] and type float on /job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc [Op:StridedSliceGrad]"
    try FakeGPUBox.script(dir + "/torch.sh", "#!/bin/sh\necho 'Traceback (most recent call last):' >&2\necho '\(torch)' >&2\nexit 1")
    // Lives long enough for a sample of its GPU (the first is taken when the lease is).
    try FakeGPUBox.script(dir + "/tf.sh", "#!/bin/sh\nsleep 1.5\necho '\(tf)' >&2\nexit 1")
    for (name, program) in [("torch", "./torch.sh"), ("tf", "./tf.sh")] {
      try """
        name: \(name)
        params: {x: {type: float, low: 0, high: 1}}
        n_trials: 1
        resources: {gpus: [2, 3]}
        objective: {command: [/bin/sh, \(program)], args: ""}
        """.write(toFile: "\(dir)/\(name).yaml", atomically: true, encoding: .utf8)
      let r = try await Binary.run(["run", "\(name).yaml", "--no-tui"], in: dir, environment: env)
      #expect(r.status == 0, "\(r.stderr)")
      #expect(r.stderr.contains("2 at a time"), "parallelism follows the two GPUs: \(r.stderr)")
    }
    let torchTrial = try #require(try await FakeGPUBox.trials(dir, "torch").first)
    #expect(torchTrial.state == .fail)
    #expect(torchTrial.hpotop.failReason == "CUDA out of memory on GPU 2, 23.6 of 23.7 GiB in use")
    #expect(torchTrial.hpotop.stderrTail?.contains("Tried to allocate 22.00 MiB") == true, "the full message stays in the stderr tail")
    let tfTrial = try #require(try await FakeGPUBox.trials(dir, "tf").first)
    #expect(tfTrial.hpotop.failReason == "CUDA out of memory on GPU 2, 23.1 of 24 GiB in use")
    #expect(tfTrial.userAttrs[HpotopAttrs.gpuPeakMemoryUserAttr] == .double(23654))
    #expect(tfTrial.userAttrs[HpotopAttrs.gpuMeanUtilizationUserAttr] == .double(100))
    #expect(tfTrial.hpotop.gpuUsage?.memoryTotalMiB == 24576)
  }

  /// A box with one GPU runs the same study file unchanged: `gpus: auto` finds the one GPU, sets
  /// `parallelism` to 1 from it, and every trial runs on GPU 0, one at a time.
  @Test func aOneGPUBoxRunsTheStudyUnchanged() async throws {
    let (dir, env) = try FakeGPUBox.make("onegpu", readings: "0, 12, 1024, 16384, 40, 70.00")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FakeGPUBox.script(dir + "/obj.sh", """
      #!/bin/sh
      M="\(dir)/marks"
      echo "[$CUDA_VISIBLE_DEVICES] [$HPOTOP_GPUS]" >> "$M/env"
      touch "$M/on-$$"
      n=$(ls "$M" | grep -c "^on-")
      [ "$n" -gt 1 ] && echo "$n trials at once" >> "$M/overbooked"
      sleep 0.2
      rm "$M/on-$$"
      echo "[hpotop] value=1"
      """)
    try """
      name: one
      params: {x: {type: float, low: 0, high: 1}}
      n_trials: 4
      resources: {gpus: auto, gpus_per_trial: 1}
      objective: {command: [/bin/sh, obj.sh], args: ""}
      """.write(toFile: dir + "/one.yaml", atomically: true, encoding: .utf8)
    let r = try await Binary.run(["run", "one.yaml", "--no-tui"], in: dir, environment: env)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("1 at a time"), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir + "/marks/overbooked"))
    let seen = try String(contentsOfFile: dir + "/marks/env", encoding: .utf8)
    #expect(seen == String(repeating: "[0] [0]\n", count: 4))
    let trials = try await FakeGPUBox.trials(dir, "one")
    #expect(trials.count == 4 && trials.allSatisfy { $0.state == .complete && $0.hpotop.gpus == [0] })
  }

  /// No `nvidia-smi`: a study that asks for `gpus: auto` runs as it would without `resources`;
  /// trials see no GPU variables and nothing mentions GPUs.
  @Test func withoutNvidiaSMINothingChangesAndNothingIsSaid() async throws {
    let (dir, env) = try FakeGPUBox.make("nosmi", withSMI: false)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try #require(NvidiaSMI.executable(environment: env) == nil, "this machine has an nvidia-smi in /usr/bin or /bin")
    try FakeGPUBox.script(dir + "/obj.sh", """
      #!/bin/sh
      echo "[${CUDA_VISIBLE_DEVICES-unset}] [${HPOTOP_GPUS-unset}]" >> "\(dir)/marks/env"
      echo "[hpotop] value=1"
      """)
    try """
      name: none
      params: {x: {type: float, low: 0, high: 1}}
      n_trials: 3
      resources: {gpus: auto}
      objective: {command: [/bin/sh, obj.sh], args: ""}
      """.write(toFile: dir + "/none.yaml", atomically: true, encoding: .utf8)
    let r = try await Binary.run(["run", "none.yaml", "--no-tui"], in: dir, environment: env)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(!r.stderr.lowercased().contains("gpu") && !r.stdout.lowercased().contains("gpu"), "\(r.stderr)")
    #expect(r.stderr.contains("1 at a time"))
    let seen = try String(contentsOfFile: dir + "/marks/env", encoding: .utf8)
    #expect(seen == String(repeating: "[unset] [unset]\n", count: 3))
    let trials = try await FakeGPUBox.trials(dir, "none")
    #expect(trials.count == 3 && trials.allSatisfy { $0.state == .complete })
    #expect(trials.allSatisfy { $0.systemAttrs.keys.allSatisfy { !$0.contains("gpu") } && $0.userAttrs.isEmpty })
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/leases").isEmpty)
  }
}
