import OrderedCollections

/// Builds samplers and pruners from the study file's `sampler:` and `pruner:` entries, with
/// positioned errors for unknown names and bad options.
public enum ComponentFactory {
  /// The sampler a study uses when its file names none.
  public static let defaultSamplerName = "tpe"

  /// The sampler for a `sampler:` entry (or the default), for a study with these directions and
  /// this search space (the grid sampler needs the space).
  public static func sampler(_ spec: ComponentSpec?, directions: [StudyDirection], space: SearchSpace) throws
    -> any Sampler
  {
    let name = spec?.name ?? defaultSamplerName
    let seed = spec?.seed
    var options = OptionReader(spec: spec)
    switch name {
    case "random":
      try options.finish()
      return RandomSampler(seed: seed)
    case "tpe":
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
    case "grid":
      let explicit = options.raw("values")
      try options.finish()
      return GridSampler(searchSpace: try gridValues(space: space, explicit: explicit, spec: spec), seed: seed ?? 0)
    case "nsga2":
      let sampler = NSGAIISampler(
        seed: seed, populationSize: try options.int("population_size", min: 2) ?? 50,
        crossoverProbability: try options.double("crossover_prob", min: 0, max: 1) ?? 0.9,
        swappingProbability: try options.double("swapping_prob", min: 0, max: 1) ?? 0.5,
        mutationProbability: try options.double("mutation_prob", min: 0, max: 1))
      try options.finish()
      return sampler
    case "bohb":
      let sampler = BOHBSampler(
        seed: seed, minPointsInModel: try options.int("min_points_in_model", min: 1),
        topNPercent: try options.int("top_n_percent", min: 1, max: 99) ?? 15,
        numSamples: try options.int("num_samples", min: 1) ?? 64,
        randomFraction: try options.double("random_fraction", min: 0, max: 1) ?? 1.0 / 3.0,
        bandwidthFactor: try options.double("bandwidth_factor", min: 0, excludingMin: true) ?? 3,
        minBandwidth: try options.double("min_bandwidth", min: 0) ?? 1e-3)
      try options.finish()
      return sampler
    default:
      throw spec?.error("the sampler '\(name)' is not available in this build") ??
        StudyFileError(path: "", at: .start, "unknown sampler '\(name)'")
    }
  }

  /// The grid of a grid sampler: `values: {name: [..]}` where given, else every choice of a
  /// categorical, every int of an int range, and every point of a stepped float range.
  static func gridValues(space: SearchSpace, explicit: JSONValue?, spec: ComponentSpec?) throws
    -> OrderedDictionary<String, [ParamValue]>
  {
    func fail(_ message: String) -> Error {
      spec?.error(message, option: "values") ?? StudyFileError(path: "", at: .start, message)
    }
    let given = explicit?.objectValue ?? [:]
    if explicit != nil && explicit?.objectValue == nil { throw fail("'values' must map param names to lists") }
    var grid = OrderedDictionary<String, [ParamValue]>()
    for p in space.params {
      if let list = given[p.name] {
        guard let items = list.arrayValue?.compactMap(ParamValue.init(json:)), !items.isEmpty else {
          throw fail("values of '\(p.name)' must be a non-empty list of scalars")
        }
        if let bad = items.first(where: { if case .float(let x) = $0 { return !x.isFinite } else { return false } }) {
          throw fail("values of '\(p.name)' must be finite numbers, got \(bad.pythonRepr)")
        }
        grid[p.name] = items
        continue
      }
      switch p.distribution {
      case .categorical(let c): grid[p.name] = c.choices
      case .int(let i) where (i.high - i.low) / i.step < 10_000:
        grid[p.name] = stride(from: i.low, through: i.high, by: i.step).map { .int($0) }
      case .float(let f) where f.step != nil:
        let step = f.step ?? 1
        let steps = ((f.high - f.low) / step + 1e-9).rounded(.down)
        // Checked before the values are made: a tiny step would ask for terabytes.
        guard steps < Double(GridSampler.maxAxisValues) else {
          throw fail(GridSampler.sizeProblem([(p.name, steps < 1e18 ? Int(steps) + 1 : Int.max)]) ?? "")
        }
        let n = Int(steps)
        grid[p.name] = (0...max(0, n)).map { .float(f.low + Double($0) * step) }
      default:
        throw fail("the grid sampler needs values for '\(p.name)': add values: {\(p.name): [..]} to the sampler")
      }
    }
    for key in given.keys where space[key] == nil { throw fail("'\(key)' in values is not a param of the study") }
    if let problem = GridSampler.sizeProblem(grid.map { ($0.key, $0.value.count) }) { throw fail(problem) }
    return grid
  }

