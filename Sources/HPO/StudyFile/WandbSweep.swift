import Foundation
import OrderedCollections
import Yams

/// Reads a W&B sweep configuration (`wandb/sweeps` `config/schema.json`) as a study: `method`
/// becomes the sampler, `metric` the objective, `parameters` the search space, `program` and
/// `command` a command objective whose trials find the offline `wandb` module (`WandbShim`)
/// first on their `PYTHONPATH`, `early_terminate` the Hyperband pruner and `run_cap` the trial
/// budget. Keys hpotop cannot honour become `StudySpec.warnings` with their positions.
struct WandbSweepParser {
  let reader: YAMLReader
  let path: String
  var positions: [String: SourcePosition] = [:]
  var warnings: [StudyFileWarning] = []
  /// Names of nested parameters (`optimizer` for `optimizer.lr`), which the shim rebuilds as
  /// dictionaries in `wandb.config`.
  var nestedPrefixes: [String] = []

  /// The top-level keys of the sweeps schema.
  static let topLevelKeys = [
    "program", "method", "metric", "metrics", "parameters", "early_terminate", "command", "name", "description",
    "entity", "project", "run_cap", "controller", "scheduler", "job", "image_uri", "apiVersion", "kind",
  ]
  /// Keys W&B uses for its server, its UI or its launcher, which an offline study has no use for.
  static let ignoredKeys = ["description", "entity", "project", "controller", "job", "image_uri", "apiVersion", "kind"]
  /// `method` → the hpotop sampler. `bayes` (W&B: a Gaussian process) → `auto`, which runs the
  /// GP where a GP fits (few numeric params) and BOHB beside a Hyperband pruner (DECISIONS).
  static let samplers: OrderedDictionary<String, String> = ["grid": "grid", "random": "random", "bayes": "auto"]

  init(reader: YAMLReader, path: String) {
    self.reader = reader
    self.path = path
  }

  /// Whether a study file is a W&B sweep: a mapping with `parameters` or `method` and neither
  /// of hpotop's own `params` and `objective`.
  static func isSweep(_ root: Node) -> Bool {
    guard case .mapping(let m) = root else { return false }
    let keys = Set(m.keys.compactMap { $0.string })
    return (keys.contains("parameters") || keys.contains("method")) && !keys.contains("params")
      && !keys.contains("objective")
  }

  mutating func warn(at position: SourcePosition, _ message: String) {
    warnings.append(StudyFileWarning(path: path, at: position, message))
  }

  var directory: String {
    URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path
  }

  mutating func parse(_ root: Node) throws -> StudySpec {
    let top = try reader.entries(root, of: "the sweep configuration", known: Self.topLevelKeys)
    for (k, v) in top { positions[k] = reader.position(v.key) }
    for k in Self.ignoredKeys { if let e = top[k] { warn(at: reader.position(e.key), "'\(k)' is W&B's own and has no effect here") } }
    if let s = top["scheduler"] {
      throw reader.error(s.key, "'scheduler' (W&B Launch's custom sweep schedulers) is not supported: use method grid, random or bayes")
    }
    if let m = top["metrics"] {
      throw reader.error(m.key, "'metrics' needs W&B's method 'custom', which hpotop does not run: give one 'metric'")
    }

    var name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    if let n = top["name"] {
      name = try reader.string(n.value, "name")
      if name.trimmingCharacters(in: .whitespaces).isEmpty { throw reader.error(n.value, "name must not be empty") }
      if name.count > 512 { throw reader.error(n.value, "name must be at most 512 characters, got \(name.count)") }
    }

    guard let methodEntry = top["method"] else {
      throw reader.error(root, "a sweep needs 'method': grid, random or bayes")
    }
    let method = try reader.string(methodEntry.value, "method")
    guard let samplerName = Self.samplers[method] else {
      let extra = method == "custom" ? " ('custom' needs W&B's scheduler)" : ""
      throw reader.error(methodEntry.value, reader.unknownMessage("method '\(method)'\(extra)", method, Array(Self.samplers.keys)))
    }
    let sampler = ComponentSpec(path: path, name: samplerName, position: reader.position(methodEntry.value))

    guard let parametersEntry = top["parameters"] else { throw reader.error(root, "a sweep needs 'parameters'") }
    let space = try parseParameters(parametersEntry.value)
    guard !space.isEmpty else { throw reader.error(parametersEntry.value, "'parameters' must declare at least one parameter") }

    let metric = try parseMetric(top["metric"], root: root)
    let pruner = try top["early_terminate"].map { try parseEarlyTerminate($0.value, method: method) }

    var nTrials: Int?
    if let e = top["run_cap"] {
      let n = try reader.int(e.value, "run_cap")
      guard n > 0 else { throw reader.error(e.value, "run_cap must be a positive integer, got \(n)") }
      nTrials = n
    }
    let command = try parseCommand(top, space: space, metric: metric)

    var spec = StudySpec(
      path: path, name: name, storage: StudyFileParser.defaultStorage(directory: directory, name: name),
      storageIsExplicit: false, metrics: [metric], constraints: [], declaredSpace: space, searchSpace: space,
      sampler: sampler, pruner: pruner, nTrials: nTrials, timeout: nil, parallelism: 1, objective: .command(command),
      positions: positions)
    spec.warnings = warnings
    return spec
  }

