import Foundation
import HPO

/// Return on search: how much the best value improved per compute hour over the last stretch of
/// a single-objective study, so a user sees when more trials stop paying.
///
/// Compute time is the sum of finished trials' durations (start to completion; COMPLETE, PRUNED
/// and FAIL trials all cost compute), taken in completion order. The *last stretch* is the last
/// quarter of the compute time spent so far, widened to hold at least `minStretchTrials`
/// finished trials (docs/DECISIONS.md, 2026-12-05). The improvement is how far the best value
/// moved in the study's direction across the stretch (never negative), and `share` is that
/// improvement over the whole improvement since the first COMPLETE trial.
public struct ReturnOnSearch: Sendable, Hashable {
  /// Improvement of the best value per compute hour in the stretch (≥ 0).
  public var perHour: Double
  /// The best value's improvement across the stretch (≥ 0).
  public var improvement: Double
  /// Compute hours the stretch took.
  public var stretchHours: Double
  /// Finished trials in the stretch.
  public var stretchTrials: Int
  /// The stretch's improvement over the study's whole improvement (0…1); nil when the best
  /// never moved.
  public var share: Double?

  /// The fraction of the compute time the stretch covers.
  public static let stretchFraction = 0.25
  /// The fewest finished trials a stretch holds.
  public static let minStretchTrials = 10
  /// The fewest COMPLETE trials before there is anything to say.
  public static let minCompleteTrials = 10

  /// Nil for several objectives, fewer than `minCompleteTrials` complete trials, or no compute
  /// time measured.
  public init?(_ trials: [FrozenTrial], directions: [StudyDirection]) {
    guard directions.count == 1, let direction = directions.first else { return nil }
    let finished = trials.compactMap { t -> (end: Date, hours: Double, value: Double?)? in
      guard t.state.isFinished, let s = t.datetimeStart, let e = t.datetimeComplete else { return nil }
      let v = t.state == .complete ? t.value.flatMap { $0.isFinite ? $0 : nil } : nil
      return (e, max(0, e.timeIntervalSince(s)) / 3600, v)
    }.sorted { $0.end < $1.end }
    guard finished.filter({ $0.value != nil }).count >= Self.minCompleteTrials else { return nil }
    let total = finished.reduce(0) { $0 + $1.hours }
    guard total > 0 else { return nil }
    // The stretch: walk back from the newest trial until it holds a quarter of the compute
    // and at least `minStretchTrials` trials.
    var start = finished.count
    var hours = 0.0
    // (A relative margin keeps a sum of equal durations from missing the quarter by rounding.)
    while start > 0, hours < total * Self.stretchFraction * (1 - 1e-9) || finished.count - start < Self.minStretchTrials {
      start -= 1
      hours += finished[start].hours
    }
    func best(_ slice: ArraySlice<(end: Date, hours: Double, value: Double?)>) -> Double? {
      slice.compactMap(\.value).reduce(nil) { b, v in b.map { direction.isBetter(v, than: $0) ? v : $0 } ?? v }
    }
    guard let bestNow = best(finished[...]) else { return nil }
    let first = finished.first { $0.value != nil }?.value ?? bestNow
    // Before the stretch: the best so far (or, when the stretch is the whole study, the first value).
    let before = best(finished[..<start]) ?? first
    let gain = { (from: Double, to: Double) in max(0, direction == .minimize ? from - to : to - from) }
    improvement = gain(before, bestNow)
    stretchHours = hours
    stretchTrials = finished.count - start
    perHour = hours > 0 ? improvement / hours : 0
    let whole = gain(first, bestNow)
    share = whole > 0 ? improvement / whole : nil
  }

  /// "0.0123/h over the last 2h05m (8% of the gain)", for `hpotop best` and the header.
  public func summary(duration: (Double) -> String) -> String {
    var s = "\(String(format: "%.3g", perHour))/compute-h over the last \(duration(stretchHours * 3600)) of compute (\(stretchTrials) trials"
    if let share { s += ", \(Int((share * 100).rounded()))% of the gain" }
    return s + ")"
  }
}
