import Foundation
import OrderedCollections
import Yams

/// Typed, positioned access to composed YAML nodes: each accessor either returns the value or
/// throws a `StudyFileError` at the node's line and column.
struct YAMLReader {
  let path: String

  func position(_ node: Node) -> SourcePosition {
    node.mark.map { SourcePosition(line: $0.line, column: $0.column) } ?? .start
  }

  func error(_ node: Node, _ message: String) -> StudyFileError {
    StudyFileError(path: path, at: position(node), message)
  }

  func error(at position: SourcePosition, _ message: String) -> StudyFileError {
    StudyFileError(path: path, at: position, message)
  }

  /// What a node is, for "expected X, got Y" messages.
  func describe(_ node: Node) -> String {
    switch node {
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    case .scalar(let s):
      // An explicit tag (`!!int abc`) can claim a type its text does not have.
      switch tag(node) {
      case .null: return "null"
      case .bool: return node.bool == nil ? "'\(s.string)' (tagged !!bool but not a boolean)" : "a boolean (\(s.string))"
      case .int: return node.int == nil ? "'\(s.string)' (tagged !!int but not an integer)" : "an integer (\(s.string))"
      case .float: return node.float == nil ? "'\(s.string)' (tagged !!float but not a number)" : "a number (\(s.string))"
      default: return "'\(s.string)'"
      }
    }
  }

  /// The resolved tag of a node (`tag:yaml.org,2002:int`, …).
  func tag(_ node: Node) -> Tag.Name {
    Tag.Name(rawValue: node.tag.rawValue)
  }

  func isNull(_ node: Node) -> Bool {
    if case .scalar = node, tag(node) == .null { return true }
    return false
  }

  /// The most YAML nodes a study file may expand to, aliases counted at every use. A real study
  /// file has a few hundred (a generated one with 100 000 params fits); the bound stops an alias
  /// bomb (`a: &a [x, x]`, `b: &b [*a, *a]`, …) before anything walks the expansion.
  static let maxExpandedNodes = 1_000_000

  /// Throws when `root` expands to more than `maxExpandedNodes` nodes, at the top-level key (or
  /// list item) whose value crosses the bound. Stops counting at the bound, so it costs at most
  /// that many steps whatever the expansion.
  func checkExpansion(_ root: Node) throws {
    var count = 0
    func visit(_ node: Node) -> Bool {
      count += 1
      if count > Self.maxExpandedNodes { return false }
      switch node {
      case .scalar, .alias: return true
      case .sequence(let s):
        for n in s where !visit(n) { return false }
        return true
      case .mapping(let m):
        for (k, v) in m where !visit(k) || !visit(v) { return false }
        return true
      }
    }
    let tooLarge = "expands to more than \(Self.maxExpandedNodes) YAML values (nested aliases?); a study file may hold at most that many"
    switch root {
    case .mapping(let m):
      count = 1
      for (k, v) in m where !visit(k) || !visit(v) {
        let name = k.scalar?.string ?? "the study file"
        throw error(k, "'\(name)' \(tooLarge)")
      }
    case .sequence(let s):
      count = 1
      for n in s where !visit(n) { throw error(n, "this item \(tooLarge)") }
    default:
      break
    }
  }

