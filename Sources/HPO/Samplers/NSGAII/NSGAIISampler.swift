import Foundation
import OrderedCollections

/// NSGA-II for multi-objective studies (Deb et al., "A fast and elitist multiobjective genetic
/// algorithm: NSGA-II", IEEE TEC 2002), with Optuna's `NSGAIISampler` defaults and semantics:
/// population 50; generation 0 is random; each later child comes from two parents picked by
/// binary tournament (the first wins if it dominates the second), uniform crossover with
/// probability 0.9 (swapping probability 0.5), and uniform mutation: each param is dropped with
/// probability 1/#params and re-drawn at random. The elite population of a generation is chosen
/// by non-dominated rank, then crowding distance. Infeasible trials rank after feasible ones.
///
/// The generation is stored in the trial system attr `NSGAIISampler:generation`, as Optuna does,
/// so several processes (and Python workers) agree on it.
///
/// Difference from Optuna: a child whose configuration a trial already has is bred again (up to
/// `breedingAttempts` times), as pymoo's NSGA2 does with `eliminate_duplicates` (its default;
/// Blank & Deb, "pymoo: multi-objective optimization in Python", IEEE Access 2020). Optuna's child
/// copies its first parent whenever it neither crosses nor mutates (about 1 in 30 children with
/// Optuna's defaults), and in a finite space children repeat trials often.
public struct NSGAIISampler: Sampler {
  public let seed: UInt64
  public let populationSize: Int
  public let crossoverProbability: Double
  public let swappingProbability: Double
  /// `nil`: 1 / max(1, number of params).
  public let mutationProbability: Double?
  /// Breed a child again when a trial already has its configuration (pymoo's default; Optuna
  /// does not).
  public let eliminateDuplicates: Bool
  private var populations: [Int: [Int64]] = [:]
  /// The configurations trials have in the last search space a child was bred in.
  private var taken = TakenConfigs<[ParamValue]>()
  private var takenSpace: [String] = []
  /// Children bred for one trial before a repeat is accepted.
  static let breedingAttempts = 16

  public static let generationKey = "NSGAIISampler:generation"
  public var name: String { "nsga2" }

  public init(
    seed: UInt64? = nil, populationSize: Int = 50, crossoverProbability: Double = 0.9,
    swappingProbability: Double = 0.5, mutationProbability: Double? = nil, eliminateDuplicates: Bool = true
  ) {
    self.seed = seed ?? UInt64.random(in: .min ... .max)
    self.populationSize = max(2, populationSize)
    self.crossoverProbability = crossoverProbability
    self.swappingProbability = swappingProbability
    self.mutationProbability = mutationProbability
    self.eliminateDuplicates = eliminateDuplicates
  }

  /// The generation of a trial, from its system attr.
  static func generation(of t: FrozenTrial) -> Int? { t.systemAttrs[generationKey]?.intValue }

  /// Assigns the generation: the newest one, or the next once the newest holds a population.
  public func beforeTrial(_ context: SamplingContext, trial: FrozenTrial) async throws {
    if Self.generation(of: trial) != nil { return }
    let others = context.trials.filter { $0.id != trial.id }
    let newest = others.compactMap(Self.generation).max() ?? 0
    let inNewest = others.filter { Self.generation(of: $0) == newest }.count
    let generation = inNewest >= populationSize ? newest + 1 : newest
    try await context.storage.setTrialSystemAttr(trial: trial.id, key: Self.generationKey, value: .int(generation))
  }

  public mutating func inferRelativeSearchSpace(_ context: SamplingContext, trial: FrozenTrial)
    -> OrderedDictionary<String, Distribution>
  {
    BOHBSampler.intersectionSearchSpace(context.trials([.complete]))
  }

