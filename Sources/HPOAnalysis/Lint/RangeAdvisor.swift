import Foundation
import HPO
import OrderedCollections

/// The range advisor: a numeric param whose best trials crowd one bound of its range ("the 10
/// best lr are within 5% of the upper bound 0.1: widen it") probably has its optimum outside.
///
/// Single objective, at least `minComplete` COMPLETE trials. The `best` best trials must all hold
/// the param, and at least `minNear` of them lie within `band` of one bound, measured on the param's scale
/// (log scale for log params) as a fraction of the range. A bound at 0 of a linear param, or at 1
/// of a linear param in [0, 1], is a natural limit and is not reported; an int range with fewer
/// than 5 values is too coarse to tell.
public struct RangeAdvice: Sendable, Hashable {
  public enum Bound: String, Sendable, Hashable { case low = "lower", high = "upper" }

  public var param: String
  public var bound: Bound
  public var boundValue: Double
  /// How many best trials were looked at, and how many of them are near the bound.
  public var best: Int
  public var near: Int
  /// The largest distance of those near trials from the bound, as a whole percent of the range.
  public var withinPercent: Int
  /// A wider bound to try.
  public var suggested: Double

  public static let best = 10
  public static let minNear = 8
  public static let band = 0.1
  public static let minComplete = 20

  /// "the 10 best lr are within 5% of the upper bound 0.1: widen it".
  public var message: String {
    let who = near == best ? "the \(best) best \(param) are" : "\(near) of the \(best) best \(param) are"
    return "\(who) within \(withinPercent)% of the \(bound.rawValue) bound \(formatNumber(boundValue)): widen it"
  }

  /// "high: 1 (now 0.1)".
  public var fix: String {
    "widen \(param)'s range: \(bound == .high ? "high" : "low"): \(formatNumber(suggested)) (now \(formatNumber(boundValue)))"
  }

  /// Advice for every param that needs it, the most crowded first.
  public static func advise(
    trials: [FrozenTrial], directions: [StudyDirection], distributions: OrderedDictionary<String, Distribution>
  ) -> [RangeAdvice] {
    guard directions.count == 1, let direction = directions.first else { return [] }
    // The `best` best COMPLETE trials, kept in order in one pass (no sort of the whole study).
    func better(_ a: FrozenTrial, _ b: FrozenTrial) -> Bool {
      let x = a.value ?? 0, y = b.value ?? 0
      return x == y ? a.number < b.number : direction.isBetter(x, than: y)
    }
    var ranked: [FrozenTrial] = []
    var complete = 0
    // (Fields are read by index: `for t in trials` would copy every trial, a dozen retains.)
    for i in trials.indices where trials[i].state == .complete {
      guard let v = trials[i].value, v.isFinite else { continue }
      complete += 1
      if ranked.count == best, let last = ranked.last,
        !(v == (last.value ?? 0) ? trials[i].number < last.number : direction.isBetter(v, than: last.value ?? 0))
      { continue }
      let t = trials[i]
      ranked.insert(t, at: ranked.firstIndex { better(t, $0) } ?? ranked.count)
      if ranked.count > best { ranked.removeLast() }
    }
    guard complete >= minComplete else { return [] }
    var out: [RangeAdvice] = []
    for (name, d) in distributions where !SeedGroups.seedParamNames.contains(name) {
      guard let scale = Scale(d) else { continue }
      // Every one of the best trials must hold the param (a conditional one may be inactive).
      let positions = ranked.compactMap { $0.params[name]?.doubleValue }.map(scale.position)
      guard positions.count == best else { continue }
      for bound in [Bound.high, .low] {
        let distances = positions.map { bound == .high ? 1 - $0 : $0 }.filter { $0 <= band }
        guard distances.count >= minNear, !scale.isNaturalLimit(bound) else { continue }
        let within = max(1, Int(((distances.max() ?? 0) * 100 - 1e-9).rounded(.up)))
        out.append(RangeAdvice(
          param: name, bound: bound, boundValue: bound == .high ? scale.high : scale.low, best: best,
          near: distances.count, withinPercent: within, suggested: scale.widened(bound)))
      }
    }
    return out.sorted { ($0.near, -$0.withinPercent) > ($1.near, -$1.withinPercent) }
  }

  /// A numeric range and where a value lies in it.
  struct Scale {
    let low: Double, high: Double, log: Bool, isInt: Bool

    init?(_ d: Distribution) {
      switch d {
      case .float(let f) where f.high > f.low:
        (low, high, log, isInt) = (f.low, f.high, f.log, false)
      case .int(let i) where (i.high - i.low) / max(1, i.step) >= 4:
        (low, high, log, isInt) = (Double(i.low), Double(i.high), i.log, true)
      default: return nil
      }
    }

    /// 0 at the low bound, 1 at the high one.
    func position(_ v: Double) -> Double {
      if log, low > 0 { return (Foundation.log(v) - Foundation.log(low)) / (Foundation.log(high) - Foundation.log(low)) }
      return (v - low) / (high - low)
    }

    func isNaturalLimit(_ b: Bound) -> Bool {
      if log { return false }
      if b == .low { return low == 0 }
      return high == 1 && low >= 0 && !isInt
    }

    /// The bound moved out by a decade (log) or by half the range (linear).
    func widened(_ b: Bound) -> Double {
      var v: Double
      if log { v = b == .high ? high * 10 : low / 10 } else { v = b == .high ? high + (high - low) / 2 : low - (high - low) / 2 }
      if isInt { v = b == .high ? v.rounded(.up) : v.rounded(.down) }
      if !log, b == .low, low > 0, v < 0 { v = 0 }
      return v
    }
  }
}

extension LintRule {
  /// `RangeAdvice` as findings.
  public static let rangeBound = LintRule(
    id: "range-bound", summary: "the best trials crowd one bound of a param's range"
  ) { c in
    RangeAdvice.advise(trials: c.trials, directions: c.directions, distributions: c.distributions).map {
      LintFinding(id: "range-bound", severity: .warning, message: $0.message, fix: $0.fix)
    }
  }
}
