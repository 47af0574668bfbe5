import OrderedCollections

/// Builds samplers and pruners from the study file's `sampler:` and `pruner:` entries, with
/// positioned errors for unknown names and bad options.
public enum ComponentFactory {
  /// The sampler a study uses when its file names none.
  public static let defaultSamplerName = "random"

  /// The sampler for a `sampler:` entry (or the default), for a study with these directions and
  /// this search space (the grid sampler needs the space).
  public static func sampler(_ spec: ComponentSpec?, directions: [StudyDirection], space: SearchSpace) throws
    -> any Sampler
  {
    let name = spec?.name ?? defaultSamplerName
    let seed = spec?.seed
    let options = OptionReader(spec: spec)
    switch name {
    case "random":
      try options.finish()
      return RandomSampler(seed: seed)
    default:
      throw spec?.error("the sampler '\(name)' is not available in this build") ??
        StudyFileError(path: "", at: .start, "unknown sampler '\(name)'")
    }
  }

  /// The pruner for a `pruner:` entry; with no entry, the sampler's companion (BOHB brings
  /// Hyperband) or no pruning.
  public static func pruner(_ spec: ComponentSpec?, samplerName: String) throws -> any Pruner {
    guard let spec else { return NopPruner() }
    let options = OptionReader(spec: spec)
    switch spec.name {
    case "nop":
      try options.finish()
      return NopPruner()
    default:
      throw spec.error("the pruner '\(spec.name)' is not available in this build")
    }
  }
}

/// Reads a component's options one by one and reports the ones nobody read.
struct OptionReader {
  let spec: ComponentSpec?
  private var read: Set<String> = []

  init(spec: ComponentSpec?) { self.spec = spec }

  mutating func int(_ key: String, min: Int? = nil) throws -> Int? {
    read.insert(key)
    guard let spec, let v = spec.options[key] else { return nil }
    guard let i = v.intValue, case .int = v else { throw spec.error("'\(key)' must be an integer", option: key) }
    if let min, i < min { throw spec.error("'\(key)' must be at least \(min)", option: key) }
    return i
  }

  mutating func double(_ key: String) throws -> Double? {
    read.insert(key)
    guard let spec, let v = spec.options[key] else { return nil }
    guard let d = v.doubleValue else { throw spec.error("'\(key)' must be a number", option: key) }
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
