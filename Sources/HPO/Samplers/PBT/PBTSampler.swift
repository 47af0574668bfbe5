import Foundation
import OrderedCollections

/// Population-based training (Jaderberg et al. 2017), with Ray Tune's `PopulationBasedTraining`
/// defaults: `population` members train in segments of `perturbationInterval` steps, each
/// segment a trial. When a member's segment ends and the member ranks in the bottom
/// `quantileFraction` of the population by its last score, its next segment restores a copy of a
/// random top member's checkpoint with that member's hyperparameters perturbed (exploit and
/// explore, `PBTExplore`); otherwise it goes on from its own checkpoint with its own
/// hyperparameters. Members take turns (fewest steps first) when fewer slots than members run,
/// and any number of workers share one population through storage: a segment is claimed
/// atomically per member and predecessor (`HpotopKey.pbtClaim`), and a segment that failed
/// (a killed worker) is trained again from the same checkpoint.
///
/// The objective trains from `HPOTOP_RESTORE_FROM` (or `Trial.checkpoint`) to the segment's stop
/// step and saves its state in its checkpoint folder (see `TrialCheckpoint`).
public struct PBTSampler: Sampler {
  public var name: String { "pbt" }

  public struct Options: Sendable, Equatable {
    public var population = 4
    /// Steps per segment (Ray's `perturbation_interval` in `training_iteration`s).
    public var perturbationInterval = 4
    public var quantileFraction = 0.25
    public var resampleProbability = 0.25
    public var perturbationFactors: [Double] = [1.2, 0.8]
    /// Steps each member trains; nil: no end (the study's other limits stop it). The study file's
    /// `budget: {steps}` gives `steps / population` when `member_steps` is not set.
    public var memberSteps: Int?

    public init() {}
  }

  public var options: Options
  public let seed: UInt64
  /// How long a trial waits between looks when another worker took the member it chose.
  var retryDelay: Duration = .milliseconds(200)

  public init(seed: UInt64? = nil, options: Options = Options()) {
    self.seed = seed ?? UInt64.random(in: 0...UInt64.max)
    self.options = options
  }

  /// The population as these trials show it.
  public func population(_ trials: [FrozenTrial]) -> PBTPopulation {
    PBTPopulation(trials: trials, population: options.population, memberSteps: options.memberSteps)
  }

  /// Chooses the member this trial trains and writes its segment, claiming the member first so
  /// that no two trials (in any process) train the same member from the same point. A trial that
  /// loses the claim looks again, keeping its heartbeat, until a member is free; when every
  /// member has finished meanwhile it gets `PBTSegment.noMember` (its objective fails it).
  public func beforeTrial(_ context: SamplingContext, trial: FrozenTrial) async throws {
    if trial.hpotop.pbtSegment != nil { return }
    let direction = context.directions.first ?? .maximize
    var trials = context.trials
    var lostClaims = 0
    while true {
      let pop = population(trials)
      if let member = pop.next {
        var rng = SeededRNG(seed: seed, trialNumber: trial.number, purpose: "pbt")
        let segment = plan(member, in: pop, direction: direction, rng: &rng)
        let claim = HpotopAttrs.pbtClaimValue(member: member.index, after: member.latest?.number ?? -1)
        if try await context.storage.claimTrialSystemAttr(
          trial: trial.id, study: context.studyID, key: HpotopKey.pbtClaim.rawValue, value: claim)
        {
          try await write(segment, trial: trial.id, storage: context.storage)
          return
        }
        // Another worker took this member: look again at once (another may be free), up to once
        // per member before sleeping. Sleeping at once let the other workers run whole
        // generations while this trial waited.
        if lostClaims < options.population {
          lostClaims += 1
          trials = try await context.storage.trials(study: context.studyID, filter: .all)
          continue
        }
      } else if pop.allDone {
        let none = PBTSegment(member: PBTSegment.noMember, generation: 0, parent: nil, exploitedMember: nil,
                              startStep: 0, stopStep: 0, params: [:])
        try await write(none, trial: trial.id, storage: context.storage)
        return
      }
      try await context.storage.recordHeartbeat(trial: trial.id)
      try await Task.sleep(for: retryDelay)
      trials = try await context.storage.trials(study: context.studyID, filter: .all)
    }
  }

  private func write(_ segment: PBTSegment, trial: Int64, storage: any Storage) async throws {
    var attrs = OrderedDictionary<String, JSONValue>()
    attrs.hpotop.pbtSegment = segment
    try await storage.setTrialSystemAttr(trial: trial, key: HpotopKey.pbtSegment.rawValue, value: attrs[HpotopKey.pbtSegment.rawValue]!)
  }

