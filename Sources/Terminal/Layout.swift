/// Splits a rectangle into rows or columns by a list of constraints.
///
/// A small deterministic solver in place of ratatui's Cassowary one:
/// 1. every segment gets its wish (`length`, `percentage`, `ratio`, `min`, `max`; `fill` 0);
/// 2. if the wishes overflow, segments shrink, lowest priority first:
///    `max`, then `ratio`, `percentage`, `length`, and `min` last, each group proportionally;
/// 3. leftover space goes to `fill` segments by weight, else to `min` segments equally;
///    when neither exists and the percentages/ratios add up to the whole, rounding
///    remainders go to them so that the parts tile the area.
public struct Layout: Hashable, Sendable {
  /// Split axis.
  public enum Direction: Hashable, Sendable {
    /// Segments stacked top to bottom.
    case vertical
    /// Segments side by side, left to right.
    case horizontal
  }

  public var direction: Direction
  public var constraints: [Constraint]
  /// Cells removed from every side before splitting.
  public var margin: Int
  /// Cells left empty between segments.
  public var spacing: Int

  public init(
    _ direction: Direction, _ constraints: [Constraint], margin: Int = 0, spacing: Int = 0
  ) {
    self.direction = direction
    self.constraints = constraints
    self.margin = margin
    self.spacing = spacing
  }

  public static func vertical(_ c: [Constraint], margin: Int = 0, spacing: Int = 0) -> Layout {
    Layout(.vertical, c, margin: margin, spacing: spacing)
  }

  public static func horizontal(_ c: [Constraint], margin: Int = 0, spacing: Int = 0) -> Layout {
    Layout(.horizontal, c, margin: margin, spacing: spacing)
  }

  /// One rectangle per constraint, in order.
  public func split(_ area: Rect) -> [Rect] {
    let r = area.inner(margin)
    let total = direction == .vertical ? r.height : r.width
    let gaps = Swift.max(0, constraints.count - 1) * Swift.max(0, spacing)
    let sizes = Layout.solve(constraints, total: Swift.max(0, total - gaps))
    var out: [Rect] = []
    var pos = direction == .vertical ? r.y : r.x
    let end = direction == .vertical ? r.bottom : r.right
    for (i, size) in sizes.enumerated() {
      let start = Swift.min(pos, end)
      let len = Swift.max(0, Swift.min(size, end - start))
      if direction == .vertical {
        out.append(Rect(x: r.x, y: start, width: r.width, height: len))
      } else {
        out.append(Rect(x: start, y: r.y, width: len, height: r.height))
      }
      pos = start + len + (i + 1 < sizes.count ? spacing : 0)
    }
    return out
  }

  /// Segment sizes for `total` cells.
  public static func solve(_ constraints: [Constraint], total: Int) -> [Int] {
    let total = Swift.max(0, total)
    var sizes = constraints.map { c -> Int in
      switch c {
      case .length(let n), .min(let n), .max(let n): return Swift.max(0, n)
      case .percentage(let p): return total * Swift.max(0, p) / 100
      case .ratio(let a, let b): return b <= 0 ? 0 : total * Swift.max(0, a) / b
      case .fill: return 0
      }
    }
    var used = sizes.reduce(0, +)
    if used > total {
      let groups: [(Constraint) -> Bool] = [
        { if case .max = $0 { return true } else { return false } },
        { if case .ratio = $0 { return true } else { return false } },
        { if case .percentage = $0 { return true } else { return false } },
        { if case .length = $0 { return true } else { return false } },
        { if case .min = $0 { return true } else { return false } },
      ]
      for inGroup in groups where used > total {
        let members = constraints.indices.filter { inGroup(constraints[$0]) }
        let groupSum = members.reduce(0) { $0 + sizes[$1] }
        guard groupSum > 0 else { continue }
        let deficit = Swift.min(used - total, groupSum)
        let keep = groupSum - deficit
        // Proportional shrink; leftover rounding goes to the earliest members.
        var assigned = 0
        for m in members {
          let s = sizes[m] * keep / groupSum
          assigned += s
          sizes[m] = s
        }
        var extra = keep - assigned
        for m in members where extra > 0 {
          sizes[m] += 1
          extra -= 1
        }
        used = sizes.reduce(0, +)
      }
    }
    var leftover = total - used
    guard leftover > 0 else { return sizes }
    let fills = constraints.indices.compactMap { i -> (Int, Int)? in
      if case .fill(let w) = constraints[i] { return (i, Swift.max(0, w)) }
      return nil
    }
    let weight = fills.reduce(0) { $0 + $1.1 }
    if !fills.isEmpty {
      if weight == 0 {
        distributeEqually(leftover, over: fills.map(\.0), into: &sizes)
      } else {
        var given = 0
        for (i, w) in fills {
          let s = leftover * w / weight
          sizes[i] += s
          given += s
        }
        distributeEqually(leftover - given, over: fills.map(\.0), into: &sizes)
      }
      return sizes
    }
    let mins = constraints.indices.filter {
      if case .min = constraints[$0] { return true } else { return false }
    }
    if !mins.isEmpty {
      distributeEqually(leftover, over: mins, into: &sizes)
      return sizes
    }
    var fraction = 0.0
    var proportional: [Int] = []
    for (i, c) in constraints.enumerated() {
      switch c {
      case .percentage(let p):
        fraction += Double(p) / 100
        proportional.append(i)
      case .ratio(let a, let b) where b > 0:
        fraction += Double(a) / Double(b)
        proportional.append(i)
      default: break
      }
    }
    if fraction >= 0.999, !proportional.isEmpty, leftover < proportional.count + 1 {
      for i in proportional where leftover > 0 {
        sizes[i] += 1
        leftover -= 1
      }
    }
    return sizes
  }

  private static func distributeEqually(_ amount: Int, over idx: [Int], into sizes: inout [Int]) {
    guard !idx.isEmpty, amount > 0 else { return }
    let each = amount / idx.count
    var rest = amount % idx.count
    for i in idx {
      sizes[i] += each + (rest > 0 ? 1 : 0)
      if rest > 0 { rest -= 1 }
    }
  }
}
