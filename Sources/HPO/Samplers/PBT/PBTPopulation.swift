import OrderedCollections

/// One segment of a PBT member's training, as stored on its trial (`HpotopKey.pbtSegment`): the
/// member, its generation (segments since the member's lineage started at step 0), the trial
/// whose checkpoint it restores (`parent`: the member's own last segment, or a top member's when
/// it exploits), and the steps it trains, `startStep` (the checkpoint's step) to `stopStep`.
public struct PBTSegment: Sendable, Equatable {
  public var member: Int
  public var generation: Int
  /// The trial number whose checkpoint this segment restores; nil for a member's first segment.
  public var parent: Int?
  /// The member whose checkpoint was copied (exploit); nil when the member goes on from its own.
  public var exploitedMember: Int?
  public var startStep: Int
  /// The step to train to; nil when the study sets no step budget and no interval ends it.
  public var stopStep: Int?
  /// The hyperparameters PBT asked for (empty for a first segment: sampled as usual).
  public var params: OrderedDictionary<String, ParamValue>

  public init(
    member: Int, generation: Int, parent: Int?, exploitedMember: Int?, startStep: Int, stopStep: Int?,
    params: OrderedDictionary<String, ParamValue>
  ) {
    self.member = member
    self.generation = generation
    self.parent = parent
    self.exploitedMember = exploitedMember
    self.startStep = startStep
    self.stopStep = stopStep
    self.params = params
  }

  /// The member a trial gets when no member was left to train (another worker took the last one).
  public static let noMember = -1
}

/// A PBT population as storage shows it: for each member its segments, the last one that
/// completed (its step and score) and whether one is running now. Rebuilt from the trials alone,
/// so every worker sharing the storage sees the same population.
public struct PBTPopulation: Sendable {
  public struct Member: Sendable {
    public let index: Int
    /// The member's segments, by trial number.
    public var segments: [FrozenTrial] = []
    /// The newest segment in any state.
    public var latest: FrozenTrial? { segments.last }
    /// The newest COMPLETE segment: the checkpoint the member goes on from.
    public var lastComplete: FrozenTrial? { segments.last { $0.state == .complete && $0.value != nil } }
    /// The step the member's checkpoint holds.
    public var progress: Int { lastComplete?.hpotop.pbtSegment.flatMap(\.stopStep) ?? 0 }
    /// Whether a segment of the member is being trained (or waits to be).
    public var isBusy: Bool { latest.map { $0.state == .running || $0.state == .waiting } ?? false }
    /// Whether the member's last `PBTPopulation.maxFailures` segments all failed: it is given up.
    public var hasFailedOut: Bool {
      segments.count >= PBTPopulation.maxFailures
        && segments.suffix(PBTPopulation.maxFailures).allSatisfy { $0.state == .fail || $0.state == .pruned }
    }
  }

  public let members: [Member]
  public let memberSteps: Int?

  public init(trials: [FrozenTrial], population: Int, memberSteps: Int?) {
    var members = (0..<population).map { Member(index: $0) }
    for t in trials {
      guard let s = t.hpotop.pbtSegment, s.member >= 0, s.member < population else { continue }
      members[s.member].segments.append(t)
    }
    self.members = members
    self.memberSteps = memberSteps
  }

  /// Failed segments in a row after which a member is given up (an objective that always fails).
  public static let maxFailures = 3

  /// Whether a member has trained all its steps (or was given up after failing again and again).
  public func isDone(_ m: Member) -> Bool { m.hasFailedOut || (memberSteps.map { m.progress >= $0 } ?? false) }

  /// Whether every member has trained all its steps.
  public var allDone: Bool { members.allSatisfy(isDone) }

  /// The member to train next: of those neither busy nor done, the one with the fewest steps (the
  /// lowest index on a tie), so members take turns when fewer slots than members run.
  public var next: Member? {
    members.filter { !$0.isBusy && !isDone($0) }.min { ($0.progress, $0.index) < ($1.progress, $1.index) }
  }

  /// Ray Tune's quantiles over the members that have a score and have not finished: the bottom
  /// and top `ceil(n · fraction)` (at most n/2) by score, where higher is better.
  public func quantiles(fraction: Double, direction: StudyDirection) -> (lower: [Int], upper: [Int]) {
    var scored: [(Int, Double)] = []
    for m in members where !isDone(m) {
      guard let v = m.lastComplete?.value else { continue }
      scored.append((m.index, direction == .maximize ? v : -v))
    }
    guard scored.count > 1 else { return ([], []) }
    scored.sort { ($0.1, -$0.0) < ($1.1, -$1.0) }
    var k = Int((Double(scored.count) * fraction).rounded(.up))
    if Double(k) > Double(scored.count) / 2 { k = scored.count / 2 }
    return (scored.prefix(k).map(\.0), scored.suffix(k).map(\.0))
  }
}

/// PBT's explore step, after Ray Tune's `explore`: each hyperparameter is resampled from its
/// distribution with `resampleProbability`; otherwise a number is multiplied by one of the
/// perturbation factors (1.2 or 0.8, each half the time; an int is truncated, as Ray does) and
/// kept within its range and step grid, and a categorical moves to a neighbouring choice.
public enum PBTExplore {
  public static func perturb(
    _ params: OrderedDictionary<String, ParamValue>, distributions: OrderedDictionary<String, Distribution>,
    resampleProbability: Double, factors: [Double], rng: inout SeededRNG
  ) -> OrderedDictionary<String, ParamValue> {
    var out = params
    for (name, value) in params {
      guard let d = distributions[name] else { continue }
      if rng.uniform() < resampleProbability {
        out[name] = sampleUniformly(d, rng: &rng)
        continue
      }
      let up = rng.uniform() > 0.5
      switch d {
      case .float(let f):
        let factor = factors.isEmpty ? 1 : factors[up ? 0 : min(1, factors.count - 1)]
        var v = (value.doubleValue ?? f.low) * factor
        if let step = f.step { v = f.low + ((v - f.low) / step).rounded() * step }
        out[name] = .float(min(max(v, f.low), f.high))
      case .int(let i):
        let factor = factors.isEmpty ? 1 : factors[up ? 0 : min(1, factors.count - 1)]
        var v = Int((Double(value.intValue ?? i.low) * factor).rounded(.towardZero))
        v = i.low + ((v - i.low) / i.step) * i.step
        out[name] = .int(min(max(v, i.low), i.high))
      case .categorical(let c):
        let k = c.index(of: value) ?? 0
        out[name] = c.choices[up ? max(0, k - 1) : min(c.choices.count - 1, k + 1)]
      }
    }
    return out
  }
}
