import Foundation
import OrderedCollections

/// BOHB's model-based sampler (Falkner, Klein, Hutter, "BOHB: Robust and Efficient
/// Hyperparameter Optimization at Scale", ICML 2018; reference implementation HpBandSter
/// `optimizers/config_generators/bohb.py`), adapted to asynchronous trials that report
/// intermediate values and are stopped by a Hyperband pruner.
///
/// - **Budgets** are report steps: the model for budget `b` is built from the values trials
///   reported at step `b` (a PRUNED trial contributes every step it reached; a COMPLETE trial
///   that reported nothing contributes its final value at a budget above every step).
/// - **Model choice**: the largest budget with enough observations, i.e. at least
///   `minPointsInModel` (≥ d+1) and, once split into the best `max(minPts, 15%·n)` ("good")
///   and the next `max(minPts, 85%·n)` ("bad"), more than d rows in each set.
/// - **Proposal**: with probability `randomFraction` (0.1; the paper and HpBandSter use 1/3,
///   docs/bohb.md §12), or with no model, uniform random (the independent step). Otherwise `numSamples` candidates are drawn around good rows with
///   widened bandwidths, and the one minimising `g(x)/l(x)` is taken.
/// - Numeric params are encoded in the unit cube (log-scaled when the distribution is), ints and
///   stepped floats with half a step of margin; categorical params by choice index. Params a row
///   lacks (conditional ones) are imputed as HpBandSter does: from a random row of the same set
///   that has them, else a random value.
///
/// The relative search space is the intersection of the COMPLETE trials' params. Every trial
/// draws from its own seeded stream, so a seed reproduces the run. Pair it with
/// `BOHBSampler.defaultPruner(…)`. Differences from the paper and HpBandSter: docs/bohb.md.
public struct BOHBSampler: Sampler {
  public let seed: UInt64
  /// `nil` means d+1; smaller values are raised to d+1, as in HpBandSter.
  public let minPointsInModel: Int?
  public let topNPercent: Int
  public let numSamples: Int
  public let randomFraction: Double
  public let bandwidthFactor: Double
  public let minBandwidth: Double
  /// The steps that count as budgets (the pruner's rung steps); `nil` takes every reported step.
  public let budgets: Set<Int>?
  /// The smallest budget whose model may propose (`nil`: any). Below it, values reported early
  /// may rank configurations against their final order (crossing learning curves).
  public let minModelBudget: Int?
  /// A budget below the largest observed one builds a model only when it ranks the trials seen at
  /// both as the largest does, each judged by its extrapolated curve (`RungTrust`, default
  /// `.bohbDefault`; `nil`: every budget on its reported values, as HpBandSter).
  public let rungTrust: RungTrust?

  public var name: String { "bohb" }
  public var beforeTrialWrites: Bool { false }

  /// The share of trials sampled at random: 0.1, where the paper and HpBandSter use 1/3 (with the
  /// curve stop a random trial costs little on crossing curves, and fewer of them win counting
  /// ones at equal steps; docs/bohb.md §12).
  public static let defaultRandomFraction = 0.1

  /// The pseudo-budget of final values of trials that reported no intermediate value.
  public static let finalBudget = Int.max

  public init(
    seed: UInt64? = nil, minPointsInModel: Int? = nil, topNPercent: Int = 15, numSamples: Int = 64,
    randomFraction: Double = BOHBSampler.defaultRandomFraction, bandwidthFactor: Double = 3, minBandwidth: Double = 1e-3,
    budgets: Set<Int>? = nil, minModelBudget: Int? = nil, rungTrust: RungTrust? = .bohbDefault
  ) {
    self.seed = seed ?? UInt64.random(in: .min ... .max)
    self.minPointsInModel = minPointsInModel
    self.topNPercent = topNPercent
    self.numSamples = max(1, numSamples)
    self.randomFraction = randomFraction
    self.bandwidthFactor = bandwidthFactor
    self.minBandwidth = minBandwidth
    self.budgets = budgets
    self.minModelBudget = minModelBudget
    self.rungTrust = rungTrust
  }

