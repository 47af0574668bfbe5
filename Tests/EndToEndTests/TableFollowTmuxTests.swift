import Foundation
import Testing

/// Follow mode on the real binary in tmux: with the cursor on the first row, the newest trials
/// stay on top while the demo adds them; a sort puts the cursor on the first row.
@Suite(.serialized) struct TableFollowTmuxTests {
  /// The `Trials (N)` count and the trial numbers of the table rows, top to bottom.
  static func table(_ screen: String) -> (count: Int, numbers: [Int])? {
    guard let r = screen.range(of: #"Trials \((\d+)\)"#, options: .regularExpression) else { return nil }
    let count = Int(screen[r].dropFirst(8).dropLast()) ?? -1
    let numbers = screen.split(separator: "\n").compactMap { line -> Int? in
      guard let m = line.range(of: #"^│ *\d+ [A-Z]"#, options: .regularExpression) else { return nil }
      return Int(line[m].dropFirst().dropLast(2).trimmingCharacters(in: .whitespaces))
    }
    return (count, numbers)
  }

  /// Whether the status line tells of a sort other than the default (`#` descending): the
  /// "sorted by" message, or once that message has timed out (4 s), the `sort:` line.
  static func sortedByAColumnOtherThanNumber(_ screen: String) -> Bool {
    screen.contains("sorted by") || (screen.contains(" sort: ") && !screen.contains(" sort: # "))
  }

  @Test func newTrialsStayOnTopAndASortStartsAtRowOne() async throws {
    guard Tmux.available else { return }
    let dir = try Binary.temporaryDirectory("tmux-follow")
    let tmux = try Tmux.start("cd \(dir) && \(Binary.path) demo --epoch-seconds 0.05; sleep 60", width: 120, height: 30)
    defer { tmux.kill() }
    // Far more trials arrive than the table has rows: the view must follow the top.
    // Two captures in a row with the same table: a capture taken while the terminal is half
    // redrawn would pair one frame's count with another frame's rows.
    var last: (count: Int, numbers: [Int])?
    let later = try await tmux.waitFor(timeout: 90) { screen in
      let now = Self.table(screen)
      defer { last = now }
      guard let now, let last else { return false }
      return now.count >= 40 && now.count == last.count && now.numbers == last.numbers
    }
    let t = try #require(Self.table(later), "\(later)")
    #expect(t.count >= 40, "\(later)")
    #expect(t.numbers.count >= 5 && t.numbers.count < 30, "\(later)")
    #expect(t.numbers.first == t.count - 1, "the newest trial is not on top:\n\(later)")

    // Once the study has finished (no row moves any more): Down twice, then sort: the cursor is back on the first row (Enter opens its detail).
    let finished = try await tmux.waitFor(timeout: 90) { $0.contains("FINISHED") }
    #expect(finished.contains("FINISHED"), "\(finished)")
    try tmux.send("Down")
    try tmux.send("Down")
    try tmux.send("s")
    var previous = ""
    let screen = try await tmux.waitFor(timeout: 10) { screen in
      defer { previous = screen }
      return Self.sortedByAColumnOtherThanNumber(screen) && screen == previous
    }
    #expect(Self.sortedByAColumnOtherThanNumber(screen), "\(screen)")
    let top = try #require(Self.table(screen)?.numbers.first, "\(screen)")
    try tmux.send("Enter")
    let detail = try await tmux.waitFor(timeout: 10) { $0.contains("(Esc closes") }
    #expect(detail.contains("Trial \(top) (Esc closes"), "the cursor is not on row 1 (\(top)):\n\(detail)")
  }
}
