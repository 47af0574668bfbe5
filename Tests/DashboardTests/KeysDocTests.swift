import Foundation
import Terminal
import Testing

@testable import Dashboard

@Suite struct KeysDocTests {
  /// docs/keys.md is generated from the binding table; re-record with RECORD_SNAPSHOTS=1
  /// (or `hpotop keys --markdown > docs/keys.md`).
  @Test func keysDocIsCurrent() throws {
    let path = Fixture.packageRoot.appendingPathComponent("docs/keys.md").path
    let expected = Bindings.markdown()
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
      try expected.write(toFile: path, atomically: true, encoding: .utf8)
    }
    let actual = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    #expect(actual == expected, "docs/keys.md is stale: run RECORD_SNAPSHOTS=1 swift test --filter KeysDocTests")
  }

  @Test func noKeyIsBoundTwiceAndEveryActionHasAKey() {
    var seen: [Key: Action] = [:]
    for b in Bindings.all {
      for k in b.keys {
        #expect(seen[k] == nil, "\(k) bound to \(seen[k].map { "\($0)" } ?? "") and \(b.action)")
        seen[k] = b.action
      }
    }
    #expect(Set(Bindings.all.map(\.action)) == Set(Action.allCases))
  }

  @Test func footerAndHelpComeFromTheTable() {
    let s = Fixture.state()
    let footer = Fixture.lines(s).last ?? ""
    for b in Bindings.all where b.shownInFooter {
      if footer.contains(b.label) { continue }
      // Narrow screens leave out the last whole entries; the first ones must be there.
      #expect(footer.count >= 70, "footer missing \(b.label): \(footer)")
    }
    var h = s
    h.height = 60
    _ = update(&h, .key(.char("?")))
    let text = Fixture.text(h, width: 120, height: 60)
    for b in Bindings.all { #expect(text.contains(b.description), "help lacks \(b.description)") }
    #expect(text.contains("(trial 18 is not running)") == false)
  }
}
