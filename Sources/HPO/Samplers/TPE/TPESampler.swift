import Foundation
import OrderedCollections

/// The Tree-structured Parzen Estimator sampler, matching Optuna 5.0's `TPESampler`.
///
/// TPE splits the finished trials into a good fraction (γ) and the rest, fits a Parzen estimator
/// l(x) to the good ones and g(x) to the others, draws candidates from l and keeps the one that
/// maximises l(x)/g(x), which is equivalent to maximising expected improvement.
///
/// - Bergstra, Bardenet, Bengio & Kégl, "Algorithms for hyper-parameter optimization",
///   NeurIPS 2011 (the algorithm).
/// - Watanabe, "Tree-structured Parzen estimator: understanding its algorithm components and
///   their roles for better empirical performance", arXiv:2304.11127, 2023 (the components and
///   defaults: multivariate kernels, γ, weights, bandwidth rule, magic clip, prior).
/// - Optuna 5.0, `optuna/samplers/_tpe/` (the reference implementation whose behaviour and
///   defaults this follows: multivariate by default for one objective, constant liar, the
///   v5 univariate bandwidth rule for all kernels, PRUNED and infeasible trials in the split,
///   non-domination ranks with hypervolume subset selection for several objectives).
///
/// Reproducibility: every trial draws from its own stream, `SeededRNG(seed:trialNumber:purpose:)`,
/// so with a seed the same trial history gives the same params in any process. The first
/// `nStartupTrials` trials are sampled exactly as `RandomSampler(seed:)` would sample them.
///
/// Differences from Optuna: the random streams differ (numpy's are not reproduced); the params
/// jointly sampled for a RUNNING trial are known to the constant liar only inside this process
/// (plus its suggested params, and Optuna's `tpe:relative_params` attrs when a Python worker wrote
/// them); hpotop does not write `tpe:relative_params` itself. In a finite joint space the best
/// candidate that repeats no trial is kept (see `sample`); Optuna keeps the best candidate.
public struct TPESampler: Sampler {
  public let seed: UInt64
  public let options: TPEOptions
  public var name: String { "tpe" }
  public var beforeTrialWrites: Bool { false }

  private var space = TPESearchSpace()
  private var observationCaches: [SpaceKey: ObservationCache] = [:]
  /// Per finite space: the grid positions of finished trials already read (each is read once).
  private var takenCaches: [SpaceKey: TakenConfigs<[Int]>] = [:]
  /// Jointly sampled params of trials this process started and that have not finished yet.
  private var pendingRelative: [Int: OrderedDictionary<String, ParamValue>] = [:]
  private var lastGroups: [OrderedDictionary<String, Distribution>] = []

  /// A sampler with a fixed seed (or a random one when `nil`) and Optuna 5's defaults unless
  /// `options` says otherwise.
  public init(seed: UInt64? = nil, options: TPEOptions = TPEOptions()) {
    self.seed = seed ?? UInt64.random(in: .min ... .max)
    self.options = options
  }

  func isMultivariate(_ context: SamplingContext) -> Bool {
    if let m = options.multivariate { return m }
    if options.group { return true }
    return context.directions.count <= 1
  }

  // MARK: Sampler

  public mutating func inferRelativeSearchSpace(_ context: SamplingContext, trial: FrozenTrial)
    -> OrderedDictionary<String, Distribution>
  {
    guard isMultivariate(context) else { return [:] }
    space.update(context)
    if options.group {
      lastGroups = space.relativeGroups
      var out = OrderedDictionary<String, Distribution>()
      for g in lastGroups { for (k, v) in g { out[k] = v } }
      return out
    }
    return space.relativeSpace
  }

