import Foundation
import Terminal

/// A semantic colour role of the dashboard. Code names roles as `.title` or as a string literal
/// (`theme.fg("title")`); a literal that names no role stops the program at once (a typo must
/// not silently draw in the terminal's default colour), and every shipped view is drawn by tests.
public enum ThemeRole: String, CaseIterable, Sendable, Hashable, ExpressibleByStringLiteral {
  case text, title
  case headerBg = "header_bg", headerFg = "header_fg", selectedBg = "selected_bg", selectedFg = "selected_fg"
  case best, complete, pruned, failed, running, waiting, border, dim
  case graphLow = "graph_low", graphMid = "graph_mid", graphHigh = "graph_high"
  case accent, error, key
  case statusBg = "status_bg", paused

  public init(stringLiteral value: String) {
    guard let role = ThemeRole(rawValue: value) else { preconditionFailure("unknown theme role '\(value)'") }
    self = role
  }
}

/// Colours for the dashboard's semantic roles (`title`, `selected_bg`, `pruned`, …), read from
/// `themes/*.theme` files: one `role = "#RRGGBB"` per line, `#` starts a comment.
///
/// A role a file does not set falls back to the default theme; a role the dashboard does not
/// know is reported in `warnings`. The value `none` (or `default`) means the terminal's own
/// colour. The backend maps RGB down to 256, 8 or no colours.
public struct Theme: Sendable, Hashable {
  /// The theme's name (file name without `.theme`).
  public var name: String
  /// Role → colour; nil means the terminal default.
  public var colors: [ThemeRole: Color?]
  /// Problems found while reading the file (unknown roles, malformed lines).
  public var warnings: [String]

  /// Every role the dashboard draws with, in documentation order.
  public static let roles: [ThemeRole] = ThemeRole.allCases

  /// The built-in default theme (dark terminals, 24-bit colour degraded by the backend).
  public static let builtinDefault = Theme(
    name: "default",
    colors: [
      "text": nil, "title": Color(hex: "#7aa2f7"), "header_bg": Color(hex: "#1f2335"),
      "header_fg": Color(hex: "#c0caf5"), "selected_bg": Color(hex: "#364a82"),
      "selected_fg": Color(hex: "#ffffff"), "best": Color(hex: "#e0af68"),
      "complete": Color(hex: "#9ece6a"), "pruned": Color(hex: "#7dcfff"),
      "failed": Color(hex: "#f7768e"), "running": Color(hex: "#bb9af7"),
      "waiting": Color(hex: "#a9b1d6"), "border": Color(hex: "#565f89"),
      "dim": Color(hex: "#737aa2"), "graph_low": Color(hex: "#2ac3de"),
      "graph_mid": Color(hex: "#e0af68"), "graph_high": Color(hex: "#f7768e"),
      "accent": Color(hex: "#73daca"), "error": Color(hex: "#ff5555"), "key": Color(hex: "#e0af68"),
      "status_bg": Color(hex: "#24283b"), "paused": Color(hex: "#ff9e64"),
    ], warnings: [])

  /// The built-in monochrome theme: no colours, only bold/dim/reverse.
  public static let builtinMono = Theme(
    name: "mono", colors: Dictionary(uniqueKeysWithValues: roles.map { ($0, Color?.none) }),
    warnings: [])

  public init(name: String, colors: [ThemeRole: Color?], warnings: [String]) {
    self.name = name
    self.colors = colors
    self.warnings = warnings
  }

