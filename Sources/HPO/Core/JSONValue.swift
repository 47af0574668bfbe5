import OrderedCollections

/// A JSON value that keeps what Optuna's stored JSON distinguishes: ints from floats, key order,
/// and the non-standard `NaN` / `Infinity` tokens that Python's `json` module reads and writes.
///
/// Foundation's `JSONSerialization` loses the int/float distinction (`2` vs `2.0`) and key order,
/// both of which matter for byte-exact `distribution_json` and attribute round-trips.
public enum JSONValue: Hashable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object(OrderedDictionary<String, JSONValue>)

  /// The number as a `Double` for `.int` and `.double`; `nil` otherwise.
  public var doubleValue: Double? {
    switch self {
    case .int(let i): return Double(i)
    case .double(let d): return d
    default: return nil
    }
  }

  /// The integer for `.int`, or for a `.double` that holds an exact integer.
  public var intValue: Int? {
    switch self {
    case .int(let i): return i
    case .double(let d) where d.rounded() == d && abs(d) < 9.0e15: return Int(d)
    default: return nil
    }
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }

  public var arrayValue: [JSONValue]? {
    if case .array(let a) = self { return a }
    return nil
  }

  public var objectValue: OrderedDictionary<String, JSONValue>? {
    if case .object(let o) = self { return o }
    return nil
  }

  public subscript(key: String) -> JSONValue? {
    objectValue?[key]
  }
}

// MARK: - Writing, exactly as Python's json.dumps does with its defaults

extension JSONValue {
  /// The text Python's `json.dumps(value)` produces: `", "` and `": "` separators,
  /// `ensure_ascii`, `NaN`/`Infinity`, and floats in `repr` form (`1e-05`, `2.0`).
  public var pythonJSON: String {
    var out = ""
    write(to: &out, sortKeys: false)
    return out
  }

  /// Compact JSON for machine output (no spaces), still with Python's float spelling.
  public var compactJSON: String {
    var out = ""
    writeCompact(to: &out)
    return out
  }

  private func write(to out: inout String, sortKeys: Bool) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .double(let d): out += JSONValue.pythonFloat(d)
    case .string(let s): JSONValue.writeString(s, to: &out)
    case .array(let items):
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += ", " }
        item.write(to: &out, sortKeys: sortKeys)
      }
      out += "]"
    case .object(let dict):
      out += "{"
      for (i, (key, value)) in dict.enumerated() {
        if i > 0 { out += ", " }
        JSONValue.writeString(key, to: &out)
        out += ": "
        value.write(to: &out, sortKeys: sortKeys)
      }
      out += "}"
    }
  }

  private func writeCompact(to out: inout String) {
    switch self {
    case .array(let items):
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += "," }
        item.writeCompact(to: &out)
      }
      out += "]"
    case .object(let dict):
      out += "{"
      for (i, (key, value)) in dict.enumerated() {
        if i > 0 { out += "," }
        JSONValue.writeString(key, to: &out)
        out += ":"
        value.writeCompact(to: &out)
      }
      out += "}"
    default:
      write(to: &out, sortKeys: false)
    }
  }

  /// Python's `repr(float)`, which `json.dumps` uses; Swift's `description` agrees on finite
  /// values (shortest round-trip digits, exponent from 1e16 and below 1e-4).
  public static func pythonFloat(_ d: Double) -> String {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
    return d.description
  }

  static func writeString(_ s: String, to out: inout String) {
    // Most strings need no escape: appended whole.
    if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
      out += "\""
      out += s
      out += "\""
      return
    }
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      default:
        if scalar.value >= 0x20 && scalar.value < 0x7F {
          out.unicodeScalars.append(scalar)
        } else if scalar.value <= 0xFFFF {
          out += hex4(scalar.value)
        } else {
          let v = scalar.value - 0x10000
          out += hex4(0xD800 + (v >> 10))
          out += hex4(0xDC00 + (v & 0x3FF))
        }
      }
    }
    out += "\""
  }

  private static func hex4(_ v: UInt32) -> String {
    let digits = String(v, radix: 16)
    return "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }
}

// MARK: - Reading

/// A JSON text that could not be read, with the byte offset where reading stopped.
public struct JSONParseError: Error, CustomStringConvertible, Sendable {
  public let offset: Int
  public let message: String
  public var description: String { "invalid JSON at offset \(offset): \(message)" }
}

extension JSONValue {
  /// Reads JSON as Python's `json.loads` does, accepting `NaN`, `Infinity` and `-Infinity`.
  /// Numbers with a fraction or exponent become `.double`, others `.int`.
  public init(parsing text: String) throws {
    var parser = JSONReader(bytes: Array(text.utf8))
    parser.skipSpace()
    self = try parser.readValue()
    parser.skipSpace()
    if parser.pos != parser.bytes.count {
      throw JSONParseError(offset: parser.pos, message: "extra data after the value")
    }
  }
}

private struct JSONReader {
  let bytes: [UInt8]
  var pos = 0

  init(bytes: [UInt8]) { self.bytes = bytes }