  // MARK: Metric

  mutating func parseMetric(_ entry: (key: Node, value: Node)?, root: Node) throws -> MetricSpec {
    guard let entry else {
      warn(at: reader.position(root), "no 'metric': each trial must report 'value' (wandb.log({\"value\": …}) or an [hpotop] line), or it fails")
      return MetricSpec(name: "value", direction: .minimize)
    }
    let e = try reader.entries(entry.value, of: "metric", known: ["name", "goal", "target", "impute", "impute_while_running"])
    guard let n = e["name"] else { throw reader.error(entry.value, "metric needs a 'name'") }
    let name = try reader.string(n.value, "metric name")
    guard !name.isEmpty else { throw reader.error(n.value, "the metric name must not be empty") }
    var direction = StudyDirection.minimize
    if let g = e["goal"] {
      switch try reader.string(g.value, "goal") {
      case "minimize": direction = .minimize
      case "maximize": direction = .maximize
      case let other: throw reader.error(g.value, "goal must be 'minimize' or 'maximize', got '\(other)'")
      }
    }
    if let t = e["target"] {
      _ = try reader.number(t.value, "target")
      warn(at: reader.position(t.key), "'target' is not honoured: hpotop does not stop the sweep when a run reaches it (use n_trials, or stop it from the dashboard)")
    }
    for k in ["impute", "impute_while_running"] {
      if let x = e[k] { warn(at: reader.position(x.key), "'\(k)' is not honoured: failed and running trials give the sampler no value") }
    }
    return MetricSpec(name: name, direction: direction, position: reader.position(n.value))
  }

  // MARK: Early termination

