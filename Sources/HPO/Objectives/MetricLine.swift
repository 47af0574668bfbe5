import OrderedCollections

/// One `[hpotop] …` line from a trial's stdout: `[hpotop] {"step": 3, "loss": 0.12}` or
/// `[hpotop] step=3 loss=0.12`. With a step it is an intermediate report, without one a final one.
public struct MetricLine: Equatable, Sendable {
  /// The prefix that marks a metric line; other stdout lines are the program's own.
  public static let prefix = "[hpotop]"

  public var step: Int?
  /// Every key but `step`, in the order written.
  public var fields: OrderedDictionary<String, JSONValue>

  public init(step: Int?, fields: OrderedDictionary<String, JSONValue>) {
    self.step = step
    self.fields = fields
  }

  /// Parses a stdout line: `nil` when it is not a metric line, an error when it is one but
  /// cannot be read (the runner counts those and keeps going).
  public static func parse(_ line: Substring) -> Result<MetricLine, MetricLineError>? {
    let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
    guard trimmed.hasPrefix(prefix) else { return nil }
    let body = trimmed.dropFirst(prefix.count).trimmingSpaces()
    var fields = OrderedDictionary<String, JSONValue>()
    if body.hasPrefix("{") {
      guard let obj = try? JSONValue(parsing: String(body)).objectValue else {
        return .failure(MetricLineError(line: String(line), reason: "the JSON object cannot be read"))
      }
      fields = obj
    } else {
      for pair in body.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
        guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
          return .failure(MetricLineError(line: String(line), reason: "'\(pair)' is not key=value"))
        }
        let key = String(pair[..<eq])
        let raw = pair[pair.index(after: eq)...]
        fields[key] = scalar(raw)
      }
    }
    var step: Int? = nil
    if let s = fields.removeValue(forKey: "step") {
      guard let i = s.intValue else {
        return .failure(MetricLineError(line: String(line), reason: "step must be an integer"))
      }
      step = i
    }
    if fields.isEmpty {
      return .failure(MetricLineError(line: String(line), reason: "no metric on the line"))
    }
    return .success(MetricLine(step: step, fields: fields))
  }

  /// A bare value: a number (including nan and inf), true/false, or text.
  static func scalar(_ raw: Substring) -> JSONValue {
    let text = String(raw)
    switch text.lowercased() {
    case "nan": return .double(.nan)
    case "inf", "+inf", "infinity": return .double(.infinity)
    case "-inf", "-infinity": return .double(-.infinity)
    case "true": return .bool(true)
    case "false": return .bool(false)
    default: break
    }
    if let i = Int(text) { return .int(i) }
    if let d = Double(text) { return .double(d) }
    if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") {
      return .string(String(text.dropFirst().dropLast()))
    }
    return .string(text)
  }
}

/// A `[hpotop]` line that could not be read, with the reason.
public struct MetricLineError: Error, Equatable, Sendable, CustomStringConvertible {
  public let line: String
  public let reason: String
  public var description: String { "\(reason): \(line)" }
}

extension Substring {
  fileprivate func trimmingSpaces() -> Substring {
    var s = self
    while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
    while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
    return s
  }
}