  mutating func skipSpace() {
    while pos < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[pos]) { pos += 1 }
  }

  func fail(_ message: String) -> JSONParseError { JSONParseError(offset: pos, message: message) }

  mutating func expect(_ word: String) throws {
    let w = Array(word.utf8)
    guard pos + w.count <= bytes.count, Array(bytes[pos..<pos + w.count]) == w else {
      throw fail("expected \(word)")
    }
    pos += w.count
  }

  mutating func readValue() throws -> JSONValue {
    guard pos < bytes.count else { throw fail("unexpected end") }
    switch bytes[pos] {
    case UInt8(ascii: "{"): return try readObject()
    case UInt8(ascii: "["): return try readArray()
    case UInt8(ascii: "\""): return .string(try readString())
    case UInt8(ascii: "t"): try expect("true"); return .bool(true)
    case UInt8(ascii: "f"): try expect("false"); return .bool(false)
    case UInt8(ascii: "n"): try expect("null"); return .null
    case UInt8(ascii: "N"): try expect("NaN"); return .double(.nan)
    case UInt8(ascii: "I"): try expect("Infinity"); return .double(.infinity)
    default: return try readNumber()
    }
  }

  mutating func readObject() throws -> JSONValue {
    pos += 1
    var dict = OrderedDictionary<String, JSONValue>()
    skipSpace()
    if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(dict) }
    while true {
      skipSpace()
      guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a key") }
      let key = try readString()
      skipSpace()
      guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':'") }
      pos += 1
      skipSpace()
      dict[key] = try readValue()
      skipSpace()
      guard pos < bytes.count else { throw fail("unterminated object") }
      if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
      if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(dict) }
      throw fail("expected ',' or '}'")
    }
  }

  mutating func readArray() throws -> JSONValue {
    pos += 1
    var items: [JSONValue] = []
    skipSpace()
    if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
    while true {
      skipSpace()
      items.append(try readValue())
      skipSpace()
      guard pos < bytes.count else { throw fail("unterminated array") }
      if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
      if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
      throw fail("expected ',' or ']'")
    }
  }

  mutating func readHex4() throws -> UInt32 {
    guard pos + 4 <= bytes.count,
      let v = UInt32(String(decoding: bytes[pos..<pos + 4], as: UTF8.self), radix: 16)
    else { throw fail("bad \\u escape") }
    pos += 4
    return v
  }

  mutating func readString() throws -> String {
    pos += 1
    var scalars = String.UnicodeScalarView()
    var run: [UInt8] = []
    func flush() {
      if !run.isEmpty {
        scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
        run.removeAll(keepingCapacity: true)
      }
    }
    while true {
      guard pos < bytes.count else { throw fail("unterminated string") }
      let b = bytes[pos]
      if b == UInt8(ascii: "\"") { pos += 1; break }
      if b != UInt8(ascii: "\\") { run.append(b); pos += 1; continue }
      flush()
      pos += 1
      guard pos < bytes.count else { throw fail("unterminated escape") }
      let e = bytes[pos]
      pos += 1
      switch e {
      case UInt8(ascii: "\""): scalars.append("\"")
      case UInt8(ascii: "\\"): scalars.append("\\")
      case UInt8(ascii: "/"): scalars.append("/")
      case UInt8(ascii: "b"): scalars.append("\u{08}")
      case UInt8(ascii: "f"): scalars.append("\u{0C}")
      case UInt8(ascii: "n"): scalars.append("\n")
      case UInt8(ascii: "r"): scalars.append("\r")
      case UInt8(ascii: "t"): scalars.append("\t")
      case UInt8(ascii: "u"):
        var v = try readHex4()
        if (0xD800..<0xDC00).contains(v), pos + 6 <= bytes.count, bytes[pos] == UInt8(ascii: "\\"),
          bytes[pos + 1] == UInt8(ascii: "u")
        {
          pos += 2
          let low = try readHex4()
          v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
        }
        scalars.append(Unicode.Scalar(v) ?? "\u{FFFD}")
      default: throw fail("bad escape")
      }
    }
    flush()
    return String(scalars)
  }

  mutating func readNumber() throws -> JSONValue {
    let start = pos
    if pos < bytes.count, bytes[pos] == UInt8(ascii: "-") {
      pos += 1
      if pos < bytes.count, bytes[pos] == UInt8(ascii: "I") {
        try expect("Infinity")
        return .double(-.infinity)
      }
    }
    var isFloat = false
    while pos < bytes.count {
      let b = bytes[pos]
      if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || b == UInt8(ascii: "-")
        || b == UInt8(ascii: "+")
      {
        pos += 1
      } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
        isFloat = true
        pos += 1
      } else {
        break
      }
    }
    let text = String(decoding: bytes[start..<pos], as: UTF8.self)
    if text.isEmpty || text == "-" { throw fail("unexpected character") }
    if !isFloat, let i = Int(text) { return .int(i) }
    guard let d = Double(text) else { throw fail("bad number \(text)") }
    return .double(d)
  }
}
