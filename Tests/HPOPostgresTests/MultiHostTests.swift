#if PostgreSQL
import Foundation
import HPO
import HPOTesting
import Testing

/// Two "hosts" (network namespaces joined by a veth pair, 10.200.0.1 and 10.200.0.2) run four
/// `hpotop worker` processes each against one PostgreSQL server listening on 10.200.0.1. One
/// worker is killed with -9 mid-trial and the server is restarted mid-run.
///
/// Needs root (for `ip netns` and to run the server as `postgres`). When namespaces cannot be
/// made, it says so loudly and runs the same workload on loopback.
@Suite(.serialized, .enabled(if: PostgresTestServer.shouldRun, "needs HPOTOP_TEST_POSTGRES"))
struct MultiHostTests {
  /// A place processes run: a namespace (via `ip netns exec`) or this host.
  struct Host {
    var prefix: [String]
    var address: String
  }

  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The `hpotop` built beside the test bundle (so the PostgreSQL trait build is the one used).
  static var hpotop: String {
    let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [dir.appendingPathComponent("hpotop").path,
                      packageRoot.appendingPathComponent(".build/debug/hpotop").path]
    where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    return dir.appendingPathComponent("hpotop").path
  }

  /// Runs a shell command (output through files: a server it starts may inherit a pipe and keep
  /// it open); returns stdout and stderr together.
  @discardableResult
  static func sh(_ command: String) throws -> String {
    let out = try ChildProcess.run("/bin/sh", ["-c", command])
    let text = out.stdout + out.stderr
    if out.status != 0 { throw PGTestError("`\(command)` exited \(out.status): \(text)") }
    return text
  }

  static func q(_ args: [String]) -> String {
    args.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
  }

  /// Makes namespaces `a` and `b` joined by a veth pair; `nil` (and why) when that fails.
  static func makeNamespaces(_ a: String, _ b: String, _ tag: String) -> String? {
    do {
      try sh("""
        set -e
        ip netns add \(a); ip netns add \(b)
        ip link add hpa\(tag) type veth peer name hpb\(tag)
        ip link set hpa\(tag) netns \(a); ip link set hpb\(tag) netns \(b)
        ip -n \(a) addr add 10.200.0.1/24 dev hpa\(tag); ip -n \(b) addr add 10.200.0.2/24 dev hpb\(tag)
        ip -n \(a) link set lo up; ip -n \(b) link set lo up
        ip -n \(a) link set hpa\(tag) up; ip -n \(b) link set hpb\(tag) up
        ip netns exec \(b) ip route get 10.200.0.1 >/dev/null
        """)
      return nil
    } catch {
      _ = try? sh("ip netns del \(a) 2>/dev/null; ip netns del \(b) 2>/dev/null; true")
      return "\(error)"
    }
  }

