import Foundation
import OrderedCollections

/// Every system attr hpotop keeps beside Optuna's own, and the JSON each one holds. This file is
/// the only place that spells an `hpotop:` key (a test scans `Sources` for that); everything else
/// reads and writes them through `HpotopAttrs` and the `Storage` helpers below.
///
/// | key | on | JSON | meaning |
/// |---|---|---|---|
/// | `hpotop:paused` | study | `true` (absent when not paused) | no new trial starts |
/// | `hpotop:fixed_params` | study | `{name: value}` (absent when empty) | params every new trial takes |
/// | `hpotop:fail_reason` | trial | string | why the trial FAILED |
/// | `hpotop:prune_reason` | trial | string | why the trial was PRUNED |
/// | `hpotop:prune_requested` | trial | `true` | a user asked to prune the running trial |
/// | `hpotop:stderr_tail` | trial | string | the last 2 KiB of a command objective's stderr |
/// | `hpotop:trial_dir` | trial | string | the trial's folder (params.json, stdout.log, stderr.log) |
/// | `hpotop:unreadable_report_lines` | trial | `{"count": n, "first": line}` | `[hpotop]` lines that could not be read |
/// | `hpotop:heartbeat` | trial | seconds since 1970 | a journal-file trial's last heartbeat (RDBs use `trial_heartbeats`) |
/// | `hpotop:gp` | trial | `{acquisition, value, mean, sd, kernel: {inverse_squared_lengthscales, kernel_scale, noise_var}, warped_kernel: {…}}` | the GP's prediction for the point it proposed; the plain and the output-warped GP's fitted kernels |
/// | `hpotop:sampler` | trial | string | the sampler `auto` ran for this trial and why (`gp (2 params, one objective)`) |
/// | `hpotop:auto` | study | `[{from_trial, sampler, why}]` | `auto`'s recorded choices, each from a trial number on |
/// | `hpotop:gpus` | trial | `[2]` | the GPUs (nvidia-smi indices) the trial ran on |
/// | `hpotop:gpu_usage` | trial | `{"peak_memory_mib", "memory_total_mib", "mean_utilization", "samples"}` | the trial's GPU use |
/// | `hpotop:seed` | trial | int | the seed a re-run trial's command gets as `HPOTOP_SEED` (`hpotop rerun`) |
/// | `hpotop:pbt` | trial | `{"member", "generation", "parent", "exploited", "start_step", "stop_step", "params"}` | the PBT segment this trial trains (see `PBTSegment`) |
/// | `hpotop:pbt_claim` | trial | `"m<member>@<trial number>"` | PBT's atomic claim of a member's next segment (one per member and predecessor) |
public enum HpotopKey: String, CaseIterable, Sendable {
  case paused = "hpotop:paused"
  case fixedParams = "hpotop:fixed_params"
  case failReason = "hpotop:fail_reason"
  case pruneReason = "hpotop:prune_reason"
  case pruneRequested = "hpotop:prune_requested"
  case stderrTail = "hpotop:stderr_tail"
  /// The trial's folder (absolute), recorded by the command runner: a string.
  case trialDirectory = "hpotop:trial_dir"
  /// Malformed `[hpotop]` report lines: `{"count": n, "first": "…"}`.
  case unreadableReportLines = "hpotop:unreadable_report_lines"
  /// A journal-file trial's last heartbeat, seconds since 1970 (the journal has no heartbeat
  /// table); the journal storage keeps it out of the trial's system attrs.
  case heartbeat = "hpotop:heartbeat"
  case gpPrediction = "hpotop:gp"
  case sampler = "hpotop:sampler"
  case autoChoices = "hpotop:auto"
  /// The GPUs a trial was given (`CUDA_VISIBLE_DEVICES`): `[2]`.
  case gpus = "hpotop:gpus"
  /// A trial's GPU use: peak memory (MiB), capacity (MiB), mean utilisation (%), sample count.
  case gpuUsage = "hpotop:gpu_usage"
  /// The seed of an enqueued re-run (`hpotop rerun`), exported to its command as `HPOTOP_SEED`.
  case seed = "hpotop:seed"
  /// The PBT segment a trial trains: member, generation, the segment it restores, its steps.
  case pbtSegment = "hpotop:pbt"
  /// PBT's claim of a member's next segment, taken atomically (`Storage.claimTrialSystemAttr`).
  case pbtClaim = "hpotop:pbt_claim"

  /// What every hpotop key starts with (a retried trial drops the attrs under it).
  public static let prefix = "hpotop:"

  /// The reason `failStaleTrials` writes.
  public static let staleReason = "stale"
}

