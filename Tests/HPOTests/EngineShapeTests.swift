import Foundation
import HPO
import Testing

/// Checks that keep one mechanism per concern: hpotop's keys are spelled in one file, and the
/// study-file docs list exactly the samplers and pruners the registries hold.
@Suite struct EngineShapeTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  @Test func hpotopKeysAreSpelledInOneFile() throws {
    let sources = Self.root.appendingPathComponent("Sources")
    let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
      .filter { $0.hasSuffix(".swift") }
    #expect(files.count > 100, "found only \(files.count) Swift files under \(sources.path)")
    var spelling: [String] = []
    for file in files {
      let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
      if text.contains("\"" + HpotopKey.prefix) { spelling.append(file) }
    }
    #expect(spelling == ["HPO/Core/HpotopAttrs.swift"])
    for key in HpotopKey.allCases { #expect(key.rawValue.hasPrefix(HpotopKey.prefix)) }
  }

  /// The `| name | options |` rows of the table under a heading of docs/study-file.md.
  static func tableRows(under heading: String) throws -> [[String]] {
    let doc = try String(contentsOf: root.appendingPathComponent("docs/study-file.md"), encoding: .utf8)
    let lines = doc.components(separatedBy: "\n")
    let start = try #require(lines.firstIndex(of: heading), "no heading \(heading)")
    var rows: [[String]] = []
    var inTable = false
    for line in lines[(start + 1)...] {
      if line.hasPrefix("#") { break }
      if line.hasPrefix("|") {
        inTable = true
        let cells = line.dropFirst().dropLast().components(separatedBy: " | ").map {
          $0.trimmingCharacters(in: .whitespaces)
        }
        if cells.first?.hasPrefix("---") == true || cells.first == "sampler" || cells.first == "pruner" { continue }
        rows.append(cells)
      } else if inTable {
        break
      }
    }
    return rows
  }

  /// Table rows as markdown, to paste into the docs.
  static func table(_ rows: [[String]]) -> String {
    rows.map { "| " + $0.joined(separator: " | ") + " |" }.joined(separator: "\n")
  }

  @Test func samplerTableIsCurrent() throws {
    let rows = try Self.tableRows(under: "### `sampler`")
    let want = SamplerRegistry.all.map { ["`\($0.name)`", $0.optionsDoc] }
    #expect(rows == want, "docs/study-file.md's sampler table should read:\n\(Self.table(want))")
  }

  @Test func prunerTableIsCurrent() throws {
    let rows = try Self.tableRows(under: "### `pruner`")
    let want = PrunerRegistry.all.map { ["`\($0.name)`", $0.optionsDoc] }
    #expect(rows == want, "docs/study-file.md's pruner table should read:\n\(Self.table(want))")
  }

  @Test func studyFileNamesComeFromTheRegistries() {
    #expect(ComponentSpec.samplerNames == SamplerRegistry.all.map(\.name))
    #expect(ComponentSpec.prunerNames == PrunerRegistry.all.map(\.name))
    #expect(SamplerRegistry.kind(named: SamplerRegistry.defaultName) != nil)
  }

  @Test func bohbBringsHyperbandThroughItsKind() throws {
    let pruner = try ComponentFactory.pruner(nil, samplerName: "bohb")
    let hyperband = try #require(pruner as? HyperbandPruner)
    #expect(!hyperband.filtersSamplerView)
    #expect(try ComponentFactory.pruner(nil, samplerName: "tpe") is NopPruner)
    let named = ComponentSpec(path: "s.yaml", name: "hyperband")
    #expect(try #require(ComponentFactory.pruner(named, samplerName: "bohb") as? HyperbandPruner).filtersSamplerView == false)
    #expect(try #require(ComponentFactory.pruner(named, samplerName: "tpe") as? HyperbandPruner).filtersSamplerView)
  }
}

/// The typed view of hpotop's attrs reads and writes the stored form.
@Suite struct HpotopAttrsTests {
  @Test func flagsAndEmptyCollectionsRemoveTheirKeys() {
    var attrs = HpotopAttrs([:])
    attrs.isPaused = true
    attrs.fixedParams = ["lr": .float(0.05), "opt": .string("adam")]
    #expect(attrs.attrs[HpotopKey.paused.rawValue] == .bool(true))
    #expect(attrs.attrs[HpotopKey.fixedParams.rawValue] == .object(["lr": .double(0.05), "opt": .string("adam")]))
    attrs.isPaused = false
    attrs.fixedParams = [:]
    #expect(attrs.attrs.isEmpty)
    attrs.pruneRequested = true
    #expect(HpotopAttrs(attrs.attrs).pruneRequested)
  }

  @Test func pruneReasonWordingIsWrittenOnce() {
    #expect(HpotopAttrs.pruneReason(requestedByUser: true, message: "x", prunerName: "median", step: 3)
      == "pruned by user")
    #expect(HpotopAttrs.pruneReason(requestedByUser: false, message: "my reason", prunerName: "median", step: 3)
      == "my reason")
    #expect(HpotopAttrs.pruneReason(requestedByUser: false, prunerName: "median", step: 3)
      == "pruned by the median pruner at step 3")
    #expect(HpotopAttrs.pruneReason(requestedByUser: false, prunerName: "median", step: nil)
      == "pruned by the median pruner at step ?")
  }

  @Test func reasonsAreLabelledFailFirst() {
    var attrs = HpotopAttrs([:])
    attrs.pruneReason = "p"
    attrs.failReason = "f"
    #expect(attrs.reasons.map(\.label) == ["Fail reason", "Prune reason"])
    #expect(attrs.reasons.map(\.text) == ["f", "p"])
  }
}
