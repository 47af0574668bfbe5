import Foundation
import HPO
import OrderedCollections
import Terminal
import Testing

@testable import Dashboard

/// SplitMix64: a small seeded generator, so a failing study can be drawn again from its seed.
struct SeededRandom: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Random studies that stress the table: tiny, huge, negative and close values, long names,
/// up to 30 params, conditional params, running trials with intermediate values.
enum RandomStudy {
  static func make(seed: UInt64) -> StudySnapshot {
    var r = SeededRandom(seed: seed)
    let n = [1, 3, 12, 40, 150][Int.random(in: 0..<5, using: &r)]
    let objectives = [1, 1, 2, 3][Int.random(in: 0..<4, using: &r)]
    let scale = Int.random(in: 0..<6, using: &r)
    func value() -> Double {
      switch scale {
      case 0: return Double.random(in: 1e-7..<1e-3, using: &r)  // tiny
      case 1: return Double.random(in: 1e6..<1e13, using: &r)  // huge
      case 2: return Double.random(in: -5000..<(-0.001), using: &r)  // negative
      case 3: return 1000.291 + Double(Int.random(in: 0..<60, using: &r)) * 0.00097  // close
      case 4: return Double.random(in: 0.98..<0.9999, using: &r)  // close below 1
      default: return pow(10, Double.random(in: -9..<9, using: &r)) * (Bool.random(using: &r) ? 1 : -1)  // anything
      }
    }
    let paramCount = [0, 1, 3, 8, 30][Int.random(in: 0..<5, using: &r)]
    var names: [String] = []
    for k in 0..<paramCount {
      let base = ["lr", "batch_size", "weight_decay_coefficient_for_all_layers", "x", "dropout", "momentum"][Int.random(in: 0..<6, using: &r)]
      names.append(base + (k < 6 ? "" : "_\(k)"))
    }
    names = Array(OrderedSet(names))
    var dists: [String: Distribution] = [:]
    for (k, name) in names.enumerated() {
      switch k % 3 {
      case 0: dists[name] = .float(try! FloatDistribution(low: -1e9, high: 1e9))
      case 1: dists[name] = .int(try! IntDistribution(low: -1_000_000, high: 1_000_000))
      default: dists[name] = .categorical(try! CategoricalDistribution(choices: [.string("adam"), .string("sgd_with_nesterov_momentum"), .string("rmsprop")]))
      }
    }
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let trials: [FrozenTrial] = (0..<n).map { i in
      let state: TrialState = [.complete, .complete, .complete, .pruned, .fail, .running][Int.random(in: 0..<6, using: &r)]
      var params = OrderedDictionary<String, ParamValue>()
      var ds = OrderedDictionary<String, Distribution>()
      for (k, name) in names.enumerated() where k == 0 || Int.random(in: 0..<4, using: &r) > 0 {  // conditional
        switch k % 3 {
        case 0: params[name] = .float(value())
        case 1: params[name] = .int(Int.random(in: -1_000_000...1_000_000, using: &r))
        default: params[name] = .string(["adam", "sgd_with_nesterov_momentum", "rmsprop"][Int.random(in: 0..<3, using: &r)])
        }
        ds[name] = dists[name]
      }
      var iv = OrderedDictionary<Int, Double>()
      if state == .running || state == .pruned { for s in 0..<Int.random(in: 0..<30, using: &r) { iv[s] = value() } }
      let values: [Double]? = state == .complete ? (0..<objectives).map { _ in value() } : nil
      return FrozenTrial(
        id: Int64(i + 1), number: i, state: state, values: values,
        datetimeStart: t0.addingTimeInterval(Double(i) * 7.3),
        datetimeComplete: state == .running ? nil : t0.addingTimeInterval(Double(i) * 7.3 + Double.random(in: 0..<5000, using: &r)),
        params: params, distributions: ds, intermediateValues: iv)
    }
    let longMetric = Bool.random(using: &r)
    var attrs: OrderedDictionary<String, JSONValue> = [:]
    if longMetric {
      attrs["study:metric_names"] = .array((0..<objectives).map { .string($0 == 0 ? "validation_cross_entropy_loss" : "m\($0)") })
    }
    return StudySnapshot(
      studyID: 1, studyName: "random-\(seed)", directions: Array(repeating: .minimize, count: objectives),
      trials: trials, systemAttrs: attrs, takenAt: t0.addingTimeInterval(2000))
  }
}

