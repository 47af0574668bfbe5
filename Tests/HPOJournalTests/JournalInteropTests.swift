import Foundation
import HPO
import HPOTesting
import OrderedCollections
import Testing

@testable import HPOJournal

/// hpotop and real Python Optuna 5.0 (`Tests/Interop/journal_peer.py`) on one journal file:
/// each reads what the other wrote, both write at once, and Optuna's lock holds hpotop's write.
@Suite(.serialized) struct JournalInteropTests {
  static let enabled = PythonPeer.shouldRun(for: "journal interop tests")

  /// Python's view of every study in the journal.
  func pythonDump(_ path: String) throws -> JSONValue {
    try JSONValue(parsing: try PythonPeer.script("journal_peer.py", ["dump", path]))
  }

  /// Checks that Python's dump and hpotop's storage agree on every study and trial field.
  func expectSameStudies(_ path: String) async throws {
    let dump = try pythonDump(path)
    let storage = try JournalFileStorage(path: path)
    let studies = try await storage.studies()
    #expect(studies.map(\.name).sorted() == (dump.objectValue?.keys.sorted() ?? []))
    for s in studies {
      guard let py = dump[s.name] else { Issue.record("Python does not see study \(s.name)"); continue }
      #expect(s.directions.map(\.rawValue).map(JSONValue.string) == py["directions"]?.arrayValue)
      #expect(JSONValue.object(s.userAttrs) == py["user_attrs"])
      let trials = try await storage.trials(study: s.id, filter: .all)
      let pyTrials = py["trials"]?.arrayValue ?? []
      #expect(trials.count == pyTrials.count, "trial count of \(s.name)")
      for (t, p) in zip(trials, pyTrials) {
        #expect(JSONValue.int(t.number) == p["number"])
        #expect(JSONValue.string(t.state.rawValue) == p["state"], "state of #\(t.number)")
        let pyValues = p["values"]?.arrayValue?.map { $0.doubleValue ?? .nan }
        #expect(t.values == pyValues, "values of #\(t.number)")
        #expect(JSONValue.object(t.params.mapValues(\.json)) == p["params"], "params of #\(t.number)")
        for (name, text) in p["distributions"]?.objectValue ?? [:] {
          #expect(try t.distributions[name] == Distribution(jsonString: text.stringValue ?? ""), "\(name) of #\(t.number)")
        }
        #expect(JSONValue.object(t.userAttrs) == p["user_attrs"], "user attrs of #\(t.number)")
        let steps = p["intermediate_values"]?.objectValue ?? [:]
        #expect(t.intermediateValues.count == steps.count)
        for (k, v) in t.intermediateValues {
          let pv = steps[String(k)]?.doubleValue
          #expect(pv == v || (pv?.isNaN == true && v.isNaN), "intermediate \(k) of #\(t.number)")
        }
        for (mine, theirs) in [(t.datetimeStart, p["datetime_start"]), (t.datetimeComplete, p["datetime_complete"])] {
          let their = theirs?.stringValue.flatMap(JournalCodec.parseISO)
          #expect((mine == nil) == (their == nil), "datetimes of #\(t.number)")
          if let mine, let their { #expect(abs(mine.timeIntervalSince(their)) < 1e-5) }
        }
      }
    }
  }

  @Test func pythonWritesHpotopReads() async throws {
    guard Self.enabled else { return }
    let dir = try TempDir()
    let path = dir.file("py.log")
    try PythonPeer.script("journal_peer.py", ["write", path])
    try await expectSameStudies(path)
    let s = try JournalFileStorage(path: path)
    let py = try #require(try await s.studyID(named: "py"))
    let states = try await s.trials(study: py, filter: .all).map(\.state)
    #expect(states == [.complete, .complete, .complete, .pruned, .fail, .complete, .waiting])
  }

  @Test func hpotopWritesPythonReads() async throws {
    guard Self.enabled else { return }
    let dir = try TempDir()
    let path = dir.file("hp.log")
    let s = try JournalFileStorage(path: path)
    let sid = try await s.createStudy(name: "hp", directions: [.minimize, .maximize])
    try await s.setStudyUserAttr(study: sid, key: "who", value: .string("hpotop"))
    let x = Distribution.float(try FloatDistribution(low: 1e-3, high: 1, log: true))
    let n = Distribution.int(try IntDistribution(low: 0, high: 10, step: 2))
    let c = Distribution.categorical(try CategoricalDistribution(choices: [.string("a"), .null, .int(3), .float(2.5)]))
    for k in 0..<4 {
      let t = try await s.createTrial(study: sid, template: nil)
      try await s.setTrialParam(trial: t.id, name: "x", internalValue: 0.01 * Double(k + 1), distribution: x)
      try await s.setTrialParam(trial: t.id, name: "n", internalValue: Double(2 * k), distribution: n)
      try await s.setTrialParam(trial: t.id, name: "c", internalValue: Double(k), distribution: c)
      try await s.setTrialUserAttr(trial: t.id, key: "nested", value: .object(["k": .array([.int(k), .double(0.5)])]))
      try await s.setTrialIntermediateValue(trial: t.id, step: 0, value: k == 1 ? .nan : Double(k))
      try await s.setTrialState(trial: t.id, state: k == 2 ? .pruned : .complete, values: k == 2 ? nil : [Double(k), -.infinity])
    }
    _ = try await s.createTrial(
      study: sid, template: FrozenTrial(id: 0, number: 0, state: .waiting, systemAttrs: ["fixed_params": .object(["x": .double(0.5)])]))
    try await expectSameStudies(path)
  }

  @Test func hpotopAndPythonWriteAtOnce() async throws {
    guard Self.enabled else { return }
    let dir = try TempDir()
    let path = dir.file("both.log")
    let s = try JournalFileStorage(path: path)
    let sid = try await s.createStudy(name: "both", directions: [.minimize])
    let python = Task.detached { try PythonPeer.script("journal_peer.py", ["worker", path, "both", "40"]) }
    let dist = Distribution.float(try FloatDistribution(low: -2, high: 2))
    var mine = 0
    while mine < 40 {
      guard let t = try await s.startTrial(study: sid, budget: nil, heartbeat: true) else { continue }
      let x = Double(mine) / 20 - 1
      try await s.setTrialParam(trial: t.id, name: "x", internalValue: x, distribution: dist)
      try await s.setTrialState(trial: t.id, state: .complete, values: [(x - 1) * (x - 1)])
      mine += 1
    }
    _ = try await python.value
    let trials = try await s.trials(study: sid, filter: .all)
    #expect(trials.map(\.number) == Array(0..<80), "no number is duplicated or skipped")
    #expect(trials.allSatisfy { $0.state == .complete })
    try await expectSameStudies(path)
  }

  @Test func optunaHoldingTheLockDelaysTheWriteThenItLands() async throws {
    guard Self.enabled else { return }
    let dir = try TempDir()
    let path = dir.file("lock.log")
    let ready = dir.file("ready"), go = dir.file("go")
    let s = try JournalFileStorage(path: path)
    _ = try await s.createStudy(name: "before", directions: [.minimize])
    // Python takes Optuna's lock, and once hpotop's write is waiting on it, holds it 2 s more.
    let holder = Task.detached { try PythonPeer.script("journal_peer.py", ["hold-lock", path, "2", ready, go]) }
    while !FileManager.default.fileExists(atPath: ready) { try await Task.sleep(nanoseconds: 10_000_000) }
    #expect(FileManager.default.fileExists(atPath: path + ".lock"), "Python holds Optuna's lock file")
    #expect(await s.lockWaits == 0)
    let write = Task { try await s.createStudy(name: "after", directions: [.maximize]) }
    while await s.lockWaits == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
    #expect(try await s.studyID(named: "after") == nil, "the waiting write has not landed")
    FileManager.default.createFile(atPath: go, contents: nil)
    let sid = try await write.value
    _ = try await holder.value
    #expect(await s.lockWaits == 1, "the write waited once for Python's lock")
    #expect(!FileManager.default.fileExists(atPath: path + ".lock"), "the lock is released after the write")
    #expect(try await s.studyName(id: sid) == "after")
    let dump = try pythonDump(path)
    #expect(dump["after"]?["directions"] == .array([.string("MAXIMIZE")]), "Python sees the write that waited")
  }

  @Test func pollingReadsOnlyAppendedBytes() async throws {
    let dir = try TempDir()
    let path = dir.file("watch.log")
    let writer = try JournalFileStorage(path: path)
    let sid = try await writer.createStudy(name: "w", directions: [.minimize])
    for _ in 0..<50 {
      let t = try await writer.createTrial(study: sid, template: nil)
      try await writer.setTrialState(trial: t.id, state: .complete, values: [1])
    }
    let watcher = try JournalFileStorage(path: path)
    var cache = TrialCache()
    cache.merge(try await watcher.trials(study: sid, filter: cache.changedFilter))
    let size0 = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
    #expect(await watcher.bytesRead == size0, "the first load reads the file once")
    #expect(cache.trials.count == 50)
    let t = try await writer.createTrial(study: sid, template: nil)
    try await writer.setTrialIntermediateValue(trial: t.id, step: 1, value: 0.5)
    let size1 = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
    cache.merge(try await watcher.trials(study: sid, filter: cache.changedFilter))
    #expect(await watcher.bytesRead == size1, "a poll reads only the \(size1 - size0) appended bytes")
    #expect(cache.trials.count == 51 && cache.trials.last?.intermediateValues == [1: 0.5])
    cache.merge(try await watcher.trials(study: sid, filter: cache.changedFilter))
    #expect(await watcher.bytesRead == size1, "a poll with nothing appended reads nothing")
    // A line still being written (no newline yet) waits for the next poll.
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("{\"op_code\":8,\"worker_id\":\"x\",\"trial_id\":50,".utf8))
    cache.merge(try await watcher.trials(study: sid, filter: cache.changedFilter))
    try handle.write(contentsOf: Data("\"user_attr\":{\"k\":1}}\n".utf8))
    try handle.close()
    cache.merge(try await watcher.trials(study: sid, filter: cache.changedFilter))
    #expect(cache.trials.last?.userAttrs == ["k": .int(1)], "the finished line is read once complete")
  }
}
