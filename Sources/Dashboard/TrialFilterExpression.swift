import Foundation
import HPO

/// A filter typed after `/` in the trial table: `running`, `state=pruned`, `lr < 0.01`,
/// `value > 2 and optimizer == adam`, `not (state == fail or number >= 100)`.
///
/// Grammar (`and` binds tighter than `or`; words are case-insensitive):
/// ```
/// expr    := and ("or" and)*
/// and     := unary ("and" unary)*
/// unary   := "not" unary | "(" expr ")" | compare
/// compare := operand (("<" | "<=" | ">" | ">=" | "==" | "=" | "!=") operand)?
/// ```
/// A lone word is a state (`running`, `complete`, `pruned`, `fail`/`failed`, `waiting`).
/// Names: `number`, `state`, `value` (first objective), `value0`…, `duration` (seconds), and
/// param names; an unknown word on the right is a string (`optimizer == adam`).
public indirect enum TrialFilterExpression: Sendable, Hashable {
  case and(TrialFilterExpression, TrialFilterExpression)
  case or(TrialFilterExpression, TrialFilterExpression)
  case not(TrialFilterExpression)
  case compare(Operand, Op, Operand)
  case isState(TrialState)

  /// A comparison operator.
  public enum Op: String, Sendable, Hashable {
    case lt = "<", le = "<=", gt = ">", ge = ">=", eq = "==", ne = "!="
  }

  /// One side of a comparison.
  public enum Operand: Sendable, Hashable {
    case number(Double)
    case string(String)
    case field(String)
  }

  /// Parses `text`; `names` are the params the study has (for error messages and lookups).
  public static func parse(_ text: String, params: [String]) throws -> TrialFilterExpression {
    var p = FilterParser(tokens: try FilterParser.tokenize(text), params: params)
    let e = try p.parseOr()
    if p.pos < p.tokens.count {
      throw FilterError(message: "unexpected '\(p.tokens[p.pos].text)'", column: p.tokens[p.pos].column)
    }
    return e
  }

  /// Whether a trial passes.
  public func matches(_ t: FrozenTrial) -> Bool {
    switch self {
    case .and(let a, let b): return a.matches(t) && b.matches(t)
    case .or(let a, let b): return a.matches(t) || b.matches(t)
    case .not(let a): return !a.matches(t)
    case .isState(let s): return t.state == s
    case .compare(let l, let op, let r):
      guard let a = Self.resolve(l, t), let b = Self.resolve(r, t) else { return false }
      return Self.compare(a, op, b)
    }
  }

  enum Value {
    case number(Double)
    case string(String)
  }

  static func resolve(_ o: Operand, _ t: FrozenTrial) -> Value? {
    switch o {
    case .number(let d): return .number(d)
    case .string(let s): return .string(s)
    case .field(let name):
      switch name {
      case "number", "#": return .number(Double(t.number))
      case "state": return .string(t.state.rawValue.lowercased())
      case "value": return t.values?.first.map { .number($0) }
      case "duration":
        if let d = t.duration { return .number(d) }
        return t.datetimeStart.map { .number(Date().timeIntervalSince($0)) }
      default:
        if name.hasPrefix("value"), let i = Int(name.dropFirst(5)) {
          guard let vs = t.values, i >= 0, i < vs.count else { return nil }
          return .number(vs[i])
        }
        guard let p = t.params[name] else { return nil }
        if let s = p.stringValue { return .string(s) }
        if let d = p.doubleValue { return .number(d) }
        return .string(p.displayText)
      }
    }
  }

  static func compare(_ a: Value, _ op: Op, _ b: Value) -> Bool {
    switch (a, b) {
    case (.number(let x), .number(let y)):
      switch op {
      case .lt: return x < y
      case .le: return x <= y
      case .gt: return x > y
      case .ge: return x >= y
      case .eq: return x == y
      case .ne: return x != y
      }
    default:
      let x = Self.text(a).lowercased()
      var y = Self.text(b).lowercased()
      if y == "failed" { y = "fail" }
      switch op {
      case .lt: return x < y
      case .le: return x <= y
      case .gt: return x > y
      case .ge: return x >= y
      case .eq: return x == y
      case .ne: return x != y
      }
    }
  }

  static func text(_ v: Value) -> String {
    switch v {
    case .number(let d): return formatNumber(d)
    case .string(let s): return s
    }
  }
}

/// A filter that does not parse, with the 1-based column of the problem.
public struct FilterError: Error, Sendable, Hashable, CustomStringConvertible {
  public var message: String
  public var column: Int
  public var description: String { "col \(column): \(message)" }
}

/// The recursive-descent parser behind `TrialFilterExpression.parse`.
struct FilterParser {
  struct Token: Equatable {
    enum Kind: Equatable { case word, number, string, op, lparen, rparen }
    var kind: Kind
    var text: String
    var column: Int
  }

  var tokens: [Token]
  var params: [String]
  var pos = 0

  static let fields = ["number", "#", "state", "value", "duration"]
  static let stateWords: [String: TrialState] = [
    "running": .running, "complete": .complete, "completed": .complete, "pruned": .pruned,
    "fail": .fail, "failed": .fail, "waiting": .waiting,
  ]