  @Test func twoHostsEightWorkersAKilledWorkerAndAServerRestart() async throws {
    _ = try PostgresTestServer.require()
    let tag = String(UUID().uuidString.prefix(4)).lowercased()
    let nsA = "hpotop-a-\(tag)", nsB = "hpotop-b-\(tag)"
    let dir = NSTemporaryDirectory() + "hpotop-mh-\(tag)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let pgDir = "/tmp/hpotop-mh-pg-\(tag)"
    let throwaway = Self.packageRoot.appendingPathComponent(".ci/pg-throwaway").path
    var hosts: [Host]
    let port = 55_000 + Int.random(in: 0..<900)
    if let why = Self.makeNamespaces(nsA, nsB, tag) {
      print("⚠️⚠️⚠️ MULTI-HOST TEST ON LOOPBACK ONLY: cannot create network namespaces here (\(why.prefix(300))). "
        + "Running the same workload with all workers on 127.0.0.1.")
      hosts = [Host(prefix: [], address: "127.0.0.1"), Host(prefix: [], address: "127.0.0.1")]
    } else {
      hosts = [Host(prefix: ["ip", "netns", "exec", nsA], address: "10.200.0.1"),
               Host(prefix: ["ip", "netns", "exec", nsB], address: "10.200.0.2")]
    }
    let server = hosts[0]
    defer {
      _ = try? Self.sh(Self.q(server.prefix + [throwaway, "stop", pgDir]))
      _ = try? Self.sh("ip netns del \(nsA) 2>/dev/null; ip netns del \(nsB) 2>/dev/null; true")
      try? FileManager.default.removeItem(atPath: dir)
    }
    let adminURL = try Self.sh(Self.q(server.prefix + [throwaway, "start", pgDir, String(port), server.address]))
      .trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(adminURL.contains(server.address))
    // Each trial is a subprocess that notes "<worker pid> <trial number>" in started.txt, so the
    // test can kill a worker that is certainly mid-trial. Its parent is the trial's supervisor
    // (`hpotop-supervise`, or `hpotop __supervise` without it), whose parent is the worker.
    try """
      name: mh
      metric: {name: val_loss, direction: minimize}
      params:
        x: {type: float, low: 0, high: 1}
      sampler: {name: random, seed: 5}
      n_trials: 400
      objective:
        command: [/bin/sh, -c, 'w=$(cut -d" " -f4 /proc/$PPID/stat); echo "$w $HPOTOP_TRIAL_NUMBER" >> "$0"; sleep 0.15; echo "[hpotop] val_loss=$1"', \(dir)/started.txt, "{x}"]
      """.write(toFile: dir + "/mh.yaml", atomically: true, encoding: .utf8)
    let common = ["--heartbeat-interval", "0.5", "--stale-grace", "2"]
    // Create the study (and schema) once, from host B across the veth.
    try Self.sh(Self.q(hosts[1].prefix + [Self.hpotop, "create-study", "--storage", adminURL,
                                          "--study-name", "mh", "--direction", "minimize", "--skip-if-exists"]))
    var workers: [(Process, String)] = []
    for (h, host) in hosts.enumerated() {
      for w in 0..<4 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        let log = "\(dir)/worker-\(h)-\(w).log"
        p.arguments = ["-c", "exec " + Self.q(host.prefix + [Self.hpotop, "worker", "mh.yaml", "--storage", adminURL] + common)
          + " 2>" + Self.q([log])]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        try p.run()
        workers.append((p, log))
      }
    }
    func trials() throws -> [JSONValue] {
      let out = try Self.sh(Self.q(hosts[1].prefix + [Self.hpotop, "trials", "--storage", adminURL,
                                                       "--study-name", "mh", "-f", "json", "--all"]))
      return try JSONValue(parsing: out).arrayValue ?? []
    }
    // Let trials run, then kill a worker of host B while one of its trials is RUNNING: the moment
    // a trial's subprocess notes its start (it then sleeps 0.15 s before it reports).
    try await Task.sleep(nanoseconds: 2_500_000_000)
    let hostB = Dictionary(uniqueKeysWithValues: workers[4...].map { ($0.0.processIdentifier, $0.0) })
    var victim: (Process, trial: Int)?
    var seen = ((try? String(contentsOfFile: dir + "/started.txt", encoding: .utf8)) ?? "").utf8.count
    for _ in 0..<2000 where victim == nil {
      try await Task.sleep(nanoseconds: 5_000_000)
      let started = Array(((try? String(contentsOfFile: dir + "/started.txt", encoding: .utf8)) ?? "").utf8)
      guard started.count > seen, let end = started.lastIndex(of: UInt8(ascii: "\n")), end >= seen else { continue }
      let fresh = String(decoding: started[seen..<end], as: UTF8.self)
      seen = end + 1
      for line in fresh.split(separator: "\n").reversed() {
        let f = line.split(separator: " ")
        if f.count == 2, let pid = Int32(f[0]), let n = Int(f[1]), let p = hostB[pid] {
          victim = (p, n)
          break
        }
      }
    }
    let (killed, killedTrial) = try #require(victim, "no host-B worker was seen starting a trial")
    kill(killed.processIdentifier, SIGKILL)
    // Restart the server mid-run; every trial completed before must survive.
    try await Task.sleep(nanoseconds: 1_000_000_000)
    let before = try trials().filter { $0["state"]?.stringValue == "COMPLETE" }.compactMap { $0["number"]?.intValue }
    try Self.sh(Self.q(server.prefix + [throwaway, "restart", pgDir]))
    // Wait for the workers, but never hang the suite: after 5 minutes they are killed (and fail).
    let deadline = Date().addingTimeInterval(300)
    while workers.contains(where: { $0.0.isRunning }) && Date() < deadline {
      try await Task.sleep(nanoseconds: 200_000_000)
    }
    for (p, _) in workers where p.isRunning { kill(p.processIdentifier, SIGKILL) }
    for (p, _) in workers { p.waitUntilExit() }
    for (i, (p, log)) in workers.enumerated() where p !== killed {
      let err = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
      #expect(p.terminationStatus == 0, "worker \(i) exited \(p.terminationStatus): \(err.suffix(800))")
      // No fatal error line. (A "failed … error: stale" warning is allowed: while a stalled
      // connection is replaced after the restart, a live worker's heartbeat can miss the grace.)
      let fatal = err.split(separator: "\n").filter { $0.hasPrefix("error:") || $0.hasPrefix("Error:") }
      #expect(fatal.isEmpty, "worker \(i): \(fatal.joined(separator: "\n").suffix(800))")
      #expect(err.contains("finished with value"), "worker \(i) ran no trial: \(err.suffix(400))")
    }
    let all = try trials()
    let numbers = all.compactMap { $0["number"]?.intValue }
    #expect(numbers.count == 400)
    #expect(Set(numbers) == Set(0..<400))
    #expect(!all.contains { $0["state"]?.stringValue == "RUNNING" }, "a trial was left RUNNING")
    let stale = all.filter { $0["state"]?.stringValue == "FAIL" }
    let killedOne = try #require(all.first { $0["number"]?.intValue == killedTrial })
    #expect(killedOne["state"]?.stringValue == "FAIL", "the killed worker's trial \(killedTrial): \(killedOne)")
    #expect("\(killedOne)".contains("stale"), "the killed worker's trial is not failed as stale: \(killedOne)")
    let after = Dictionary(all.compactMap { t in
      t["number"]?.intValue.map { ($0, t["state"]?.stringValue ?? "") } }, uniquingKeysWith: { a, _ in a })
    #expect(!before.isEmpty)
    #expect(before.allSatisfy { after[$0] == "COMPLETE" }, "a trial completed before the restart was lost")
    print("multi-host: \(hosts[0].address) + \(hosts[1].address), \(all.count) trials, "
      + "\(before.count) complete before the restart, \(stale.count) failed, killed mid-trial \(killedTrial)")
  }
}
#endif