/// The table as a user reads it: the rendered text cut into cells under the header's titles.
struct ParsedTable {
  struct Cell { var column: String; var text: String; var x: Int }
  /// Column ids in the order shown, with the title as drawn.
  var columns: [(id: String, title: String, x: Int)] = []
  var rows: [[Cell]] = []
  var problems: [String] = []

  /// Parses the `Trials` pane of rendered `lines`; `ids`/`titles` are the columns the study can have.
  init(_ lines: [String], ids: [String], titles: [String: String]) {
    let grid = lines.map { Array($0) }
    guard let top = grid.firstIndex(where: { String($0).contains("╭ Trials (") }) else {
      problems.append("no Trials pane")
      return
    }
    let row = grid[top]
    let x0 = row.firstIndex(of: "╭") ?? 0
    let x1 = row[(x0 + 1)...].firstIndex(of: "╮") ?? row.count
    func inner(_ y: Int) -> [Character] {
      let l = grid[y]
      return (x0 + 1..<x1).map { $0 < l.count ? l[$0] : " " }
    }
    func tokens(_ cs: [Character]) -> [(x: Int, text: String)] {
      var out: [(Int, String)] = []
      var start: Int?
      for (i, c) in (cs + [" "]).enumerated() {
        if c == " " {
          if let s = start { out.append((s, String(cs[s..<i]))) }
          start = nil
        } else if start == nil {
          start = i
        }
      }
      return out
    }
    guard top + 1 < grid.count else { return }
    // Params scrolled off to the left: the title says which param comes first.
    var next = 0
    if let r = String(row).range(of: "params "), let first = Int(String(row)[r.upperBound...].prefix { $0.isNumber }) {
      next = (ids.firstIndex { $0.hasPrefix("param:") } ?? ids.count) + first - 1
    }
    var fixedNext = 0
    for (x, raw) in tokens(inner(top + 1)) where raw != "‹" && raw != "›" {
      let title = raw.replacingOccurrences(of: "↓", with: "").replacingOccurrences(of: "↑", with: "")
      var found: String?
      func matches(_ id: String) -> Bool {
        let full = titles[id] ?? id
        guard let dots = title.firstIndex(of: "…") else { return full == title }
        return full.hasPrefix(title[..<dots]) && full.hasSuffix(title[title.index(after: dots)...])
      }
      // Fixed columns in order, then params from the first one shown.
      while fixedNext < ids.count, !ids[fixedNext].hasPrefix("param:") {
        let id = ids[fixedNext]
        fixedNext += 1
        if matches(id) {
          found = id
          break
        }
      }
      while found == nil, next < ids.count {
        let id = ids[next]
        next += 1
        if id.hasPrefix("param:"), matches(id) { found = id }
      }
      guard let id = found else {
        problems.append("header `\(raw)` is no column title in order (cut?)")
        continue
      }
      columns.append((id, raw, x))
    }
    var y = top + 2
    while y < grid.count, !(grid[y].count > x0 && grid[y][x0] == "╰") {
      var cells: [Cell] = []
      for (x, text) in tokens(inner(y)) {
        guard let col = columns.last(where: { $0.x <= x }) else {
          problems.append("line \(y): `\(text)` left of every column")
          continue
        }
        cells.append(Cell(column: col.id, text: text, x: x))
      }
      if !cells.isEmpty { rows.append(cells) }
      y += 1
    }
  }
}