  /// The pruner for a `pruner:` entry; with no entry, the sampler's companion (BOHB brings
  /// Hyperband) or no pruning.
  public static func pruner(_ spec: ComponentSpec?, samplerName: String) throws -> any Pruner {
    guard let spec else {
      return samplerName == "bohb" ? try BOHBSampler.defaultPruner() : NopPruner()
    }
    var options = OptionReader(spec: spec)
    do {
      let pruner = try pruner(named: spec.name, options: &options, samplerName: samplerName)
      try options.finish()
      return pruner
    } catch let e as PrunerError {
      throw spec.error(e.message)
    }
  }

  private static func pruner(named name: String, options: inout OptionReader, samplerName: String) throws -> any Pruner {
    switch name {
    case "nop":
      return NopPruner()
    case "median":
      return try MedianPruner(
        nStartupTrials: try options.int("n_startup_trials", min: 0) ?? 5,
        nWarmupSteps: try options.int("n_warmup_steps", min: 0) ?? 0,
        intervalSteps: try options.int("interval_steps", min: 1) ?? 1,
        nMinTrials: try options.int("n_min_trials", min: 1) ?? 1)
    case "percentile":
      guard let percentile = try options.double("percentile") else {
        throw PrunerError("the percentile pruner needs 'percentile' (0-100)")
      }
      return try PercentilePruner(
        percentile: percentile, nStartupTrials: try options.int("n_startup_trials", min: 0) ?? 5,
        nWarmupSteps: try options.int("n_warmup_steps", min: 0) ?? 0,
        intervalSteps: try options.int("interval_steps", min: 1) ?? 1,
        nMinTrials: try options.int("n_min_trials", min: 1) ?? 1)
    case "threshold":
      return try ThresholdPruner(
        lower: try options.double("lower"), upper: try options.double("upper"),
        nWarmupSteps: try options.int("n_warmup_steps", min: 0) ?? 0,
        intervalSteps: try options.int("interval_steps", min: 1) ?? 1)
    case "patient":
      var wrapped: (any Pruner)? = nil
      if let inner = options.raw("wrapped") {
        guard let innerName = inner.stringValue ?? inner["name"]?.stringValue else {
          throw PrunerError("'wrapped' must name a pruner, e.g. wrapped: median")
        }
        if innerName == "patient" { throw PrunerError("a patient pruner cannot wrap another patient pruner") }
        let innerSpec = ComponentSpec(
          path: options.spec?.path ?? "", name: innerName,
          options: (inner.objectValue ?? [:]).filter { $0.key != "name" },
          position: options.spec?.optionPositions["wrapped"] ?? .start)
        wrapped = try pruner(innerSpec, samplerName: samplerName)
      }
      return try PatientPruner(
        wrapped: wrapped, patience: try options.int("patience", min: 0) ?? 0,
        minDelta: try options.double("min_delta") ?? 0)
    case "successive_halving":
      return try SuccessiveHalvingPruner(
        minResource: try resource(options.raw("min_resource"), "min_resource"),
        reductionFactor: try options.int("reduction_factor", min: 2) ?? 4,
        minEarlyStoppingRate: try options.int("min_early_stopping_rate", min: 0) ?? 0,
        bootstrapCount: try options.int("bootstrap_count", min: 0) ?? 0)
    case "hyperband":
      var rule = HyperbandBracketTable.Rule.paperAlgorithm
      if let r = try options.string("brackets") {
        guard let parsed = HyperbandBracketTable.Rule(rawValue: r) else {
          throw PrunerError("brackets must be paper-algorithm or paper-table, not '\(r)'")
        }
        rule = parsed
      }
      return try HyperbandPruner(
        minResource: try options.int("min_resource", min: 1) ?? 1,
        maxResource: try resource(options.raw("max_resource"), "max_resource"),
        reductionFactor: try options.int("reduction_factor", min: 2) ?? 3,
        bootstrapCount: try options.int("bootstrap_count", min: 0) ?? 0, rule: rule,
        filtersSamplerView: samplerName != "bohb")
    default:
      throw PrunerError("unknown pruner '\(name)'")
    }
  }

