import Foundation
import HPO
import Testing

/// The dashboard on a four-GPU box (the fake `nvidia-smi`): the header's GPU strip and the
/// table's GPU column, read off a real terminal at 200×50 and 80×24.
@Suite(.serialized) struct GPUTmuxTests {
  /// The trial numbers the strip shows on each GPU (`GPU2 … #3,7` wide, `2 … #3,7` narrow).
  static func strip(_ line: String, wide: Bool) -> [Int: [Int]] {
    let pattern = wide ? #"GPU(\d) [█▉▊▋▌▍▎▏░]+ +\d+% [\d.]+/[\d.]+G \d+°C (#[\d,]+|idle)"# : #"(\d) [█▉▊▋▌▍▎▏░]+ \d+% (#[\d,]+|idle)"#
    let re = try! NSRegularExpression(pattern: pattern)
    var out: [Int: [Int]] = [:]
    for m in re.matches(in: line, range: NSRange(line.startIndex..., in: line)) {
      let gpu = Int(line[Range(m.range(at: 1), in: line)!])!
      let who = String(line[Range(m.range(at: 2), in: line)!])
      out[gpu] = who == "idle" ? [] : who.dropFirst().split(separator: ",").compactMap { Int($0) }
    }
    return out
  }

  /// Each table row's trial number and GPU cell, the column found by the header row's title.
  static func table(_ screen: String) -> [Int: String] {
    let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
    guard let h = lines.firstIndex(where: { String($0).contains(" State ") && String($0).contains(" GPU ") }) else { return [:] }
    let header = String(lines[h])
    let start = header.distance(from: header.startIndex, to: header.range(of: " GPU ")!.lowerBound) + 1
    var out: [Int: String] = [:]
    for row in lines[(h + 1)...] {
      let text = String(row)
      guard text.contains("RUNNING"), row.count > start + 3 else { continue }
      let fields = text.split(separator: "│").first.map { $0.split(separator: " ") } ?? []
      guard let n = fields.first.flatMap({ Int($0) }) else { continue }
      out[n] = String(row[start..<min(row.count, start + 3)]).trimmingCharacters(in: .whitespaces)
    }
    return out
  }

  /// Without `nvidia-smi` the same study (asking for `gpus: auto`) shows no strip and no column.
  @Test func noStripAndNoColumnWithoutNvidiaSMI() async throws {
    let (dir, env) = try FakeGPUBox.make("nosmi-tmux", withSMI: false)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FakeGPUBox.script(dir + "/obj.sh", "#!/bin/sh\nsleep 60\necho \"[hpotop] value=1\"")
    try """
      name: plain
      params: {x: {type: float, low: 0, high: 1}}
      n_trials: 4
      resources: {gpus: auto}
      objective: {command: [/bin/sh, obj.sh], args: ""}
      """.write(toFile: dir + "/plain.yaml", atomically: true, encoding: .utf8)
    let tmux = try Tmux.start("cd \(dir) && PATH=\(env["PATH"]!) \(Binary.path) run plain.yaml", width: 200, height: 50)
    defer { tmux.kill() }
    let screen = try await tmux.waitFor(timeout: 60) { $0.contains("RUNNING (") || $0.contains("1 running") }
    #expect(screen.contains("1 running"), "\(screen)")
    #expect(!screen.contains("GPU"), "\(screen)")
  }

  @Test func gpuStripAndColumnAt200x50And80x24() async throws {
    let (dir, env) = try FakeGPUBox.make("gpu-tmux")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FakeGPUBox.script(dir + "/obj.sh", "#!/bin/sh\nsleep 60\necho \"[hpotop] value=1\"")
    try """
      name: box
      params: {x: {type: float, low: 0, high: 1}}
      n_trials: 8
      resources: {gpus: auto, gpus_per_trial: 0.5}
      objective: {command: [/bin/sh, obj.sh], args: ""}
      """.write(toFile: dir + "/box.yaml", atomically: true, encoding: .utf8)
    let tmux = try Tmux.start(
      "cd \(dir) && PATH=\(env["PATH"]!) HPOTOP_GPU_LEASE_DIR=\(env["HPOTOP_GPU_LEASE_DIR"]!) \(Binary.path) run box.yaml",
      width: 200, height: 50)
    defer { tmux.kill() }
    // Eight trials run, two on each GPU (parallelism from the GPUs: 4 × 2).
    var screen = try await tmux.waitFor(timeout: 60) { s in
      let l = s.split(separator: "\n").map(String.init)
      return l.count > 2 && Self.strip(l[2], wide: true).values.map(\.count).reduce(0, +) == 8 && Self.table(s).count == 8
    }
    var lines = screen.split(separator: "\n").map(String.init)
    let wide = Self.strip(lines[2], wide: true)
    #expect(wide.keys.sorted() == [0, 1, 2, 3], "\(lines[2])")
    #expect(wide.values.allSatisfy { $0.count == 2 }, "\(lines[2])")
    #expect(lines[2].contains("GPU0 ") && lines[2].contains("97% 23.1/24.0G 71°C"), "\(lines[2])")
    let cells = Self.table(screen)
    #expect(cells.count == 8, "\(screen)")
    for (gpu, trials) in wide { for n in trials { #expect(cells[n] == String(gpu), "trial \(n): strip GPU \(gpu), table \(cells[n] ?? "-")") } }

    try tmux.resize(width: 80, height: 24)
    screen = try await tmux.waitFor(timeout: 30) { s in
      let l = s.split(separator: "\n").map(String.init)
      return l.count > 2 && !l[2].contains("GPU0") && Self.strip(l[2], wide: false).count == 4
    }
    lines = screen.split(separator: "\n").map(String.init)
    let narrow = Self.strip(lines[2], wide: false)
    #expect(narrow.count == 4, "at 80 columns the strip keeps every gauge: \(lines[2])")
    for (gpu, trials) in narrow { #expect(trials == wide[gpu], "GPU \(gpu): \(lines[2])") }
    #expect(lines.allSatisfy { $0.count <= 80 })
    let narrowCells = Self.table(screen)
    #expect(!narrowCells.isEmpty, "the GPU column fits at 80 columns with one param: \(screen)")
    for (n, g) in narrowCells { #expect(cells[n] == g) }
  }
}