  public mutating func sampleRelative(
    _ context: SamplingContext, trial: FrozenTrial, searchSpace: OrderedDictionary<String, Distribution>
  ) -> OrderedDictionary<String, ParamValue> {
    guard let generation = Self.generation(of: trial), generation > 0, !searchSpace.isEmpty else { return [:] }
    let byID = Dictionary(uniqueKeysWithValues: context.trials.map { ($0.id, $0) })
    let parents = population(generation - 1, context: context).compactMap { byID[$0] }
    guard parents.count >= 2 else { return [:] }
    guard eliminateDuplicates else {
      return Self.breed(
        parents, space: searchSpace, seed: seed, trial: trial.number, suffix: "", directions: context.directions,
        crossover: crossoverProbability, swapping: swappingProbability,
        mutation: mutationProbability ?? 1 / Double(max(1, searchSpace.count))
      ).child
    }
    let names = Array(searchSpace.keys)
    if names != takenSpace { (taken, takenSpace) = (TakenConfigs(), names) }
    // `update` keeps only trials whose params are the space's, so equal counts mean all of them.
    taken.update(space: searchSpace, trials: context.trials, indices: context.trials.indices) { t in
      t.id == trial.id || t.params.count != names.count ? nil : names.map { t.params[$0]! }
    }
    var first: OrderedDictionary<String, ParamValue>?
    for attempt in 0..<Self.breedingAttempts {
      // The first child is Optuna's: its mutated params are left to `sampleIndependent`, whose
      // streams give the values checked here. A repeat is bred again from other streams.
      let (child, whole) = Self.breed(
        parents, space: searchSpace, seed: seed, trial: trial.number, suffix: attempt == 0 ? "" : "#\(attempt)",
        directions: context.directions, crossover: crossoverProbability, swapping: swappingProbability,
        mutation: mutationProbability ?? 1 / Double(max(1, searchSpace.count)))
      if first == nil { first = child }
      if !taken.contains(names.map { whole[$0]! }) { return attempt == 0 ? child : whole }
    }
    return first ?? [:]
  }

  /// One child of two tournament winners, from the streams named with `suffix`: `child` has the
  /// params taken from a parent (the mutated ones are left out, for `sampleIndependent` to draw
  /// from their own streams), `whole` has those draws too.
  static func breed(
    _ parents: [FrozenTrial], space: OrderedDictionary<String, Distribution>, seed: UInt64, trial: Int,
    suffix: String, directions: [StudyDirection], crossover: Double, swapping: Double, mutation: Double
  ) -> (child: OrderedDictionary<String, ParamValue>, whole: OrderedDictionary<String, ParamValue>) {
    var rng = SeededRNG(seed: seed, trialNumber: trial, purpose: "nsga2" + suffix)
    let a = tournament(parents, directions: directions, rng: &rng)
    let b = tournament(parents, directions: directions, rng: &rng)
    let cross = rng.uniform() < crossover
    var child = OrderedDictionary<String, ParamValue>()
    var whole = OrderedDictionary<String, ParamValue>()
    for (name, distribution) in space {
      let from = cross ? (rng.uniform() < swapping ? b : a) : a
      let dropped = rng.uniform() < mutation
      if !dropped, let v = from.params[name] {
        child[name] = v
        whole[name] = v
      } else {
        var mutationRNG = SeededRNG(seed: seed, trialNumber: trial, purpose: name + suffix)
        whole[name] = sampleUniformly(distribution, rng: &mutationRNG)
      }
    }
    return (child, whole)
  }

  public mutating func sampleIndependent(
    _ context: SamplingContext, trial: FrozenTrial, name: String, distribution: Distribution
  ) -> ParamValue {
    var rng = SeededRNG(seed: seed, trialNumber: trial.number, purpose: name)
    return sampleUniformly(distribution, rng: &rng)
  }

  /// The elite population that parents generation `g + 1`: the best `populationSize` of
  /// generation g's complete trials together with the population before it.
  mutating func population(_ g: Int, context: SamplingContext) -> [Int64] {
    if let cached = populations[g] { return cached }
    let members = context.trials.filter { $0.state == .complete && Self.generation(of: $0) == g && ($0.values?.count ?? 0) == context.directions.count }
    // A generation is final once it is full; until then it is not cached.
    let previous = g > 0 ? population(g - 1, context: context) : []
    let byID = Dictionary(uniqueKeysWithValues: context.trials.map { ($0.id, $0) })
    let pool = members + previous.compactMap { byID[$0] }.filter { old in !members.contains { $0.id == old.id } }
    let elite = Self.selectElite(pool, size: populationSize, directions: context.directions).map(\.id)
    if members.count >= populationSize { populations[g] = elite }
    return elite
  }