  public mutating func sampleRelative(
    _ context: SamplingContext, trial: FrozenTrial, searchSpace: OrderedDictionary<String, Distribution>
  ) -> OrderedDictionary<String, ParamValue> {
    if searchSpace.isEmpty || finishedCount(context) < options.nStartupTrials { return [:] }
    var out = OrderedDictionary<String, ParamValue>()
    if options.group {
      for (gi, g) in lastGroups.enumerated() {
        let sub = g.filter { searchSpace[$0.key] != nil }
        if sub.isEmpty { continue }
        let values = sample(context, trial: trial, space: sub, purpose: "tpe:relative:\(gi)")
        for (k, v) in values { out[k] = v }
      }
    } else {
      out = sample(
        context, trial: trial, space: searchSpace, purpose: "tpe:relative", avoidRepeats: true)
    }
    if !out.isEmpty && options.constantLiar {
      if pendingRelative.count > 256 {
        let running = Set(context.trials.lazy.filter { $0.state == .running }.map(\.number))
        pendingRelative = pendingRelative.filter { running.contains($0.key) }
      }
      pendingRelative[trial.number] = out
    }
    return out
  }

  public mutating func sampleIndependent(
    _ context: SamplingContext, trial: FrozenTrial, name: String, distribution: Distribution
  ) -> ParamValue {
    if distribution.isSingle || finishedCount(context) < options.nStartupTrials {
      var rng = SeededRNG(seed: seed, trialNumber: trial.number, purpose: name)
      return sampleUniformly(distribution, rng: &rng)
    }
    let values = sample(context, trial: trial, space: [name: distribution], purpose: "tpe:" + name)
    if let v = values[name] { return v }
    var rng = SeededRNG(seed: seed, trialNumber: trial.number, purpose: name)
    return sampleUniformly(distribution, rng: &rng)
  }

  public mutating func afterTrial(
    _ context: SamplingContext, trial: FrozenTrial, state: TrialState, values: [Double]?
  ) {
    pendingRelative[trial.number] = nil
  }

  private func finishedCount(_ context: SamplingContext) -> Int {
    var n = 0
    for i in context.trials.indices {
      let s = context.trials[i].state
      if s == .complete || s == .pruned { n += 1 }
    }
    return n
  }

  // MARK: The TPE step

