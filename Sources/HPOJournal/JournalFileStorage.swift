import Foundation
import HPO
import OrderedCollections

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `Storage` on an Optuna 5.0 journal file (`JournalStorage(JournalFileBackend(path))`): one
/// JSON operation per line, appended under Optuna's `<path>.lock` lock, and replayed into the
/// study state. hpotop and Python Optuna workers can share one file at the same time.
///
/// Every read first reads only the bytes appended since the last one (complete lines; a line a
/// writer has not finished is left for the next read). Every write takes the lock, catches up
/// with the file, checks the operation against that state (so it never writes one that Optuna's
/// replay would reject), appends it with `fsync`, and reads it back. Ids are the journal's plus
/// one (see `JournalReplay`).
public actor JournalFileStorage: Storage {
  public let path: String
  private let lock: JournalFileLock
  /// Written into every line as Optuna's `worker_id` (`<uuid>-<n>`).
  private let workerID: String
  private var state = JournalReplay()
  /// Bytes of complete lines consumed so far: where the next read starts.
  private var offset = 0
  /// The file's identity when last read, to notice a file replaced under the same name.
  private var inode: ino_t = 0
  /// Every byte read from the file since this storage was opened (tests prove that a poll
  /// reads only what was appended).
  public private(set) var bytesRead = 0
  /// Writes that found the lock held by someone else and waited for it (counted when the wait
  /// begins).
  public private(set) var lockWaits = 0

  public nonisolated let displayURL: String

  /// Opens (and with `create`, creates if missing) the journal file at `path`.
  public init(path: String, lockKind: JournalFileLock.Kind = .symlink, create: Bool = true) throws {
    if !FileManager.default.fileExists(atPath: path) {
      guard create else { throw StorageError(.backend, "No journal file at \(path).") }
      let fd = open(path, O_CREAT | O_WRONLY | O_APPEND, 0o644)
      guard fd >= 0 else {
        throw StorageError(.backend, "cannot create the journal file \(path): \(String(cString: strerror(errno)))")
      }
      close(fd)
    }
    self.path = path
    self.lock = JournalFileLock(journalPath: path, kind: lockKind)
    self.workerID = UUID().uuidString.lowercased() + "-hpotop\(getpid())"
    self.displayURL = path
  }

  // MARK: Reading the file

  /// Reads what was appended since the last call and replays it.
  private func catchUp() throws {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
      throw StorageError(.backend, "cannot read the journal \(path): \(String(cString: strerror(errno)))")
    }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw StorageError(.backend, "cannot stat the journal \(path)") }
    if (inode != 0 && st.st_ino != inode) || Int(st.st_size) < offset {
      // The file was replaced or truncated: start over.
      state = JournalReplay()
      offset = 0
    }
    inode = st.st_ino
    let size = Int(st.st_size)
    guard size > offset else { return }
    var buffer = [UInt8](repeating: 0, count: size - offset)
    var got = 0
    while got < buffer.count {
      let n = buffer.withUnsafeMutableBytes { raw in
        pread(fd, raw.baseAddress! + got, raw.count - got, off_t(offset + got))
      }
      if n <= 0 { break }
      got += n
    }
    bytesRead += got
    var lineStart = 0
    for i in 0..<got where buffer[i] == UInt8(ascii: "\n") {
      let line = buffer[lineStart..<i]
      let start = lineStart
      lineStart = i + 1
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
      let text = String(decoding: line, as: UTF8.self)
      do {
        try state.apply(try JSONValue(parsing: text))
      } catch {
        // The lines before this one are applied: never read them again.
        offset += start
        throw StorageError(
          .backend, "\(path): journal line \(state.linesApplied + 1) cannot be read: \(error)")
      }
    }
    offset += lineStart
  }

  // MARK: Writing

  /// Runs `body` under the journal lock on the caught-up state; `body` checks the operation and
  /// returns the lines to append and a result to compute once they are replayed.
  private func write<T>(
    _ body: (inout JournalReplay) throws -> (lines: [JSONValue], result: (JournalReplay) throws -> T)
  ) async throws -> T {
    do {
      if try !lock.tryAcquire() {
        lockWaits += 1  // counted before waiting, so a test sees a write that is waiting
        try await lock.acquire()
      }
    } catch let e as JournalError {
      throw StorageError(.backend, e.description)
    }
    defer { try? lock.release() }
    try catchUp()
    let (lines, result) = try body(&state)
    if !lines.isEmpty {
      try append(lines)
      try catchUp()
    }
    return try result(state)
  }

  private func append(_ lines: [JSONValue]) throws {
    var text = ""
    for l in lines { text += l.compactJSON + "\n" }
    let bytes = Array(text.utf8)
    let fd = open(path, O_WRONLY | O_APPEND)
    guard fd >= 0 else {
      throw StorageError(.backend, "cannot write the journal \(path): \(String(cString: strerror(errno)))")
    }
    defer { close(fd) }
    var done = 0
    while done < bytes.count {
      let n = bytes.withUnsafeBytes { raw in posixWrite(fd, raw.baseAddress! + done, raw.count - done) }
      guard n > 0 else {
        throw StorageError(.backend, "cannot write the journal \(path): \(String(cString: strerror(errno)))")
      }
      done += n
    }
    fsync(fd)
  }

  /// One operation line: `op_code`, `worker_id`, then the fields, in Optuna's key order.
  private func line(_ op: JournalOp, _ fields: KeyValuePairs<String, JSONValue>) -> JSONValue {
    var o: OrderedDictionary<String, JSONValue> = ["op_code": .int(op.rawValue), "worker_id": .string(workerID)]
    for (k, v) in fields { o[k] = v }
    return .object(o)
  }

  private static func numbers(_ vs: [Double]?) -> JSONValue {
    vs.map { .array($0.map { .double($0) }) } ?? .null
  }

  // MARK: Lookups on the caught-up state

  private func studyIndex(_ id: Int64, in s: JournalReplay) throws -> Int {
    let j = JournalReplay.journalID(id)
    guard s.studies[j] != nil else { throw StorageError(.studyNotFound, "no study with id \(id)") }
    return j
  }

  private func trialIndex(_ id: Int64, in s: JournalReplay) throws -> Int {
    guard let j = s.trialIndex(id) else { throw StorageError(.trialNotFound, "no trial with id \(id)") }
    return j
  }

  private func updatableIndex(_ id: Int64, in s: JournalReplay) throws -> Int {
    let j = try trialIndex(id, in: s)
    let t = s.trials[j]
    if t.state.isFinished {
      throw StorageError(.trialFinished, "Trial#\(t.number) has already finished and can not be updated.")
    }
    return j
  }

  // MARK: Studies

  public func createStudy(name: String, directions: [StudyDirection]) async throws -> Int64 {
    try await write { s in
      if s.studyIndex(named: name) != nil {
        throw StorageError(.studyExists, "Another study with name '\(name)' already exists.")
      }
      let id = s.nextStudyID
      let l = line(.createStudy, ["study_name": .string(name), "directions": .array(directions.map(JournalCodec.directionCode))])
      return ([l], { _ in JournalReplay.hpotopID(id) })
    }
  }

  public func deleteStudy(id: Int64) async throws {
    try await write { s in
      let j = try studyIndex(id, in: s)
      return ([line(.deleteStudy, ["study_id": .int(j)])], { _ in () })
    }
  }

  public func studyID(named name: String) throws -> Int64? {
    try catchUp()
    return state.studyIndex(named: name).map(JournalReplay.hpotopID)
  }

  public func studyName(id: Int64) throws -> String {
    try catchUp()
    return state.studies[try studyIndex(id, in: state)]!.name
  }

  public func studyDirections(id: Int64) throws -> [StudyDirection] {
    try catchUp()
    return state.studies[try studyIndex(id, in: state)]!.directions
  }

  public func studies() throws -> [StudySummary] {
    try catchUp()
    return state.studies.map { j, s in
      StudySummary(
        id: JournalReplay.hpotopID(j), name: s.name, directions: s.directions, userAttrs: s.userAttrs,
        systemAttrs: s.systemAttrs, trialCount: s.trialIDs.count,
        datetimeStart: s.trialIDs.compactMap { state.trials[$0].datetimeStart }.min())
    }
  }

  public func setStudyUserAttr(study: Int64, key: String, value: JSONValue) async throws {
    try await write { s in
      let j = try studyIndex(study, in: s)
      return ([line(.setStudyUserAttr, ["study_id": .int(j), "user_attr": .object([key: value])])], { _ in () })
    }
  }

  public func setStudySystemAttr(study: Int64, key: String, value: JSONValue?) async throws {
    try await write { s in
      let j = try studyIndex(study, in: s)
      // The journal cannot remove an attr: `nil` is written as JSON null, which the replay
      // takes as removal.
      let l = line(.setStudySystemAttr, ["study_id": .int(j), "system_attr": .object([key: value ?? .null])])
      return ([l], { _ in () })
    }
  }

  public func studyUserAttrs(study: Int64) throws -> OrderedDictionary<String, JSONValue> {
    try catchUp()
    return state.studies[try studyIndex(study, in: state)]!.userAttrs
  }

  public func studySystemAttrs(study: Int64) throws -> OrderedDictionary<String, JSONValue> {
    try catchUp()
    return state.studies[try studyIndex(study, in: state)]!.systemAttrs
  }

  // MARK: Trials

  /// The CREATE_TRIAL line for a template (or a plain RUNNING trial started now).
  private func createLine(study j: Int, template: FrozenTrial?) -> JSONValue {
    guard let t = template else {
      return line(.createTrial, ["study_id": .int(j), "datetime_start": .string(JournalCodec.dateString(Date()))])
    }
    let start = t.datetimeStart ?? (t.state == .running ? Date() : nil)
    // Optuna's key order: study_id, datetime_start, state, value, values, datetime_complete, …
    var fields: OrderedDictionary<String, JSONValue> = [
      "study_id": .int(j),
      "datetime_start": start.map { .string(JournalCodec.dateString($0)) } ?? .null,
      "state": JournalCodec.stateCode(t.state),
    ]
    if let vs = t.values, vs.count > 1 {
      fields["value"] = .null
      fields["values"] = Self.numbers(vs)
    } else {
      fields["value"] = t.values?.first.map { .double($0) } ?? .null
      fields["values"] = .null
    }
    if let c = t.datetimeComplete { fields["datetime_complete"] = .string(JournalCodec.dateString(c)) }
    fields["distributions"] = .object(OrderedDictionary(uniqueKeysWithValues: t.distributions.map { ($0.key, .string($0.value.jsonString)) }))
    var params: OrderedDictionary<String, JSONValue> = [:]
    for (k, _) in t.params {
      guard let d = t.distributions[k], let x = t.internalValue(of: k) else { continue }
      if case .categorical = d { params[k] = .int(Int(x)) } else { params[k] = .double(x) }
    }
    fields["params"] = .object(params)
    fields["user_attrs"] = .object(t.userAttrs)
    fields["system_attrs"] = .object(t.systemAttrs)
    fields["intermediate_values"] = .object(OrderedDictionary(uniqueKeysWithValues: t.intermediateValues.map { (String($0.key), .double($0.value)) }))
    var o: OrderedDictionary<String, JSONValue> = ["op_code": .int(JournalOp.createTrial.rawValue), "worker_id": .string(workerID)]
    for (k, v) in fields { o[k] = v }
    return .object(o)
  }

  private func checkTemplate(_ t: FrozenTrial?) throws {
    guard let t else { return }
    if let vs = t.values, vs.contains(where: \.isNaN) {
      throw StorageError(.invalidValue, "a trial value cannot be NaN")
    }
  }

  public func createTrial(study: Int64, template: FrozenTrial?) async throws -> FrozenTrial {
    try await write { s in
      let j = try studyIndex(study, in: s)
      try checkTemplate(template)
      let id = s.trials.count
      return ([createLine(study: j, template: template)], { s in s.trials[id] })
    }
  }

  /// The line that moves a WAITING trial to RUNNING now.
  private func startLine(_ tid: Int) -> JSONValue {
    line(.setTrialStateValues, [
      "trial_id": .int(tid), "state": JournalCodec.stateCode(.running), "values": .null,
      "datetime_start": .string(JournalCodec.dateString(Date())),
    ])
  }

  private func heartbeatLine(_ tid: Int) -> JSONValue {
    line(.setTrialSystemAttr, [
      "trial_id": .int(tid), "system_attr": .object([HpotopKey.heartbeat.rawValue: .double(Date().timeIntervalSince1970)]),
    ])
  }

  public func popWaitingTrial(study: Int64) async throws -> FrozenTrial? {
    try await write { s in
      let j = try studyIndex(study, in: s)
      guard let tid = s.oldestWaiting(study: j) else { return ([], { _ in nil }) }
      return ([startLine(tid)], { s in s.trials[tid] })
    }
  }

  public func startTrial(study: Int64, budget: Int?, heartbeat: Bool) async throws -> FrozenTrial? {
    try await write { s in
      let j = try studyIndex(study, in: s)
      var lines: [JSONValue] = []
      let tid: Int
      if let w = s.oldestWaiting(study: j) {
        tid = w
        lines.append(startLine(w))
      } else {
        if let budget, s.studies[j]!.nonWaitingCount >= budget { return ([], { _ in nil }) }
        tid = s.trials.count
        lines.append(createLine(study: j, template: nil))
      }
      if heartbeat { lines.append(heartbeatLine(tid)) }
      return (lines, { s in s.trials[tid] })
    }
  }

  public func setTrialParam(trial: Int64, name: String, internalValue: Double, distribution: Distribution)
    async throws
  {
    try await write { s in
      let tid = try updatableIndex(trial, in: s)
      let prior = s.trials[tid].distributions[name] ?? s.studyDistribution(study: s.trialStudy[tid], name: name)
      if let prior, !prior.isCompatible(with: distribution) {
        throw StorageError(.invalidValue, "Cannot set different distribution kind to the same parameter name.")
      }
      let value: JSONValue
      if case .categorical = distribution { value = .int(Int(internalValue)) } else { value = .double(internalValue) }
      let l = line(.setTrialParam, [
        "trial_id": .int(tid), "param_name": .string(name), "param_value_internal": value,
        "distribution": .string(distribution.jsonString),
      ])
      return ([l], { _ in () })
    }
  }

  public func setTrialState(
    trial: Int64, state newState: TrialState, values: [Double]?, systemAttrs: OrderedDictionary<String, JSONValue>
  ) async throws -> Bool {
    try await write { s in
      let tid = try updatableIndex(trial, in: s)
      let old = s.trials[tid].state
      if newState == .running && old != .waiting { return ([], { _ in false }) }
      if let values, values.contains(where: \.isNaN) {
        throw StorageError(.invalidValue, "a trial value cannot be NaN")
      }
      var lines: [JSONValue] = systemAttrs.map { k, v in
        line(.setTrialSystemAttr, ["trial_id": .int(tid), "system_attr": .object([k: v])])
      }
      var o: OrderedDictionary<String, JSONValue> = [
        "op_code": .int(JournalOp.setTrialStateValues.rawValue), "worker_id": .string(workerID),
        "trial_id": .int(tid), "state": JournalCodec.stateCode(newState), "values": Self.numbers(values),
      ]
      if newState == .running { o["datetime_start"] = .string(JournalCodec.dateString(Date())) }
      if newState.isFinished { o["datetime_complete"] = .string(JournalCodec.dateString(Date())) }
      lines.append(.object(o))
      return (lines, { _ in true })
    }
  }

  public func setTrialIntermediateValue(trial: Int64, step: Int, value: Double) async throws {
    try await write { s in
      let tid = try updatableIndex(trial, in: s)
      let l = line(.setTrialIntermediateValue, ["trial_id": .int(tid), "step": .int(step), "intermediate_value": .double(value)])
      return ([l], { _ in () })
    }
  }

  public func setTrialUserAttr(trial: Int64, key: String, value: JSONValue) async throws {
    try await write { s in
      let tid = try updatableIndex(trial, in: s)
      return ([line(.setTrialUserAttr, ["trial_id": .int(tid), "user_attr": .object([key: value])])], { _ in () })
    }
  }

  public func setTrialSystemAttr(trial: Int64, key: String, value: JSONValue) async throws {
    try await write { s in
      let tid = try updatableIndex(trial, in: s)
      return ([line(.setTrialSystemAttr, ["trial_id": .int(tid), "system_attr": .object([key: value])])], { _ in () })
    }
  }

  public func claimTrialSystemAttr(trial: Int64, study: Int64, key: String, value: JSONValue) async throws -> Bool {
    try await write { s in
      let tid = try updatableIndex(trial, in: s)
      let j = try studyIndex(study, in: s)
      for other in s.studies[j]!.trialIDs where other != tid {
        if s.trials[other].systemAttrs[key] == value { return ([], { _ in false }) }
      }
      return ([line(.setTrialSystemAttr, ["trial_id": .int(tid), "system_attr": .object([key: value])])], { _ in true })
    }
  }

  public func trial(id: Int64) throws -> FrozenTrial {
    try catchUp()
    return state.trials[try trialIndex(id, in: state)]
  }

  public func trials(study: Int64, filter: TrialFilter) throws -> [FrozenTrial] {
    try catchUp()
    let j = try studyIndex(study, in: state)
    let ids = state.studies[j]!.trialIDs
    let positions = filter.candidatePositions(
      count: ids.count, idAt: { JournalReplay.hpotopID(ids[$0]) },
      position: { state.trialIndex($0).map { state.trials[$0].number } })
    return positions.compactMap { p in
      let t = state.trials[ids[p]]
      return filter.matches(id: t.id, state: t.state) ? t : nil
    }
  }

  // MARK: Heartbeats

  public func recordHeartbeat(trial: Int64) async throws {
    try await write { s in
      let tid = try trialIndex(trial, in: s)
      // A finished trial cannot be updated in a journal; its heartbeat no longer matters.
      if s.trials[tid].state.isFinished { return ([], { _ in () }) }
      return ([heartbeatLine(tid)], { _ in () })
    }
  }

  public func failStaleTrials(study: Int64, grace: TimeInterval) async throws -> [Int64] {
    try catchUp()
    let j = try studyIndex(study, in: state)
    let now = Date()
    let anyStale = state.studies[j]!.trialIDs.contains { tid in
      state.trials[tid].state == .running && state.heartbeats[tid].map { now.timeIntervalSince($0) > grace } ?? false
    }
    guard anyStale else { return [] }
    return try await write { s in
      var lines: [JSONValue] = []
      var failed: [Int64] = []
      let now = Date()
      for tid in s.studies[j]?.trialIDs ?? [] {
        guard s.trials[tid].state == .running, let beat = s.heartbeats[tid], now.timeIntervalSince(beat) > grace
        else { continue }
        lines.append(line(.setTrialSystemAttr, [
          "trial_id": .int(tid), "system_attr": .object([HpotopKey.failReason.rawValue: .string(HpotopKey.staleReason)]),
        ]))
        lines.append(line(.setTrialStateValues, [
          "trial_id": .int(tid), "state": JournalCodec.stateCode(.fail), "values": .null,
          "datetime_complete": .string(JournalCodec.dateString(now)),
        ]))
        failed.append(JournalReplay.hpotopID(tid))
      }
      return (lines, { _ in failed })
    }
  }
}

/// `write(2)`, named apart from the storage's own `write`.
private func posixWrite(_ fd: Int32, _ buf: UnsafeRawPointer, _ n: Int) -> Int {
  #if canImport(Darwin)
  return Darwin.write(fd, buf, n)
  #elseif canImport(Glibc)
  return Glibc.write(fd, buf, n)
  #else
  return Musl.write(fd, buf, n)
  #endif
}