  /// A resource option: an integer, or "auto" (nil).
  private static func resource(_ value: JSONValue?, _ key: String) throws -> Int? {
    guard let value, value != .string("auto") else { return nil }
    guard case .int(let i) = value else { throw PrunerError("'\(key)' must be an integer or \"auto\"") }
    return i
  }
}

/// Reads a component's options one by one and reports the ones nobody read.
struct OptionReader {
  let spec: ComponentSpec?
  private var read: Set<String> = []

  init(spec: ComponentSpec?) { self.spec = spec }

  mutating func int(_ key: String, min: Int? = nil, max: Int? = nil) throws -> Int? {
    read.insert(key)
    guard let spec, let v = spec.options[key] else { return nil }
    guard let i = v.intValue, case .int = v else { throw spec.error("'\(key)' must be an integer", option: key) }
    if let min, i < min { throw spec.error("'\(key)' must be at least \(min), got \(i)", option: key) }
    if let max, i > max { throw spec.error("'\(key)' must be at most \(max), got \(i)", option: key) }
    return i
  }

  /// A number option (never NaN), within `min`…`max` where given, as the owner's Optuna
  /// counterpart checks it.
  mutating func double(_ key: String, min: Double? = nil, excludingMin: Bool = false, max: Double? = nil) throws -> Double? {
    read.insert(key)
    guard let spec, let v = spec.options[key] else { return nil }
    guard let d = v.doubleValue, !d.isNaN else { throw spec.error("'\(key)' must be a number", option: key) }
    if let min, excludingMin ? !(d > min) : !(d >= min) {
      throw spec.error("'\(key)' must be \(excludingMin ? "greater than" : "at least") \(formatNumber(min)), got \(formatNumber(d))", option: key)
    }
    if let max, !(d <= max) { throw spec.error("'\(key)' must be at most \(formatNumber(max)), got \(formatNumber(d))", option: key) }
    return d
  }

  mutating func bool(_ key: String) throws -> Bool? {
    read.insert(key)
    guard let spec, let v = spec.options[key] else { return nil }
    guard let b = v.boolValue else { throw spec.error("'\(key)' must be true or false", option: key) }
    return b
  }

  mutating func string(_ key: String) throws -> String? {
    read.insert(key)
    guard let spec, let v = spec.options[key] else { return nil }
    guard let s = v.stringValue else { throw spec.error("'\(key)' must be a string", option: key) }
    return s
  }

  mutating func raw(_ key: String) -> JSONValue? {
    read.insert(key)
    return spec?.options[key]
  }

  /// Fails on the first option that was not read, naming the ones that are known.
  func finish() throws {
    guard let spec else { return }
    for key in spec.options.keys where !read.contains(key) {
      let known = read.sorted()
      throw spec.error(
        "unknown option '\(key)' for \(spec.name)" + (known.isEmpty ? " (it takes none besides seed)" : "; known: \(known.joined(separator: ", "))"),
        option: key)
    }
  }
}
