import Foundation
import OrderedCollections
import Synchronization

/// CMA-ES (Hansen, arXiv:1604.00772) over the study's float and int params, as Optuna's
/// `CmaEsSampler`: params are scaled to [0, 1] (log ones in log space; stepped ones over
/// [low − step/2, high + step/2], or onto a grid with margin), the run starts at the centre (or
/// `x0`) with σ₀ = 1/6 and λ = 4 + ⌊3 ln n⌋, and categorical params are sampled at random.
/// Options: separable CMA, CMA-ES with margin for int and stepped params, IPOP/BIPOP restarts.
///
/// The state lives in storage, so several workers share one generation and a study resumes
/// after a restart: `beforeTrial` tells the last generation once λ of its trials are complete
/// (writing the new state on the trial), claims the trial an individual number k in the current
/// generation, and stores its sample, drawn from a stream of (seed, generation, k). The keys are
/// `CMAKey`'s. Python Optuna and hpotop do not continue each other's CMA-ES state.
public struct CMAESSampler: Sampler {
  public struct Options: Sendable, Equatable {
    /// σ₀ in the [0, 1] scale; `nil`: 1/6.
    public var sigma0: Double?
    /// λ; `nil`: 4 + ⌊3 ln n⌋.
    public var popsize: Int?
    public var restartStrategy: CMARestartStrategy = .none
    public var incPopsize: Int = 2
    public var separable = false
    public var withMargin = false
    /// Complete trials before CMA-ES starts (sampled at random until then).
    public var nStartupTrials = 1
    /// The first mean, by param name (external values); missing params start at the centre.
    public var x0: [String: Double] = [:]
    /// A study in the same storage whose complete trials warm-start the first run (`CMAWarmStart`);
    /// not with `x0`, `sigma0` or `separable`.
    public var warmStartFrom: String?

    public init() {}
  }

  public let seed: UInt64
  public let options: Options
  public var name: String { "cmaes" }
  /// The last decoded run and its eigen-decomposition (a cache: the stored JSON is the truth).
  let cache = CMARunCache()

  public init(seed: UInt64? = nil, options: Options = Options()) {
    self.seed = seed ?? UInt64.random(in: .min ... .max)
    self.options = options
  }

  // MARK: Search space

  /// The params CMA-ES samples: those of every complete trial, neither categorical nor single.
  public func space(_ context: SamplingContext) -> OrderedDictionary<String, Distribution> {
    cache.view(context, except: nil).space
  }

  /// The params CMA-ES samples, given the intersection search space of the complete trials.
  static func sampledSpace(_ intersection: OrderedDictionary<String, Distribution>) -> OrderedDictionary<String, Distribution> {
    intersection.filter { _, d in
      if case .categorical = d { return false }
      return !d.isSingle
    }
  }

  public mutating func inferRelativeSearchSpace(_ context: SamplingContext, trial: FrozenTrial)
    -> OrderedDictionary<String, Distribution>
  {
    space(context)
  }

  // MARK: Generations

  /// The stored run with the highest generation (lowest trial number on a tie), if any.
  /// Only that one is decoded: the trial holding a run state also holds its generation number.
  static func latestRun(_ trials: [FrozenTrial], except: Int64? = nil) -> CMARun? {
    var best: (generation: Int, text: String)?
    // Newest first; by index, so that no trial is copied.
    for i in trials.indices.reversed() where trials[i].id != except {
      guard case .string(let text)? = trials[i].systemAttrs[CMAKey.state.rawValue] else { continue }
      let g = trials[i].systemAttrs[CMAKey.generation.rawValue]?.intValue ?? -1
      if best == nil || g >= best!.generation { best = (g, text) }
    }
    guard let best else { return nil }
    return CMARun.decode(best.text)
  }

  static func generation(of t: FrozenTrial) -> Int? { t.systemAttrs[CMAKey.generation.rawValue]?.intValue }

  static func doubles(_ v: JSONValue?) -> [Double]? {
    guard case .array(let items)? = v else { return nil }
    let out = items.compactMap(\.doubleValue)
    return out.count == items.count ? out : nil
  }

