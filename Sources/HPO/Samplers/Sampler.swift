import OrderedCollections

/// Proposes parameter values, as Optuna's `BaseSampler` does: a *relative* step samples a joint
/// search space once per trial (TPE multivariate, grid), and an *independent* step samples any
/// param the relative step did not cover, when the objective asks for it.
///
/// A sampler is a value owned by its `Study` actor; the mutating methods are never called
/// concurrently.
public protocol Sampler: Sendable {
  /// A short name for headers and logs ("random", "tpe", …).
  var name: String { get }

  /// The params to sample jointly for this trial. Empty for samplers with no relative step.
  mutating func inferRelativeSearchSpace(_ context: SamplingContext, trial: FrozenTrial)
    -> OrderedDictionary<String, Distribution>

  /// Values for the relative search space, external form. Params left out are sampled
  /// independently later.
  mutating func sampleRelative(
    _ context: SamplingContext, trial: FrozenTrial, searchSpace: OrderedDictionary<String, Distribution>
  ) -> OrderedDictionary<String, ParamValue>

  /// A value for one param the objective asked for.
  mutating func sampleIndependent(
    _ context: SamplingContext, trial: FrozenTrial, name: String, distribution: Distribution
  ) -> ParamValue

  /// Called once a trial exists, before anything is sampled. May write to storage
  /// (the grid sampler claims its grid point here).
  func beforeTrial(_ context: SamplingContext, trial: FrozenTrial) async throws

  /// Whether `beforeTrial` may write to the trial, so the study must read the trial again before
  /// sampling. Defaults to true; samplers whose `beforeTrial` writes nothing say false.
  var beforeTrialWrites: Bool { get }

  /// System attrs the study stores on the trial after sampling (the GP's prediction, the sampler
  /// `auto` ran); called once per ask, after the relative step (which may have been skipped).
  /// Defaults to none.
  mutating func sampledTrialAttrs(_ context: SamplingContext, trial: FrozenTrial)
    -> OrderedDictionary<String, JSONValue>

  /// Called after a trial finished, before the state is written.
  mutating func afterTrial(_ context: SamplingContext, trial: FrozenTrial, state: TrialState, values: [Double]?)

  /// True when the sampler has nothing left to propose (a used-up grid); the optimizer then
  /// stops starting trials.
  func isExhausted(_ context: SamplingContext) -> Bool

  /// True while the sampler can propose nothing until a running trial ends (every PBT member is
  /// training); the optimizer then waits instead of starting a trial. Defaults to false.
  func isWaiting(_ context: SamplingContext) -> Bool
}

extension Sampler {
  public mutating func inferRelativeSearchSpace(_ context: SamplingContext, trial: FrozenTrial)
    -> OrderedDictionary<String, Distribution>
  { [:] }

  public mutating func sampleRelative(
    _ context: SamplingContext, trial: FrozenTrial, searchSpace: OrderedDictionary<String, Distribution>
  ) -> OrderedDictionary<String, ParamValue> { [:] }

  public func beforeTrial(_ context: SamplingContext, trial: FrozenTrial) async throws {}

  public var beforeTrialWrites: Bool { true }

  public mutating func sampledTrialAttrs(_ context: SamplingContext, trial: FrozenTrial)
    -> OrderedDictionary<String, JSONValue>
  { [:] }

  public mutating func afterTrial(
    _ context: SamplingContext, trial: FrozenTrial, state: TrialState, values: [Double]?
  ) {}

  public func isExhausted(_ context: SamplingContext) -> Bool { false }

  public func isWaiting(_ context: SamplingContext) -> Bool { false }
}

/// What a sampler may look at: the study's identity and a snapshot of its trials.
public struct SamplingContext: Sendable {
  public let studyID: Int64
  public let studyName: String
  public let directions: [StudyDirection]
  public let storage: any Storage
  /// Every trial of the study (all states), by ascending number, as of the last refresh.
  public let trials: [FrozenTrial]

  public init(
    studyID: Int64, studyName: String, directions: [StudyDirection], storage: any Storage,
    trials: [FrozenTrial]
  ) {
    self.studyID = studyID
    self.studyName = studyName
    self.directions = directions
    self.storage = storage
    self.trials = trials
  }

  /// Trials in the given states, by ascending number.
  public func trials(_ states: Set<TrialState>) -> [FrozenTrial] {
    trials.filter { states.contains($0.state) }
  }

  /// The same context with only some trials (Hyperband shows a sampler its own bracket).
  public func restricted(to keep: (FrozenTrial) -> Bool) -> SamplingContext {
    SamplingContext(studyID: studyID, studyName: studyName, directions: directions, storage: storage,
                    trials: trials.filter(keep))
  }
}

/// Draws a value uniformly from a distribution (log-uniformly for log ranges, on the step grid
/// for stepped ones). Shared by the random sampler and the startup phase of model-based samplers.
public func sampleUniformly(_ distribution: Distribution, rng: inout SeededRNG) -> ParamValue {
  switch distribution {
  case .float(let f):
    if f.isSingle { return .float(f.low) }
    if f.log {
      let v = _exp(rng.uniform(_log(f.low), _log(f.high)))
      return .float(min(max(v, f.low), f.high))
    }
    if let step = f.step {
      let n = Int(((f.high - f.low) / step).rounded(.down))
      let k = Int(rng.next() % UInt64(n + 1))
      return .float(min(f.low + Double(k) * step, f.high))
    }
    return .float(min(rng.uniform(f.low, f.high), f.high))
  case .int(let i):
    if i.isSingle { return .int(i.low) }
    if i.log {
      // Optuna samples log ints in log space over [low - 0.5, high + 0.5] and rounds.
      let v = _exp(rng.uniform(_log(Double(i.low) - 0.5), _log(Double(i.high) + 0.5)))
      return .int(min(max(Int(v.rounded()), i.low), i.high))
    }
    let n = (i.high - i.low) / i.step
    let k = Int(rng.next() % UInt64(n + 1))
    return .int(i.low + k * i.step)
  case .categorical(let c):
    return c.choices[Int(rng.next() % UInt64(c.choices.count))]
  }
}