  /// Non-dominated rank first (feasible before infeasible), then crowding distance on the last
  /// front that fits.
  static func selectElite(_ pool: [FrozenTrial], size: Int, directions: [StudyDirection]) -> [FrozenTrial] {
    let feasible = pool.filter(\.isFeasible)
    let infeasible = pool.filter { !$0.isFeasible }.sorted { violation($0) < violation($1) }
    var out: [FrozenTrial] = []
    let ranks = ParetoFront.ranks(of: feasible.map { $0.values ?? [] }, directions: directions)
    let fronts = Dictionary(grouping: feasible.indices, by: { ranks[$0] }).sorted { $0.key < $1.key }
    for (_, indices) in fronts {
      let front = indices.map { feasible[$0] }
      if out.count + front.count <= size {
        out += front
      } else {
        let distances = crowdingDistance(front, directions: directions)
        let order = front.indices.sorted { distances[$0] != distances[$1] ? distances[$0] > distances[$1] : front[$0].number < front[$1].number }
        out += order.prefix(size - out.count).map { front[$0] }
        break
      }
    }
    return out + infeasible.prefix(max(0, size - out.count))
  }

  static func violation(_ t: FrozenTrial) -> Double { (t.constraints ?? []).filter { $0 > 0 }.reduce(0, +) }

  static func crowdingDistance(_ front: [FrozenTrial], directions: [StudyDirection]) -> [Double] {
    var distance = [Double](repeating: 0, count: front.count)
    guard front.count > 2 else { return [Double](repeating: .infinity, count: front.count) }
    for m in directions.indices {
      let order = front.indices.sorted { (front[$0].values?[m] ?? 0) < (front[$1].values?[m] ?? 0) }
      let low = front[order[0]].values?[m] ?? 0, high = front[order[order.count - 1]].values?[m] ?? 0
      distance[order[0]] = .infinity
      distance[order[order.count - 1]] = .infinity
      guard high > low else { continue }
      for k in 1..<(order.count - 1) {
        let gap = (front[order[k + 1]].values?[m] ?? 0) - (front[order[k - 1]].values?[m] ?? 0)
        distance[order[k]] += gap / (high - low)
      }
    }
    return distance
  }

  /// Binary tournament: two random parents, the first wins if it dominates the second.
  static func tournament(_ parents: [FrozenTrial], directions: [StudyDirection], rng: inout SeededRNG) -> FrozenTrial {
    let i = Int(rng.next() % UInt64(parents.count))
    var j = Int(rng.next() % UInt64(parents.count - 1))
    if j >= i { j += 1 }
    let (p, q) = (parents[i], parents[j])
    if p.isFeasible != q.isFeasible { return p.isFeasible ? p : q }
    return ParetoFront.dominates(p.values ?? [], q.values ?? [], directions: directions) ? p : q
  }
}

extension SamplerKind {
  public static let nsga2 = SamplerKind(
    name: "nsga2",
    optionsDoc: "`population_size` 50, `crossover_prob` 0.9, `swapping_prob` 0.5, `mutation_prob` (1/#params); probabilities in 0…1; `eliminate_duplicates` true (breed again a child a trial already has)",
    conformanceSampler: { seed, _ in NSGAIISampler(seed: seed, populationSize: 4) }
  ) { seed, options, _, _ in
    let sampler = NSGAIISampler(
      seed: seed, populationSize: try options.int("population_size", min: 2) ?? 50,
      crossoverProbability: try options.double("crossover_prob", min: 0, max: 1) ?? 0.9,
      swappingProbability: try options.double("swapping_prob", min: 0, max: 1) ?? 0.5,
      mutationProbability: try options.double("mutation_prob", min: 0, max: 1),
      eliminateDuplicates: try options.bool("eliminate_duplicates") ?? true)
    try options.finish()
    return sampler
  }
}
