import Foundation
import OrderedCollections
import Yams

/// The `parameters:` of a W&B sweep as hpotop params: each W&B distribution becomes the Optuna
/// distribution over the same values (see `docs/wandb.md` for the table). Distributions with no
/// bounded counterpart (normal, log-normal, beta) become a bounded range with a warning; the rest
/// are errors.
extension WandbSweepParser {
  /// The keys of one W&B parameter (the sweeps schema's, all forms together).
  static let parameterKeys = [
    "distribution", "value", "values", "probabilities", "min", "max", "mu", "sigma", "q", "a", "b", "parameters",
  ]
  /// Every `distribution:` hpotop reads.
  static let distributions = [
    "constant", "categorical", "int_uniform", "uniform", "q_uniform", "log_uniform", "log_uniform_values",
    "q_log_uniform", "q_log_uniform_values", "inv_log_uniform", "inv_log_uniform_values", "normal", "q_normal",
    "log_normal", "q_log_normal", "beta", "q_beta",
  ]
  /// How many standard deviations either side of `mu` a normal or log-normal range spans.
  static let sigmaSpan = 3.0

  /// Reads `parameters:` (nested ones flattened to dotted names) into a search space.
  mutating func parseParameters(_ node: Node, prefix: String = "") throws -> SearchSpace {
    var space = SearchSpace()
    for (name, entry) in try reader.entries(node, of: prefix.isEmpty ? "parameters" : "parameters of '\(prefix.dropLast())'") {
      guard Self.isValidName(name) else {
        throw reader.error(entry.key, "invalid parameter name '\(name)': W&B names match [A-Za-z_][A-Za-z0-9_.-]*")
      }
      let full = prefix + name
      if let nested = try nestedParameters(entry.value, name: full) {
        nestedPrefixes.append(full)
        for p in try parseParameters(nested, prefix: full + ".").params { try append(p, to: &space, at: entry.key) }
        continue
      }
      positions["params.\(full)"] = reader.position(entry.key)
      try append(SearchSpace.Param(name: full, distribution: try parseParameter(full, entry.key, entry.value)),
                 to: &space, at: entry.key)
    }
    return space
  }

  private func append(_ p: SearchSpace.Param, to space: inout SearchSpace, at node: Node) throws {
    if space[p.name] != nil {
      throw reader.error(node, "parameter '\(p.name)' is given twice (a nested name and a dotted name meet)")
    }
    space.append(p)
  }