  /// Samples the params of `space` jointly: split, fit l and g, draw candidates from l, keep
  /// the best l/g. Returns external values.
  ///
  /// With `avoidRepeats`, in a finite space (ints, stepped floats and choices only), the best
  /// candidate that no finished or running trial already has is kept: re-running a configuration
  /// of a space with no continuous param spends a trial to learn nothing new. Only when every
  /// candidate of four draws repeats a trial is the best repeat proposed.
  mutating func sample(
    _ context: SamplingContext, trial: FrozenTrial, space: OrderedDictionary<String, Distribution>,
    purpose: String, avoidRepeats: Bool = false
  ) -> OrderedDictionary<String, ParamValue> {
    let trials = context.trials
    var pool: [Int] = []
    pool.reserveCapacity(trials.count)
    var nFinished = 0
    for i in trials.indices {
      switch trials[i].state {
      case .complete, .pruned:
        pool.append(i)
        nFinished += 1
      case .running where options.constantLiar && trials[i].number != trial.number:
        pool.append(i)
      default:
        break
      }
    }
    let multiObjective = context.directions.count > 1
    let gamma = options.gamma
      ?? (multiObjective ? TPEOptions.defaultGammaMultiObjective : TPEOptions.defaultGamma)
    let split = Self.splitTrials(
      trials, pool: pool, directions: context.directions, nBelow: max(0, gamma(nFinished)))

    let key = SpaceKey(names: Array(space.keys), distributions: Array(space.values))
    let dims = space.values.map(KernelDim.init)
    var cache = observationCaches.removeValue(forKey: key) ?? ObservationCache(width: dims.count)
    let (obsBelow, nBelow, orderBelow) = cache.gather(
      trials, split.below, key: key, dims: dims, extra: extraParams)
    let (obsAbove, nAbove, orderAbove) = cache.gather(
      trials, split.above, key: key, dims: dims, extra: extraParams)
    if observationCaches.count > 64 { observationCaches.removeAll() }
    observationCaches[key] = cache

    let weightsBelow = multiObjective
      ? [Double](repeating: 1, count: nBelow) : Self.weights(options.weights, nBelow)
    let below = ParzenEstimator(
      dims: dims, observations: obsBelow, n: nBelow, weights: weightsBelow,
      priorWeight: options.priorWeight, magicClip: options.considerMagicClip,
      endpoints: options.considerEndpoints, sortedOrders: orderBelow, kernelSpace: true)
    let above = ParzenEstimator(
      dims: dims, observations: obsAbove, n: nAbove, weights: Self.weights(options.weights, nAbove),
      priorWeight: options.priorWeight, magicClip: options.considerMagicClip,
      endpoints: options.considerEndpoints, sortedOrders: orderAbove, kernelSpace: true)

    var rng = SeededRNG(seed: seed, trialNumber: trial.number, purpose: purpose)
    let m = options.nEICandidates
    let finite = avoidRepeats && dims.allSatisfy { $0.kind != .continuous }
    var firstChoice: OrderedDictionary<String, ParamValue>?
    var taken = TakenConfigs<[Int]>()
    if finite {
      taken = takenCaches.removeValue(forKey: key) ?? TakenConfigs()
      let extra = extraParams
      taken.update(space: space, trials: trials, indices: pool) { t in
        let pending = t.state.isFinished ? nil : extra(t)
        return TakenConfigs.gridPosition(in: space) { t.params[$0] ?? pending?[$0] }
      }
      if takenCaches.count > 64 { takenCaches.removeAll() }
      takenCaches[key] = taken
    }
    // More draws only while the space has a point no trial has.
    let moreDraws = finite && Double(taken.count) < TakenConfigs.gridSize(space)
    for _ in 0..<(moreDraws ? 4 : 1) {
      let candidates = below.sample(count: m, rng: &rng)
      let lb = below.logPdf(candidates, count: m)
      let la = above.logPdf(candidates, count: m)
      // Best first; ties (and NaN scores) keep the earlier candidate.
      let score = (0..<m).map { c -> Double in
        let s = lb[c] - la[c]
        return s.isNaN ? -.infinity : s
      }
      let order = finite
        ? (0..<m).sorted { a, b in score[a] > score[b] || (score[a] == score[b] && a < b) }
        : [score.indices.reduce(0) { score[$1] > score[$0] ? $1 : $0 }]
      for c in order {
        var out = OrderedDictionary<String, ParamValue>()
        for (d, (name, distribution)) in space.enumerated() {
          out[name] = distribution.toExternal(candidates[c * dims.count + d])
        }
        if !finite { return out }
        if firstChoice == nil { firstChoice = out }
        if let point = TakenConfigs.gridPosition(in: space, { out[$0] }), !taken.contains(point) { return out }
      }
    }
    return firstChoice ?? [:]
  }

  /// The params the constant liar assumes for a RUNNING trial beyond those already suggested.
  private var extraParams: (FrozenTrial) -> OrderedDictionary<String, ParamValue>? {
    let pending = pendingRelative
    return { t in
      if let p = pending[t.number] { return p }
      return Self.relativeParamsAttr(t)
    }
  }

  /// Optuna's `tpe:relative_params:<i>` chunks, written by Python workers for RUNNING trials.
  static func relativeParamsAttr(_ t: FrozenTrial) -> OrderedDictionary<String, ParamValue>? {
    guard t.systemAttrs["tpe:relative_params:0"] != nil else { return nil }
    var text = ""
    var i = 0
    while let chunk = t.systemAttrs["tpe:relative_params:\(i)"]?.stringValue {
      text += chunk
      i += 1
    }
    guard let obj = (try? JSONValue(parsing: text))?.objectValue else { return nil }
    var out = OrderedDictionary<String, ParamValue>()
    for (k, v) in obj { if let p = ParamValue(json: v) { out[k] = p } }
    return out
  }