  /// `early_terminate: {type: hyperband, min_iter | max_iter + s, eta}` → the Hyperband pruner
  /// over report steps: `min_resource` is the first band (`min_iter`, or `max_iter / eta^s`),
  /// `max_resource` is `max_iter` (else Optuna's `auto`), `reduction_factor` is `eta`.
  mutating func parseEarlyTerminate(_ node: Node, method: String) throws -> ComponentSpec {
    let e = try reader.entries(node, of: "early_terminate", known: ["type", "min_iter", "max_iter", "s", "eta", "strict"])
    guard let t = e["type"] else { throw reader.error(node, "early_terminate needs 'type: hyperband'") }
    let type = try reader.string(t.value, "type")
    guard type == "hyperband" else {
      throw reader.error(t.value, reader.unknownMessage("early_terminate type '\(type)'", type, ["hyperband"]))
    }
    var eta = 3
    if let x = e["eta"] {
      let v = try reader.number(x.value, "eta")
      guard v > 1, v <= 1000 else { throw reader.error(x.value, "eta must be above 1 (and at most 1000), got \(Self.text(v))") }
      eta = max(2, Int(v.rounded()))
      if Double(eta) != v { warn(at: reader.position(x.value), "eta \(Self.text(v)): hpotop's Hyperband takes an integer reduction factor; using \(eta)") }
    }
    var options: OrderedDictionary<String, JSONValue> = [:]
    var optionPositions: [String: SourcePosition] = [:]
    if let m = e["min_iter"] {
      let v = try reader.int(m.value, "min_iter")
      guard v >= 1 else { throw reader.error(m.value, "min_iter must be at least 1, got \(v)") }
      options["min_resource"] = .int(v)
      optionPositions["min_resource"] = reader.position(m.value)
      if let x = e["max_iter"] {
        options["max_resource"] = .int(try reader.int(x.value, "max_iter"))
        optionPositions["max_resource"] = reader.position(x.value)
      }
      if let s = e["s"] { warn(at: reader.position(s.key), "'s' applies with max_iter; with min_iter the bands are min_iter·eta^k") }
    } else if let x = e["max_iter"] {
      let maxIter = try reader.int(x.value, "max_iter")
      guard let sEntry = e["s"] else { throw reader.error(x.key, "early_terminate with max_iter needs 's' (the number of bands)") }
      let s = try reader.int(sEntry.value, "s")
      guard s >= 1 else { throw reader.error(sEntry.value, "s must be at least 1, got \(s)") }
      let first = Int(Double(maxIter) / pow(Double(eta), Double(s)))
      guard first >= 1 else {
        throw reader.error(x.value, "max_iter \(maxIter) with s \(s) and eta \(eta) leaves no band of at least one step")
      }
      options["min_resource"] = .int(first)
      options["max_resource"] = .int(maxIter)
      optionPositions["min_resource"] = reader.position(sEntry.value)
      optionPositions["max_resource"] = reader.position(x.value)
    } else {
      throw reader.error(node, "early_terminate needs 'min_iter', or 'max_iter' with 's'")
    }
    options["reduction_factor"] = .int(eta)
    optionPositions["reduction_factor"] = reader.position(e["eta"]?.value ?? node)
    if let s = e["strict"] {
      warn(at: reader.position(s.key), "'strict' is not honoured: hpotop's Hyperband compares each trial within its bracket")
    }
    return ComponentSpec(
      path: path, name: "hyperband", options: options, position: reader.position(node),
      namePosition: reader.position(t.value), optionPositions: optionPositions)
  }

  // MARK: Command

  /// The W&B command macros hpotop expands (`${envvar:NAME}` besides).
  static let macros = [
    "env", "interpreter", "program", "args", "args_no_hyphens", "args_json", "args_json_file", "args_no_boolean_flags",
  ]
  /// W&B's command when the file gives none.
  static let defaultCommand = ["${env}", "${interpreter}", "${program}", "${args}"]