  /// The next segment of a member: its first, a retry of a segment that failed, an exploit of a
  /// top member, or the member going on.
  public func plan(_ member: PBTPopulation.Member, in pop: PBTPopulation, direction: StudyDirection, rng: inout SeededRNG)
    -> PBTSegment
  {
    let last = member.lastComplete
    let lastSegment = last?.hpotop.pbtSegment
    // A segment that did not complete (its worker was killed, it failed) is trained again from the
    // same checkpoint with the same hyperparameters.
    if let failed = member.latest, failed.state == .fail || failed.state == .pruned, var again = failed.hpotop.pbtSegment {
      if !failed.params.isEmpty { again.params = failed.params }
      return again
    }
    guard let last, let lastSegment else {
      return PBTSegment(member: member.index, generation: 0, parent: nil, exploitedMember: nil, startStep: 0,
                        stopStep: stop(from: 0), params: [:])
    }
    let (lower, upper) = pop.quantiles(fraction: options.quantileFraction, direction: direction)
    if lower.contains(member.index), !upper.isEmpty {
      let donorIndex = upper[Int(rng.next() % UInt64(upper.count))]
      let donor = pop.members[donorIndex]
      if let donorTrial = donor.lastComplete, let donorSegment = donorTrial.hpotop.pbtSegment {
        let params = PBTExplore.perturb(
          donorTrial.params, distributions: donorTrial.distributions, resampleProbability: options.resampleProbability,
          factors: options.perturbationFactors, rng: &rng)
        return PBTSegment(member: member.index, generation: donorSegment.generation + 1, parent: donorTrial.number,
                          exploitedMember: donorIndex, startStep: donor.progress, stopStep: stop(from: donor.progress),
                          params: params)
      }
    }
    return PBTSegment(member: member.index, generation: lastSegment.generation + 1, parent: last.number,
                      exploitedMember: nil, startStep: member.progress, stopStep: stop(from: member.progress),
                      params: last.params)
  }

  private func stop(from start: Int) -> Int {
    let end = start + options.perturbationInterval
    return options.memberSteps.map { min(end, $0) } ?? end
  }

  /// The segment's hyperparameters where it has them; a first segment samples uniformly.
  public mutating func sampleIndependent(
    _ context: SamplingContext, trial: FrozenTrial, name: String, distribution: Distribution
  ) -> ParamValue {
    if let v = trial.hpotop.pbtSegment?.params[name], distribution.toInternal(v) != nil { return v }
    var rng = SeededRNG(seed: seed, trialNumber: trial.number, purpose: "pbt:" + name)
    return sampleUniformly(distribution, rng: &rng)
  }

  /// Every member has trained all its steps.
  public func isExhausted(_ context: SamplingContext) -> Bool { population(context.trials).allDone }

  /// Every member that has steps left is training now.
  public func isWaiting(_ context: SamplingContext) -> Bool {
    let pop = population(context.trials)
    return !pop.allDone && pop.next == nil
  }
}

extension SamplerKind {
  public static let pbt = SamplerKind(
    name: "pbt",
    optionsDoc: "`population` 4, `perturbation_interval` 4 (steps), `quantile_fraction` 0.25, `resample_probability` 0.25, `perturbation_factors` [1.2, 0.8], `member_steps` (`budget: {steps}` / population)",
    conformanceSampler: { seed, _ in
      var o = PBTSampler.Options()
      o.population = 8
      o.perturbationInterval = 1
      return PBTSampler(seed: seed, options: o)
    }
  ) { seed, options, _, _ in
    var o = PBTSampler.Options()
    if let v = try options.int("population", min: 2) { o.population = v }
    if let v = try options.int("perturbation_interval", min: 1) { o.perturbationInterval = v }
    if let v = try options.double("quantile_fraction", min: 0, max: 0.5) { o.quantileFraction = v }
    if let v = try options.double("resample_probability", min: 0, max: 1) { o.resampleProbability = v }
    if let v = options.raw("perturbation_factors") {
      guard let list = v.arrayValue?.compactMap(\.doubleValue), list.count == 2, list.allSatisfy({ $0 > 0 && $0.isFinite }) else {
        throw options.spec!.error("'perturbation_factors' must be two positive numbers, for example [1.2, 0.8]", option: "perturbation_factors")
      }
      o.perturbationFactors = list
    }
    if let v = try options.int("member_steps", min: 1) { o.memberSteps = v }
    try options.finish()
    return PBTSampler(seed: seed, options: o)
  }
}