  /// A new run on `space`, at `x0` or the centre, or where `warm` puts it.
  func initialRun(_ space: OrderedDictionary<String, Distribution>, warm: CMAWarmStart? = nil) -> CMARun {
    let coords = CMACoordinates(space, margin: options.withMargin)
    let mean = warm?.mean ?? space.map { name, d in options.x0[name].map { coords.scaled($0, d) } ?? 0.5 }
    let state = CMAState(
      mean: mean.map { min(max($0, 0), 1) }, sigma: max(warm?.sigma ?? options.sigma0 ?? 1.0 / 6, CMAState.eps),
      popsize: options.popsize, separable: options.separable && space.count > 1,
      steps: options.withMargin ? coords.steps : nil, cov: warm?.cov)
    return CMARun(params: Array(space.keys), generation: 0, state: state)
  }

  /// The warm start from `warmStartFrom`'s complete trials that hold every param of `space`
  /// (values signed for this study's direction); throws when the study is missing or has fewer
  /// than 10 such trials.
  func warmStart(_ source: String, space: OrderedDictionary<String, Distribution>, storage: any Storage, sign: Double)
    async throws -> CMAWarmStart
  {
    guard let id = try await storage.studyID(named: source) else {
      throw CMAOptionError(message: "cmaes warm_start_from: no study named '\(source)' in this storage")
    }
    let coords = CMACoordinates(space, margin: options.withMargin)
    var solutions: [(x: [Double], value: Double)] = []
    for t in try await storage.trials(study: id, filter: TrialFilter(states: [.complete])) {
      guard t.values?.count == 1, let v = t.values?[0], space.keys.allSatisfy({ t.params[$0] != nil }) else { continue }
      solutions.append((coords.scaled(t.params), sign * v))
    }
    guard let warm = CMAWarmStart(solutions: solutions) else {
      throw CMAOptionError(message: "cmaes warm_start_from '\(source)': needs at least 10 complete single-objective trials with the params \(space.keys.joined(separator: ", ")) (found \(solutions.count)), and their best tenth must not lie in one point")
    }
    return warm
  }

  /// Tells the run's generation when λ of its trials are complete, restarting when the run stops.
  /// `members`: the generation's complete trials, by number. Returns nil when it is not yet complete.
  func advanced(_ run: CMARun, members: [FrozenTrial], space: OrderedDictionary<String, Distribution>, sign: Double) -> CMARun? {
    guard members.count >= run.state.popsize else { return nil }
    let coords = CMACoordinates(space, margin: options.withMargin)
    let solutions = members.prefix(run.state.popsize).map { t -> (x: [Double], value: Double) in
      let x = options.withMargin
        ? (Self.doubles(t.systemAttrs[CMAKey.x.rawValue]) ?? coords.scaled(t.params))
        : coords.scaled(t.params)
      return (x, sign * (t.values?[0] ?? .infinity))
    }
    var next = run
    next.state.tell(solutions, basis: cache.basis(of: run))
    next.generation += 1
    if options.restartStrategy != .none, next.state.shouldStop() {
      var rng = SeededRNG(seed: seed, trialNumber: next.generation, purpose: "cma-restart")
      let (u1, u2) = (rng.uniform(), rng.uniform())
      let (popsize, sigma) = next.restart(strategy: options.restartStrategy, incPopsize: options.incPopsize, u1: u1, u2: u2)
      let mean = (0..<space.count).map { _ in rng.uniform() }
      next.state = CMAState(mean: mean, sigma: sigma, popsize: popsize, separable: next.state.separable,
                            steps: next.state.steps)
    }
    return next
  }