/// Checks a shown number against the stored one at the precision it prints.
func numberMatches(_ shown: String, _ stored: Double) -> Bool {
  guard let p = Double(shown) else { return false }
  if stored.isNaN { return shown == "nan" }
  if stored.isInfinite { return p == stored }
  let lower = shown.lowercased()
  var mantissa = Substring(lower)
  var exponent = 0
  if let e = lower.firstIndex(of: "e") {
    mantissa = lower[..<e]
    exponent = Int(lower[lower.index(after: e)...]) ?? 0
  }
  let decimals = mantissa.firstIndex(of: ".").map { mantissa.distance(from: $0, to: mantissa.endIndex) - 1 } ?? 0
  let half = 0.5 * pow(10, Double(exponent - decimals))
  return abs(p - stored) <= half * (1 + 1e-9) + abs(stored) * 1e-15
}

@Suite struct TableNumberTests {
  static let sizes = [(50, 12), (80, 24), (120, 40), (200, 50)]

  /// Every numeric cell on screen matches its stored value at the precision it shows; trial
  /// numbers are whole; values line up on their decimal points; neighbours that differ in
  /// 8 significant digits read differently; headers are whole titles or end in `…`.
  @Test(arguments: 0..<60)
  func randomStudiesShowTrueNumbers(_ seed: Int) {
    let snap = RandomStudy.make(seed: UInt64(seed))
    for (w, h) in Self.sizes {
      for scroll in [0, 5] {
        var s = AppState(info: DashboardInfo(mode: .watch, storageURL: "sqlite:///r.db"), snapshot: snap, theme: .builtinMono, now: snap.takenAt, width: w, height: h)
        s.paramScroll = scroll
        if seed % 4 == 1 { Fixture.press(&s, [.char("s"), .char("s"), .char("s")]) }  // sorted by a value
        let lines = Fixture.lines(s)
        let failures = Self.check(lines, s)
        #expect(failures.isEmpty, "seed \(seed) at \(w)x\(h) scroll \(scroll): \(failures.prefix(5))\n\(lines.joined(separator: "\n"))")
      }
    }
  }

