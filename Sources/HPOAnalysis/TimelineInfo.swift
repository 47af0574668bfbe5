import Foundation
import HPO

/// What the timeline plot shows: every started trial as a bar over wall time, packed into lanes
/// (a lane is one slot of concurrency, so with N workers there are N lanes: a gap is an idle
/// worker), and running trials that run far longer than the finished ones flagged as stuck.
public struct TimelineInfo: Sendable, Hashable {
  /// One trial's bar.
  public struct Bar: Sendable, Hashable {
    public var trialNumber: Int
    public var state: TrialState
    public var start: Date
    /// When it finished; nil while it runs (the bar reaches `end` of the timeline).
    public var complete: Date?
    public var lane: Int
    /// A running trial already longer than `stuckFactor` × the median finished duration.
    public var isStuck: Bool
  }

  /// How many median durations a running trial may take before it reads as stuck.
  public static let stuckFactor = 3.0

  public var bars: [Bar]
  public var lanes: Int
  /// The timeline's span: the first start to `now` (or to the last finish when nothing runs).
  public var begin: Date
  public var end: Date
  /// The median duration of finished trials (nil before one finished).
  public var medianDuration: TimeInterval?

  public init(_ input: AnalysisInput, now: Date) {
    let started = input.trials.filter { $0.datetimeStart != nil && $0.state != .waiting }
      .sorted { ($0.datetimeStart!, $0.number) < ($1.datetimeStart!, $1.number) }
    let durations = started.compactMap { t -> TimeInterval? in
      guard let s = t.datetimeStart, let c = t.datetimeComplete else { return nil }
      return c.timeIntervalSince(s)
    }.sorted()
    let median = durations.isEmpty ? nil : durations[durations.count / 2]
    medianDuration = median
    let running = started.contains { $0.datetimeComplete == nil }
    let lastFinish = started.compactMap(\.datetimeComplete).max()
    begin = started.first?.datetimeStart ?? now
    end = max(begin, running ? max(now, lastFinish ?? now) : (lastFinish ?? now))
    // Greedy lane packing: each trial takes the first lane free at its start.
    var laneEnds: [Date] = []
    var bars: [Bar] = []
    for t in started {
      let s = t.datetimeStart!
      let finish = t.datetimeComplete ?? .distantFuture
      let lane = laneEnds.firstIndex { $0 <= s } ?? laneEnds.count
      if lane == laneEnds.count { laneEnds.append(finish) } else { laneEnds[lane] = finish }
      let stuck = t.datetimeComplete == nil && t.state == .running
        && median.map { now.timeIntervalSince(s) > Self.stuckFactor * max($0, 1) } == true
      bars.append(Bar(trialNumber: t.number, state: t.state, start: s, complete: t.datetimeComplete, lane: lane, isStuck: stuck))
    }
    self.bars = bars
    lanes = laneEnds.count
  }

  /// Lanes with no running trial now (idle workers when every lane is one worker).
  public var idleLanes: [Int] {
    let busy = Set(bars.filter { $0.complete == nil }.map(\.lane))
    return (0..<lanes).filter { !busy.contains($0) }
  }
}