  public func beforeTrial(_ context: SamplingContext, trial: FrozenTrial) async throws {
    guard trial.systemAttrs[CMAKey.individual.rawValue] == nil, context.directions.count == 1 else { return }
    let view = cache.view(context, except: trial.id)
    guard view.complete >= options.nStartupTrials else { return }
    let space = view.space
    guard !space.isEmpty else { return }
    let stored = view.latestState(in: context.trials).flatMap { cache.run(for: $0) }
    let sign = context.directions[0] == .maximize ? -1.0 : 1.0  // a maximised objective: minimise −f
    var run: CMARun
    if let stored {
      run = stored
    } else if let source = options.warmStartFrom {
      run = initialRun(space, warm: try await warmStart(source, space: space, storage: context.storage, sign: sign))
    } else {
      run = initialRun(space)
    }
    guard run.params == Array(space.keys) else { return }  // the space changed: sample independently
    var written = stored == nil
    let members = view.members(of: run.generation, in: context.trials, limit: run.state.popsize)
    if let next = advanced(run, members: members, space: space, sign: sign) {
      run = next
      written = true
    }
    let storage = context.storage
    // The generation first: a worker that sees this trial's state also sees its generation.
    try await storage.setTrialSystemAttr(trial: trial.id, key: CMAKey.generation.rawValue, value: .int(run.generation))
    if written {
      let text = run.json()
      try await storage.setTrialSystemAttr(trial: trial.id, key: CMAKey.state.rawValue, value: .string(text))
      // The next trials of this generation read this text back: keep the run (and, below, its
      // basis) so that they neither decode it nor decompose C again.
      cache.remember(text, run)
    }
    var k = view.claimed(in: run.generation)
    while !(try await storage.claimTrialSystemAttr(
      trial: trial.id, study: context.studyID, key: CMAKey.individual.rawValue, value: .string("\(run.generation):\(k)")))
    {
      k += 1
    }
    let state = run.state
    var rng = SeededRNG(seed: seed, trialNumber: k, purpose: "cma-g\(run.generation)")
    let x = state.sample(rng: &rng, basis: cache.basis(of: run), maxResampling: 10 * state.dim)
    try await storage.setTrialSystemAttr(trial: trial.id, key: CMAKey.x.rawValue, value: .array(x.map { .double($0) }))
    if state.marginA != nil {
      try await storage.setTrialSystemAttr(
        trial: trial.id, key: CMAKey.point.rawValue, value: .array(state.encoded(x).map { .double($0) }))
    }
  }

  public mutating func sampleRelative(
    _ context: SamplingContext, trial: FrozenTrial, searchSpace: OrderedDictionary<String, Distribution>
  ) -> OrderedDictionary<String, ParamValue> {
    guard let point = Self.doubles(trial.systemAttrs[CMAKey.point.rawValue]) ?? Self.doubles(trial.systemAttrs[CMAKey.x.rawValue]),
          point.count == searchSpace.count
    else { return [:] }
    let coords = CMACoordinates(searchSpace, margin: options.withMargin)
    return coords.external(point)
  }

  public mutating func sampleIndependent(
    _ context: SamplingContext, trial: FrozenTrial, name: String, distribution: Distribution
  ) -> ParamValue {
    var rng = SeededRNG(seed: seed, trialNumber: trial.number, purpose: name)
    return sampleUniformly(distribution, rng: &rng)
  }
}

/// The map between params and CMA-ES coordinates in [0, 1] (Optuna's `_SearchSpaceTransform`
/// with `transform_0_1`): log params in log space; int and stepped params over
/// [low − step/2, high + step/2], or over [low, high] with a grid step when `margin`.
struct CMACoordinates {
  let space: OrderedDictionary<String, Distribution>
  let margin: Bool

  init(_ space: OrderedDictionary<String, Distribution>, margin: Bool) {
    self.space = space
    self.margin = margin
  }

  /// Bounds in the internal (log for log params) scale.
  func bounds(_ d: Distribution) -> (lo: Double, hi: Double) {
    switch d {
    case .float(let f):
      if f.log { return (_log(f.low), _log(f.high)) }
      if let s = f.step, !margin { return (f.low - s / 2, f.high + s / 2) }
      return (f.low, f.high)
    case .int(let i):
      if i.log { return margin ? (_log(Double(i.low)), _log(Double(i.high))) : (_log(Double(i.low) - 0.5), _log(Double(i.high) + 0.5)) }
      if margin { return (Double(i.low), Double(i.high)) }
      return (Double(i.low) - Double(i.step) / 2, Double(i.high) + Double(i.step) / 2)
    case .categorical:
      return (0, 1)
    }
  }

  /// The grid step of each coordinate in [0, 1] (0 for continuous and log ones).
  var steps: [Double] {
    space.values.map { d in
      switch d {
      case .float(let f): if let s = f.step, !f.log { return s / (f.high - f.low) } else { return 0 }
      case .int(let i): return i.log ? 0 : Double(i.step) / Double(i.high - i.low)
      case .categorical: return 0
      }
    }
  }