  static func tokenize(_ text: String) throws -> [Token] {
    var out: [Token] = []
    let chars = Array(text)
    var i = 0
    while i < chars.count {
      let c = chars[i]
      let col = i + 1
      if c.isWhitespace {
        i += 1
      } else if c == "(" {
        out.append(Token(kind: .lparen, text: "(", column: col))
        i += 1
      } else if c == ")" {
        out.append(Token(kind: .rparen, text: ")", column: col))
        i += 1
      } else if "<>=!".contains(c) {
        var op = String(c)
        if i + 1 < chars.count, chars[i + 1] == "=" {
          op.append("=")
          i += 1
        }
        i += 1
        if op == "!" { throw FilterError(message: "'!' must be '!='", column: col) }
        out.append(Token(kind: .op, text: op == "=" ? "==" : op, column: col))
      } else if c == "\"" || c == "'" {
        var j = i + 1
        var s = ""
        while j < chars.count, chars[j] != c {
          s.append(chars[j])
          j += 1
        }
        if j >= chars.count { throw FilterError(message: "unterminated string", column: col) }
        out.append(Token(kind: .string, text: s, column: col))
        i = j + 1
      } else {
        var j = i
        var s = ""
        while j < chars.count, !chars[j].isWhitespace, !"()<>=!\"'".contains(chars[j]) {
          s.append(chars[j])
          j += 1
        }
        let isNumber = Double(s) != nil && !s.lowercased().hasPrefix("inf") && !s.lowercased().hasPrefix("nan")
        out.append(Token(kind: isNumber ? .number : .word, text: s, column: col))
        i = j
      }
    }
    return out
  }

  var peek: Token? { pos < tokens.count ? tokens[pos] : nil }

  func isKeyword(_ t: Token?, _ k: String) -> Bool { t?.kind == .word && t?.text.lowercased() == k }

  mutating func parseOr() throws -> TrialFilterExpression {
    var e = try parseAnd()
    while isKeyword(peek, "or") {
      pos += 1
      e = .or(e, try parseAnd())
    }
    return e
  }

  mutating func parseAnd() throws -> TrialFilterExpression {
    var e = try parseUnary()
    while isKeyword(peek, "and") {
      pos += 1
      e = .and(e, try parseUnary())
    }
    return e
  }

  mutating func parseUnary() throws -> TrialFilterExpression {
    guard let t = peek else {
      let col = (tokens.last.map { $0.column + $0.text.count }) ?? 1
      throw FilterError(message: "expected a condition", column: col)
    }
    if isKeyword(t, "not") {
      pos += 1
      return .not(try parseUnary())
    }
    if t.kind == .lparen {
      pos += 1
      let e = try parseOr()
      guard peek?.kind == .rparen else {
        throw FilterError(message: "missing ')'", column: peek?.column ?? t.column)
      }
      pos += 1
      return e
    }
    return try parseCompare()
  }

  mutating func parseCompare() throws -> TrialFilterExpression {
    guard let lt = peek else { throw FilterError(message: "expected a condition", column: 1) }
    pos += 1
    guard let opTok = peek, opTok.kind == .op else {
      if lt.kind == .word, let s = Self.stateWords[lt.text.lowercased()] { return .isState(s) }
      if lt.kind == .word, params.contains(lt.text) || Self.isField(lt.text) {
        throw FilterError(message: "'\(lt.text)' needs a comparison (e.g. \(lt.text) < 0.1)", column: lt.column)
      }
      throw FilterError(message: "unknown name '\(lt.text)'" + hint, column: lt.column)
    }
    pos += 1
    guard let rt = peek, rt.kind != .op, rt.kind != .lparen, rt.kind != .rparen,
      !(isKeyword(rt, "and") || isKeyword(rt, "or"))
    else {
      throw FilterError(message: "expected a value after '\(opTok.text)'", column: peek?.column ?? opTok.column + opTok.text.count)
    }
    pos += 1
    guard let op = TrialFilterExpression.Op(rawValue: opTok.text) else {
      throw FilterError(message: "unknown operator '\(opTok.text)'", column: opTok.column)
    }
    let left = try operand(lt, isLeft: true)
    let right = try operand(rt, isLeft: false)
    return .compare(left, op, right)
  }

  static func isField(_ w: String) -> Bool {
    fields.contains(w) || (w.hasPrefix("value") && Int(w.dropFirst(5)) != nil)
  }

  var hint: String {
    let names = Self.fields.filter { $0 != "#" } + params
    return " (names: " + names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", …" : "") + ")"
  }

  func operand(_ t: Token, isLeft: Bool) throws -> TrialFilterExpression.Operand {
    switch t.kind {
    case .number: return .number(Double(t.text) ?? 0)
    case .string: return .string(t.text)
    default:
      if Self.isField(t.text) || params.contains(t.text) { return .field(t.text) }
      if isLeft { throw FilterError(message: "unknown name '\(t.text)'" + hint, column: t.column) }
      return .string(t.text)
    }
  }
}
