import HPO
import OrderedCollections

/// What the PBT tab shows: each member's curve over steps (its segments' intermediate values,
/// joined in order), the exploit events (where a member restarted from a copy of another's
/// checkpoint) and each hyperparameter's schedule per member (its value from each segment's
/// start step). Empty for a study with no PBT segments.
public struct PBTInfo: Sendable {
  public struct Member: Sendable {
    public let index: Int
    /// (step, value) over the member's COMPLETE and RUNNING segments, by step.
    public var curve: [(step: Int, value: Double)] = []
    /// Each exploit: the step it started from, the member it copied, the value there.
    public var exploits: [(step: Int, from: Int, value: Double?)] = []
    /// Per param: (step, value) at the start of each segment.
    public var schedule: OrderedDictionary<String, [(step: Int, value: Double)]> = [:]
    /// The member's steps so far and its last value.
    public var progress = 0
    public var lastValue: Double?
  }

  public let members: [Member]
  /// Every param any segment has, in first-seen order (numeric values only are scheduled).
  public let params: [String]

  public init(_ input: AnalysisInput) {
    var byMember: [Int: Member] = [:]
    var params: [String] = []
    for t in input.trials where t.state == .complete || t.state == .running {
      guard let s = t.hpotop.pbtSegment, s.member >= 0 else { continue }
      var m = byMember[s.member] ?? Member(index: s.member)
      let points = t.intermediateValues.filter { $0.key > s.startStep && !$0.value.isNaN }.sorted { $0.key < $1.key }
      // A member that exploited drops its own curve after the restored step (it now follows the copy).
      m.curve.removeAll { $0.step > s.startStep }
      m.curve += points.map { (step: $0.key, value: $0.value) }
      if let from = s.exploitedMember { m.exploits.append((s.startStep, from, points.first?.value)) }
      for (name, v) in t.params {
        guard let x = v.doubleValue, v.stringValue == nil else { continue }
        if !params.contains(name) { params.append(name) }
        m.schedule[name, default: []].removeAll { $0.step >= s.startStep }
        m.schedule[name, default: []].append((s.startStep, x))
      }
      if t.state == .complete { m.progress = max(m.progress, s.stopStep ?? t.lastStep ?? 0); m.lastValue = t.value }
      byMember[s.member] = m
    }
    members = byMember.keys.sorted().map { byMember[$0]! }
    self.params = params
  }
}