  static func check(_ lines: [String], _ s: AppState) -> [String] {
    let snap = s.snapshot
    let ids = TrialColumns.ids(objectives: s.snapshot.directions.count, params: s.paramNames, seeds: s.seedGroups.hasRepeats)
    var titles: [String: String] = [:]
    for id in ids { titles[id] = TrialColumns.title(id, state: s) }
    let table = ParsedTable(lines, ids: ids, titles: titles)
    var out = table.problems
    if !snap.trials.isEmpty, table.rows.isEmpty { out.append("no rows parsed") }
    guard table.columns.first?.id == "number" else { return out + ["no # column first: \(table.columns.map(\.title))"] }
    for id in ["number", "state", "value0"] where !table.columns.contains(where: { $0.id == id }) { out.append("column \(id) missing") }
    var shownByColumn: [String: [(text: String, stored: Double, x: Int)]] = [:]
    for row in table.rows {
      guard let numberCell = row.first(where: { $0.column == "number" }) else {
        out.append("row without a trial number: \(row.map(\.text))")
        continue
      }
      guard let number = Int(numberCell.text), let t = snap.trial(number: number) else {
        out.append("trial number `\(numberCell.text)` is not a whole trial number")
        continue
      }
      for c in row where c.column != "number" {
        if c.text.hasSuffix("…") { continue }  // visibly elided
        if c.column.hasPrefix("value"), let i = Int(c.column.dropFirst(5)) {
          var text = c.text
          let stored: Double?
          if text.hasPrefix("(") && text.hasSuffix(")") {
            text = String(text.dropFirst().dropLast())
            stored = t.state == .running ? t.intermediateValues.values.last : nil
          } else {
            stored = t.values.flatMap { i < $0.count ? $0[i] : nil }
          }
          guard let v = stored else {
            out.append("#\(number) \(c.column) shows `\(c.text)` but has no value")
            continue
          }
          if !numberMatches(text, v) { out.append("#\(number) \(c.column) shows `\(c.text)` for \(v)") }
          shownByColumn[c.column, default: []].append((text, v, c.x + (c.text.hasPrefix("(") ? 1 : 0)))
        } else if c.column.hasPrefix("param:") {
          let name = String(c.column.dropFirst(6))
          switch t.params[name] {
          case .float(let v)?:
            if !numberMatches(c.text, v) { out.append("#\(number) \(name) shows `\(c.text)` for \(v)") }
            shownByColumn[c.column, default: []].append((c.text, v, c.x))
          case .int(let v)?:
            if c.text != String(v) { out.append("#\(number) \(name) shows `\(c.text)` for int \(v)") }
          case .string(let v)?:
            if c.text != v { out.append("#\(number) \(name) shows `\(c.text)` for \(v)") }
          case nil:
            out.append("#\(number) \(name) shows `\(c.text)` but has no such param")
          default: break
          }
        } else if c.column == "duration" {
          // Whole durations (`0.4s`, `12s`, `3m05s`, `1h02m`), never `0.` or `1.`.
          if c.text.range(of: #"^(\d+(\.\d)?s|\d+m\d\ds|\d+h\d\dm)$"#, options: .regularExpression) == nil {
            out.append("#\(number) duration `\(c.text)`")
          }
        } else if c.column == "start" {
          if c.text.range(of: #"^\d\d:\d\d:\d\d$"#, options: .regularExpression) == nil { out.append("#\(number) start `\(c.text)`") }
        } else if c.column == "state" {
          if c.text != TrialTable.stateName(t.state) { out.append("#\(number) state `\(c.text)`") }
        } else if c.column == "seeds" {
          // `mean±sd` then `×runs`: the trial's configuration over its seeds.
          guard let g = s.seedGroups.group(ofTrial: number), g.runs > 1 else {
            out.append("#\(number) seeds shows `\(c.text)` but ran once")
            continue
          }
          if c.text.hasPrefix("×") {
            if c.text != "×\(g.runs)" { out.append("#\(number) seeds shows `\(c.text)` for \(g.runs) runs") }
          } else {
            let parts = c.text.split(separator: "±").map(String.init)
            if parts.count != 2 || !numberMatches(parts[0], g.mean) || !numberMatches(parts[1], g.sd ?? 0) {
              out.append("#\(number) seeds shows `\(c.text)` for \(g.mean) ± \(g.sd ?? 0)")
            }
          }
        }
      }
    }
    for (column, cells) in shownByColumn {
      // Decimal points line up (whole numbers end where the point would be).
      let points = Set(cells.map { c -> Int in
        let i = c.text.firstIndex(where: { $0 == "." || $0 == "e" }).map { c.text.distance(from: c.text.startIndex, to: $0) } ?? c.text.count
        return c.x + i
      })
      if points.count > 1 { out.append("\(column): decimal points at \(points.sorted())") }
      // Distinct stored values that differ within 8 significant digits read differently.
      var byText: [String: Double] = [:]
      for c in cells {
        if let other = byText[c.text], other != c.stored,
          NumberFormat.compact(other, digits: 8) != NumberFormat.compact(c.stored, digits: 8)
        {
          out.append("\(column): \(other) and \(c.stored) both read `\(c.text)`")
        }
        byText[c.text] = c.stored
      }
    }
    return out
  }

  @Test func cutNumbersFromTheIssueNowReadTrue() {
    #expect(NumberFormat.compact(0.000401, digits: 4) == "4.01e-04")
    #expect(NumberFormat.compact(0.000842, digits: 5) == "8.42e-04")
    #expect(numberMatches("4.01e-04", 0.000401))
    #expect(!numberMatches("4.011e-0", 0.000401))
    #expect(!numberMatches("8.422", 0.000842))
    #expect(NumberFormat.digitsToSeparate([1000.2910, 1000.3003, 1000.3104, 1000.3299, 1000.3421], minDigits: 5) == 6)
  }
}