  /// Where a file that defines anchors uses a complex key (an alias, a list or a mapping as a
  /// key, or an explicit `?` key), or nil. Such keys must be caught before composing: the YAML
  /// library hashes every key to find duplicates, and hashing an alias-bomb key walks its whole
  /// expansion. A study file's keys are plain names, so no valid file is refused by this.
  static func complexKeyWithAnchors(in yaml: String) -> SourcePosition? {
    guard yaml.contains("&") else { return nil }
    var line = 1
    for text in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
      let chars = Array(text.unicodeScalars)
      var i = 0
      var quote: Unicode.Scalar?
      var lastSignificant: Unicode.Scalar? = nil  // the last non-space character before i
      func isKeyColon(_ j: Int) -> Bool {
        var k = j
        while k < chars.count, chars[k] == " " { k += 1 }
        guard k < chars.count, chars[k] == ":" else { return false }
        return k + 1 == chars.count || [" ", "\t", ",", "}", "]", "\r"].contains(chars[k + 1])
      }
      while i < chars.count {
        let c = chars[i]
        if let q = quote {
          if c == q { quote = nil }
          i += 1
          continue
        }
        switch c {
        case "'", "\"":
          quote = c
        case "#" where i == 0 || chars[i - 1] == " " || chars[i - 1] == "\t":
          i = chars.count
          continue
        case "?" where (lastSignificant == nil || ["-", "{", ",", "["].contains(lastSignificant!))
          && (i + 1 == chars.count || chars[i + 1] == " "):
          return SourcePosition(line: line, column: i + 1)
        case "*" where lastSignificant == nil || [" ", "-", "{", ",", "[", ":", "?"].contains(lastSignificant!) || chars[i - 1] == " ":
          var j = i + 1
          while j < chars.count, chars[j] != " ", chars[j] != ",", chars[j] != "]", chars[j] != "}", chars[j] != ":" { j += 1 }
          if j > i + 1, isKeyColon(j) { return SourcePosition(line: line, column: i + 1) }
        case "]", "}":
          if isKeyColon(i + 1) { return SourcePosition(line: line, column: i + 1) }
        default:
          break
        }
        if c != " " && c != "\t" { lastSignificant = c }
        i += 1
      }
      line += 1
    }
    return nil
  }

  /// The key/value pairs of a mapping by key text, rejecting keys that are not scalars and keys
  /// not in `known` (with the nearest known key as a suggestion).
  func entries(
    _ node: Node, of what: String, known: [String]? = nil
  ) throws -> OrderedDictionary<String, (key: Node, value: Node)> {
    guard case .mapping(let mapping) = node else {
      throw error(node, "\(what) must be a mapping, got \(describe(node))")
    }
    var out: OrderedDictionary<String, (key: Node, value: Node)> = [:]
    for (key, value) in mapping {
      guard case .scalar(let s) = key, !isNull(key) else {
        throw error(key, "keys of \(what) must be plain names, got \(describe(key))")
      }
      if let known, !known.contains(s.string) {
        throw error(key, unknownMessage("key '\(s.string)' in \(what)", s.string, known))
      }
      out[s.string] = (key, value)
    }
    return out
  }

  /// "unknown X; did you mean 'y'?" or "unknown X; expected one of …".
  func unknownMessage(_ what: String, _ name: String, _ candidates: [String]) -> String {
    if let s = nearest(name, among: candidates) { return "unknown \(what); did you mean '\(s)'?" }
    return "unknown \(what); expected one of " + candidates.map { "'\($0)'" }.joined(separator: ", ")
  }

  /// A scalar's text (strings, and numbers or booleans as written); not null, lists or mappings.
  func string(_ node: Node, _ what: String) throws -> String {
    guard case .scalar(let s) = node, !isNull(node) else {
      throw error(node, "\(what) must be a string, got \(describe(node))")
    }
    return s.string
  }

  func int(_ node: Node, _ what: String) throws -> Int {
    if tag(node) == .int, let i = node.int { return i }
    if tag(node) == .float, let d = node.float, d.rounded() == d, abs(d) < 9e15 { return Int(d) }
    throw error(node, "\(what) must be an integer, got \(describe(node))")
  }

  func number(_ node: Node, _ what: String) throws -> Double {
    if tag(node) == .int, let i = node.int { return Double(i) }
    if tag(node) == .float, let d = node.float { return d }
    throw error(node, "\(what) must be a number, got \(describe(node))")
  }

  func bool(_ node: Node, _ what: String) throws -> Bool {
    if tag(node) == .bool, let b = node.bool { return b }
    throw error(node, "\(what) must be true or false, got \(describe(node))")
  }

  func sequence(_ node: Node, _ what: String) throws -> [Node] {
    guard case .sequence(let s) = node else {
      throw error(node, "\(what) must be a list, got \(describe(node))")
    }
    return Array(s)
  }

  /// A scalar as a param value: null, bool, int, float or string as YAML resolves it.
  func paramValue(_ node: Node, _ what: String) throws -> ParamValue {
    guard case .scalar(let s) = node else {
      throw error(node, "\(what) must be a string, number, boolean or null, got \(describe(node))")
    }
    switch tag(node) {
    case .null: return .null
    case .bool: return node.bool.map(ParamValue.bool) ?? .string(s.string)
    case .int: return node.int.map(ParamValue.int) ?? .string(s.string)
    case .float: return node.float.map(ParamValue.float) ?? .string(s.string)
    default: return .string(s.string)
    }
  }

  /// Any node as JSON (options maps for samplers, pruners and built-ins).
  func json(_ node: Node) throws -> JSONValue {
    switch node {
    case .scalar, .alias:
      return try paramValue(node, "a value").json
    case .sequence(let s):
      return .array(try s.map { try json($0) })
    case .mapping:
      let e = try entries(node, of: "an option value")
      return .object(try e.mapValues { try json($0.value) })
    }
  }

  /// Seconds from a positive number or a duration string such as `90s`, `30m`, `2h`, `1h30m`, `1.5d`.
  func duration(_ node: Node, _ what: String) throws -> Double {
    let seconds: Double?
    if tag(node) == .int || tag(node) == .float {
      seconds = try number(node, what)
    } else if case .scalar(let s) = node, !isNull(node) {
      guard let d = Self.parseDuration(s.string) else {
        throw error(node, "\(what) must be seconds or a duration such as '90s', '30m', '2h' or '1h30m', got '\(s.string)'")
      }
      seconds = d
    } else {
      seconds = nil
    }
    guard let seconds else {
      throw error(node, "\(what) must be seconds or a duration such as '30m', got \(describe(node))")
    }
    guard seconds > 0, seconds.isFinite else {
      throw error(node, "\(what) must be positive, got \(formatNumber(seconds))")
    }
    return seconds
  }

  /// Parses `<number><unit>` groups (units s, m, h, d; a bare number is seconds).
  static func parseDuration(_ text: String) -> Double? {
    let units: [String: Double] = [
      "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, "m": 60, "min": 60, "mins": 60, "minute": 60,
      "minutes": 60, "h": 3600, "hr": 3600, "hour": 3600, "hours": 3600, "d": 86400, "day": 86400, "days": 86400,
    ]
    var chars = Substring(text.trimmingCharacters(in: .whitespaces))
    if chars.isEmpty { return nil }
    if let plain = Double(chars) { return plain }
    var total = 0.0
    while !chars.isEmpty {
      let number = chars.prefix { $0.isNumber || $0 == "." }
      guard let value = Double(number) else { return nil }
      chars = chars.dropFirst(number.count).drop { $0 == " " }
      let unit = chars.prefix { $0.isLetter }
      guard let scale = units[unit.lowercased()] else { return nil }
      chars = chars.dropFirst(unit.count).drop { $0 == " " }
      total += value * scale
    }
    return total
  }

  /// The candidate closest to `name` by edit distance, if it is close enough to be a likely typo.
  func nearest(_ name: String, among candidates: [String]) -> String? {
    var best: (String, Int)?
    for c in candidates {
      let d = levenshtein(name.lowercased(), c.lowercased())
      if best == nil || d < best?.1 ?? Int.max { best = (c, d) }
    }
    guard let (candidate, distance) = best else { return nil }
    let limit = name.count <= 3 ? 1 : max(2, name.count / 3)
    return distance <= limit ? candidate : nil
  }
}

/// The Levenshtein edit distance (insertions, deletions, substitutions) between two strings.
func levenshtein(_ a: String, _ b: String) -> Int {
  let a = Array(a), b = Array(b)
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous = Array(0...b.count)
  var current = previous
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
    }
    swap(&previous, &current)
  }
  return previous[b.count]
}