  /// `^[A-Za-z_][A-Za-z0-9_.-]*$`, the sweeps schema's pattern for a parameter name.
  static func isValidName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, first.isASCII,
      first.properties.isAlphabetic || first == "_"
    else { return false }
    return name.unicodeScalars.allSatisfy {
      $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0))
    }
  }

  /// The inner `parameters:` of a nested parameter, or nil for a plain one.
  private func nestedParameters(_ node: Node, name: String) throws -> Node? {
    guard case .mapping = node else { return nil }
    let e = try reader.entries(node, of: "parameter '\(name)'")
    guard let inner = e["parameters"] else { return nil }
    if let other = e.keys.first(where: { $0 != "parameters" }), let k = e[other] {
      throw reader.error(k.key, "parameter '\(name)' has nested 'parameters' and '\(other)': give one or the other")
    }
    return inner.value
  }

  /// One parameter's distribution.
  mutating func parseParameter(_ name: String, _ keyNode: Node, _ node: Node) throws -> Distribution {
    let what = "parameter '\(name)'"
    guard case .mapping = node else {
      throw reader.error(
        node, "\(what) must be a mapping such as {values: [...]}, {value: x} or {min: a, max: b}, got \(reader.describe(node))")
    }
    let e = try reader.entries(node, of: what, known: Self.parameterKeys)
    let kind: String
    if let d = e["distribution"] {
      kind = try reader.string(d.value, "distribution")
      guard Self.distributions.contains(kind) else {
        throw reader.error(
          d.value, reader.unknownMessage("distribution '\(kind)' (hpotop reads: \(Self.distributions.joined(separator: ", ")))", kind, Self.distributions))
      }
    } else if e["values"] != nil {
      kind = "categorical"
    } else if e["value"] != nil {
      kind = "constant"
    } else if let lo = e["min"], let hi = e["max"] {
      kind = reader.tag(lo.value) == .int && reader.tag(hi.value) == .int ? "int_uniform" : "uniform"
    } else {
      throw reader.error(keyNode, "\(what) needs 'values', 'value', 'min' and 'max', or a 'distribution'")
    }
    let used = Self.keysUsed(by: kind)
    for (k, entry) in e where !used.contains(k) && k != "distribution" {
      if k == "probabilities", kind == "categorical" { continue }
      throw reader.error(entry.key, "'\(k)' does not apply to \(kind) \(what) (it takes \(used.joined(separator: ", ")))")
    }
    func required(_ key: String) throws -> Node {
      guard let v = e[key] else { throw reader.error(keyNode, "\(kind) \(what) needs '\(key)'") }
      return v.value
    }
    func number(_ key: String, default value: Double? = nil) throws -> Double {
      guard let v = e[key] else {
        if let value { return value }
        throw reader.error(keyNode, "\(kind) \(what) needs '\(key)'")
      }
      let x = try reader.number(v.value, key)
      guard x.isFinite else { throw reader.error(v.value, "'\(key)' of \(what) must be finite") }
      return x
    }
    /// `q` (default 1) and whether it is an integer, which makes W&B's rounded values ints.
    func quantum() throws -> (q: Double, integral: Bool) {
      guard let v = e["q"] else { return (1, true) }
      let q = try reader.number(v.value, "q")
      guard q > 0, q.isFinite else { throw reader.error(v.value, "'q' of \(what) must be a positive number, got \(q)") }
      return (q, reader.tag(v.value) == .int)
    }
    func bounds() throws -> (Double, Double) {
      let lo = try number("min"), hi = try number("max")
      guard lo <= hi else { throw reader.error(try required("min"), "\(what): 'min' (\(lo)) is above 'max' (\(hi))") }
      return (lo, hi)
    }
    func make(_ body: () throws -> Distribution) throws -> Distribution {
      do { return try body() } catch let d as DistributionError { throw reader.error(node, "\(what): \(d.message)") }
    }
    let at = reader.position(e["distribution"]?.value ?? keyNode)

    switch kind {
    case "constant":
      let value = try scalarValue(try required("value"), what)
      return .categorical(try CategoricalDistribution(choices: [value]))
    case "categorical":
      let items = try reader.sequence(try required("values"), "values")
      guard !items.isEmpty else { throw reader.error(try required("values"), "'values' of \(what) must not be empty") }
      var choices: [ParamValue] = []
      for n in items {
        let v = try scalarValue(n, "a value of \(what)")
        if choices.contains(where: { SearchSpace.sameValue($0, v) }) {
          warn(at: reader.position(n), "\(what) lists \(v.pythonRepr) twice; hpotop keeps one (W&B would draw it more often)")
          continue
        }
        choices.append(v)
      }
      if let p = e["probabilities"] {
        warn(at: reader.position(p.key), "'probabilities' of \(what) is not honoured: hpotop's samplers treat the values alike")
      }
      return .categorical(try CategoricalDistribution(choices: choices))
    case "int_uniform":
      let lo = try reader.int(try required("min"), "min"), hi = try reader.int(try required("max"), "max")
      guard lo <= hi else { throw reader.error(try required("min"), "\(what): 'min' (\(lo)) is above 'max' (\(hi))") }
      return try make { .int(try IntDistribution(low: lo, high: hi)) }
    case "uniform":
      let (lo, hi) = try bounds()
      return try make { .float(try FloatDistribution(low: lo, high: hi)) }
    case "q_uniform":
      let (lo, hi) = try bounds()
      return try stepped(lo, hi, try quantum(), what: what, node: node)
    case "log_uniform", "inv_log_uniform":
      // Bounds are exponents of e: log_uniform draws exp(U(min, max)); inv_log_uniform draws
      // exp(-U(min, max)), which is log-uniform on [exp(-max), exp(-min)].
      let (lo, hi) = try bounds()
      if kind == "log_uniform", lo > 0, hi <= 1 {
        warn(at: reader.position(try required("min")),
             "log_uniform takes exponents of e: \(what) spans [\(Self.text(exp(lo))), \(Self.text(exp(hi)))]; for the range [\(Self.text(lo)), \(Self.text(hi))] write log_uniform_values")
      }
      let (a, b) = kind == "log_uniform" ? (exp(lo), exp(hi)) : (exp(-hi), exp(-lo))
      return try make { .float(try FloatDistribution(low: a, high: b, log: true)) }
    case "log_uniform_values", "inv_log_uniform_values":
      let (lo, hi) = try bounds()
      guard lo > 0 else { throw reader.error(try required("min"), "\(kind) \(what) needs 'min' > 0, got \(Self.text(lo))") }
      return try make { .float(try FloatDistribution(low: lo, high: hi, log: true)) }
    case "q_log_uniform", "q_log_uniform_values":
      let (lo, hi) = try bounds()
      let (a, b) = kind == "q_log_uniform" ? (exp(lo), exp(hi)) : (lo, hi)
      guard a > 0 else { throw reader.error(try required("min"), "\(kind) \(what) needs 'min' > 0, got \(Self.text(lo))") }
      return try quantizedLog(a, b, try quantum(), what: what, node: node, at: at)
    case "normal", "q_normal":
      let mu = try number("mu", default: 0), sigma = try number("sigma", default: 1)
      guard sigma > 0 else { throw reader.error(try required("sigma"), "'sigma' of \(what) must be positive") }
      let lo = mu - Self.sigmaSpan * sigma, hi = mu + Self.sigmaSpan * sigma
      warn(at: at, "\(kind) \(what) has no bounds: hpotop searches [\(Self.text(lo)), \(Self.text(hi))] (mu ± 3 sigma) uniformly")
      if kind == "normal" { return try make { .float(try FloatDistribution(low: lo, high: hi)) } }
      return try stepped(lo, hi, try quantum(), what: what, node: node)
    case "log_normal", "q_log_normal":
      let mu = try number("mu", default: 0), sigma = try number("sigma", default: 1)
      guard sigma > 0 else { throw reader.error(try required("sigma"), "'sigma' of \(what) must be positive") }
      let lo = exp(mu - Self.sigmaSpan * sigma), hi = exp(mu + Self.sigmaSpan * sigma)
      warn(at: at, "\(kind) \(what) has no bounds: hpotop searches [\(Self.text(lo)), \(Self.text(hi))] (exp(mu ± 3 sigma)) on a log scale")
      if kind == "log_normal" { return try make { .float(try FloatDistribution(low: lo, high: hi, log: true)) } }
      return try quantizedLog(lo, hi, try quantum(), what: what, node: node, at: at)
    case "beta", "q_beta":
      let a = try number("a", default: 1), b = try number("b", default: 1)
      guard a > 0, b > 0 else { throw reader.error(node, "'a' and 'b' of \(what) must be positive") }
      if a != 1 || b != 1 {
        warn(at: at, "\(kind) \(what) (a=\(Self.text(a)), b=\(Self.text(b))): hpotop searches [0, 1] uniformly, not by the beta density")
      }
      if kind == "beta" { return try make { .float(try FloatDistribution(low: 0, high: 1)) } }
      return try stepped(0, 1, try quantum(), what: what, node: node)
    default:
      throw reader.error(at: at, "distribution '\(kind)' has no hpotop search space")
    }
  }

  /// The keys a distribution reads (besides `distribution`).
  static func keysUsed(by kind: String) -> [String] {
    switch kind {
    case "constant": return ["value"]
    case "categorical": return ["values", "probabilities"]
    case "int_uniform", "uniform", "log_uniform", "log_uniform_values", "inv_log_uniform", "inv_log_uniform_values":
      return ["min", "max"]
    case "q_uniform", "q_log_uniform", "q_log_uniform_values": return ["min", "max", "q"]
    case "normal", "log_normal": return ["mu", "sigma"]
    case "q_normal", "q_log_normal": return ["mu", "sigma", "q"]
    case "beta": return ["a", "b"]
    case "q_beta": return ["a", "b", "q"]
    default: return []
    }
  }

  /// W&B's `round(x / q) * q` over [lo, hi]: the multiples of q in range, as ints when q is an
  /// integer (as W&B returns them), else as floats on the q grid.
  private func stepped(_ lo: Double, _ hi: Double, _ q: (q: Double, integral: Bool), what: String, node: Node) throws -> Distribution {
    let a = (lo / q.q).rounded() * q.q, b = (hi / q.q).rounded() * q.q
    do {
      if q.integral, q.q < 9e15, abs(a) < 9e15, abs(b) < 9e15 {
        return .int(try IntDistribution(low: Int(a), high: Int(b), step: Int(q.q)))
      }
      return .float(try FloatDistribution(low: a, high: b, step: q.q))
    } catch let d as DistributionError {
      throw reader.error(node, "\(what): \(d.message)")
    }
  }

  /// A rounded log-uniform range: with q = 1 an integer log range; otherwise Optuna has no log
  /// scale with a step, so the values stay W&B's multiples of q and the density is uniform.
  private mutating func quantizedLog(
    _ lo: Double, _ hi: Double, _ q: (q: Double, integral: Bool), what: String, node: Node, at: SourcePosition
  ) throws -> Distribution {
    if q.integral, q.q == 1, lo.rounded() >= 1, hi < 9e15 {
      do {
        return .int(try IntDistribution(low: Int(lo.rounded()), high: Int(hi.rounded()), log: true))
      } catch let d as DistributionError {
        throw reader.error(node, "\(what): \(d.message)")
      }
    }
    warn(at: at, "\(what): Optuna has no log scale with a step; hpotop keeps W&B's multiples of \(q.integral ? String(Int(q.q)) : Self.text(q.q)) and draws them uniformly")
    return try stepped(lo, hi, q, what: what, node: node)
  }

  /// A scalar value (a number, string, boolean or null); W&B also allows lists and mappings,
  /// which hpotop's params cannot hold.
  private func scalarValue(_ node: Node, _ what: String) throws -> ParamValue {
    guard case .scalar = node else {
      throw reader.error(node, "\(what) must be a number, string, boolean or null (hpotop params cannot hold \(reader.describe(node)))")
    }
    let v = try reader.paramValue(node, what)
    if case .float(let x) = v, !x.isFinite { throw reader.error(node, "\(what) must be finite, got \(v.pythonRepr)") }
    return v
  }

  static func text(_ x: Double) -> String { JSONValue.pythonFloat(x) }
}
