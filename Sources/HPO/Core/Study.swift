import Foundation
import OrderedCollections

/// One optimization study: its storage, directions, sampler and pruner, with Optuna's
/// ask/tell interface. The actor serialises sampling; objectives run outside it.
///
/// The study keeps its trials in a `TrialCache` refreshed incrementally (new trials and the ones
/// that were unfinished), as Optuna's `_CachedStorage` does, so an `ask` on a study of thousands
/// of trials reads only what changed.
public actor Study {
  public nonisolated let storage: any Storage
  public nonisolated let id: Int64
  public nonisolated let name: String
  public nonisolated let directions: [StudyDirection]
  public private(set) var sampler: any Sampler
  public private(set) var pruner: any Pruner

  private(set) var mirror = TrialCache()
  private var active: [Int64: ActiveTrial] = [:]
  /// When this process last looked for stale trials (see `recoverStaleTrials`).
  var lastStaleCheck: Date?

  /// What the study keeps about a trial this process is running. A class, so that reading one
  /// from `active` and writing a param into it copy neither it nor its dictionaries (a struct
  /// was copied whole at every suggest).
  private final class ActiveTrial {
    var trial: FrozenTrial
    let fixed: OrderedDictionary<String, ParamValue>
    let relativeSpace: OrderedDictionary<String, Distribution>
    let relative: OrderedDictionary<String, ParamValue>

    init(trial: FrozenTrial, fixed: OrderedDictionary<String, ParamValue>,
         relativeSpace: OrderedDictionary<String, Distribution>, relative: OrderedDictionary<String, ParamValue>) {
      self.trial = trial
      self.fixed = fixed
      self.relativeSpace = relativeSpace
      self.relative = relative
    }
  }

  init(storage: any Storage, id: Int64, name: String, directions: [StudyDirection], sampler: any Sampler,
       pruner: any Pruner) {
    self.storage = storage
    self.id = id
    self.name = name
    self.directions = directions
    self.sampler = sampler
    self.pruner = pruner
    mirror = TrialCache(bestDirection: directions.first ?? .minimize)
  }

  /// Creates a study, or with `loadIfExists` opens the one of that name (its stored directions win,
  /// and must agree with `directions`).
  public static func create(
    name: String, directions: [StudyDirection] = [.minimize], storage: any Storage,
    sampler: any Sampler = RandomSampler(), pruner: any Pruner = NopPruner(), loadIfExists: Bool = false
  ) async throws -> Study {
    if let existing = try await storage.studyID(named: name) {
      guard loadIfExists else {
        throw StorageError(.studyExists, "Another study with name '\(name)' already exists.")
      }
      let stored = try await storage.studyDirections(id: existing)
      if stored != directions {
        throw StorageError(.invalidValue,
          "Study '\(name)' has directions \(stored.map(\.rawValue)) but \(directions.map(\.rawValue)) were given.")
      }
      return Study(storage: storage, id: existing, name: name, directions: stored, sampler: sampler, pruner: pruner)
    }
    if directions.isEmpty { throw StorageError(.invalidValue, "A study needs at least one direction.") }
    do {
      let id = try await storage.createStudy(name: name, directions: directions)
      return Study(storage: storage, id: id, name: name, directions: directions, sampler: sampler, pruner: pruner)
    } catch let e as StorageError where e.kind == .studyExists && loadIfExists {
      // Another process created it between our lookup and our insert: open theirs.
      return try await create(
        name: name, directions: directions, storage: storage, sampler: sampler, pruner: pruner, loadIfExists: true)
    }
  }

  /// Opens an existing study by name.
  public static func load(
    name: String, storage: any Storage, sampler: any Sampler = RandomSampler(), pruner: any Pruner = NopPruner()
  ) async throws -> Study {
    guard let id = try await storage.studyID(named: name) else {
      throw StorageError(.studyNotFound, "Record does not exist: no study named '\(name)' in \(storage.displayURL).")
    }
    let directions = try await storage.studyDirections(id: id)
    return Study(storage: storage, id: id, name: name, directions: directions, sampler: sampler, pruner: pruner)
  }

  public var isMultiObjective: Bool { directions.count > 1 }

  // MARK: Trials

  /// All trials (optionally only some states), by number, freshly synced with storage.
  public func trials(states: Set<TrialState>? = nil) async throws -> [FrozenTrial] {
    try await refresh()
    guard let states else { return mirror.trials }
    return mirror.trials.filter { states.contains($0.state) }
  }

  /// The best COMPLETE trial of a single-objective study (feasible ones first).
  public func bestTrial() async throws -> FrozenTrial? {
    guard !isMultiObjective else {
      throw StorageError(.invalidValue,
        "A single best trial cannot be retrieved from a multi-objective study. Use bestTrials instead.")
    }
    try await refresh()
    return mirror.bestSingle
  }

  /// The best of some COMPLETE trials in one direction; the earliest trial wins ties.
  public static func best(of trials: [FrozenTrial], direction: StudyDirection) -> FrozenTrial? {
    var best: FrozenTrial?
    for t in trials {
      guard let v = t.value, !v.isNaN else { continue }
      if let b = best, let bv = b.value, !direction.isBetter(v, than: bv) { continue }
      best = t
    }
    return best
  }

  /// The Pareto-optimal COMPLETE trials (Optuna `best_trials`), feasible ones only when any trial
  /// carries constraints. For one objective: every trial tied with the best value.
  public func bestTrials() async throws -> [FrozenTrial] {
    try await refresh()
    return paretoFront(of: mirror.trials)
  }

  /// The Pareto-optimal COMPLETE trials among `trials` (see `bestTrials`).
  func paretoFront(of trials: [FrozenTrial]) -> [FrozenTrial] {
    let complete = trials.filter { $0.state == .complete && ($0.values?.count ?? 0) == directions.count }
    let pool = complete.contains(where: { $0.constraints != nil }) ? complete.filter(\.isFeasible) : complete
    let front = ParetoFront.indices(of: pool.map { $0.values ?? [] }, directions: directions)
    return front.map { pool[$0] }
  }

  // MARK: Ask

  /// Starts a trial: the oldest enqueued (WAITING) one if any, else a new one. Params enqueued for
  /// it, and params fixed on the study (`hpotop:fixed_params`), come before the sampler's.
  public func ask(fixedDistributions: OrderedDictionary<String, Distribution> = [:]) async throws -> Trial {
    guard let trial = try await ask(budget: nil, fixedDistributions: fixedDistributions) else {
      throw StorageError(.backend, "no trial could be started in study '\(name)'")
    }
    return trial
  }

  /// Like `ask()`, but returns `nil` instead of starting a trial once the study holds `budget`
  /// trials that are not WAITING (checked atomically in storage, across processes). With
  /// `heartbeat`, the trial starts with a heartbeat (the caller keeps it beating).
  public func ask(
    budget: Int?, heartbeat: Bool = false, fixedDistributions: OrderedDictionary<String, Distribution> = [:]
  ) async throws -> Trial? {
    try await ask(budget: budget, heartbeat: heartbeat, fixedDistributions: fixedDistributions, studyState: nil)
  }

  /// `ask(budget:heartbeat:fixedDistributions:)` with the study's hpotop attrs (its fixed params)
  /// as the caller read them, or read now when `nil`.
  func ask(
    budget: Int?, heartbeat: Bool, fixedDistributions: OrderedDictionary<String, Distribution> = [:],
    studyState: HpotopAttrs?
  ) async throws -> Trial? {
    guard var frozen = try await storage.startTrial(study: id, budget: budget, heartbeat: heartbeat)
    else { return nil }
    try await refresh()
    if let fresh = mirror.trial(id: frozen.id) { frozen = fresh }
    var fixed = frozen.fixedParams
    let state: HpotopAttrs
    if let studyState { state = studyState } else { state = try await storage.hpotopState(study: id) }
    for (k, p) in state.fixedParams where fixed[k] == nil { fixed[k] = p }
    let context = pruner.samplerView(samplingContext(), trial: frozen)
    try await sampler.beforeTrial(context, trial: frozen)
    // The refresh above loaded the trial; read it again only if the sampler may have written to it.
    if sampler.beforeTrialWrites { frozen = try await storage.trial(id: frozen.id) }
    let space = sampler.inferRelativeSearchSpace(context, trial: frozen)
    let relative = space.isEmpty ? [:] : sampler.sampleRelative(context, trial: frozen, searchSpace: space)
    for (key, value) in sampler.sampledTrialAttrs(context, trial: frozen) {
      try await storage.setTrialSystemAttr(trial: frozen.id, key: key, value: value)
      frozen.systemAttrs[key] = value
    }
    active[frozen.id] = ActiveTrial(trial: frozen, fixed: fixed, relativeSpace: space, relative: relative)
    var trial = Trial(study: self, id: frozen.id, number: frozen.number)
    for (name, distribution) in fixedDistributions {
      _ = try await trial.suggest(name, distribution)
    }
    return trial
  }

  /// A trial this process runs, as it knows it (what it wrote since the ask).
  func runningTrial(id: Int64) -> FrozenTrial? { active[id]?.trial }

  /// The value for one param of a running trial: already suggested, fixed, sampled jointly, or
  /// sampled now. The value is written to storage before it is returned.
  func suggest(trialID: Int64, name: String, distribution: Distribution) async throws -> ParamValue {
    guard let state = active[trialID] else {
      throw StorageError(.trialFinished, "Trial with id \(trialID) is not running in this process.")
    }
    if let existing = state.trial.params[name] {
      if let d = state.trial.distributions[name], !d.isCompatible(with: distribution) {
        throw StorageError(.invalidValue, "Cannot set different distribution kind to the same parameter name '\(name)'.")
      }
      return existing
    }
    if let seen = mirror.distributionByName[name], !seen.isCompatible(with: distribution) {
      throw StorageError(.invalidValue,
        "Cannot set different distribution kind to the same parameter name '\(name)': \(seen.kindName) was used before, \(distribution.kindName) now.")
    }
    let value: ParamValue
    if let f = state.fixed[name] {
      guard distribution.toInternal(f) != nil else {
        throw StorageError(.invalidValue, "The fixed value \(f.pythonRepr) of '\(name)' is not of \(distribution.kindName).")
      }
      value = f
    } else if let r = state.relative[name], let rd = state.relativeSpace[name], rd == distribution {
      value = r
    } else {
      let context = pruner.samplerView(samplingContext(), trial: state.trial)
      value = sampler.sampleIndependent(context, trial: state.trial, name: name, distribution: distribution)
    }
    guard let internalValue = distribution.toInternal(value) else {
      throw StorageError(.invalidValue, "Sampled value \(value.pythonRepr) does not fit \(distribution.kindName).")
    }
    try await storage.setTrialParam(trial: trialID, name: name, internalValue: internalValue, distribution: distribution)
    state.trial.params[name] = value
    state.trial.distributions[name] = distribution
    mirror.distributionByName[name] = distribution
    return value
  }

  func report(trialID: Int64, value: Double, step: Int) async throws {
    guard active[trialID] != nil else {
      throw StorageError(.trialFinished, "Trial with id \(trialID) is not running in this process.")
    }
    if active[trialID]?.trial.intermediateValues[step] != nil { return }  // Optuna ignores a repeated step
    try await storage.setTrialIntermediateValue(trial: trialID, step: step, value: value)
    active[trialID]?.trial.intermediateValues[step] = value
  }

  /// Whether the pruner, or a user's prune request (`HpotopAttrs.pruneRequested`), stops the trial.
  func shouldPrune(trialID: Int64) async throws -> Bool {
    let current = try await storage.trial(id: trialID)
    if current.hpotop.pruneRequested { return true }
    try await refresh()
    return try await pruner.shouldPrune(samplingContext(), trial: current)
  }

  func setUserAttr(trialID: Int64, key: String, value: JSONValue) async throws {
    try await storage.setTrialUserAttr(trial: trialID, key: key, value: value)
    active[trialID]?.trial.userAttrs[key] = value
  }

  func setSystemAttr(trialID: Int64, key: String, value: JSONValue) async throws {
    try await storage.setTrialSystemAttr(trial: trialID, key: key, value: value)
    active[trialID]?.trial.systemAttrs[key] = value
  }

  // MARK: Tell

  /// Finishes a trial, as Optuna's `tell`. A COMPLETE tell needs one finite-or-infinite value
  /// per objective; a NaN or a wrong count makes the trial FAIL with the reason kept as its
  /// `HpotopAttrs.failReason`. A PRUNED trial takes its last intermediate value as its value.
  @discardableResult
  public func tell(
    trialNumber: Int, values: [Double]? = nil, state: TrialState = .complete, failReason: String? = nil
  ) async throws -> FrozenTrial {
    try await refresh()
    guard let t = mirror.trial(number: trialNumber) else {
      throw StorageError(.trialNotFound, "Trial number \(trialNumber) does not exist in study '\(name)'.")
    }
    return try await tell(trialID: t.id, values: values, state: state, failReason: failReason)
  }

  @discardableResult
  public func tell(
    trialID: Int64, values: [Double]? = nil, state: TrialState = .complete, failReason: String? = nil
  ) async throws -> FrozenTrial {
    try await finish(trialID: trialID, values: values, state: state, failReason: failReason, pruneReason: nil)
  }

  /// `tell`, with the reason of a FAIL or a PRUNED trial written with its state in one transaction.
  func finish(
    trialID: Int64, values: [Double]?, state: TrialState, failReason: String?, pruneReason: String?
  ) async throws -> FrozenTrial {
    guard state.isFinished else {
      throw StorageError(.invalidValue, "A trial can only be told COMPLETE, PRUNED or FAIL, not \(state.rawValue).")
    }
    // A trial this process runs is known in memory (what it wrote since the ask); storage still
    // refuses the writes below if another process finished it meanwhile (a stale-trial sweep).
    var current: FrozenTrial
    if let known = active[trialID]?.trial {
      current = known
    } else {
      current = try await storage.trial(id: trialID)
      if current.state.isFinished {
        throw StorageError(.trialFinished, "Trial#\(current.number) has already finished and can not be updated.")
      }
    }
    var finalState = state
    var finalValues: [Double]? = nil
    var reason = failReason
    switch state {
    case .complete:
      if let v = values, v.count == directions.count, !v.contains(where: \.isNaN) {
        finalValues = v
      } else {
        finalState = .fail
        if let v = values, v.contains(where: \.isNaN) {
          reason = reason ?? "The objective returned NaN (values \(v.map(formatNumber)))."
        } else {
          reason = reason ?? "The number of values \(values?.count ?? 0) did not match the number of objectives \(directions.count)."
        }
      }
    case .pruned:
      if directions.count == 1, let step = current.lastStep, let v = current.intermediateValues[step], !v.isNaN {
        finalValues = [v]
      }
    default:
      break
    }
    let written = finalState == .fail ? reason : finalState == .pruned ? pruneReason : nil
    if let written {
      var attrs = current.hpotop
      if finalState == .fail { attrs.failReason = written } else { attrs.pruneReason = written }
      current.systemAttrs = attrs.attrs
    }
    sampler.afterTrial(samplingContext(), trial: current, state: finalState, values: finalValues)
    // The state and its reason land together: no reader sees a FAIL without its reason.
    try await storage.finishTrial(trial: trialID, state: finalState, values: finalValues, reason: written)
    active[trialID] = nil
    // The refresh reads the trial as stored (it was unfinished in the mirror), once.
    try await refresh()
    if let told = mirror.trial(id: trialID), told.state.isFinished { return told }
    return try await storage.trial(id: trialID)
  }

  // MARK: Enqueue

  /// Adds a WAITING trial whose params are fixed to `params`, exactly as Optuna's
  /// `enqueue_trial` stores it (system attr `fixed_params`, external values), so Python workers
  /// pick it up too. With `skipIfExists`, nothing is added when a trial already has these params.
  /// Returns the new trial, or `nil` when it was skipped. `systemAttrs` (hpotop's, e.g.
  /// `HpotopAttrs.seed`) are stored with the trial, so no worker starts it without them.
  @discardableResult
  public func enqueue(
    params: OrderedDictionary<String, ParamValue>, userAttrs: OrderedDictionary<String, JSONValue> = [:],
    systemAttrs: OrderedDictionary<String, JSONValue> = [:], skipIfExists: Bool = false
  ) async throws -> FrozenTrial? {
    if skipIfExists {
      for t in try await trials() {
        let existing = t.systemAttrs["fixed_params"] != nil ? t.fixedParams : t.params
        if Self.sameParams(existing, params) { return nil }
      }
    }
    var attrs = systemAttrs
    attrs["fixed_params"] = .object(OrderedDictionary(uniqueKeysWithValues: params.map { ($0.key, $0.value.json) }))
    let template = FrozenTrial(id: 0, number: 0, state: .waiting, userAttrs: userAttrs, systemAttrs: attrs)
    return try await storage.createTrial(study: id, template: template)
  }

  /// Optuna's skip-if-exists comparison: the same keys, and equal values (numbers exactly).
  static func sameParams(_ a: OrderedDictionary<String, ParamValue>, _ b: OrderedDictionary<String, ParamValue>) -> Bool {
    guard Set(a.keys) == Set(b.keys) else { return false }
    for (k, v) in a {
      guard let w = b[k] else { return false }
      if let x = v.doubleValue, let y = w.doubleValue, v.stringValue == nil, w.stringValue == nil {
        if x != y { return false }
      } else if v != w {
        return false
      }
    }
    return true
  }

  /// Adds a finished trial (Optuna `add_trial`), for warm starts and imports.
  @discardableResult
  public func add(_ trial: FrozenTrial) async throws -> FrozenTrial {
    try await storage.createTrial(study: id, template: trial)
  }

  // MARK: Mirror

  /// A sampling context over the mirror as it is now.
  func samplingContext() -> SamplingContext {
    SamplingContext(studyID: id, studyName: name, directions: directions, storage: storage, trials: mirror.trials)
  }

  /// Loads trials that are new or were unfinished at the last refresh.
  func refresh() async throws {
    mirror.merge(try await storage.trials(study: id, filter: mirror.changedFilter))
  }
}
