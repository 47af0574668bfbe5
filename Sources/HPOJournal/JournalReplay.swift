import Foundation
import HPO
import OrderedCollections

/// Optuna's journal operation codes (`optuna.storages.journal._storage.JournalOperation`).
public enum JournalOp: Int, Sendable {
  case createStudy = 0
  case deleteStudy = 1
  case setStudyUserAttr = 2
  case setStudySystemAttr = 3
  case createTrial = 4
  case setTrialParam = 5
  case setTrialStateValues = 6
  case setTrialIntermediateValue = 7
  case setTrialUserAttr = 8
  case setTrialSystemAttr = 9
  /// Written only by Rustuna; skipped, as Optuna does.
  case discardTrials = 10
}

/// The study state a journal's operations replay into, with Optuna's replay rules: study ids
/// and trial ids count from 0 in the order of their creating lines; a trial's number is its
/// place in its study; an operation on a missing study or trial, or on a finished trial, a
/// duplicate study name, an incompatible distribution, or a RUNNING→RUNNING move is ignored
/// (another worker wrote it, and in Optuna it fails there).
///
/// Ids given to hpotop are the journal's plus one (`hpotopID`), because hpotop's incremental
/// trial loading starts from "ids above 0".
struct JournalReplay {
  struct StudyRecord {
    var name: String
    var directions: [StudyDirection]
    var userAttrs: OrderedDictionary<String, JSONValue> = [:]
    var systemAttrs: OrderedDictionary<String, JSONValue> = [:]
    /// Journal trial ids, by number.
    var trialIDs: [Int] = []
    /// Journal ids of trials created or moved to WAITING, oldest first; stale entries are
    /// skipped when popped.
    var waitingQueue: [Int] = []
    var nonWaitingCount = 0
    /// Per param name, the lowest-numbered trial holding it and its distribution there (what
    /// `studyDistribution` answers), kept as params arrive so a param line does not scan the study.
    var firstDistribution: [String: (number: Int, distribution: Distribution)] = [:]

    /// Notes that the trial numbered `number` now holds `name` with `distribution`.
    mutating func noteDistribution(_ name: String, _ distribution: Distribution, number: Int) {
      if let held = firstDistribution[name], held.number < number { return }
      firstDistribution[name] = (number, distribution)
    }
  }

  var studies: OrderedDictionary<Int, StudyRecord> = [:]
  var nextStudyID = 0
  /// Every trial ever created, by journal id (deleted studies keep theirs, as in Optuna).
  var trials: [FrozenTrial] = []
  var trialStudy: [Int] = []
  var heartbeats: [Int: Date] = [:]
  /// Lines applied so far.
  var linesApplied = 0

  static func hpotopID(_ journalID: Int) -> Int64 { Int64(journalID) + 1 }
  static func journalID(_ hpotopID: Int64) -> Int { Int(hpotopID) - 1 }

  func studyIndex(named name: String) -> Int? {
    studies.first { $0.value.name == name }?.key
  }

  /// The journal id of a trial that exists in a study that exists, else nil.
  func trialIndex(_ hpotopID: Int64) -> Int? {
    let j = Self.journalID(hpotopID)
    return j >= 0 && j < trials.count && studies[trialStudy[j]] != nil ? j : nil
  }

  /// The distribution a param name already has in the study (the first trial holding it), as
  /// Optuna's replay checks compatibility against.
  func studyDistribution(study: Int, name: String) -> Distribution? {
    studies[study]?.firstDistribution[name]?.distribution
  }

  // MARK: Applying one line

  mutating func apply(_ log: JSONValue) throws {
    linesApplied += 1
    guard let code = log["op_code"]?.intValue else {
      throw JournalError.format("a journal line without an integer op_code")
    }
    guard let op = JournalOp(rawValue: code) else {
      throw JournalError.format("unknown journal op_code \(code)")
    }
    switch op {
    case .createStudy: applyCreateStudy(log)
    case .deleteStudy:
      if let sid = log["study_id"]?.intValue { studies[sid] = nil }
    case .setStudyUserAttr:
      if let sid = log["study_id"]?.intValue, studies[sid] != nil, let attr = log["user_attr"]?.objectValue {
        for (k, v) in attr { studies[sid]?.userAttrs[k] = v }
      }
    case .setStudySystemAttr:
      if let sid = log["study_id"]?.intValue, studies[sid] != nil, let attr = log["system_attr"]?.objectValue {
        // hpotop writes null to remove one of its attrs (a journal cannot delete).
        for (k, v) in attr { studies[sid]?.systemAttrs[k] = v == .null ? nil : v }
      }
    case .createTrial: try applyCreateTrial(log)
    case .setTrialParam: try applySetParam(log)
    case .setTrialStateValues: try applySetState(log)
    case .setTrialIntermediateValue:
      guard let tid = updatable(log), let step = log["step"]?.intValue,
        let v = log["intermediate_value"]?.doubleValue
      else { return }
      trials[tid].intermediateValues[step] = v
      trials[tid].intermediateValues.sort { $0.key < $1.key }
    case .setTrialUserAttr:
      guard let tid = updatable(log), let attr = log["user_attr"]?.objectValue else { return }
      for (k, v) in attr { trials[tid].userAttrs[k] = v }
    case .setTrialSystemAttr:
      guard let tid = updatable(log), let attr = log["system_attr"]?.objectValue else { return }
      for (k, v) in attr {
        if k == HpotopKey.heartbeat.rawValue {
          if let t = v.doubleValue { heartbeats[tid] = Date(timeIntervalSince1970: t) }
        } else {
          trials[tid].systemAttrs[k] = v
        }
      }
    case .discardTrials: return
    }
  }

