import OrderedCollections

/// A PBT member's hyperparameter schedule, rebuilt from storage alone: the chain of segments
/// whose checkpoints its final weights come from, followed back through `PBTSegment.parent`
/// (across members where it exploited) to step 0. Replaying the schedule (train from scratch,
/// switching hyperparameters at each `fromStep`) retraces the member's final model.
public struct PBTSchedule: Sendable, Equatable {
  /// One stretch of training with fixed hyperparameters.
  public struct Entry: Sendable, Equatable {
    /// The trial that trained it, and the member that trial belonged to.
    public let trial: Int
    public let member: Int
    public let fromStep: Int
    public let toStep: Int
    public let params: OrderedDictionary<String, ParamValue>
    /// Whether this segment began from a copy of another member's checkpoint.
    public let exploited: Bool
  }

  public let member: Int
  public let entries: [Entry]
  /// The member's final value (its last COMPLETE segment's).
  public let finalValue: Double?

  /// The schedule of a member as of these trials; nil when it has no COMPLETE segment, or a
  /// parent is missing (the lineage is broken).
  public static func of(member: Int, trials: [FrozenTrial]) -> PBTSchedule? {
    var byNumber: [Int: FrozenTrial] = [:]
    for t in trials { byNumber[t.number] = t }
    let last = trials.last { $0.state == .complete && $0.value != nil && $0.hpotop.pbtSegment?.member == member }
    guard let last else { return nil }
    var chain: [Entry] = []
    var current: FrozenTrial? = last
    var seen = Set<Int>()
    while let t = current {
      guard let s = t.hpotop.pbtSegment, seen.insert(t.number).inserted else { return nil }
      chain.append(Entry(trial: t.number, member: s.member, fromStep: s.startStep, toStep: s.stopStep ?? t.lastStep ?? s.startStep,
                         params: t.params, exploited: s.exploitedMember != nil))
      guard let parent = s.parent else { break }
      guard let p = byNumber[parent] else { return nil }
      current = p
    }
    guard chain.last?.fromStep == 0 else { return nil }
    return PBTSchedule(member: member, entries: chain.reversed(), finalValue: last.value)
  }

  /// Every member's lineage is complete: each COMPLETE segment's parent is a COMPLETE segment
  /// ending where it starts. Returns what is wrong, empty when nothing is.
  public static func lineageProblems(_ trials: [FrozenTrial]) -> [String] {
    var byNumber: [Int: FrozenTrial] = [:]
    for t in trials { byNumber[t.number] = t }
    var problems: [String] = []
    for t in trials where t.state == .complete {
      guard let s = t.hpotop.pbtSegment else { continue }
      guard let parent = s.parent else {
        if s.startStep != 0 { problems.append("trial \(t.number) starts at step \(s.startStep) without a parent") }
        continue
      }
      guard let p = byNumber[parent], p.state == .complete, let ps = p.hpotop.pbtSegment else {
        problems.append("trial \(t.number)'s parent \(parent) is missing or did not complete")
        continue
      }
      if ps.stopStep != s.startStep { problems.append("trial \(t.number) starts at \(s.startStep), its parent \(parent) stopped at \(ps.stopStep ?? -1)") }
      if s.exploitedMember == nil, ps.member != s.member { problems.append("trial \(t.number) continues member \(ps.member), not its own") }
    }
    return problems
  }

  /// The schedule as JSON (`hpotop pbt schedule -f json`).
  public var json: JSONValue {
    .object([
      "member": .int(member),
      "final_value": finalValue.map { .double($0) } ?? .null,
      "schedule": .array(entries.map { e in
        .object([
          "from_step": .int(e.fromStep), "to_step": .int(e.toStep), "trial": .int(e.trial), "member": .int(e.member),
          "exploited": .bool(e.exploited),
          "params": .object(OrderedDictionary(uniqueKeysWithValues: e.params.map { ($0.key, $0.value.json) })),
        ])
      }),
    ])
  }
}
