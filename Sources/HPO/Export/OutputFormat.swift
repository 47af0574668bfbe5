import Foundation
import OrderedCollections
import Yams

/// The output formats of the scripting commands, as the `optuna` CLI offers them.
public enum OutputFormat: String, CaseIterable, Sendable {
  case table, json, yaml, csv, value
}

/// Rows of named cells that the scripting commands print in any `OutputFormat`.
///
/// Cells are `JSONValue`s so that JSON and YAML keep types; the table, value and CSV forms
/// turn them into text as the `optuna` CLI does (dicts in Python repr, numbers right-aligned).
public struct Records: Sendable {
  public var columns: [String]
  public var rows: [OrderedDictionary<String, JSONValue>]

  public init(columns: [String], rows: [OrderedDictionary<String, JSONValue>]) {
    self.columns = columns
    self.rows = rows
  }

  /// Renders the records; `single` prints one object instead of a list (for `best`, `ask`).
  public func render(_ format: OutputFormat, single: Bool = false) -> String {
    switch format {
    case .json:
      let items = rows.map { row in JSONValue.object(filtered(row)) }
      return (single && items.count == 1 ? items[0] : .array(items)).pythonJSON
    case .yaml:
      let items = rows.map { row in JSONValue.object(filtered(row)) }
      let node = (single && items.count == 1 ? items[0] : .array(items)).yamlNode
      return ((try? Yams.serialize(node: node)) ?? "").trimmingCharacters(in: .newlines)
    case .csv:
      var lines = [columns.map(Records.csvField).joined(separator: ",")]
      for row in rows {
        lines.append(columns.map { Records.csvField(Records.cellText(row[$0] ?? .null, blankNull: true)) }
          .joined(separator: ","))
      }
      return lines.joined(separator: "\n")
    case .value:
      return rows.map { row in columns.map { PrintableText.escaped(Records.cellText(row[$0] ?? .null, blankNull: true)) }
        .joined(separator: " ") }.joined(separator: "\n")
    case .table:
      return table()
    }
  }

  private func filtered(_ row: OrderedDictionary<String, JSONValue>) -> OrderedDictionary<String, JSONValue> {
    var out = OrderedDictionary<String, JSONValue>()
    for c in columns { if let v = row[c] { out[c] = v } }  // a missing key stays missing, as in Optuna
    return out
  }

  /// An ASCII table with `+----+` borders; numbers right-aligned, text left-aligned. Names and
  /// values pass through `PrintableText`, so none can act on the terminal.
  func table() -> String {
    let columns = self.columns.map(PrintableText.escaped)
    let texts = rows.map { row in self.columns.map { PrintableText.escaped(Records.cellText(row[$0] ?? .null, blankNull: true)) } }
    let numeric = columns.indices.map { c in
      rows.allSatisfy { row in
        switch row[self.columns[c]] ?? .null {
        case .int, .double, .null: return true
        default: return false
        }
      }
    }
    let widths = columns.indices.map { c in
      max(columns[c].count, texts.map { $0[c].count }.max() ?? 0)
    }
    let border = "+" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "+"
    func line(_ cells: [String], header: Bool) -> String {
      "|" + cells.indices.map { c in
        let pad = String(repeating: " ", count: widths[c] - cells[c].count)
        return " " + (numeric[c] && !header ? pad + cells[c] : cells[c] + pad) + " "
      }.joined(separator: "|") + "|"
    }
    var out = [border, line(columns, header: true), border]
    out += texts.map { line($0, header: false) }
    out.append(border)
    return out.joined(separator: "\n")
  }

  /// The text of a cell as the table, value and CSV forms show it.
  static func cellText(_ v: JSONValue, blankNull: Bool) -> String {
    switch v {
    case .null: return blankNull ? "" : "None"
    case .string(let s): return s
    case .double(let d):
      // Python's spelling of the non-finite ones; no string search per cell (a big export has millions).
      if d.isFinite { return JSONValue.pythonFloat(d) }
      return d.isNaN ? "nan" : d > 0 ? "inf" : "-inf"
    default: return v.pythonRepr
    }
  }

  static func csvField(_ s: String) -> String {
    let quote = UInt8(ascii: "\"")
    guard s.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == quote || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") })
    else { return s }
    // Quotes doubled without Foundation's string search (the largest cost of a big CSV export).
    guard s.utf8.contains(quote) else { return "\"" + s + "\"" }
    return "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
  }
}

extension JSONValue {
  /// The value with every NaN or infinite number replaced by null: strict JSON, for output that
  /// must parse anywhere (`ask -f json`).
  public var finiteNumbersOnly: JSONValue {
    switch self {
    case .double(let d) where !d.isFinite: return .null
    case .array(let a): return .array(a.map(\.finiteNumbersOnly))
    case .object(let o): return .object(o.mapValues(\.finiteNumbersOnly))
    default: return self
    }
  }

  /// Python's `repr` of the value (dicts as `{'k': v}`), as the `optuna` CLI prints cells.
  public var pythonRepr: String {
    switch self {
    case .null: return "None"
    case .bool(let b): return b ? "True" : "False"
    case .int(let i): return String(i)
    case .double(let d):
      if d.isNaN { return "nan" }
      if d.isInfinite { return d > 0 ? "inf" : "-inf" }
      return d.description
    case .string(let s): return ParamValue.string(s).pythonRepr
    case .array(let a): return "[" + a.map(\.pythonRepr).joined(separator: ", ") + "]"
    case .object(let o):
      return "{" + o.map { "'\($0.key)': \($0.value.pythonRepr)" }.joined(separator: ", ") + "}"
    }
  }

  /// The value as a YAML node (for `-f yaml`).
  var yamlNode: Yams.Node {
    switch self {
    case .null: return Node("null", Tag(.null))
    case .bool(let b): return Node(b ? "true" : "false", Tag(.bool))
    case .int(let i): return Node(String(i), Tag(.int))
    case .double(let d):
      let text = d.isNaN ? ".nan" : d.isInfinite ? (d > 0 ? ".inf" : "-.inf") : d.description
      return Node(text, Tag(.float))
    case .string(let s): return Node(s, Tag(.str), .singleQuoted)
    case .array(let a): return Node(a.map(\.yamlNode))
    case .object(let o): return Node(o.map { (Node($0.key), $0.value.yamlNode) })
    }
  }
}
