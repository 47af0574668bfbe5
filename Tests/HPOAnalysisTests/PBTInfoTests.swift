import HPO
import HPOAnalysis
import OrderedCollections
import Testing

/// The PBT tab's info: member curves joined across segments, exploits, param schedules.
@Suite struct PBTInfoTests {
  func segment(_ number: Int, member: Int, parent: Int?, exploited: Int?, start: Int, stop: Int, lr: Double,
               values: OrderedDictionary<Int, Double>) -> FrozenTrial {
    var attrs = OrderedDictionary<String, JSONValue>()
    attrs.hpotop.pbtSegment = PBTSegment(member: member, generation: 0, parent: parent, exploitedMember: exploited,
                                         startStep: start, stopStep: stop, params: [:])
    return FrozenTrial(id: Int64(number + 1), number: number, state: .complete, values: [values[stop]!],
                       params: ["lr": .float(lr)], distributions: ["lr": .float(try! FloatDistribution(low: 0, high: 1))],
                       systemAttrs: attrs, intermediateValues: values)
  }

  @Test func curvesFollowTheLineageAndExploitsAreMarked() {
    let trials = [
      segment(0, member: 0, parent: nil, exploited: nil, start: 0, stop: 2, lr: 0.1, values: [1: 0.1, 2: 0.2]),
      segment(1, member: 1, parent: nil, exploited: nil, start: 0, stop: 2, lr: 0.5, values: [1: 0.5, 2: 0.6]),
      segment(2, member: 0, parent: 1, exploited: 1, start: 2, stop: 4, lr: 0.6, values: [3: 0.7, 4: 0.8]),
      segment(3, member: 1, parent: 1, exploited: nil, start: 2, stop: 4, lr: 0.5, values: [3: 0.65, 4: 0.7]),
    ]
    let info = PBTInfo(AnalysisInput(trials: trials, directions: [.maximize]))
    #expect(info.members.map(\.index) == [0, 1])
    #expect(info.params == ["lr"])
    let m0 = info.members[0]
    #expect(m0.curve.map(\.step) == [1, 2, 3, 4])
    #expect(m0.curve.map(\.value) == [0.1, 0.2, 0.7, 0.8])
    #expect(m0.exploits.count == 1 && m0.exploits[0].step == 2 && m0.exploits[0].from == 1 && m0.exploits[0].value == 0.7)
    #expect(m0.schedule["lr"]?.map(\.step) == [0, 2] && m0.schedule["lr"]?.map(\.value) == [0.1, 0.6])
    #expect(m0.progress == 4 && m0.lastValue == 0.8)
    #expect(info.members[1].exploits.isEmpty)
  }
}