  func scaled(_ value: Double, _ d: Distribution) -> Double {
    let (lo, hi) = bounds(d)
    let isLog: Bool
    switch d { case .float(let f): isLog = f.log; case .int(let i): isLog = i.log; default: isLog = false }
    return ((isLog ? _log(value) : value) - lo) / (hi - lo)
  }

  func scaled(_ params: OrderedDictionary<String, ParamValue>) -> [Double] {
    space.map { name, d in min(max(scaled(params[name]?.doubleValue ?? .nan, d), 0), 1) }
  }

  func external(_ point: [Double]) -> OrderedDictionary<String, ParamValue> {
    var out = OrderedDictionary<String, ParamValue>()
    for (i, (name, d)) in space.enumerated() {
      let (lo, hi) = bounds(d)
      let v = lo + min(max(point[i], 0), 1) * (hi - lo)
      switch d {
      case .float(let f):
        var x = f.log ? _exp(v) : v
        if let s = f.step { x = f.low + ((x - f.low) / s).rounded() * s }
        out[name] = .float(min(max(x, f.low), f.high))
      case .int(let iDist):
        let x = iDist.log ? _exp(v) : v
        let k = ((x - Double(iDist.low)) / Double(iDist.step)).rounded()
        out[name] = .int(min(max(iDist.low + Int(k) * iDist.step, iDist.low), iDist.high))
      case .categorical:
        continue
      }
    }
    return out
  }
}

extension CMAESSampler {
  static func optionError(_ options: OptionReader, _ message: String, _ key: String) -> any Error {
    options.spec.map { $0.error(message, option: key) } ?? CMAOptionError(message: message)
  }
}

/// A bad CMA-ES option given without a study file.
struct CMAOptionError: Error, CustomStringConvertible {
  let message: String
  var description: String { message }
}

extension SamplerKind {
  public static let cmaes = SamplerKind(
    name: "cmaes",
    optionsDoc: "`sigma0` (1/6 of the [0,1]-scaled range), `popsize` (4+⌊3 ln d⌋), `restart_strategy` none, `inc_popsize` 2, `separable` false, `with_margin` false, `n_startup_trials` 1, `x0` (centre), `warm_start_from` (a study in the same storage)",
    conformanceSampler: { seed, _ in
      // Three random trials first: the suite compares the first three trials of a batched run
      // with those of a concurrent one, where CMA-ES would start on whichever trial finished first.
      var o = CMAESSampler.Options()
      o.popsize = 4
      o.nStartupTrials = 3
      return CMAESSampler(seed: seed, options: o)
    }
  ) { seed, options, _, _ in
    var o = CMAESSampler.Options()
    o.sigma0 = try options.double("sigma0")
    if let s = o.sigma0, !(s > 0) { throw CMAESSampler.optionError(options, "'sigma0' must be > 0", "sigma0") }
    o.popsize = try options.int("popsize", min: 2)
    if let r = try options.string("restart_strategy") {
      guard let s = CMARestartStrategy(rawValue: r) else { throw CMAESSampler.optionError(options, "'restart_strategy' must be none, ipop or bipop, not '\(r)'", "restart_strategy") }
      o.restartStrategy = s
    }
    o.incPopsize = try options.int("inc_popsize", min: 1) ?? 2
    o.separable = try options.bool("separable") ?? false
    o.withMargin = try options.bool("with_margin") ?? false
    o.nStartupTrials = try options.int("n_startup_trials", min: 0) ?? 1
    if let x0 = options.raw("x0") {
      guard case .object(let dict) = x0 else { throw CMAESSampler.optionError(options, "'x0' must map param names to numbers", "x0") }
      for (k, v) in dict {
        guard let d = v.doubleValue else { throw CMAESSampler.optionError(options, "'x0.\(k)' must be a number", "x0") }
        o.x0[k] = d
      }
    }
    o.warmStartFrom = try options.string("warm_start_from")
    if o.warmStartFrom != nil, o.sigma0 != nil || !o.x0.isEmpty || o.separable {
      throw CMAESSampler.optionError(options, "'warm_start_from' sets the first mean and step: not with 'x0', 'sigma0' or 'separable'", "warm_start_from")
    }
    try options.finish()
    return CMAESSampler(seed: seed, options: o)
  }
}
