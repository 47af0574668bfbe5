import Foundation
import OrderedCollections

/// A study described by a YAML study file (see `docs/study-file.md`): what to optimize, how to
/// sample and prune, how many trials, and where to store them.
///
/// `StudySpec.load(path:)` parses and validates the file; every problem is a `StudyFileError`
/// with the file's line and column. Sampler and pruner settings are kept as names and option maps
/// (with their positions) for the factories that build them.
public struct StudySpec: Sendable {
  /// The study file's path as given to `load` (used in error messages).
  public var path: String
  public var name: String
  /// The storage URL: as written, with a relative SQLite path resolved against the study file's
  /// directory, or by default `sqlite:///<dir>/<name>.db` beside the study file.
  public var storage: String
  /// Whether `storage` was written in the file (false: the default beside the file).
  public var storageIsExplicit: Bool
  /// The objective metrics, one per study direction, in order.
  public var metrics: [MetricSpec]
  /// Names of constraint metrics (values ≤ 0 are feasible), in order.
  public var constraints: [NamedPosition]
  /// The params declared under `params:` (empty when the file declares none).
  public var declaredSpace: SearchSpace
  /// The space trials draw from: the declared params, or a built-in objective's own space.
  public var searchSpace: SearchSpace
  /// `nil` when the file names no sampler: the engine's default applies.
  public var sampler: ComponentSpec?
  /// `nil` when the file names no pruner: the engine's default applies.
  public var pruner: ComponentSpec?
  public var nTrials: Int?
  /// Seconds after which no new trial starts.
  public var timeout: Double?
  public var parallelism: Int
  public var objective: ObjectiveSpec
  /// Where each top-level key and each param was written (`"n_trials"`, `"params.lr"`, …), so
  /// later stages can report positioned errors with `error(_:at:)`.
  public var positions: [String: SourcePosition]
  /// The GPUs trials run on (`resources:`); nil: trials get no GPU settings.
  public var resources: GPUResources? = nil
  /// The compute budget (`budget: {steps:, trial_hours:}`), nil when the file sets none.
  public var budget: ComputeBudget? = nil
  /// What the file asks for that hpotop cannot honour exactly, with positions (W&B sweep files).
  public var warnings: [StudyFileWarning] = []

  public var directions: [StudyDirection] { metrics.map(\.direction) }

  /// An error positioned at a recorded key (the file start when the key was not written).
  public func error(_ message: String, at key: String) -> StudyFileError {
    StudyFileError(path: path, at: positions[key] ?? .start, message)
  }

  /// The limits of an optimization run as the file gives them.
  public var limits: OptimizeLimits {
    var limits = OptimizeLimits(nTrials: nTrials, timeout: timeout, parallelism: parallelism)
    limits.budget = budget
    return limits
  }
}

/// A name and where it was written.
public struct NamedPosition: Hashable, Sendable {
  public let name: String
  public let position: SourcePosition

  public init(name: String, position: SourcePosition) {
    self.name = name
    self.position = position
  }
}

/// One objective metric: the name the objective reports it under, and its direction.
public struct MetricSpec: Hashable, Sendable {
  public let name: String
  public let direction: StudyDirection
  public let position: SourcePosition

  public init(name: String, direction: StudyDirection, position: SourcePosition = .start) {
    self.name = name
    self.direction = direction
    self.position = position
  }
}

/// A sampler or pruner as the study file names it, for a factory to build: the name, an optional
/// seed, and every other key as a JSON-like option, each with its position.
public struct ComponentSpec: Hashable, Sendable {
  /// Sampler names a study file may use (`SamplerRegistry`).
  public static var samplerNames: [String] { SamplerRegistry.all.map(\.name) }
  /// Pruner names a study file may use (`PrunerRegistry`).
  public static var prunerNames: [String] { PrunerRegistry.all.map(\.name) }

  /// The study file's path, for positioned errors.
  public let path: String
  public let name: String
  public let seed: UInt64?
  public let options: OrderedDictionary<String, JSONValue>
  /// Where the sampler/pruner entry starts.
  public let position: SourcePosition
  public let namePosition: SourcePosition
  public let seedPosition: SourcePosition?
  /// The position of each option's value.
  public let optionPositions: [String: SourcePosition]

  public init(
    path: String, name: String, seed: UInt64? = nil, options: OrderedDictionary<String, JSONValue> = [:],
    position: SourcePosition = .start, namePosition: SourcePosition? = nil, seedPosition: SourcePosition? = nil,
    optionPositions: [String: SourcePosition] = [:]
  ) {
    self.path = path
    self.name = name
    self.seed = seed
    self.options = options
    self.position = position
    self.namePosition = namePosition ?? position
    self.seedPosition = seedPosition
    self.optionPositions = optionPositions
  }

  /// An error at an option's value (or at the entry when `option` is nil or unknown).
  public func error(_ message: String, option: String? = nil) -> StudyFileError {
    let at = option.flatMap { optionPositions[$0] } ?? position
    return StudyFileError(path: path, at: at, message)
  }
}

/// What a trial runs: a built-in in-process function, or a command.
public enum ObjectiveSpec: Hashable, Sendable {
  case builtin(BuiltinSpec)
  case command(CommandSpec)
}

/// `objective: {builtin: name, …options}`.
public struct BuiltinSpec: Hashable, Sendable {
  public let name: String
  /// The options after validation against the built-in's option list (defaults not filled in).
  public let options: OrderedDictionary<String, JSONValue>
  public let position: SourcePosition

  public init(name: String, options: OrderedDictionary<String, JSONValue> = [:], position: SourcePosition = .start) {
    self.name = name
    self.options = options
    self.position = position
  }
}

/// `objective: {command: [argv…], cwd:, env:, timeout:, args:}`: a program run once per trial
/// (never through a shell), with params substituted into `{name}` placeholders or appended.
public struct CommandSpec: Hashable, Sendable {
  /// Placeholders a command may use besides param names.
  public static let reservedPlaceholders = ["trial_number", "trial_dir", "study_name", "params_json"]

  public let argv: [String]
  /// The working directory as written (nil: the study file's directory).
  public let cwd: String?
  /// The working directory resolved against the study file's directory.
  public let resolvedCwd: String
  public let env: OrderedDictionary<String, String>
  /// Seconds after which a trial's process is stopped.
  public let timeout: Double?
  /// How each param not used in a placeholder is appended, e.g. `--{name}={value}`; nil when
  /// every param appears in a placeholder (then nothing is appended) or when the file gave none
  /// (then the runner's default, `--{name}={value}`, applies).
  public let args: String?
  /// Param names used in `{…}` placeholders of `argv`, in order of first use.
  public let placeholders: [String]
  /// `log_limit`: the most bytes kept of each trial's stdout.log and stderr.log; nil for none.
  public var logLimit: Int? = CommandObjective.defaultLogLimit
  /// Whether trials find the offline `wandb` module (`WandbShim`) first on `PYTHONPATH` (a W&B
  /// sweep file's objective).
  public var wandbShim = false
  public let position: SourcePosition

  public init(
    argv: [String], cwd: String? = nil, resolvedCwd: String, env: OrderedDictionary<String, String> = [:],
    timeout: Double? = nil, args: String? = nil, placeholders: [String] = [], position: SourcePosition = .start
  ) {
    self.argv = argv
    self.cwd = cwd
    self.resolvedCwd = resolvedCwd
    self.env = env
    self.timeout = timeout
    self.args = args
    self.placeholders = placeholders
    self.position = position
  }
}
