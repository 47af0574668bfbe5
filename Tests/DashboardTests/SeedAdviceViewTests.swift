import Foundation
import HPO
import HPOAnalysis
import OrderedCollections
import Terminal
import Testing

@testable import Dashboard

/// The table's Mean±sd column and its sort, the `R` re-run key, and the header's range hint and
/// return on search, read from the rendered screen.
@Suite struct SeedAdviceViewTests {
  static let t0 = Fixture.t0
  static let x = Distribution.float(try! FloatDistribution(low: 0, high: 1))

  /// Three configurations run three times each (the originals and HPOTOP_SEED 1 and 2), then
  /// six single runs; values differ by seed.
  static func seededTrials() -> [FrozenTrial] {
    var out: [FrozenTrial] = []
    func add(_ x: Double, _ v: Double, seed: Int?) {
      let n = out.count
      var sys = OrderedDictionary<String, JSONValue>()
      sys.hpotop.seed = seed
      out.append(FrozenTrial(
        id: Int64(n + 1), number: n, state: .complete, values: [v], datetimeStart: t0.addingTimeInterval(Double(n) * 60),
        datetimeComplete: t0.addingTimeInterval(Double(n) * 60 + 50), params: ["x": .float(x)], distributions: ["x": Self.x],
        systemAttrs: sys))
    }
    for (k, x) in [0.3, 0.5, 0.7].enumerated() { add(x, 0.2 + 0.1 * Double(k), seed: nil) }
    for extra in [1, 2] {
      for (k, x) in [0.3, 0.5, 0.7].enumerated() { add(x, 0.2 + 0.1 * Double(k) + 0.02 * Double(extra) * (k == 0 ? 10 : 1), seed: extra) }
    }
    for k in 0..<6 { add(0.05 + 0.1 * Double(k), 0.9 + 0.01 * Double(k), seed: nil) }
    return out
  }

  static func state(_ trials: [FrozenTrial], width: Int = 120, height: Int = 40) -> AppState {
    let info = DashboardInfo(mode: .watch, storageURL: "sqlite:///tmp/seeds.db", samplerName: "tpe", prunerName: "median", nTrials: 40, startedAt: t0)
    let snap = StudySnapshot(studyID: 1, studyName: "seeds", directions: [.minimize], trials: trials, takenAt: t0.addingTimeInterval(3600))
    return AppState(info: info, snapshot: snap, theme: .builtinMono, now: t0.addingTimeInterval(3600), width: width, height: height)
  }

  /// The table's rows as (trial number, Mean±sd cell), the columns mapped by the header row: the
  /// cell spans from its title's start to the next title's start.
  static func seedCells(_ lines: [String]) throws -> [(number: Int, cell: String)] {
    let headerIndex = try #require(lines.firstIndex { $0.contains("Mean±sd") && $0.contains("#") })
    let header = Array(lines[headerIndex])
    let title = Array("Mean±sd")
    let from = try #require((0...(header.count - title.count)).first { Array(header[$0..<($0 + title.count)]) == title })
    var to = from + title.count
    while to < header.count, header[to] == " " { to += 1 }
    var out: [(Int, String)] = []
    for line in lines[(headerIndex + 1)...] {
      let chars = Array(line)
      let words = String(chars).split(whereSeparator: { $0 == " " || $0 == "│" })
      guard let first = words.first, let n = Int(first), chars.count > from else { break }
      out.append((n, String(chars[from..<min(to, chars.count)]).trimmingCharacters(in: .whitespaces)))
    }
    return out
  }

  @Test func meanAndSDOverSeedsShowAndSortTheTable() throws {
    let trials = Self.seededTrials()
    var s = Self.state(trials)
    let groups = SeedGroups(trials, direction: .minimize)
    let cells = try Self.seedCells(Fixture.lines(s))
    #expect(cells.count >= 10, "\(cells)")
    for (n, cell) in cells {
      guard let g = groups.group(ofTrial: n), g.runs > 1 else {
        #expect(cell.isEmpty, "trial \(n) ran once: \(cell)")
        continue
      }
      // "0.3±0.2 ×3": the numbers as shown agree with the stored values.
      let parts = cell.split(separator: " ")
      let ms = parts[0].split(separator: "±")
      let mean = try #require(Double(ms[0])), sd = try #require(Double(ms[1]))
      #expect(abs(mean - g.mean) <= 0.0051 * max(1, abs(g.mean)), "trial \(n): \(cell) vs \(g.mean)")
      #expect(abs(sd - (g.sd ?? 0)) <= 0.051 * (g.sd ?? 1), "trial \(n): \(cell) vs \(g.sd ?? 0)")
      #expect(parts[1] == "×\(g.runs)")
    }
    // Sorting by the column ranks configurations by mean: x = 0.5 (mean 0.32) before x = 0.3 (0.4).
    for _ in 0..<8 where s.sortColumn != "seeds" { Fixture.press(&s, [.char("s")]) }
    #expect(s.sortColumn == "seeds")
    let order = s.rows.prefix(6).map { s.snapshot.trials[$0].params["x"] }
    #expect(order == Array(repeating: ParamValue.float(0.5), count: 3) + Array(repeating: ParamValue.float(0.3), count: 3), "\(order)")
  }

  @Test func rerunKeyEnqueuesTheSelectedConfigurationWithNewSeeds() throws {
    var s = Self.state(Self.seededTrials())
    // Trial #0 (x = 0.3) ran with no seed (0), 1 and 2: the next are 3, 4, 5.
    s.selectedNumber = 0
    s.table.selected = try #require(s.rows.firstIndex { s.snapshot.trials[$0].number == 0 })
    Fixture.press(&s, [.char("R")])
    guard case .enqueueReruns(let runs)? = s.commands.last else {
      Issue.record("no re-run command: \(s.commands)")
      return
    }
    #expect(runs.map(\.hpotopSeed) == [3, 4, 5])
    #expect(runs.allSatisfy { $0.params == ["x": .float(0.3)] })
  }

  @Test func headerHintsTheRangeAndTheReturnOnSearch() {
    let lr = Distribution.float(try! FloatDistribution(low: 1e-5, high: 0.1, log: true))
    // The 10 best trials (first in time) have lr within 2.5% of the upper bound on the log scale.
    let trials = (0..<30).map { k -> FrozenTrial in
      let position = k < 10 ? 0.975 + 0.002 * Double(k) : Double(k - 10) / 25
      let v = exp(log(1e-5) + position * (log(0.1) - log(1e-5)))
      return FrozenTrial(
        id: Int64(k + 1), number: k, state: .complete, values: [-position], datetimeStart: Self.t0.addingTimeInterval(Double(k) * 60),
        datetimeComplete: Self.t0.addingTimeInterval(Double(k) * 60 + 60), params: ["lr": .float(v)], distributions: ["lr": lr])
    }
    let wide = Fixture.lines(Self.state(trials, width: 200, height: 50))
    #expect(wide[1].contains("hint: the 10 best lr are within 3% of the upper bound 0.1: widen it"), "\(wide[1])")
    // Nothing improved in the last stretch (the best came first).
    #expect(wide[1].contains("return 0/h (last 10m00s compute)"), "\(wide[1])")
    // At 80 columns the hint goes first and nothing is cut mid-word.
    let narrow = Fixture.lines(Self.state(trials, width: 80, height: 24))
    #expect(!narrow[0].contains("hint") && !narrow[1].contains("widen"), "\(narrow[1])")
    #expect(narrow[1].contains("best "), "\(narrow[1])")
  }
}
