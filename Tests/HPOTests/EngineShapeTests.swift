import Foundation
import HPO
import HPOTesting
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
      // A key is the prefix followed by a name (`"hpotop:paused"`); messages such as
      // `"hpotop: cannot start …"` are not keys.
      if text.contains(try Regex("\"" + HpotopKey.prefix + "[a-z_]")) { spelling.append(file) }
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
    let want = SamplerRegistry.builtin.map { ["`\($0.name)`", $0.optionsDoc] }
    #expect(rows == want,
            "docs/study-file.md's sampler table should read:\n\(SamplerRegistry.docsTable(SamplerRegistry.builtin))")
  }

  @Test func prunerTableIsCurrent() throws {
    let rows = try Self.tableRows(under: "### `pruner`")
    let want = PrunerRegistry.all.map { ["`\($0.name)`", $0.optionsDoc] }
    #expect(rows == want, "docs/study-file.md's pruner table should read:\n\(Self.table(want))")
  }

  @Test func studyFileNamesComeFromTheRegistries() {
    #expect(Array(ComponentSpec.samplerNames.prefix(SamplerRegistry.builtin.count)) == SamplerRegistry.builtin.map(\.name))
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

/// A sampler defined outside HPO, registered at run time: the parser, the factory, the docs
/// table and the conformance suite all find it through the registry.
@Suite struct RegisteredSamplerTests {
  /// Random sampling under another name, with one option of its own.
  static let dummy = SamplerKind(
    name: "zz_dummy_registered", optionsDoc: "`flavour` (ignored)",
    conformanceSampler: { seed, _ in RandomSampler(seed: seed) }
  ) { seed, options, _, _ in
    _ = try options.string("flavour")
    try options.finish()
    return RandomSampler(seed: seed)
  }

  @Test func aRegisteredSamplerIsFoundEverywhere() async throws {
    SamplerRegistry.register(Self.dummy)
    #expect(!SamplerRegistry.register(Self.dummy), "a name is registered once")
    #expect(!SamplerRegistry.register(.tpe), "a built-in name is taken")
    let spec = try StudySpec.parse(
      yaml: "sampler: {name: zz_dummy_registered, seed: 3, flavour: mint}\nobjective: {builtin: branin}\n",
      path: "/tmp/s/study.yaml")
    #expect(spec.sampler?.name == "zz_dummy_registered")
    let sampler = try ComponentFactory.sampler(spec.sampler, directions: spec.directions, space: spec.searchSpace)
    #expect(sampler is RandomSampler)
    #expect(try ComponentFactory.pruner(nil, samplerName: "zz_dummy_registered") is NopPruner)
    let bad = try StudySpec.parse(
      yaml: "sampler: {name: zz_dummy_registered, colour: red}\nobjective: {builtin: branin}\n", path: "/tmp/s/study.yaml")
    #expect(throws: StudyFileError.self) {
      try ComponentFactory.sampler(bad.sampler, directions: bad.directions, space: bad.searchSpace)
    }
    #expect(SamplerRegistry.docsTable().contains("| `zz_dummy_registered` | `flavour` (ignored) |"))
    let kind = try #require(SamplerRegistry.kind(named: "zz_dummy_registered"))
    try await SamplerConformance.runAll { kind.conformanceSampler($0, [:]) }
  }
}
