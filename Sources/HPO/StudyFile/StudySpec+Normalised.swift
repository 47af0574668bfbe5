import Foundation
import OrderedCollections

/// A study file as hpotop understood it (`hpotop check`): what every key became after defaults,
/// W&B translation and validation, as JSON or as text. `findings` (the study linter's, each a
/// JSON object) are carried through to both forms.
public struct NormalisedStudy: Sendable {
  public var spec: StudySpec
  /// The storage the study would use (`--storage` or the file's).
  public var storage: String
  /// The sampler and pruner a run builds (defaults and companions resolved).
  public var samplerName: String
  public var prunerName: String
  /// The linter's findings (JSON objects with `id`, `message`, `fix`), listed under `findings`.
  public var findings: [JSONValue]

  /// Resolves the sampler and pruner as `StudyLauncher` would (on a throwaway in-memory storage).
  public init(spec: StudySpec, storage: String? = nil, findings: [JSONValue] = []) throws {
    self.spec = spec
    self.storage = storage ?? spec.storage
    let launcher = try StudyLauncher(spec: spec, storage: InMemoryStorage())
    samplerName = spec.sampler?.name ?? launcher.sampler.name
    prunerName = launcher.pruner.name
    self.findings = findings
  }

  /// The params as Optuna's distribution JSON (what `hpotop ask --search-space` reads).
  public var params: OrderedDictionary<String, JSONValue> {
    OrderedDictionary(uniqueKeysWithValues: spec.searchSpace.params.map { ($0.name, $0.distribution.json) })
  }

  /// Params with a single possible value (W&B `value:` constants, one-choice lists).
  public var constants: OrderedDictionary<String, JSONValue> {
    var out: OrderedDictionary<String, JSONValue> = [:]
    for p in spec.searchSpace.params where p.distribution.isSingle {
      switch p.distribution {
      case .categorical(let c): out[p.name] = c.choices[0].json
      case .int(let i): out[p.name] = .int(i.low)
      case .float(let f): out[p.name] = .double(f.low)
      }
    }
    return out
  }

  var objective: JSONValue {
    switch spec.objective {
    case .builtin(let b):
      return .object(["builtin": .string(b.name), "options": .object(b.options)])
    case .command(let c):
      var o: OrderedDictionary<String, JSONValue> = [
        "command": .array(c.argv.map { .string($0) }),
        "cwd": .string(c.resolvedCwd),
        "args": .string(c.args ?? "--{name}={value}"),
        "env": .object(c.env.mapValues { .string($0) }),
        "timeout": c.timeout.map { .double($0) } ?? .null,
      ]
      if c.wandbShim { o["wandb_shim"] = .bool(true) }
      return .object(o)
    }
  }

  static func component(_ name: String, _ spec: ComponentSpec?) -> JSONValue {
    var o: OrderedDictionary<String, JSONValue> = ["name": .string(name)]
    if let spec, spec.name == name {
      if let seed = spec.seed { o["seed"] = .int(Int(seed)) }
      for (k, v) in spec.options { o[k] = v }
    }
    return .object(o)
  }

  /// `hpotop check -f json`.
  public var json: JSONValue {
    var conditions: OrderedDictionary<String, JSONValue> = [:]
    for p in spec.searchSpace.params {
      if let c = p.condition { conditions[p.name] = .object(c.clauses.mapValues { .array($0.map(\.json)) }) }
    }
    let o: OrderedDictionary<String, JSONValue> = [
      "path": .string(spec.path),
      "format": .string(isWandbSweep ? "wandb-sweep" : "hpotop"),
      "name": .string(spec.name),
      "storage": .string(storage),
      "directions": .array(spec.directions.map { .string($0.rawValue.lowercased()) }),
      "metric_names": .array(spec.metrics.map { .string($0.name) }),
      "constraints": .array(spec.constraints.map { .string($0.name) }),
      "params": .object(params),
      "conditions": .object(conditions),
      "constants": .object(constants),
      "sampler": Self.component(samplerName, spec.sampler),
      "pruner": Self.component(prunerName, spec.pruner),
      "objective": objective,
      "n_trials": spec.nTrials.map { .int($0) } ?? .null,
      "timeout": spec.timeout.map { .double($0) } ?? .null,
      "parallelism": .int(spec.parallelism),
      "warnings": .array(spec.warnings.map { .string($0.description) }),
      "findings": .array(findings),
    ]
    return .object(o)
  }