  /// The Hyperband pruner BOHB runs with: Optuna's bracket assignment, the sampler seeing
  /// every bracket's trials (HpBandSter's models are shared by all brackets), and, when
  /// `maxResource` is known, two hpotop departures from Optuna's ASHA (docs/bohb.md §9-10):
  /// `bootstrapCount` η−1 (`nil`; 0 turns it off), so the first η−1 trials of each rung stop
  /// there, and `promotionWindow` η (`nil`; 0 turns it off), so a trial is promoted when it is
  /// the best of the last η trials that completed its rung, as in synchronous successive halving
  /// on consecutive batches of η. `rungTrust` (`.bohbDefault`; `nil`: Optuna's rungs) lets a rung
  /// prune only where its ranking, by extrapolated curves, agrees with the largest step's (§11).
  /// `curveStop` (`.bohbDefault`; `nil`: off) also stops a trial whose extrapolated curve cannot
  /// beat the best value at the largest step, and keeps one a rung would stop while its curve
  /// leads (§12). A trial that reported the maximum resource finishes (`finishesAtMaxResource`).
  public static func defaultPruner(
    minResource: Int = 1, maxResource: Int? = nil, reductionFactor: Int = 3,
    rule: HyperbandBracketTable.Rule = .paperAlgorithm, bootstrapCount: Int? = nil,
    promotionWindow: Int? = nil, rungTrust: RungTrust? = .bohbDefault, curveStop: CurveStop? = .bohbDefault
  ) throws -> HyperbandPruner {
    let bootstrap = bootstrapCount ?? (maxResource == nil ? 0 : max(reductionFactor - 1, 0))
    let window = promotionWindow ?? (maxResource == nil ? 0 : reductionFactor)
    return try HyperbandPruner(
      minResource: minResource, maxResource: maxResource, reductionFactor: reductionFactor,
      bootstrapCount: bootstrap, rule: rule, filtersSamplerView: false,
      promotionWindow: window > 0 ? window : nil, rungTrust: rungTrust, curveStop: curveStop,
      finishesAtMaxResource: true)
  }

  // MARK: Sampler

  public mutating func inferRelativeSearchSpace(_ context: SamplingContext, trial: FrozenTrial)
    -> OrderedDictionary<String, Distribution>
  {
    Self.intersectionSearchSpace(context.trials([.complete]))
  }

  public mutating func sampleRelative(
    _ context: SamplingContext, trial: FrozenTrial, searchSpace: OrderedDictionary<String, Distribution>
  ) -> OrderedDictionary<String, ParamValue> {
    propose(context, trialNumber: trial.number, searchSpace: searchSpace).params
  }

  public mutating func sampleIndependent(
    _ context: SamplingContext, trial: FrozenTrial, name: String, distribution: Distribution
  ) -> ParamValue {
    var rng = SeededRNG(seed: seed, trialNumber: trial.number, purpose: name)
    return sampleUniformly(distribution, rng: &rng)
  }

  // MARK: Model

  /// A proposal and how it was made (for tests and logs).
  public struct Proposal: Sendable {
    /// Empty when the trial is sampled at random.
    public var params: OrderedDictionary<String, ParamValue>
    /// The budget whose model made the proposal, `nil` for a random one.
    public var modelBudget: Int?
  }

  /// The good/bad density pair of one budget.
  public struct Model: Sendable {
    public let budget: Int
    public let good: BOHBKDE
    public let bad: BOHBKDE
  }