  static func weights(_ f: (Int) -> [Double], _ n: Int) -> [Double] {
    var w = Array(f(n).prefix(n))
    if w.count < n { w += [Double](repeating: 1, count: n - w.count) }
    if w.contains(where: { !$0.isFinite || $0 < 0 }) || (n > 0 && w.reduce(0, +) <= 0) {
      return [Double](repeating: 1, count: n)
    }
    return w
  }
}

/// A search space as a dictionary key.
struct SpaceKey: Hashable, Sendable {
  let names: [String]
  let distributions: [Distribution]
}

/// Kernel-space values (`KernelDim.transform` of the internal ones; categorical: the index) of
/// finished trials for one search space, computed once per trial and kept in one flat array
/// (finished trials never change), with every dimension's values kept sorted, so that a fit of
/// many observations finds their sorted order by one pass instead of a sort.
struct ObservationCache: Sendable {
  /// One finished row in a dimension's sorted list: its kernel-space value, trial number, slot.
  struct Sorted: Sendable {
    var value: Double
    var number: Int32
    var slot: Int32
  }

  let width: Int
  /// Per trial number: the trial's id and its row offset into `rows` (−1 when the trial lacks a
  /// param of the space); id −1 when not cached. An array by number, not a dictionary by id,
  /// spares a hash per trial and fit; the id check keeps it right for any trial list.
  private var cachedID: [Int64] = []
  private var rowOf: [Int32] = []
  private var rows: [Double] = []
  /// Per dimension, every finished row by (kernel-space value, trial number).
  private var sorted: [[Sorted]]
  private var scratch: [Double]

  init(width: Int) {
    self.width = width
    scratch = [Double](repeating: 0, count: width)
    sorted = [[Sorted]](repeating: [], count: width)
  }

  /// The observations of some trials in kernel space, dimension-major, their count, and (when
  /// every one is a finished trial) each dimension's argsort by (kernel-space value, position),
  /// as `ParzenEstimator` needs it (a few observations are left to its sort). Trials that lack a param or hold a value that does not fit are
  /// left out, as Optuna does. `indices` must be ascending positions of trials sorted by number.
  mutating func gather(
    _ trials: [FrozenTrial], _ indices: [Int], key: SpaceKey, dims: [KernelDim],
    extra: (FrozenTrial) -> OrderedDictionary<String, ParamValue>?
  ) -> ([Double], Int, [[Int32]]?) {
    var found: [Int32] = []
    found.reserveCapacity(indices.count)
    var liveRows: [Double] = []
    for i in indices {
      let id = trials[i].id, number = trials[i].number
      if trials[i].state.isFinished {
        if number >= 0 && number < cachedID.count && cachedID[number] == id {
          let r = rowOf[number]
          if r >= 0 { found.append(r) }
          continue
        }
        var r: Int32 = -1
        if Self.row(trials[i].params, nil, key: key, dims: dims, into: &scratch) {
          r = Int32(rows.count)
          rows.append(contentsOf: scratch)
          found.append(r)
          insertSorted(slot: r / Int32(max(1, width)), number: number, dims: dims)
        }
        if number >= 0 {
          if number >= cachedID.count {
            let grow = max(number + 1 - cachedID.count, cachedID.count)
            cachedID.append(contentsOf: repeatElement(-1, count: grow))
            rowOf.append(contentsOf: repeatElement(-1, count: grow))
          }
          cachedID[number] = id
          rowOf[number] = r
        }
      } else if Self.row(trials[i].params, extra(trials[i]), key: key, dims: dims, into: &scratch) {
        // Live rows are marked with negative offsets below −1.
        found.append(-2 - Int32(liveRows.count / max(1, width)))
        liveRows.append(contentsOf: scratch)
      }
    }
    let n = found.count
    var out = [Double](repeating: 0, count: n * width)
    for (j, r) in found.enumerated() {
      if r >= 0 {
        let base = Int(r)
        for d in 0..<width { out[d * n + j] = rows[base + d] }
      } else {
        let base = Int(-2 - r) * width
        for d in 0..<width { out[d * n + j] = liveRows[base + d] }
      }
    }
    // Filtering the sorted lists costs a pass over every finished row: worth it only when the
    // observations are a good share of them.
    guard liveRows.isEmpty, width > 0, n > 0, n * 8 >= rows.count / width else { return (out, n, nil) }
    // Observation j of each finished slot; the sorted lists, filtered, give the argsorts.
    var jOfSlot = [Int32](repeating: -1, count: rows.count / width)
    for (j, r) in found.enumerated() { jOfSlot[Int(r) / width] = Int32(j) }
    var orders = [[Int32]](repeating: [], count: width)
    for d in 0..<width where dims[d].kind != .categorical {
      var order: [Int32] = []
      order.reserveCapacity(n)
      for e in sorted[d] {
        let j = jOfSlot[Int(e.slot)]
        if j >= 0 { order.append(j) }
      }
      orders[d] = order
    }
    return (out, n, orders)
  }

