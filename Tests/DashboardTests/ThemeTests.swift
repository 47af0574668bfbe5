import Foundation
import Terminal
import Testing

@testable import Dashboard

@Suite struct ThemeTests {
  @Test func parsesRolesCommentsAndQuotes() {
    let t = Theme.parse("""
      # a comment
      title = "#102030"   # trailing comment
      best = #ffffff
      dim = "none"
      """, name: "t")
    #expect(t.color("title") == .rgb(0x10, 0x20, 0x30))
    #expect(t.color("best") == .rgb(255, 255, 255))
    #expect(t.color("dim") == nil)
    #expect(t.warnings.isEmpty)
  }

  @Test func missingRoleFallsBackToDefaultAndUnknownKeyWarns() {
    let t = Theme.parse("titel = \"#000000\"\npruned = \"oops\"\n", name: "bad")
    #expect(t.color("title") == Theme.builtinDefault.color("title"))
    #expect(t.color("pruned") == Theme.builtinDefault.color("pruned"))
    #expect(t.warnings == ["bad.theme:1: unknown key 'titel'", "bad.theme:2: 'oops' is not a colour (#RRGGBB)"])
  }

  @Test func everyShippedThemeLoadsWithoutWarnings() throws {
    let dir = Fixture.packageRoot.appendingPathComponent("themes").path
    let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".theme") }
    #expect(names.count >= 5)
    for n in names {
      let t = try Theme.load(String(n.dropLast(6)), directories: [dir])
      #expect(t.warnings.isEmpty, "\(n): \(t.warnings)")
      #expect(Set(t.colors.keys) == Set(Theme.roles), "\(n)")
    }
    #expect(try Theme.load("default", directories: [dir]).colors == Theme.builtinDefault.colors)
    #expect(try Theme.load("mono", directories: [dir]).isMonochrome)
  }

  @Test func unknownThemeNamesTheKnownOnes() {
    #expect(throws: ThemeError.self) { try Theme.load("nope", directories: []) }
    do {
      _ = try Theme.load("nope", directories: [])
    } catch {
      #expect("\(error)".contains("default, mono"))
    }
  }

  @Test func gradientRunsLowToHigh() {
    let t = Theme.builtinDefault
    #expect(t.gradient(0) == t.color("graph_low"))
    #expect(t.gradient(1) == t.color("graph_high"))
    #expect(t.gradient(0.5) == t.color("graph_mid"))
    #expect(Theme.builtinMono.gradient(0.3) == nil)
  }
}
