import Foundation
import HPO
import HPOAnalysis
import Testing

@testable import Dashboard

/// The Importance tab's Sobol view: whiskers for the intervals and the interaction heat map.
@Suite struct ImportanceSobolScreenTests {
  @Test func sobolViewDrawsIntervalsAndInteractions() throws {
    var s = Fixture.state(width: 120, height: 50)
    _ = update(&s, .key(.char("4")))
    guard case .computeImportance(.fanova, let all, _, let n)? = s.commands.first else {
      Issue.record("no fANOVA request: \(s.commands)")
      return
    }
    let fanova = ImportanceInfo(AnalysisInput(trials: all, directions: [.minimize]))
    _ = update(&s, .importance(ImportanceResult(kind: .fanova, completeCount: n, info: fanova)))
    s.commands.removeAll()
    _ = update(&s, .key(.char("m")))
    guard case .computeImportance(.sobol, let trials, _, let count)? = s.commands.first else {
      Issue.record("no Sobol request: \(s.commands)")
      return
    }
    let input = AnalysisInput(trials: trials, directions: [.minimize])
    let sobol = ForestSobol(options: .init(replicates: 6)).evaluate(ImportanceDataset(input))
    _ = update(&s, .importance(ImportanceResult(kind: .sobol, completeCount: count, info: nil, sobol: sobol)))
    let lines = Fixture.lines(s)
    let text = lines.joined(separator: "\n")
    #expect(text.contains("Sobol (m: switch)"))
    // One row per param with its share and interval as printed, most important first.
    let best = try #require(sobol.params.indices.max { sobol.shares[$0].value < sobol.shares[$1].value })
    let e = sobol.shares[best]
    let row = String(format: "%.3f [%.2f, %.2f]", e.value, e.low, e.high)
    #expect(lines.contains { $0.contains(sobol.params[best]) && $0.contains(row) }, "no row '\(row)'\n\(text)")
    #expect(text.contains("┤"))
    // The heat map: a header and one row per param.
    #expect(text.contains("interactions S_ij"))
    let heatRows = lines.drop { !$0.contains("interactions S_ij") }.dropFirst(2).prefix(sobol.params.count)
    #expect(heatRows.count == sobol.params.count)
    for name in sobol.params { #expect(heatRows.contains { $0.contains(name) }, "no heat-map row for \(name)") }
  }
}