/// hpotop's state kept in a study's or a trial's system attrs, read and written by meaning.
/// Setting a flag to false or a collection to empty removes its key, as the stored form has it.
public struct HpotopAttrs: Sendable, Equatable {
  /// The system attrs this view reads and edits.
  public var attrs: OrderedDictionary<String, JSONValue>

  public init(_ attrs: OrderedDictionary<String, JSONValue>) { self.attrs = attrs }

  // MARK: Study

  /// Whether the study is paused: workers start no new trial.
  public var isPaused: Bool {
    get { attrs[HpotopKey.paused.rawValue]?.boolValue ?? false }
    set { attrs[HpotopKey.paused.rawValue] = Self.pausedValue(newValue) }
  }

  /// The params every new trial takes, as stored (JSON values by name).
  public var fixedParamsJSON: OrderedDictionary<String, JSONValue> {
    get { attrs[HpotopKey.fixedParams.rawValue]?.objectValue ?? [:] }
    set { attrs[HpotopKey.fixedParams.rawValue] = newValue.isEmpty ? nil : .object(newValue) }
  }

  /// The params every new trial takes (entries that are not scalars are skipped).
  public var fixedParams: OrderedDictionary<String, ParamValue> {
    get {
      var out = OrderedDictionary<String, ParamValue>()
      for (k, v) in fixedParamsJSON { if let p = ParamValue(json: v) { out[k] = p } }
      return out
    }
    set { fixedParamsJSON = Self.json(newValue) }
  }

  // MARK: Trial

  /// Why the trial FAILED.
  public var failReason: String? {
    get { attrs[HpotopKey.failReason.rawValue]?.stringValue }
    set { attrs[HpotopKey.failReason.rawValue] = newValue.map { .string($0) } }
  }

  /// Why the trial was PRUNED.
  public var pruneReason: String? {
    get { attrs[HpotopKey.pruneReason.rawValue]?.stringValue }
    set { attrs[HpotopKey.pruneReason.rawValue] = newValue.map { .string($0) } }
  }

  /// Whether a user asked to prune the running trial.
  public var pruneRequested: Bool {
    get { attrs[HpotopKey.pruneRequested.rawValue] != nil }
    set { attrs[HpotopKey.pruneRequested.rawValue] = newValue ? .bool(true) : nil }
  }

  /// The end of a command objective's stderr.
  public var stderrTail: String? {
    get { attrs[HpotopKey.stderrTail.rawValue]?.stringValue }
    set { attrs[HpotopKey.stderrTail.rawValue] = newValue.map { .string($0) } }
  }

  /// What the GP predicted for the point it proposed (absent for trials it did not propose).
  public var gpPrediction: GPPrediction? {
    get {
      guard let o = attrs[HpotopKey.gpPrediction.rawValue]?.objectValue,
        let acq = o["acquisition"]?.stringValue, let v = o["value"]?.doubleValue,
        let m = o["mean"]?.doubleValue, let sd = o["sd"]?.doubleValue
      else { return nil }
      func kernel(_ key: String) -> GaussianProcess.Params? {
        guard let k = o[key]?.objectValue, let ls = k["inverse_squared_lengthscales"]?.arrayValue?.compactMap(\.doubleValue),
          let scale = k["kernel_scale"]?.doubleValue, let noise = k["noise_var"]?.doubleValue
        else { return nil }
        return GaussianProcess.Params(inverseSquaredLengthscales: ls, kernelScale: scale, noiseVariance: noise)
      }
      return GPPrediction(
        acquisition: acq, value: v, mean: m, sd: sd, kernel: kernel("kernel"), warpedKernel: kernel("warped_kernel"))
    }
    set {
      guard let p = newValue else { attrs[HpotopKey.gpPrediction.rawValue] = nil; return }
      var o: OrderedDictionary<String, JSONValue> = [
        "acquisition": .string(p.acquisition), "value": Self.number(p.value), "mean": Self.number(p.mean),
        "sd": Self.number(p.sd),
      ]
      for (key, kernel) in [("kernel", p.kernel), ("warped_kernel", p.warpedKernel)] {
        guard let k = kernel else { continue }
        o[key] = .object([
          "inverse_squared_lengthscales": .array(k.inverseSquaredLengthscales.map { Self.number($0) }),
          "kernel_scale": Self.number(k.kernelScale), "noise_var": Self.number(k.noiseVariance),
        ])
      }
      attrs[HpotopKey.gpPrediction.rawValue] = .object(o)
    }
  }

  /// The sampler `auto` ran for this trial and why, as the log shows it.
  public var autoSampler: String? {
    get { attrs[HpotopKey.sampler.rawValue]?.stringValue }
    set { attrs[HpotopKey.sampler.rawValue] = newValue.map { .string($0) } }
  }

