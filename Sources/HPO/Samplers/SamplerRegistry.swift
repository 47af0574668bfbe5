import OrderedCollections
import Synchronization

/// Everything hpotop knows about one sampler a study file can name: the study-file parser takes
/// its name, `ComponentFactory` builds it, docs/study-file.md's sampler table shows its options
/// (a test keeps the table current), and the sampler conformance suite runs it. A sampler
/// declares the pruner it brings when the file names none.
///
/// Adding a sampler: one file with the sampler and its `SamplerKind` (see `SamplerKind.random`),
/// and one line in `SamplerRegistry.builtin`; a sampler defined outside HPO calls
/// `SamplerRegistry.register` instead.
public struct SamplerKind: Sendable, CustomStringConvertible {
  /// The name a study file uses (`sampler: tpe`).
  public let name: String
  /// The options cell of the sampler table in docs/study-file.md (Optuna's defaults).
  public let optionsDoc: String
  /// Builds the sampler from a study file's entry: the seed, the options (each read through the
  /// reader, which rejects the ones nobody read) and the study's search space.
  public let make: @Sendable (_ seed: UInt64?, _ options: inout OptionReader, _ space: SearchSpace, _ spec: ComponentSpec?)
    throws -> any Sampler
  /// The pruner this sampler brings when the study file names none; `nil`: no pruning.
  public let companionPruner: (@Sendable () throws -> any Pruner)?
  /// Whether a Hyperband pruner shows this sampler only the trials of the sampled trial's
  /// bracket (Optuna's `_filter_study`); false for a sampler that models across brackets.
  public let seesOneHyperbandBracket: Bool
  /// A sampler with this seed for the conformance suite; `grid` covers every param a check uses.
  public let conformanceSampler: @Sendable (_ seed: UInt64, _ grid: OrderedDictionary<String, [ParamValue]>)
    -> any Sampler

  public init(
    name: String, optionsDoc: String, companionPruner: (@Sendable () throws -> any Pruner)? = nil,
    seesOneHyperbandBracket: Bool = true,
    conformanceSampler: @escaping @Sendable (UInt64, OrderedDictionary<String, [ParamValue]>) -> any Sampler,
    make: @escaping @Sendable (UInt64?, inout OptionReader, SearchSpace, ComponentSpec?) throws -> any Sampler
  ) {
    self.name = name
    self.optionsDoc = optionsDoc
    self.companionPruner = companionPruner
    self.seesOneHyperbandBracket = seesOneHyperbandBracket
    self.conformanceSampler = conformanceSampler
    self.make = make
  }

  public var description: String { name }
}

/// The samplers a study file can name, in the order messages and the docs list them.
public enum SamplerRegistry {
  /// The samplers built into hpotop (the ones docs/study-file.md documents).
  public static let builtin: [SamplerKind] = [.random, .grid, .tpe, .bohb, .nsga2, .gp, .cmaes, .pbt, .auto]

  private static let registered = Mutex<[SamplerKind]>([])

  /// Every sampler a study file can name: the built-in ones, then the registered ones.
  public static var all: [SamplerKind] { builtin + registered.withLock { $0 } }

  /// Adds a sampler defined outside HPO (a plug-in, or a test's dummy) for the rest of the
  /// process: the study-file parser, `ComponentFactory`, `docsTable` and anything that walks
  /// `all` see it. Returns false (and adds nothing) when the name is taken.
  @discardableResult
  public static func register(_ kind: SamplerKind) -> Bool {
    registered.withLock { extra in
      guard !(builtin + extra).contains(where: { $0.name == kind.name }) else { return false }
      extra.append(kind)
      return true
    }
  }

  /// The rows of docs/study-file.md's sampler table for `kinds` (default: all), as markdown.
  public static func docsTable(_ kinds: [SamplerKind] = all) -> String {
    kinds.map { "| `\($0.name)` | \($0.optionsDoc) |" }.joined(separator: "\n")
  }

  /// The sampler a study uses when its file names none.
  public static let defaultName = "auto"

  /// The sampler of this name.
  public static func kind(named name: String) -> SamplerKind? { all.first { $0.name == name } }
}

extension SamplerKind {
  public static let random = SamplerKind(
    name: "random", optionsDoc: "none", conformanceSampler: { seed, _ in RandomSampler(seed: seed) }
  ) { seed, options, _, _ in
    try options.finish()
    return RandomSampler(seed: seed)
  }
}