  /// The proposal for trial `trialNumber` given the context (pure: the same inputs give the same
  /// proposal).
  public func propose(
    _ context: SamplingContext, trialNumber: Int, searchSpace: OrderedDictionary<String, Distribution>
  ) -> Proposal {
    let space = searchSpace.filter { !$0.value.isSingle }
    guard !space.isEmpty else { return Proposal(params: [:], modelBudget: nil) }
    var rng = SeededRNG(seed: seed, trialNumber: trialNumber, purpose: "bohb")
    let random = rng.uniform() < randomFraction
    guard !random, let model = model(context, searchSpace: space, rng: &rng) else {
      return Proposal(params: [:], modelBudget: nil)
    }
    var best: [Double]?
    var bestScore = Double.infinity
    for _ in 0..<numSamples {
      let x = model.good.sampleCandidate(bandwidthFactor: bandwidthFactor, minBandwidth: minBandwidth, rng: &rng)
      let score = model.bad.logPDF(x) - model.good.logPDF(x)  // log(g/l)
      if score.isNaN { continue }
      if best == nil || score < bestScore {
        best = x
        bestScore = score
      }
    }
    guard let best else { return Proposal(params: [:], modelBudget: nil) }
    var params = OrderedDictionary<String, ParamValue>()
    for (j, (name, d)) in space.enumerated() { params[name] = BOHBEncoding.decode(best[j], d) }
    return Proposal(params: params, modelBudget: model.budget)
  }

  /// The model of the largest budget with enough observations, or `nil` when none has.
  public func model(
    _ context: SamplingContext, searchSpace space: OrderedDictionary<String, Distribution>,
    rng: inout SeededRNG
  ) -> Model? {
    let direction = context.directions.first ?? .minimize
    let d = space.count
    let minPts = max(minPointsInModel ?? d + 1, d + 1)
    let dims = space.values.map(BOHBEncoding.dim)
    // Observations by budget: (loss, trial number, encoded row).
    var byBudget: [Int: [(loss: Double, number: Int, row: [Double])]] = [:]
    for t in context.trials where t.state != .waiting {
      let row = space.map { name, dist -> Double in
        guard let v = t.params[name] else { return .nan }
        return BOHBEncoding.encode(v, dist)
      }
      func loss(_ v: Double) -> Double {
        let l = direction.normalized(v)
        return l.isFinite ? l : .infinity
      }
      if t.intermediateValues.isEmpty {
        if t.state == .complete, let v = t.value {
          byBudget[Self.finalBudget, default: []].append((loss(v), t.number, row))
        }
        continue
      }
      for (step, v) in t.intermediateValues where budgets?.contains(step) ?? true {
        byBudget[step, default: []].append((loss(v), t.number, row))
      }
    }
    let top = byBudget.keys.max()
    let byNumber = rungTrust?.extrapolates == true
      ? Dictionary(context.trials.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a }) : [:]
    for budget in byBudget.keys.sorted(by: >) where budget >= minModelBudget ?? .min {
      guard var obs = byBudget[budget], obs.count >= minPts else { continue }
      if let rungTrust, let top, budget < top {
        if rungTrust.extrapolates, top != Self.finalBudget {
          // Each trial as its curve up to this budget predicts it at the top budget.
          obs = obs.map { o in
            guard let t = byNumber[o.number], let v = rungTrust.judgedValue(t, step: budget, top: top) else { return o }
            let l = direction.normalized(v)
            return (l.isFinite ? l : .infinity, o.number, o.row)
          }
        }
        if !Self.trusts(rungTrust, obs, byBudget[top] ?? []) { continue }
      }
      let n = obs.count
      let nGood = max(minPts, topNPercent * n / 100)
      let nBad = max(minPts, (100 - topNPercent) * n / 100)
      let sorted = obs.sorted { ($0.loss, $0.number) < ($1.loss, $1.number) }
      let goodRows = sorted.prefix(nGood).map(\.row)
      let badRows = sorted.dropFirst(nGood).prefix(nBad).map(\.row)
      guard goodRows.count > d, badRows.count > d else { continue }
      let good = BOHBKDE(data: Self.impute(goodRows, dims: dims, rng: &rng), dims: dims, minBandwidth: minBandwidth)
      let bad = BOHBKDE(data: Self.impute(badRows, dims: dims, rng: &rng), dims: dims, minBandwidth: minBandwidth)
      return Model(budget: budget, good: good, bad: bad)
    }
    return nil
  }

  /// Whether observations at one budget rank the trials seen at both as `topObs` do.
  static func trusts(_ trust: RungTrust, _ obs: [(loss: Double, number: Int, row: [Double])],
                     _ topObs: [(loss: Double, number: Int, row: [Double])]) -> Bool {
    var atTop: [Int: Double] = [:]
    for o in topObs where o.loss.isFinite { atTop[o.number] = o.loss }
    var early: [Double] = []
    var final: [Double] = []
    for o in obs where o.loss.isFinite {
      guard let f = atTop[o.number] else { continue }
      early.append(o.loss)
      final.append(f)
    }
    return trust.trusts(early: early, final: final)
  }

  /// HpBandSter's `impute_conditional_data`: a row's missing values are copied from one random
  /// row of the same set that has the first of them, else drawn at random. (HpBandSter's loop
  /// test `np.any(nan_indices)` skips a row whose only NaN is in column 0; hpotop imputes it.)
  static func impute(_ rows: [[Double]], dims: [BOHBKDE.Dim], rng: inout SeededRNG) -> [[Double]] {
    rows.map { original in
      var datum = original
      while let j = datum.firstIndex(where: \.isNaN) {
        let valid = rows.indices.filter { !rows[$0][j].isNaN }
        if !valid.isEmpty {
          let donor = rows[valid[Int(rng.next() % UInt64(valid.count))]]
          for k in datum.indices where datum[k].isNaN { datum[k] = donor[k] }
        } else {
          switch dims[j] {
          case .continuous: datum[j] = rng.uniform()
          case .categorical(let c): datum[j] = Double(rng.next() % UInt64(c))
          }
        }
      }
      return datum
    }
  }

  /// Params present with the same distribution in every given trial, in the first trial's order
  /// (Optuna's `IntersectionSearchSpace` over COMPLETE trials).
  public static func intersectionSearchSpace(_ trials: [FrozenTrial]) -> OrderedDictionary<String, Distribution> {
    guard var space = trials.first?.distributions else { return [:] }
    for t in trials.dropFirst() {
      space = space.filter { t.distributions[$0.key] == $0.value }
      if space.isEmpty { break }
    }
    return space
  }
}