  /// `auto`'s recorded choices, oldest first (a study attr).
  public var autoChoices: [AutoChoice] {
    get {
      (attrs[HpotopKey.autoChoices.rawValue]?.arrayValue ?? []).compactMap { v in
        guard let o = v.objectValue, let from = o["from_trial"]?.intValue, let s = o["sampler"]?.stringValue
        else { return nil }
        return AutoChoice(fromTrial: from, sampler: s, why: o["why"]?.stringValue ?? "")
      }
    }
    set {
      attrs[HpotopKey.autoChoices.rawValue] = newValue.isEmpty ? nil : .array(newValue.map {
        .object(["from_trial": .int($0.fromTrial), "sampler": .string($0.sampler), "why": .string($0.why)])
      })
    }
  }

  /// A finite number as JSON (non-finite ones as null: Optuna's JSON has no NaN).
  static func number(_ v: Double) -> JSONValue { v.isFinite ? .double(v) : .null }

  /// The stored reasons, fail reason first, with a label for each.
  public var reasons: [(label: String, text: String)] {
    var out: [(label: String, text: String)] = []
    for (key, label) in [(HpotopKey.failReason, "Fail reason"), (.pruneReason, "Prune reason")] {
      if let v = attrs[key.rawValue] { out.append((label, v.stringValue ?? v.compactJSON)) }
    }
    return out
  }

  /// Whether a system attr key is one of hpotop's.
  public static func isHpotopKey(_ key: String) -> Bool { key.hasPrefix(HpotopKey.prefix) }

  /// Whether a key is shown among a trial's plain system attrs (the stderr tail has its own pane).
  public static func isListedAttr(_ key: String) -> Bool { key != HpotopKey.stderrTail.rawValue }

  /// Whether a system attr key holds a fail or prune reason (views that show `reasons` skip it).
  public static func isReason(_ key: String) -> Bool {
    key == HpotopKey.failReason.rawValue || key == HpotopKey.pruneReason.rawValue
  }

  /// The GPUs the trial runs or ran on (nvidia-smi indices); empty when it had none.
  public var gpus: [Int] {
    get { attrs[HpotopKey.gpus.rawValue]?.arrayValue?.compactMap(\.intValue) ?? [] }
    set { attrs[HpotopKey.gpus.rawValue] = newValue.isEmpty ? nil : .array(newValue.map { .int($0) }) }
  }

  /// The trial's GPU use, recorded when it ended.
  public var gpuUsage: GPUUsage? {
    get {
      guard let o = attrs[HpotopKey.gpuUsage.rawValue]?.objectValue else { return nil }
      return GPUUsage(gpus: gpus, peakMemoryMiB: o["peak_memory_mib"]?.doubleValue, memoryTotalMiB: o["memory_total_mib"]?.doubleValue,
                      meanUtilization: o["mean_utilization"]?.doubleValue, samples: o["samples"]?.intValue ?? 0)
    }
    set { attrs[HpotopKey.gpuUsage.rawValue] = newValue.map(Self.json) }
  }

  /// The seed a re-run trial's command gets as `HPOTOP_SEED`; nil for a trial not re-run that way.
  public var seed: Int? {
    get { attrs[HpotopKey.seed.rawValue]?.intValue }
    set { attrs[HpotopKey.seed.rawValue] = newValue.map { .int($0) } }
  }

  /// The user attrs that copy a trial's GPU use for Optuna users: peak memory in MiB and mean
  /// utilisation in percent.
  public static let gpuPeakMemoryUserAttr = "gpu_peak_memory_mib"
  public static let gpuMeanUtilizationUserAttr = "gpu_mean_utilization"

  static func json(_ u: GPUUsage) -> JSONValue {
    var o = OrderedDictionary<String, JSONValue>()
    if let v = u.peakMemoryMiB { o["peak_memory_mib"] = .double(v) }
    if let v = u.memoryTotalMiB { o["memory_total_mib"] = .double(v) }
    if let v = u.meanUtilization { o["mean_utilization"] = .double(v) }
    o["samples"] = .int(u.samples)
    return .object(o)
  }

  /// The PBT segment this trial trains (absent for trials PBT did not plan).
  public var pbtSegment: PBTSegment? {
    get {
      guard let o = attrs[HpotopKey.pbtSegment.rawValue]?.objectValue, let member = o["member"]?.intValue else { return nil }
      var params = OrderedDictionary<String, ParamValue>()
      for (k, v) in o["params"]?.objectValue ?? [:] { if let p = ParamValue(json: v) { params[k] = p } }
      return PBTSegment(
        member: member, generation: o["generation"]?.intValue ?? 0, parent: o["parent"]?.intValue,
        exploitedMember: o["exploited"]?.intValue, startStep: o["start_step"]?.intValue ?? 0,
        stopStep: o["stop_step"]?.intValue, params: params)
    }
    set {
      guard let s = newValue else { attrs[HpotopKey.pbtSegment.rawValue] = nil; return }
      attrs[HpotopKey.pbtSegment.rawValue] = .object([
        "member": .int(s.member), "generation": .int(s.generation), "parent": s.parent.map { .int($0) } ?? .null,
        "exploited": s.exploitedMember.map { .int($0) } ?? .null, "start_step": .int(s.startStep),
        "stop_step": s.stopStep.map { .int($0) } ?? .null, "params": .object(Self.json(s.params)),
      ])
    }
  }

