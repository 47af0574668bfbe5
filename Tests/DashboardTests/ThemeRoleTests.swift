import Dashboard
import Testing

/// Theme roles are a closed set: a theme file's keys are their names, and a role spelled wrong in
/// code stops the program instead of drawing in the default colour.
@Suite struct ThemeRoleTests {
  @Test func fileKeysAreTheRoleNames() {
    let text = Theme.builtinDefault.fileText
    for role in ThemeRole.allCases { #expect(text.contains("\n\(role.rawValue) = "), "\(role)") }
    #expect(Theme.parse(text, name: "round-trip").colors == Theme.builtinDefault.colors)
  }

  @Test func aLiteralNamesItsRole() {
    let role: ThemeRole = "selected_bg"
    #expect(role == .selectedBg)
  }

  @Test func aMistypedRoleStopsTheProgram() async {
    await #expect(processExitsWith: .failure) {
      _ = Theme.builtinDefault.fg(ThemeRole(stringLiteral: "titel"))
    }
  }
}