extension SamplerKind {
  /// BOHB brings Hyperband, and keeps one model over all its brackets (as HpBandSter).
  public static let bohb = SamplerKind(
    name: "bohb",
    optionsDoc: "`min_points_in_model` (d+1), `top_n_percent` 15 (1…99), `num_samples` 64, `random_fraction` 0.1 (0…1), `bandwidth_factor` 3 (> 0), `min_bandwidth` 0.001 (≥ 0); brings `pruner: hyperband` unless one is named",
    companionPruner: { try BOHBSampler.defaultPruner() }, seesOneHyperbandBracket: false,
    conformanceSampler: { seed, _ in BOHBSampler(seed: seed) }
  ) { seed, options, _, _ in
    let sampler = BOHBSampler(
      seed: seed, minPointsInModel: try options.int("min_points_in_model", min: 1),
      topNPercent: try options.int("top_n_percent", min: 1, max: 99) ?? 15,
      numSamples: try options.int("num_samples", min: 1) ?? 64,
      randomFraction: try options.double("random_fraction", min: 0, max: 1) ?? BOHBSampler.defaultRandomFraction,
      bandwidthFactor: try options.double("bandwidth_factor", min: 0, excludingMin: true) ?? 3,
      minBandwidth: try options.double("min_bandwidth", min: 0) ?? 1e-3)
    try options.finish()
    return sampler
  }
}
