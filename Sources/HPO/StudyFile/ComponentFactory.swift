import OrderedCollections

/// Builds samplers and pruners from the study file's `sampler:` and `pruner:` entries, with
/// positioned errors for unknown names and bad options.
public enum ComponentFactory {
  /// The sampler a study uses when its file names none.
  public static var defaultSamplerName: String { SamplerRegistry.defaultName }

  /// The sampler for a `sampler:` entry (or the default), for a study with these directions and
  /// this search space (the grid sampler needs the space).
  public static func sampler(_ spec: ComponentSpec?, directions: [StudyDirection], space: SearchSpace) throws
    -> any Sampler
  {
    let name = spec?.name ?? defaultSamplerName
    guard let kind = SamplerRegistry.kind(named: name) else {
      throw spec?.error("the sampler '\(name)' is not available in this build") ??
        StudyFileError(path: "", at: .start, "unknown sampler '\(name)'")
    }
    var options = OptionReader(spec: spec)
    return try kind.make(spec?.seed, &options, space, spec)
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

  /// The pruner for a `pruner:` entry; with no entry, the sampler's companion
  /// (`SamplerKind.companionPruner`: BOHB brings Hyperband) or no pruning.
  public static func pruner(_ spec: ComponentSpec?, samplerName: String) throws -> any Pruner {
    let sampler = SamplerRegistry.kind(named: samplerName)
    guard let spec else { return try sampler?.companionPruner?() ?? NopPruner() }
    guard let kind = PrunerRegistry.kind(named: spec.name) else { throw spec.error("unknown pruner '\(spec.name)'") }
    var options = OptionReader(spec: spec)
    do {
      let pruner = try kind.make(&options, sampler)
      try options.finish()
      return pruner
    } catch let e as PrunerError {
      throw spec.error(e.message)
    }
  }
}

extension ComponentFactory {
  /// A `hyperband` entry as BOHB's own pruner (`BOHBSampler.defaultPruner`: bootstrap, promotion
  /// window, rung trust, the curve stop) on the entry's resources and brackets; what the entry
  /// sets itself wins. `auto` runs it where it picks BOHB, the multi-fidelity bench's winner
  /// (docs/bohb.md §12).
  public static func bohbPruner(_ spec: ComponentSpec) throws -> HyperbandPruner {
    var options = OptionReader(spec: spec)
    do {
      let o = try HyperbandOptions(&options)
      try options.finish()
      return try BOHBSampler.defaultPruner(
        minResource: o.minResource, maxResource: o.maxResource, reductionFactor: o.reductionFactor, rule: o.rule,
        bootstrapCount: o.bootstrapCount, rungTrust: o.rungTrust == false ? nil : .bohbDefault,
        curveStop: o.curveStop == false ? nil : .bohbDefault)
    } catch let e as PrunerError {
      throw spec.error(e.message)
    }
  }
}

/// Reads a component's options one by one and reports the ones nobody read.
public struct OptionReader {
  public let spec: ComponentSpec?
  private var read: Set<String> = []

  public init(spec: ComponentSpec?) { self.spec = spec }

  public mutating func int(_ key: String, min: Int? = nil, max: Int? = nil) throws -> Int? {
    read.insert(key)
    guard let spec, let v = spec.options[key] else { return nil }
    guard let i = v.intValue, case .int = v else { throw spec.error("'\(key)' must be an integer", option: key) }
    if let min, i < min { throw spec.error("'\(key)' must be at least \(min), got \(i)", option: key) }
    if let max, i > max { throw spec.error("'\(key)' must be at most \(max), got \(i)", option: key) }
    return i
  }

  /// A number option (never NaN), within `min`…`max` where given, as the owner's Optuna
  /// counterpart checks it.
  public mutating func double(_ key: String, min: Double? = nil, excludingMin: Bool = false, max: Double? = nil) throws -> Double? {
    read.insert(key)
    guard let spec, let v = spec.options[key] else { return nil }
    guard let d = v.doubleValue, !d.isNaN else { throw spec.error("'\(key)' must be a number", option: key) }
    if let min, excludingMin ? !(d > min) : !(d >= min) {
      throw spec.error("'\(key)' must be \(excludingMin ? "greater than" : "at least") \(formatNumber(min)), got \(formatNumber(d))", option: key)
    }
    if let max, !(d <= max) { throw spec.error("'\(key)' must be at most \(formatNumber(max)), got \(formatNumber(d))", option: key) }
    return d
  }

  public mutating func bool(_ key: String) throws -> Bool? {
    read.insert(key)
    guard let spec, let v = spec.options[key] else { return nil }
    guard let b = v.boolValue else { throw spec.error("'\(key)' must be true or false", option: key) }
    return b
  }

  public mutating func string(_ key: String) throws -> String? {
    read.insert(key)
    guard let spec, let v = spec.options[key] else { return nil }
    guard let s = v.stringValue else { throw spec.error("'\(key)' must be a string", option: key) }
    return s
  }

  public mutating func raw(_ key: String) -> JSONValue? {
    read.insert(key)
    return spec?.options[key]
  }

  /// Fails on the first option that was not read, naming the ones that are known.
  public func finish() throws {
    guard let spec else { return }
    for key in spec.options.keys where !read.contains(key) {
      let known = read.sorted()
      throw spec.error(
        "unknown option '\(key)' for \(spec.name)" + (known.isEmpty ? " (it takes none besides seed)" : "; known: \(known.joined(separator: ", "))"),
        option: key)
    }
  }
}