  var isWandbSweep: Bool {
    if case .command(let c) = spec.objective { return c.wandbShim }
    return false
  }

  /// `hpotop check` (text): a summary line, then one line per setting and per param.
  public var text: String {
    var lines: [String] = []
    lines.append("\(spec.path): ok: study '\(spec.name)', \(spec.searchSpace.params.count) param(s), sampler \(samplerName), "
      + objectiveSummary)
    if isWandbSweep { lines.append("  format      W&B sweep (trials get the offline wandb module)") }
    lines.append("  storage     \(storage)")
    let metrics = zip(spec.metrics, spec.directions).map { "\($0.name) (\($1.rawValue.lowercased()))" }
    lines.append("  objective   " + metrics.joined(separator: ", "))
    lines.append("  sampler     " + Self.componentText(Self.component(samplerName, spec.sampler)))
    lines.append("  pruner      " + Self.componentText(Self.component(prunerName, spec.pruner)))
    if case .command(let c) = spec.objective {
      lines.append("  command     " + c.argv.map(Self.quoted).joined(separator: " "))
    }
    var budget: [String] = []
    if let n = spec.nTrials { budget.append("\(n) trials") }
    if let t = spec.timeout { budget.append("timeout \(JSONValue.pythonFloat(t)) s") }
    budget.append("\(spec.parallelism) at a time")
    lines.append("  budget      " + budget.joined(separator: ", "))
    let width = min(32, spec.searchSpace.params.map(\.name.count).max() ?? 0)
    lines.append("  params")
    for p in spec.searchSpace.params {
      var line = "    " + p.name.padding(toLength: max(width, p.name.count), withPad: " ", startingAt: 0) + "  "
        + Self.distributionText(p.distribution)
      if let c = p.condition {
        line += "  when " + c.clauses.map { "\($0.key) in [" + $0.value.map(\.pythonRepr).joined(separator: ", ") + "]" }
          .joined(separator: ", ")
      }
      lines.append(line)
    }
    if !findings.isEmpty {
      lines.append("  findings")
      for f in findings {
        let id = f["id"]?.stringValue ?? "?"
        lines.append("    [\(id)] \(f["message"]?.stringValue ?? "")" + (f["fix"]?.stringValue.map { " — fix: \($0)" } ?? ""))
      }
    }
    return lines.joined(separator: "\n")
  }

  var objectiveSummary: String {
    switch spec.objective {
    case .builtin(let b): return "builtin \(b.name)"
    case .command(let c): return "command \(c.argv.first ?? "")"
    }
  }

  static func componentText(_ c: JSONValue) -> String {
    guard let o = c.objectValue else { return c.pythonJSON }
    let name = o["name"]?.stringValue ?? "?"
    let rest = o.filter { $0.key != "name" }.map { "\($0.key)=\($0.value.pythonJSON)" }
    return rest.isEmpty ? name : name + " (" + rest.joined(separator: ", ") + ")"
  }

  static func distributionText(_ d: Distribution) -> String {
    switch d {
    case .float(let f):
      if f.isSingle { return "constant \(JSONValue.pythonFloat(f.low))" }
      return "float [\(JSONValue.pythonFloat(f.low)), \(JSONValue.pythonFloat(f.high))]" + (f.log ? " log" : "")
        + (f.step.map { " step \(JSONValue.pythonFloat($0))" } ?? "")
    case .int(let i):
      if i.isSingle { return "constant \(i.low)" }
      return "int [\(i.low), \(i.high)]" + (i.log ? " log" : "") + (i.step != 1 ? " step \(i.step)" : "")
    case .categorical(let c):
      if c.choices.count == 1 { return "constant \(c.choices[0].pythonRepr)" }
      return "categorical [" + c.choices.map(\.pythonRepr).joined(separator: ", ") + "]"
    }
  }

  static func quoted(_ arg: String) -> String {
    arg.isEmpty || arg.contains(where: { $0 == " " || $0 == "'" || $0 == "\"" }) ? "'" + arg.replacingOccurrences(of: "'", with: "'\\''") + "'" : arg
  }
}