  /// The command objective: `command` (or W&B's default) with its macros expanded into argv
  /// items and param placeholders, run in the sweep file's folder with the `wandb` shim.
  mutating func parseCommand(
    _ top: OrderedDictionary<String, (key: Node, value: Node)>, space: SearchSpace, metric: MetricSpec
  ) throws -> CommandSpec {
    let program = try top["program"].map { try reader.string($0.value, "program") }
    if let program, program.contains("\0") { throw reader.error(top["program"]!.value, "program must not contain a NUL character") }
    var items: [(text: String, at: SourcePosition)] = []
    let anchor = (top["command"]?.value ?? top["program"]?.value).map(reader.position) ?? .start
    if let c = top["command"] {
      for n in try reader.sequence(c.value, "command") {
        items.append((try reader.string(n, "an item of command"), reader.position(n)))
      }
      guard !items.isEmpty else { throw reader.error(c.value, "command must not be empty") }
    } else {
      guard program != nil else {
        throw reader.error(at: .start, "a sweep run by hpotop needs 'program' (the training script) or 'command'")
      }
      items = Self.defaultCommand.map { ($0, anchor) }
    }
    var argv: [String] = []
    for (text, at) in items {
      if text.contains("\0") { throw reader.error(at: at, "a command item must not contain a NUL character") }
      guard text.hasPrefix("${"), text.hasSuffix("}"), !Self.paramMacro(text, space) else {
        // `--batch_size=${batch_size}`: a param's value inside an item.
        argv.append(space.names.reduce(text) { $0.replacingOccurrences(of: "${\($1)}", with: "{\($1)}") })
        continue
      }
      let macro = String(text.dropFirst(2).dropLast())
      switch macro {
      case "env":
        break  // /usr/bin/env finds the program on PATH; hpotop does that itself
      case "interpreter":
        argv.append(Self.interpreter())
      case "program":
        guard let program else { throw reader.error(at: at, "${program} needs a 'program' key") }
        argv.append(program)
      case "args":
        argv += space.names.map { "--\($0)={\($0)}" }
      case "args_no_hyphens":
        argv += space.names.map { "\($0)={\($0)}" }
      case "args_json":
        argv.append("{params_json}")
      case "args_json_file":
        argv.append("{trial_dir}/params.json")
      case "args_no_boolean_flags":
        throw reader.error(at: at, "${args_no_boolean_flags} is not supported: use ${args} (booleans as --flag=True/False) or ${args_json}")
      case let m where m.hasPrefix("envvar:"):
        let variable = String(m.dropFirst("envvar:".count))
        guard let value = ProcessInfo.processInfo.environment[variable] else {
          throw reader.error(at: at, "${envvar:\(variable)}: the environment variable \(variable) is not set")
        }
        argv.append(value)
      default:
        warn(at: at, "'\(text)' is not a W&B macro (\(Self.macros.map { "${\($0)}" }.joined(separator: ", ")), ${envvar:NAME}); it is passed as it is")
        argv.append(text)
      }
    }
    guard let first = argv.first, !first.isEmpty else {
      throw reader.error(at: anchor, "the command has no program after its macros are expanded")
    }
    positions["objective.program"] = anchor
    let placeholders = space.names.filter { n in argv.contains { $0.contains("{\(n)}") } }
    var env: OrderedDictionary<String, String> = [
      WandbShim.metricVariable: metric.name,
      WandbShim.goalVariable: metric.direction == .maximize ? "maximize" : "minimize",
    ]
    if !nestedPrefixes.isEmpty {
      env[WandbShim.nestedVariable] = JSONValue.array(nestedPrefixes.map { .string($0) }).pythonJSON
    }
    if let p = top["project"], let project = try? reader.string(p.value, "project") { env[WandbShim.projectVariable] = project }
    let cwd = programFolder(program, used: items.contains { $0.text == "${program}" }, at: top["program"]?.value)
    var command = CommandSpec(
      argv: argv, resolvedCwd: cwd, env: env, args: "", placeholders: placeholders, position: anchor)
    command.wandbShim = true
    return command
  }

  /// Where trials run: the sweep file's folder, or, when `program` is not there but is in the
  /// folder hpotop was started from (a sweep in `configs/` naming a script at the repository
  /// root, as `wandb agent` run from the root finds it), that folder, with a warning.
  mutating func programFolder(_ program: String?, used: Bool, at node: Node?) -> String {
    guard let program, used, !(program as NSString).isAbsolutePath else { return directory }
    let fm = FileManager.default
    if fm.fileExists(atPath: (directory as NSString).appendingPathComponent(program)) { return directory }
    let here = fm.currentDirectoryPath
    let at = node.map(reader.position) ?? .start
    if fm.fileExists(atPath: (here as NSString).appendingPathComponent(program)) {
      warn(at: at, "program '\(program)' is not beside the sweep file; trials run in \(here), where it is (as wandb agent started there would)")
      return here
    }
    warn(at: at, "program '\(program)' is neither beside the sweep file nor in \(here): every trial would fail to start it")
    return directory
  }

  /// Whether a whole item is `${name}` for a param name.
  static func paramMacro(_ text: String, _ space: SearchSpace) -> Bool {
    space.names.contains { text == "${\($0)}" }
  }

  /// `${interpreter}`: W&B's `python`, or `python3` where only that is on PATH.
  static func interpreter() -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let fm = FileManager.default
    for name in ["python", "python3"] {
      for dir in path.split(separator: ":") where fm.isExecutableFile(atPath: "\(dir)/\(name)") { return name }
    }
    return "python"
  }
}
