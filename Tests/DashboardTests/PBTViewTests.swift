import Foundation
import HPO
import OrderedCollections
import Terminal
import Testing

@testable import Dashboard

/// A PBT study on screen: the member column, sorting that groups segments by member, the PBT tab.
@Suite struct PBTViewTests {
  /// The fixture's trials as segments of 4 members, 5 steps each, member 3 exploiting member 0.
  static func state() -> AppState {
    var s = Fixture.state(width: 200, height: 50)
    var trials = s.snapshot.trials
    for i in trials.indices {
      var attrs = trials[i].systemAttrs
      let member = i % 4, generation = i / 4
      attrs.hpotop.pbtSegment = PBTSegment(
        member: member, generation: generation, parent: generation == 0 ? nil : i - 4,
        exploitedMember: member == 3 && generation == 2 ? 0 : nil, startStep: generation * 5, stopStep: generation * 5 + 5, params: [:])
      trials[i].systemAttrs = attrs
      trials[i].intermediateValues = OrderedDictionary(uniqueKeysWithValues: (1...5).map { (generation * 5 + $0, Double(i) + Double($0) / 10) })
    }
    s.snapshot = StudySnapshot(studyID: 1, studyName: "fixture", directions: [.minimize], trials: trials,
                               takenAt: s.snapshot.takenAt, revision: 2)
    s.refreshRows()
    return s
  }

  @Test func sortingByMemberGroupsSegments() {
    var s = Self.state()
    #expect(Fixture.text(s).contains("Member"))
    Fixture.press(&s, [.char("s")])
    #expect(s.sortColumn == "member")
    let members = s.rows.map { s.snapshot.trials[$0].hpotop.pbtSegment!.member }
    #expect(members == members.sorted())
    let lines = Fixture.lines(s)
    let first = lines.firstIndex { $0.contains("m0 g0") } ?? -1, next = lines.firstIndex { $0.contains("m0 g1") } ?? -1
    #expect(first >= 0 && next == first + 1, "\(lines.joined(separator: "\n"))")
  }

  @Test func thePBTTabDrawsMembersAndExploits() {
    var s = Self.state()
    s.tab = .pbt
    let text = Fixture.text(s)
    #expect(text.contains("4 members · 1 exploits"), "\(text)")
    #expect(text.contains("m3") && text.contains("lr by step"))
  }
}