  /// Parses theme text; missing roles come from `base` (the default theme).
  public static func parse(_ text: String, name: String, base: Theme = .builtinDefault) -> Theme {
    var colors = base.colors
    var warnings: [String] = []
    for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var line = Substring(raw)
      if let hash = Self.commentStart(line) { line = line[..<hash] }
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty { continue }
      guard let eq = trimmed.firstIndex(of: "=") else {
        warnings.append("\(name).theme:\(i + 1): expected 'role = \"#RRGGBB\"'")
        continue
      }
      let key = trimmed[..<eq].trimmingCharacters(in: .whitespaces)
      var value = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
      if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
        value = String(value.dropFirst().dropLast())
      }
      guard let role = ThemeRole(rawValue: key) else {
        warnings.append("\(name).theme:\(i + 1): unknown key '\(key)'")
        continue
      }
      if value == "none" || value == "default" {
        colors[role] = Color?.none
      } else if let c = Color(hex: value) {
        colors[role] = c
      } else {
        warnings.append("\(name).theme:\(i + 1): '\(value)' is not a colour (#RRGGBB)")
      }
    }
    return Theme(name: name, colors: colors, warnings: warnings)
  }

  /// The index of a `#` that starts a comment: outside quotes, at the line start or after
  /// whitespace, and not the first thing after `=` (so an unquoted `#RRGGBB` value works).
  static func commentStart(_ line: Substring) -> Substring.Index? {
    var inQuotes = false
    var prev: Character = " "
    var sawEquals = false
    var valueStarted = false
    for i in line.indices {
      let c = line[i]
      if c == "\"" { inQuotes.toggle() }
      if c == "#", !inQuotes, prev == " " || prev == "\t" || i == line.startIndex,
        !sawEquals || valueStarted
      {
        return i
      }
      if sawEquals, !c.isWhitespace { valueStarted = true }
      if c == "=", !inQuotes { sawEquals = true }
      prev = c
    }
    return nil
  }

  /// Loads `name` from `directories` (`<dir>/<name>.theme`) or a path; built-ins otherwise.
  public static func load(_ nameOrPath: String, directories: [String]) throws -> Theme {
    let fm = FileManager.default
    if nameOrPath.contains("/") || nameOrPath.hasSuffix(".theme") {
      guard let text = try? String(contentsOfFile: nameOrPath, encoding: .utf8) else {
        throw ThemeError(message: "cannot read theme file \(nameOrPath)")
      }
      let base = ((nameOrPath as NSString).lastPathComponent as NSString).deletingPathExtension
      return parse(text, name: base)
    }
    for dir in directories {
      let p = (dir as NSString).appendingPathComponent(nameOrPath + ".theme")
      if fm.fileExists(atPath: p), let text = try? String(contentsOfFile: p, encoding: .utf8) {
        return parse(text, name: nameOrPath)
      }
    }
    if nameOrPath == "default" { return .builtinDefault }
    if nameOrPath == "mono" { return .builtinMono }
    let known = (["default", "mono"] + directories.flatMap { dir in
      ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".theme") }
        .map { String($0.dropLast(6)) }
    })
    throw ThemeError(
      message: "unknown theme '\(nameOrPath)' (known: \(Array(Set(known)).sorted().joined(separator: ", ")))")
  }

  /// The colour of a role (nil: terminal default).
  public func color(_ role: ThemeRole) -> Color? { colors[role] ?? nil }

  /// The foreground style of a role.
  public func fg(_ role: ThemeRole) -> Style { Style(fg: color(role)) }

  /// Whether the theme has no colours at all (then selection uses reverse video).
  public var isMonochrome: Bool { colors.values.allSatisfy { $0 == nil } }

  /// The style of the selected row.
  public var selected: Style {
    if color("selected_bg") == nil { return Style(modifiers: [.reverse, .bold]) }
    return Style(fg: color("selected_fg"), bg: color("selected_bg"), modifiers: .bold)
  }

  /// The header/footer bar style.
  public var bar: Style {
    if color("header_bg") == nil { return Style(modifiers: .reverse) }
    return Style(fg: color("header_fg"), bg: color("header_bg"))
  }

  /// Dimmed text.
  public var dim: Style { Style(fg: color("dim"), modifiers: color("dim") == nil ? .dim : []) }

  /// The colour of a trial state.
  public func state(_ s: String) -> Style {
    let role: ThemeRole
    switch s {
    case "COMPLETE": role = "complete"
    case "PRUNED": role = "pruned"
    case "FAIL": role = "failed"
    case "RUNNING": role = "running"
    default: role = "waiting"
    }
    let st = fg(role)
    return color(role) == nil && role == "failed" ? st.adding(.bold) : st
  }

  /// A colour on the low → mid → high gradient, `t` in 0…1 (clamped; NaN gives mid).
  public func gradient(_ t: Double) -> Color? {
    let t = t.isNaN ? 0.5 : min(1, max(0, t))
    guard let lo = color("graph_low")?.rgbComponents, let mid = color("graph_mid")?.rgbComponents,
      let hi = color("graph_high")?.rgbComponents
    else { return nil }
    func mix(_ a: (r: Int, g: Int, b: Int), _ b: (r: Int, g: Int, b: Int), _ u: Double) -> Color {
      func ch(_ x: Int, _ y: Int) -> UInt8 {
        UInt8(clamping: Int((Double(x) + (Double(y) - Double(x)) * u).rounded()))
      }
      return .rgb(ch(a.r, b.r), ch(a.g, b.g), ch(a.b, b.b))
    }
    return t < 0.5 ? mix(lo, mid, t * 2) : mix(mid, hi, (t - 0.5) * 2)
  }

  /// The theme file text for this theme (every role), for `themes/default.theme`.
  public var fileText: String {
    var out = "# hpotop theme '\(name)': role = \"#RRGGBB\" (or \"none\" for the terminal default)\n"
    for r in Self.roles {
      let v = color(r).map { $0.hexString } ?? "none"
      out += "\(r.rawValue) = \"\(v)\"\n"
    }
    return out
  }
}

/// A theme that cannot be loaded.
public struct ThemeError: Error, CustomStringConvertible, Sendable {
  public var message: String
  public var description: String { message }
}