  /// Files a new finished row into every dimension's sorted list.
  private mutating func insertSorted(slot: Int32, number: Int, dims: [KernelDim]) {
    let base = Int(slot) * width
    for d in 0..<width where dims[d].kind != .categorical {
      let e = Sorted(value: rows[base + d], number: Int32(number), slot: slot)
      var lo = 0, hi = sorted[d].count
      while lo < hi {
        let mid = (lo + hi) >> 1
        let m = sorted[d][mid]
        if m.value < e.value || (m.value == e.value && m.number < e.number) { lo = mid + 1 } else { hi = mid }
      }
      sorted[d].insert(e, at: lo)
    }
  }

  private static func row(
    _ params: OrderedDictionary<String, ParamValue>, _ extra: OrderedDictionary<String, ParamValue>?,
    key: SpaceKey, dims: [KernelDim], into out: inout [Double]
  ) -> Bool {
    for d in key.names.indices {
      let name = key.names[d]
      guard let value = params[name] ?? extra?[name],
        let x = key.distributions[d].toInternal(value), x.isFinite
      else { return false }
      let dim = dims[d]
      if dim.log && !(x - dim.step / 2 > 0) { return false }
      out[d] = dim.kind == .categorical ? x : dim.transform(x)
    }
    return true
  }
}

extension SamplerKind {
  public static let tpe = SamplerKind(
    name: "tpe",
    optionsDoc: "`n_startup_trials` 10, `n_ei_candidates` 24, `prior_weight` 1.0 (≥ 0), `consider_magic_clip` true, `consider_endpoints` false, `multivariate` (true for one objective), `group` false, `constant_liar` true",
    conformanceSampler: { seed, _ in TPESampler(seed: seed) }
  ) { seed, options, _, _ in
    var o = TPEOptions()
    o.nStartupTrials = try options.int("n_startup_trials", min: 0) ?? o.nStartupTrials
    o.nEICandidates = try options.int("n_ei_candidates", min: 1) ?? o.nEICandidates
    o.priorWeight = try options.double("prior_weight", min: 0) ?? o.priorWeight
    o.considerMagicClip = try options.bool("consider_magic_clip") ?? o.considerMagicClip
    o.considerEndpoints = try options.bool("consider_endpoints") ?? o.considerEndpoints
    o.multivariate = try options.bool("multivariate") ?? o.multivariate
    o.group = try options.bool("group") ?? o.group
    o.constantLiar = try options.bool("constant_liar") ?? o.constantLiar
    try options.finish()
    return TPESampler(seed: seed, options: o)
  }
}
