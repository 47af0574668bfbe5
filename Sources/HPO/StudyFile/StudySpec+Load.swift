import Foundation
import OrderedCollections
import Yams

extension StudySpec {
  /// The keys a study file may have at its top level.
  public static let topLevelKeys = [
    "name", "storage", "metric", "metrics", "constraints", "params", "sampler", "pruner", "n_trials",
    "timeout", "parallelism", "objective", "resources", "budget",
  ]
  /// The most trials one process runs at once (`parallelism:`, `-j`). Each running trial holds a
  /// task, pipes and an objective process; beyond this, run several workers on the storage.
  public static let maxParallelism = 1024
  /// The keys of one param.
  public static let paramKeys = ["type", "low", "high", "step", "log", "choices", "when"]
  static let commandKeys = ["command", "cwd", "env", "timeout", "args", "log_limit"]

  /// Reads and validates a study file.
  public static func load(path: String) throws -> StudySpec {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw StudyFileError(path: path, at: .start, "cannot read the study file: \(error.localizedDescription)")
    }
    return try parse(yaml: text, path: path)
  }

  /// Parses and validates study-file text; `path` names the file in errors and anchors relative
  /// paths (the default storage, `cwd`).
  public static func parse(yaml: String, path: String) throws -> StudySpec {
    let root: Node?
    if let at = YAMLReader.complexKeyWithAnchors(in: yaml) {
      throw StudyFileError(
        path: path, at: at, "keys of a study file must be plain names, not aliases, lists or mappings")
    }
    do {
      root = try Yams.compose(yaml: yaml)
    } catch let e as YamlError {
      throw syntaxError(e, yaml: yaml, path: path)
    }
    let r = YAMLReader(path: path)
    guard let root else { throw r.error(at: .start, "the study file is empty") }
    try r.checkExpansion(root)
    if WandbSweepParser.isSweep(root) {
      var sweep = WandbSweepParser(reader: r, path: path)
      return try sweep.parse(root)
    }
    var parser = StudyFileParser(reader: r, path: path)
    return try parser.parse(root)
  }

  /// A YAML syntax error as a positioned `StudyFileError`.
  static func syntaxError(_ e: YamlError, yaml: String, path: String) -> StudyFileError {
    func make(_ kind: String, _ context: YamlError.Context?, _ problem: String, _ mark: Mark) -> StudyFileError {
      var message = "invalid YAML (\(kind)): \(problem)"
      if let context { message += " (\(context.text) at \(context.mark.line):\(context.mark.column))" }
      return StudyFileError(path: path, line: mark.line, column: mark.column, message: message)
    }
    switch e {
    case .scanner(let context, let problem, let mark, _): return make("scanner", context, problem, mark)
    case .parser(let context, let problem, let mark, _): return make("parser", context, problem, mark)
    case .composer(let context, let problem, let mark, _): return make("composer", context, problem, mark)
    case .reader(let problem, let offset, _, _):
      var line = 1, column = 1
      if let offset {
        for (i, b) in yaml.utf8.enumerated() where i < offset {
          if b == UInt8(ascii: "\n") { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
      }
      return StudyFileError(path: path, line: line, column: column, message: "invalid text: \(problem)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      let key = duplicates.first ?? "?"
      let first = SourcePosition(line: context.mark.line, column: context.mark.column)
      let at = duplicatePosition(of: key, after: first, in: yaml) ?? first
      let also = duplicates.count > 1 ? " (also: " + duplicates.dropFirst().map { "'\($0)'" }.joined(separator: ", ") + ")" : ""
      return StudyFileError(
        path: path, at: at, "duplicate key '\(key)', first given at \(first.line):\(first.column)\(also)")
    default:
      return StudyFileError(path: path, at: .start, "invalid YAML: \(e)")
    }
  }

  /// Where a key that first appears at `first` appears again in the same mapping: later on the
  /// same line (flow style) or at the same indentation on a later line (block style).
  static func duplicatePosition(of key: String, after first: SourcePosition, in yaml: String) -> SourcePosition? {
    let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map { Array(String($0).unicodeScalars) }
    guard first.line >= 1, first.line <= lines.count else { return nil }
    let keyScalars = Array(key.unicodeScalars)
    func keyAt(_ line: [Unicode.Scalar], _ col: Int) -> Bool {
      var i = col
      var quote: Unicode.Scalar?
      if i < line.count, line[i] == "\"" || line[i] == "'" { quote = line[i]; i += 1 }
      guard i + keyScalars.count <= line.count, Array(line[i..<(i + keyScalars.count)]) == keyScalars else { return false }
      i += keyScalars.count
      if let quote { guard i < line.count, line[i] == quote else { return false }; i += 1 }
      while i < line.count, line[i] == " " { i += 1 }
      return i < line.count && line[i] == ":"
    }
    // Flow style: `{a: 1, a: 2}` on one line.
    let own = lines[first.line - 1]
    var i = first.column - 1 + keyScalars.count
    while i < own.count {
      if own[i] == "," || own[i] == "{" {
        var j = i + 1
        while j < own.count, own[j] == " " { j += 1 }
        if keyAt(own, j) { return SourcePosition(line: first.line, column: j + 1) }
      }
      i += 1
    }
    // Block style: the same indentation on a later line, before the mapping ends.
    let indent = first.column - 1
    for n in first.line..<lines.count {
      let line = lines[n]
      let lead = line.prefix { $0 == " " }.count
      if lead == line.count || line[lead] == "#" { continue }
      if lead < indent { return nil }
      if lead == indent, keyAt(line, indent) { return SourcePosition(line: n + 1, column: indent + 1) }
    }
    return nil
  }
}

/// The hand-written validator behind `StudySpec.parse`: walks the composed YAML and builds the
/// spec, throwing the first problem with its position.
struct StudyFileParser {
  let reader: YAMLReader
  let path: String
  var positions: [String: SourcePosition] = [:]

  init(reader: YAMLReader, path: String) {
    self.reader = reader
    self.path = path
  }

  var directory: String {
    URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path
  }

  mutating func parse(_ root: Node) throws -> StudySpec {
    guard case .mapping = root else {
      throw reader.error(
        root, "a study file must be a mapping of keys (name, params, objective, …), got \(reader.describe(root))")
    }
    let top = try reader.entries(root, of: "the study file", known: StudySpec.topLevelKeys)
    for (k, v) in top { positions[k] = reader.position(v.key) }

    // Name (default: the file name without extension).
    var name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    if let n = top["name"] {
      name = try reader.string(n.value, "name")
      if name.trimmingCharacters(in: .whitespaces).isEmpty { throw reader.error(n.value, "name must not be empty") }
      // Optuna's studies.study_name is VARCHAR(512).
      if name.count > 512 { throw reader.error(n.value, "name must be at most 512 characters, got \(name.count)") }
    }

    // Params (before the objective, whose placeholders and built-in checks refer to them).
    let declared = try top["params"].map { try parseParams($0.value) } ?? SearchSpace()

    // Objective.
    guard let objectiveEntry = top["objective"] else {
      throw reader.error(
        root, "missing 'objective': give 'objective: {builtin: <name>}' or 'objective: {command: [argv…]}'")
    }
    let (objective, builtin, builtinOptions) = try parseObjective(objectiveEntry.value, declared: declared)

    // The effective space.
    var space = declared
    if let builtin {
      if declared.isEmpty {
        space = builtin.searchSpace(builtinOptions)
      } else if let p = top["params"] {
        try checkCompatible(declared, with: builtin, options: builtinOptions, paramsNode: p.key)
      }
    }

    // Metrics.
    let metrics = try parseMetrics(top, builtin: builtin)
    let constraints = try top["constraints"].map {
      try parseConstraints($0.value, metrics: metrics, builtin: builtin)
    } ?? []

    let sampler = try top["sampler"].map {
      try parseComponent($0.value, kind: "sampler", names: ComponentSpec.samplerNames)
    }
    let pruner = try top["pruner"].map {
      try parseComponent($0.value, kind: "pruner", names: ComponentSpec.prunerNames)
    }

    var nTrials: Int?
    if let e = top["n_trials"] {
      let n = try reader.int(e.value, "n_trials")
      guard n > 0 else { throw reader.error(e.value, "n_trials must be a positive integer, got \(n)") }
      nTrials = n
    }
    let timeout = try top["timeout"].map { try reader.duration($0.value, "timeout") }
    var parallelism = 1
    if let e = top["parallelism"] {
      parallelism = try reader.int(e.value, "parallelism")
      guard parallelism >= 1 else { throw reader.error(e.value, "parallelism must be at least 1, got \(parallelism)") }
      guard parallelism <= StudySpec.maxParallelism else {
        throw reader.error(
          e.value, "parallelism must be at most \(StudySpec.maxParallelism), got \(parallelism) (run several workers for more)")
      }
    }

    var storage = StudyFileParser.defaultStorage(directory: directory, name: name)
    if let e = top["storage"] {
      storage = try resolveStorage(e.value)
    } else if name.utf8.count + 3 > 255 {
      throw reader.error(
        top["name"]?.value ?? root, "the name is too long for the default database file name (<name>.db); give 'storage:'")
    }

    return StudySpec(
      path: path, name: name, storage: storage, storageIsExplicit: top["storage"] != nil, metrics: metrics,
      constraints: constraints, declaredSpace: declared, searchSpace: space, sampler: sampler, pruner: pruner,
      nTrials: nTrials, timeout: timeout, parallelism: parallelism, objective: objective, positions: positions,
      resources: try top["resources"].map { try parseResources($0.value) },
      budget: try top["budget"].map { try parseBudget($0.value) })
  }

  // MARK: Storage

  /// `<study-file-dir>/<name>.db`, with path separators and characters that could act on a
  /// terminal (controls, bidi overrides) replaced by `_`, so a name never becomes such a file name.
  static func defaultStorage(directory: String, name: String) -> String {
    var file = String.UnicodeScalarView()
    for s in name.unicodeScalars {
      file.append(s == "/" || s == "\\" || PrintableText.isUnsafe(s) ? "_" : s)
    }
    return "sqlite:///" + (directory as NSString).appendingPathComponent(String(file) + ".db")
  }

  func resolveStorage(_ node: Node) throws -> String {
    let url = try reader.string(node, "storage")
    guard let schemeEnd = url.range(of: "://") else {
      throw reader.error(
        node, "storage must be a URL such as 'sqlite:///study.db' or 'postgresql://user@host/db', got '\(url)'")
    }
    let scheme = String(url[..<schemeEnd.lowerBound])
    let base = scheme.split(separator: "+").first.map(String.init) ?? scheme
    switch base {
    case "sqlite":
      let rest = String(url[schemeEnd.upperBound...])
      guard rest.hasPrefix("/"), rest.count > 1 else {
        throw reader.error(node, "an SQLite storage URL needs a file: 'sqlite:///relative.db' or 'sqlite:////abs/path.db'")
      }
      let file = String(rest.dropFirst())
      if file.hasPrefix("/") { return url }
      return scheme + ":///" + (directory as NSString).appendingPathComponent(file)
    case "postgresql", "postgres":
      return url
    default:
      throw reader.error(
        node, reader.unknownMessage("storage scheme '\(scheme)'", base, ["sqlite", "postgresql"]))
    }
  }

  // MARK: Params

  mutating func parseParams(_ node: Node) throws -> SearchSpace {
    let entries = try reader.entries(node, of: "params")
    var space = SearchSpace()
    for (name, entry) in entries {
      positions["params.\(name)"] = reader.position(entry.key)
      if name.isEmpty || name.contains("{") || name.contains("}") {
        throw reader.error(entry.key, "invalid param name '\(name)'")
      }
      space.append(try parseParam(name, entry.key, entry.value, earlier: space))
    }
    return space
  }

  func parseParam(_ name: String, _ keyNode: Node, _ node: Node, earlier: SearchSpace) throws -> SearchSpace.Param {
    let e = try reader.entries(node, of: "param '\(name)'", known: StudySpec.paramKeys)
    let type: String
    if let t = e["type"] {
      type = try reader.string(t.value, "type")
      guard ["float", "int", "categorical"].contains(type) else {
        throw reader.error(t.value, reader.unknownMessage("param type '\(type)'", type, ["float", "int", "categorical"]))
      }
    } else if e["choices"] != nil {
      type = "categorical"
    } else {
      throw reader.error(keyNode, "param '\(name)' needs a 'type': float, int or categorical")
    }
    let what = "param '\(name)'"
    let distribution: Distribution
    switch type {
    case "categorical":
      for k in ["low", "high", "step", "log"] {
        if let x = e[k] { throw reader.error(x.key, "'\(k)' applies to float and int params, not to categorical \(what)") }
      }
      guard let c = e["choices"] else { throw reader.error(keyNode, "categorical \(what) needs 'choices'") }
      let nodes = try reader.sequence(c.value, "choices")
      var choices: [ParamValue] = []
      for n in nodes {
        let v = try reader.paramValue(n, "a choice")
        if case .float(let x) = v, !x.isFinite {
          throw reader.error(n, "a choice of \(what) must be a finite number, got \(v.pythonRepr)")
        }
        if choices.contains(where: { SearchSpace.sameValue($0, v) }) {
          throw reader.error(n, "duplicate choice \(v.pythonRepr) in \(what)")
        }
        choices.append(v)
      }
      do {
        distribution = .categorical(try CategoricalDistribution(choices: choices))
      } catch let d as DistributionError {
        throw reader.error(c.value, "\(what): \(d.message)")
      }
    default:
      if let x = e["choices"] { throw reader.error(x.key, "'choices' applies to categorical params, not to \(type) \(what)") }
      guard let lowE = e["low"], let highE = e["high"] else {
        throw reader.error(keyNode, "\(type) \(what) needs 'low' and 'high'")
      }
      let log = try e["log"].map { try reader.bool($0.value, "log") } ?? false
      do {
        if type == "float" {
          let low = try reader.number(lowE.value, "low")
          let high = try reader.number(highE.value, "high")
          let step = try e["step"].map { try reader.number($0.value, "step") }
          do {
            distribution = .float(try FloatDistribution(low: low, high: high, step: step, log: log))
          } catch let d as DistributionError {
            let blame: Node
            if log && step != nil { blame = e["step"]?.key ?? lowE.value }
            else if !(low <= high) { blame = lowE.value }
            else if log && low <= 0 { blame = lowE.value }
            else if let s = step, !(s > 0) { blame = e["step"]?.value ?? lowE.value }
            else { blame = low.isFinite ? highE.value : lowE.value }
            throw reader.error(blame, "\(what): \(d.message)")
          }
        } else {
          let low = try reader.int(lowE.value, "low")
          let high = try reader.int(highE.value, "high")
          let step = try e["step"].map { try reader.int($0.value, "step") }
          if high.subtractingReportingOverflow(low).overflow {
            throw reader.error(lowE.value, "\(what): the range \(low)…\(high) is too large")
          }
          do {
            distribution = .int(try IntDistribution(low: low, high: high, step: step ?? 1, log: log))
          } catch let d as DistributionError {
            let blame: Node
            if log && (step ?? 1) != 1 { blame = e["step"]?.key ?? lowE.value }
            else if low > high { blame = lowE.value }
            else if log && low < 1 { blame = lowE.value }
            else { blame = e["step"]?.value ?? lowE.value }
            throw reader.error(blame, "\(what): \(d.message)")
          }
        }
      }
    }
    let condition = try e["when"].map { try parseCondition($0.value, for: name, earlier: earlier) }
    return SearchSpace.Param(name: name, distribution: distribution, condition: condition)
  }

  func parseCondition(_ node: Node, for name: String, earlier: SearchSpace) throws -> SearchSpace.Condition {
    let e = try reader.entries(node, of: "'when' of param '\(name)'")
    guard !e.isEmpty else { throw reader.error(node, "'when' of param '\(name)' needs at least one 'param: value'") }
    var clauses: OrderedDictionary<String, [ParamValue]> = [:]
    for (other, entry) in e {
      guard let target = earlier[other] else {
        if other == name { throw reader.error(entry.key, "param '\(name)' cannot depend on itself") }
        throw reader.error(
          entry.key,
          reader.unknownMessage("param '\(other)' in 'when' of '\(name)' (it must be declared before '\(name)')",
                                other, earlier.names))
      }
      let valueNodes: [Node]
      if case .sequence(let s) = entry.value { valueNodes = Array(s) } else { valueNodes = [entry.value] }
      if valueNodes.isEmpty { throw reader.error(entry.value, "'when' needs at least one value for '\(other)'") }
      var values: [ParamValue] = []
      for vn in valueNodes {
        let v = try reader.paramValue(vn, "a 'when' value")
        switch target.distribution {
        case .categorical(let c):
          guard let i = c.index(of: v) else {
            throw reader.error(
              vn, "'when' value \(v.pythonRepr) is not one of the choices of '\(other)': "
                + c.choices.map(\.pythonRepr).joined(separator: ", "))
          }
          values.append(c.choices[i])
        case .int(let d):
          guard let i = v.intValue, case .int = v, i >= d.low, i <= d.high, (i - d.low) % d.step == 0 else {
            throw reader.error(vn, "'when' value \(v.pythonRepr) is not a value of int param '\(other)' (\(d.low)…\(d.high))")
          }
          values.append(.int(i))
        case .float:
          throw reader.error(entry.key, "'when' can test categorical and int params, not float param '\(other)'")
        }
      }
      clauses[other] = values
    }
    return SearchSpace.Condition(clauses)
  }

  // MARK: Objective

  mutating func parseObjective(
    _ node: Node, declared: SearchSpace
  ) throws -> (ObjectiveSpec, BuiltinObjective?, BuiltinOptions) {
    guard case .mapping = node else {
      throw reader.error(
        node, "objective must be a mapping such as '{builtin: branin}' or '{command: [python, train.py]}', got \(reader.describe(node))")
    }
    let e = try reader.entries(node, of: "objective")
    switch (e["builtin"], e["command"]) {
    case (.some(let b), .some(let c)):
      _ = b
      throw reader.error(c.key, "objective has both 'builtin' and 'command'; use one")
    case (.some(let b), nil):
      let name = try reader.string(b.value, "builtin")
      guard let builtin = BuiltinObjective.named(name) else {
        throw reader.error(b.value, reader.unknownMessage("builtin objective '\(name)'", name, BuiltinObjective.allNames))
      }
      var options: OrderedDictionary<String, JSONValue> = [:]
      for (k, entry) in e where k != "builtin" {
        guard builtin.options.contains(where: { $0.name == k }) else {
          let names = builtin.options.map(\.name)
          if names.isEmpty { throw reader.error(entry.key, "builtin '\(builtin.name)' takes no options, got '\(k)'") }
          throw reader.error(entry.key, reader.unknownMessage("option '\(k)' of builtin '\(builtin.name)'", k, names))
        }
        let value = try reader.json(entry.value)
        if let problem = builtin.validate(option: k, value: value) { throw reader.error(entry.value, problem) }
        options[k] = value
      }
      let spec = BuiltinSpec(name: builtin.name, options: options, position: reader.position(node))
      return (.builtin(spec), builtin, BuiltinOptions(options))
    case (nil, .some(let c)):
      let command = try parseCommand(node, e, declared: declared)
      // Where `checkComponents` blames a missing program or working directory.
      if case .sequence(let argv) = c.value, let first = argv.first { positions["objective.program"] = reader.position(first) }
      if let cwd = e["cwd"] { positions["objective.cwd"] = reader.position(cwd.value) }
      return (.command(command), nil, BuiltinOptions())
    case (nil, nil):
      if let (k, entry) = e.elements.first {
        throw reader.error(entry.key, reader.unknownMessage("key '\(k)' in objective", k, ["builtin"] + StudySpec.commandKeys))
      }
      throw reader.error(node, "objective needs 'builtin: <name>' or 'command: [argv…]'")
    }
  }

  func parseCommand(
    _ node: Node, _ e: OrderedDictionary<String, (key: Node, value: Node)>, declared: SearchSpace
  ) throws -> CommandSpec {
    for (k, entry) in e where !StudySpec.commandKeys.contains(k) {
      throw reader.error(entry.key, reader.unknownMessage("key '\(k)' in a command objective", k, StudySpec.commandKeys))
    }
    guard let c = e["command"] else { throw reader.error(node, "objective needs 'command'") }
    if case .scalar = c.value, !reader.isNull(c.value) {
      throw reader.error(c.value, "command must be a list of arguments, e.g. 'command: [python, train.py]' (it is never run through a shell)")
    }
    let argNodes = try reader.sequence(c.value, "command")
    guard !argNodes.isEmpty else { throw reader.error(c.value, "command must not be empty") }
    if declared.isEmpty {
      throw reader.error(node, "a command objective needs 'params:' (the search space to pass to the command)")
    }
    var argv: [String] = []
    var used: [String] = []
    let allowed = declared.names + CommandSpec.reservedPlaceholders
    for (i, n) in argNodes.enumerated() {
      let arg = try reader.string(n, "an argument of command")
      if i == 0 && arg.isEmpty { throw reader.error(n, "the program (the first item of command) must not be empty") }
      if arg.contains("\0") { throw reader.error(n, "an argument of command must not contain a NUL character") }
      for (name, offset) in try placeholders(in: arg, node: n) {
        guard allowed.contains(name) else {
          let at = shifted(reader.position(n), by: offset, node: n)
          throw reader.error(at: at, reader.unknownMessage("placeholder '{\(name)}' (not a param)", name, allowed))
        }
        if declared[name] != nil, !used.contains(name) { used.append(name) }
      }
      argv.append(arg)
    }
    var args: String?
    if let a = e["args"] {
      let template = try reader.string(a.value, "args")
      for (name, offset) in try placeholders(in: template, node: a.value) where name != "name" && name != "value" {
        throw reader.error(
          at: shifted(reader.position(a.value), by: offset, node: a.value),
          "'args' may only use the placeholders {name} and {value}, got '{\(name)}'")
      }
      args = template
    }
    var env: OrderedDictionary<String, String> = [:]
    if let en = e["env"] {
      for (k, entry) in try reader.entries(en.value, of: "env") {
        if k.isEmpty || k.contains("=") || k.contains("\0") {
          throw reader.error(entry.key, "invalid environment variable name '\(k)': it must be non-empty, without '=' or NUL")
        }
        let value = try reader.string(entry.value, "env value '\(k)'")
        if value.contains("\0") { throw reader.error(entry.value, "env value '\(k)' must not contain a NUL character") }
        env[k] = value
      }
    }
    let cwd = try e["cwd"].map { try reader.string($0.value, "cwd") }
    let resolvedCwd = cwd.map { ($0 as NSString).isAbsolutePath ? $0 : (directory as NSString).appendingPathComponent($0) }
      ?? directory

    let timeout = try e["timeout"].map { try reader.duration($0.value, "command timeout") }
    var command = CommandSpec(
      argv: argv, cwd: cwd, resolvedCwd: (resolvedCwd as NSString).standardizingPath, env: env, timeout: timeout,
      args: args, placeholders: used, position: reader.position(node))
    if let l = e["log_limit"] { command.logLimit = try logLimit(l.value, reader) }
    return command
  }

  /// `log_limit:` a size per log file: bytes (`1048576`), a size with a binary unit (`512KB`,
  /// `10 MiB`, `1G`: K, M and G are 1024, 1024², 1024³), or `none` for no limit.
  func logLimit(_ node: Node, _ reader: YAMLReader) throws -> Int? {
    let bad = "log_limit must be a size such as 10MB, a number of bytes, or none"
    if case .scalar(let s) = node, s.string.lowercased() == "none" { return nil }
    if let n = try? reader.int(node, "log_limit") {
      guard n >= 0 else { throw reader.error(node, bad + ", got \(n)") }
      return n
    }
    guard case .scalar(let s) = node else { throw reader.error(node, bad) }
    let text = s.string.trimmingCharacters(in: .whitespaces)
    let digits = text.prefix { $0.isNumber }
    let unit = text.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
    let scale: [String: Int] = ["": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20,
                                "mib": 1 << 20, "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30]
    guard !digits.isEmpty, digits.count <= 12, let n = Int(digits), let factor = scale[unit] else {
      throw reader.error(node, bad + ", got '\(text)'")
    }
    return n * factor
  }

  /// The `{name}` placeholders of an argument with their offsets (`{{` and `}}` are literal braces).
  func placeholders(in text: String, node: Node) throws -> [(String, Int)] {
    let chars = Array(text)
    var out: [(String, Int)] = []
    var i = 0
    while i < chars.count {
      if chars[i] == "{" {
        if i + 1 < chars.count, chars[i + 1] == "{" { i += 2; continue }
        guard let close = chars[(i + 1)...].firstIndex(of: "}") else {
          throw reader.error(at: shifted(reader.position(node), by: i, node: node), "unclosed '{' in '\(text)' (write '{{' for a literal brace)")
        }
        let name = String(chars[(i + 1)..<close])
        if name.isEmpty || name.contains("{") {
          throw reader.error(at: shifted(reader.position(node), by: i, node: node), "invalid placeholder in '\(text)'")
        }
        out.append((name, i))
        i = close + 1
      } else if chars[i] == "}" {
        if i + 1 < chars.count, chars[i + 1] == "}" { i += 2; continue }
        throw reader.error(at: shifted(reader.position(node), by: i, node: node), "unmatched '}' in '\(text)' (write '}}' for a literal brace)")
      } else {
        i += 1
      }
    }
    return out
  }

  /// The position `offset` characters into a one-line scalar (after its opening quote).
  func shifted(_ p: SourcePosition, by offset: Int, node: Node) -> SourcePosition {
    guard case .scalar(let s) = node else { return p }
    switch s.style {
    case .plain, .any: return SourcePosition(line: p.line, column: p.column + offset)
    case .singleQuoted, .doubleQuoted: return SourcePosition(line: p.line, column: p.column + 1 + offset)
    default: return p
    }
  }

  /// A declared space must give a built-in what it reads: its required params, of a kind it can
  /// use (categorical choices among its own).
  func checkCompatible(
    _ declared: SearchSpace, with builtin: BuiltinObjective, options: BuiltinOptions, paramsNode: Node
  ) throws {
    let own = builtin.searchSpace(options)
    for p in own.params {
      guard let mine = declared[p.name] else {
        if builtin.reportsIntermediateValues { continue }  // the simulation fills in missing params
        throw reader.error(
          paramsNode, "builtin '\(builtin.name)' needs param '\(p.name)' (declare all of: \(own.names.joined(separator: ", ")), or omit 'params' to use its own space)")
      }
      let at = positions["params.\(p.name)"] ?? reader.position(paramsNode)
      if mine.condition != nil, p.condition == nil, !builtin.reportsIntermediateValues {
        throw reader.error(at: at, "param '\(p.name)' cannot have 'when': builtin '\(builtin.name)' needs it in every trial")
      }
      switch (p.distribution, mine.distribution) {
      case (.float, .float), (.float, .int), (.int, .int):
        break
      case (.categorical(let theirs), .categorical(let c)):
        if let bad = c.choices.first(where: { theirs.index(of: $0) == nil }) {
          throw reader.error(
            at: at, "choice \(bad.pythonRepr) of param '\(p.name)' is not one builtin '\(builtin.name)' knows: "
              + theirs.choices.map(\.pythonRepr).joined(separator: ", "))
        }
      default:
        throw reader.error(
          at: at, "param '\(p.name)' must be \(kindWord(p.distribution)) for builtin '\(builtin.name)', not \(kindWord(mine.distribution))")
      }
    }
  }

  func kindWord(_ d: Distribution) -> String {
    switch d {
    case .float: return "float"
    case .int: return "int"
    case .categorical: return "categorical"
    }
  }

  // MARK: Metrics

  mutating func parseMetrics(
    _ top: OrderedDictionary<String, (key: Node, value: Node)>, builtin: BuiltinObjective?
  ) throws -> [MetricSpec] {
    if let m = top["metric"], let ms = top["metrics"] {
      let later = reader.position(m.key).line > reader.position(ms.key).line ? m.key : ms.key
      throw reader.error(later, "use either 'metric' or 'metrics', not both")
    }
    var metrics: [MetricSpec] = []
    var anchor: Node?
    if let m = top["metric"] {
      metrics = [try parseMetric(m.value)]
      anchor = m.value
    } else if let ms = top["metrics"] {
      let nodes = try reader.sequence(ms.value, "metrics")
      guard !nodes.isEmpty else { throw reader.error(ms.value, "metrics must list at least one metric") }
      for n in nodes {
        let metric = try parseMetric(n)
        if metrics.contains(where: { $0.name == metric.name }) {
          throw reader.error(n, "duplicate metric '\(metric.name)'")
        }
        metrics.append(metric)
      }
      anchor = ms.value
    }
    if let builtin {
      if let anchor {
        guard metrics.count == builtin.directions.count else {
          throw reader.error(
            anchor, "builtin '\(builtin.name)' reports \(builtin.directions.count) objective(s) ("
              + builtin.metricNames.joined(separator: ", ") + ") but \(metrics.count) metric(s) are declared")
        }
      } else {
        metrics = zip(builtin.metricNames, builtin.directions).map { MetricSpec(name: $0, direction: $1) }
      }
    } else if metrics.isEmpty {
      metrics = [MetricSpec(name: "value", direction: .minimize)]
    }
    return metrics
  }

  func parseMetric(_ node: Node) throws -> MetricSpec {
    if case .scalar = node {
      return MetricSpec(name: try reader.string(node, "metric"), direction: .minimize, position: reader.position(node))
    }
    let e = try reader.entries(node, of: "a metric", known: ["name", "direction"])
    guard let n = e["name"] else { throw reader.error(node, "a metric needs a 'name'") }
    let name = try reader.string(n.value, "metric name")
    var direction = StudyDirection.minimize
    if let d = e["direction"] {
      let text = try reader.string(d.value, "direction")
      switch text.lowercased() {
      case "minimize": direction = .minimize
      case "maximize": direction = .maximize
      default:
        throw reader.error(d.value, "direction must be 'minimize' or 'maximize', got '\(text)'")
      }
    }
    return MetricSpec(name: name, direction: direction, position: reader.position(node))
  }

  func parseConstraints(_ node: Node, metrics: [MetricSpec], builtin: BuiltinObjective?) throws -> [NamedPosition] {
    let nodes = try reader.sequence(node, "constraints")
    if let builtin, !nodes.isEmpty {
      throw reader.error(node, "builtin '\(builtin.name)' reports no constraint metrics")
    }
    var out: [NamedPosition] = []
    for n in nodes {
      let name = try reader.string(n, "a constraint metric name")
      if out.contains(where: { $0.name == name }) { throw reader.error(n, "duplicate constraint '\(name)'") }
      if metrics.contains(where: { $0.name == name }) {
        throw reader.error(n, "'\(name)' is an objective metric; a constraint must be another metric")
      }
      out.append(NamedPosition(name: name, position: reader.position(n)))
    }
    return out
  }

  // MARK: Sampler and pruner

  func parseComponent(_ node: Node, kind: String, names: [String]) throws -> ComponentSpec {
    func checkName(_ name: String, _ at: Node) throws {
      guard names.contains(name) else {
        throw reader.error(at, reader.unknownMessage("\(kind) '\(name)'", name, names))
      }
    }
    if case .scalar = node {
      let name = try reader.string(node, kind)
      try checkName(name, node)
      return ComponentSpec(path: path, name: name, position: reader.position(node))
    }
    guard case .mapping = node else {
      throw reader.error(node, "\(kind) must be a name or a mapping with 'name', got \(reader.describe(node))")
    }
    let e = try reader.entries(node, of: kind)
    guard let n = e["name"] else {
      throw reader.error(node, "\(kind) needs a 'name' (one of " + names.map { "'\($0)'" }.joined(separator: ", ") + ")")
    }
    let name = try reader.string(n.value, "\(kind) name")
    try checkName(name, n.value)
    var seed: UInt64?
    var seedPosition: SourcePosition?
    if let s = e["seed"] {
      let value = try reader.int(s.value, "seed")
      guard value >= 0 else { throw reader.error(s.value, "seed must be a non-negative integer, got \(value)") }
      seed = UInt64(value)
      seedPosition = reader.position(s.value)
    }
    var options: OrderedDictionary<String, JSONValue> = [:]
    var optionPositions: [String: SourcePosition] = [:]
    for (k, entry) in e where k != "name" && k != "seed" {
      options[k] = try reader.json(entry.value)
      optionPositions[k] = reader.position(entry.value)
    }
    return ComponentSpec(
      path: path, name: name, seed: seed, options: options, position: reader.position(node),
      namePosition: reader.position(n.value), seedPosition: seedPosition, optionPositions: optionPositions)
  }
}