  /// The value of PBT's claim on a member's next segment: member `m` after trial `after` (-1: none yet).
  public static func pbtClaimValue(member: Int, after: Int) -> JSONValue { .string("m\(member)@\(after)") }

  // MARK: Wording

  /// The prune reason hpotop writes: the user's request, the objective's own message, or the
  /// pruner that stopped the trial at its last step.
  public static func pruneReason(requestedByUser: Bool, message: String = "", prunerName: String, step: Int?)
    -> String
  {
    if requestedByUser { return "pruned by user" }
    if !message.isEmpty { return message }
    return "pruned by the \(prunerName) pruner at step \(step.map(String.init) ?? "?")"
  }

  // MARK: Stored values

  static func pausedValue(_ paused: Bool) -> JSONValue? { paused ? .bool(true) : nil }

  static func json(_ params: OrderedDictionary<String, ParamValue>) -> OrderedDictionary<String, JSONValue> {
    OrderedDictionary(uniqueKeysWithValues: params.map { ($0.key, $0.value.json) })
  }
}

extension FrozenTrial {
  /// hpotop's state of this trial (fail and prune reasons, a prune request, the stderr tail).
  public var hpotop: HpotopAttrs { HpotopAttrs(systemAttrs) }
}

extension StudySummary {
  /// hpotop's state of this study (paused, fixed params).
  public var hpotop: HpotopAttrs { HpotopAttrs(systemAttrs) }
}

extension Storage {
  /// hpotop's state of a study (paused, fixed params), read now.
  public func hpotopState(study: Int64) async throws -> HpotopAttrs {
    HpotopAttrs(try await studySystemAttrs(study: study))
  }

  /// Pauses or resumes a study (the flag is removed on resume).
  public func setPaused(study: Int64, _ paused: Bool) async throws {
    try await setStudySystemAttr(study: study, key: HpotopKey.paused.rawValue, value: HpotopAttrs.pausedValue(paused))
  }

  /// Stores the params every new trial takes (removed when empty).
  public func setFixedParams(study: Int64, _ fixed: OrderedDictionary<String, ParamValue>) async throws {
    try await setStudySystemAttr(
      study: study, key: HpotopKey.fixedParams.rawValue, value: fixed.isEmpty ? nil : .object(HpotopAttrs.json(fixed)))
  }

  /// Asks the worker running a trial to prune it.
  public func requestPrune(trial: Int64) async throws {
    try await setTrialSystemAttr(trial: trial, key: HpotopKey.pruneRequested.rawValue, value: .bool(true))
  }

  /// Records `auto`'s choices on the study.
  public func setAutoChoices(study: Int64, _ choices: [AutoChoice]) async throws {
    var attrs = OrderedDictionary<String, JSONValue>()
    attrs.hpotop.autoChoices = choices
    try await setStudySystemAttr(study: study, key: HpotopKey.autoChoices.rawValue, value: attrs[HpotopKey.autoChoices.rawValue])
  }

  /// Writes one of hpotop's string attrs of a trial (a prune reason, the stderr tail).
  public func setTrialText(trial: Int64, _ key: HpotopKey, _ text: String) async throws {
    try await setTrialSystemAttr(trial: trial, key: key.rawValue, value: .string(text))
  }

  /// Finishes a trial with a reason, in one transaction: PRUNED with a prune reason, FAIL with
  /// a fail reason (other states take no reason).
  @discardableResult
  public func finishTrial(trial: Int64, state: TrialState, values: [Double]?, reason: String?) async throws -> Bool {
    var attrs = OrderedDictionary<String, JSONValue>()
    if let reason {
      switch state {
      case .fail: attrs[HpotopKey.failReason.rawValue] = .string(reason)
      case .pruned: attrs[HpotopKey.pruneReason.rawValue] = .string(reason)
      default: break
      }
    }
    return try await setTrialState(trial: trial, state: state, values: values, systemAttrs: attrs)
  }
}

extension OrderedDictionary where Key == String, Value == JSONValue {
  /// hpotop's state kept in these system attrs, readable and settable by meaning.
  public var hpotop: HpotopAttrs {
    get { HpotopAttrs(self) }
    set { self = newValue.attrs }
  }
}