  /// The journal id of the line's trial when it exists and has not finished.
  private func updatable(_ log: JSONValue) -> Int? {
    guard let tid = log["trial_id"]?.intValue, tid >= 0, tid < trials.count,
      !trials[tid].state.isFinished
    else { return nil }
    return tid
  }

  private mutating func applyCreateStudy(_ log: JSONValue) {
    guard let name = log["study_name"]?.stringValue, studyIndex(named: name) == nil else { return }
    let directions = (log["directions"]?.arrayValue ?? []).map { d -> StudyDirection in
      d.intValue == 2 ? .maximize : .minimize
    }
    studies[nextStudyID] = StudyRecord(name: name, directions: directions)
    nextStudyID += 1
  }

  private mutating func applyCreateTrial(_ log: JSONValue) throws {
    guard let sid = log["study_id"]?.intValue, let study = studies[sid] else { return }
    let state = try JournalCodec.state(log["state"] ?? .int(0))
    var t = FrozenTrial(id: Self.hpotopID(trials.count), number: study.trialIDs.count, state: state)
    t.datetimeStart = try log["datetime_start"].flatMap(JournalCodec.date)
    t.datetimeComplete = try log["datetime_complete"].flatMap(JournalCodec.date)
    if let dists = log["distributions"]?.objectValue {
      for (k, v) in dists { t.distributions[k] = try JournalCodec.distribution(v) }
    }
    if let params = log["params"]?.objectValue {
      for (k, v) in params {
        guard let d = t.distributions[k], let x = v.doubleValue else {
          throw JournalError.format("trial param \(k) without a distribution")
        }
        t.params[k] = d.toExternal(x)
      }
    }
    t.userAttrs = log["user_attrs"]?.objectValue ?? [:]
    var sys = log["system_attrs"]?.objectValue ?? [:]
    if let beat = sys.removeValue(forKey: HpotopKey.heartbeat.rawValue)?.doubleValue {
      heartbeats[trials.count] = Date(timeIntervalSince1970: beat)
    }
    t.systemAttrs = sys
    if let iv = log["intermediate_values"]?.objectValue {
      var out: [(Int, Double)] = []
      for (k, v) in iv { if let step = Int(k), let x = v.doubleValue { out.append((step, x)) } }
      t.intermediateValues = OrderedDictionary(uniqueKeysWithValues: out.sorted { $0.0 < $1.0 })
    }
    t.values = JournalCodec.values(log)
    let tid = trials.count
    trials.append(t)
    trialStudy.append(sid)
    studies[sid]?.trialIDs.append(tid)
    for (k, d) in t.distributions { studies[sid]?.noteDistribution(k, d, number: t.number) }
    if state == .waiting {
      studies[sid]?.waitingQueue.append(tid)
    } else {
      studies[sid]?.nonWaitingCount += 1
    }
  }

  private mutating func applySetParam(_ log: JSONValue) throws {
    guard let tid = updatable(log), let name = log["param_name"]?.stringValue,
      let x = log["param_value_internal"]?.doubleValue, let dj = log["distribution"]
    else { return }
    let d = try JournalCodec.distribution(dj)
    if let prior = studyDistribution(study: trialStudy[tid], name: name), !prior.isCompatible(with: d) { return }
    trials[tid].params[name] = d.toExternal(x)
    trials[tid].distributions[name] = d
    studies[trialStudy[tid]]?.noteDistribution(name, d, number: trials[tid].number)
  }

  private mutating func applySetState(_ log: JSONValue) throws {
    guard let tid = updatable(log), let raw = log["state"] else { return }
    let state = try JournalCodec.state(raw)
    let old = trials[tid].state
    if state == .running && old == .running { return }
    if state == .running {
      trials[tid].datetimeStart = try log["datetime_start"].flatMap(JournalCodec.date)
    }
    if state.isFinished {
      trials[tid].datetimeComplete = try log["datetime_complete"].flatMap(JournalCodec.date)
    }
    trials[tid].state = state
    if let values = log["values"]?.arrayValue {
      trials[tid].values = values.map { $0.doubleValue ?? .nan }
    }
    let sid = trialStudy[tid]
    if old == .waiting && state != .waiting { studies[sid]?.nonWaitingCount += 1 }
    if old != .waiting && state == .waiting {
      studies[sid]?.nonWaitingCount -= 1
      studies[sid]?.waitingQueue.append(tid)
    }
  }

  /// The oldest WAITING trial of a study (journal id), dropping queue entries that left WAITING.
  mutating func oldestWaiting(study sid: Int) -> Int? {
    guard var s = studies[sid] else { return nil }
    defer { studies[sid] = s }
    var head = 0
    while head < s.waitingQueue.count, trials[s.waitingQueue[head]].state != .waiting { head += 1 }
    s.waitingQueue.removeFirst(head)
    return s.waitingQueue.first
  }
}
