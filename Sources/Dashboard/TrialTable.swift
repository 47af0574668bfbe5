import Foundation
import HPO
import Terminal

/// The trial table as laid out for one frame, htop-style: widths come from the rows on screen,
/// `#`, state and objective columns never shrink, the low-value columns (curve, start,
/// duration) are dropped first when the pane is narrow, and params that do not fit scroll
/// horizontally (`paramScroll`) with `‹`/`›` marks.
struct TrialTable {
  /// What a column holds (decides its priority and alignment).
  enum Kind: Equatable {
    case number, state, value, param, duration, start, curve, gpu, seeds, member
    /// Dropped first (gpu, PBT member, curve), then start, then duration, then seeds.
    var dropOrder: Int? {
      switch self {
      case .gpu, .member: -1
      case .curve: 0
      case .start: 1
      case .duration: 2
      case .seeds: 3
      default: nil
      }
    }
  }

  /// One candidate column with its cells for the rows on screen, already padded to `width`.
  struct Column {
    var id: String
    var kind: Kind
    var title: String
    /// Content width (header excluded).
    var contentWidth: Int
    /// The width the column takes: content, or more for its (possibly elided) title.
    var width: Int
    var cells: [Line]
  }

  /// First row index shown and the rows shown (indices into `state.rows`).
  var lo: Int
  var hi: Int
  var selected: Int?
  /// Every candidate column, in display order.
  var all: [Column]

  /// Columns `all` holds the params from (the rest are fixed).
  var paramColumns: [Int] { all.indices.filter { all[$0].kind == .param } }

  /// The width that shows every column at once (no param scrolling, nothing dropped).
  var naturalWidth: Int { all.reduce(0) { $0 + $1.width } + max(0, all.count - 1) }

  /// Longest a param or metric title may make its column before it is elided with `…`.
  static let titleCap = 12
  /// Widest a text param column gets.
  static let textCap = 24

  /// Builds the columns for the rows of `state` that fit in `height` lines (header included).
  init(_ state: AppState, height: Int) {
    let snap = state.snapshot
    let visible = max(1, height - 1)
    var ts = state.table
    ts.clamp(count: state.rows.count, visible: visible)
    lo = ts.offset
    hi = min(state.rows.count, lo + visible)
    selected = ts.selected
    let trials = (lo..<hi).map { snap.trials[state.rows[$0]] }
    var cols: [Column] = []
    let objectives = max(1, snap.directions.count)
    cols.append(Self.numberColumn(trials, snap))
    cols.append(Self.stateColumn(trials))
    let best = Set(state.cachedBest.map(\.number))
    for i in 0..<objectives { cols.append(Self.valueColumn(i, trials, state, best: best)) }
    // The configuration's mean ± sd over its seeds, once some configuration ran more than once.
    if let cells = seedsColumnCells(trials, state) { cols.append(Self.textColumn("seeds", .seeds, "Mean±sd", cells, alignRight: true)) }
    // The GPUs each trial ran on, only when some trial on screen had one.
    let gpuCells = trials.map { Line(gpuCellText($0)) }
    if gpuCells.contains(where: { $0.width > 0 }) { cols.append(Self.textColumn("gpu", .gpu, "GPU", gpuCells, alignRight: false)) }
    // The PBT member and generation of each segment (`m2 g5`), only for a PBT study; sorting by
    // it groups the segments by member.
    let memberCells = trials.map { t in Line(t.hpotop.pbtSegment.map { "m\($0.member) g\($0.generation)" } ?? "") }
    if memberCells.contains(where: { $0.width > 0 }) { cols.append(Self.textColumn("member", .member, "Member", memberCells, alignRight: false)) }
    cols.append(Self.textColumn("duration", .duration, "Duration", trials.map { t in
      if let d = t.duration { return Line(formatDuration(d)) }
      if t.state == .running, let s = t.datetimeStart {
        return Line(formatDuration(max(0, state.now.timeIntervalSince(s))), style: state.theme.fg("running"))
      }
      return Line("")
    }, alignRight: true))
    cols.append(Self.textColumn("start", .start, "Started", trials.map { Line($0.datetimeStart.map(clockText) ?? "") }, alignRight: false))
    cols.append(Self.textColumn("curve", .curve, "Curve", trials.map { t in
      let s = curveText(t)
      return s.isEmpty ? Line("") : Line(s, style: t.state == .running ? state.theme.fg("running") : state.theme.dim)
    }, alignRight: false))
    // A curve column with no curve on screen only takes room.
    if cols.last?.contentWidth == 0 { cols.removeLast() }
    for name in state.paramNames { cols.append(Self.paramColumn(name, trials, snap)) }
    // Sort mark on the sorted column's title.
    for k in cols.indices where cols[k].id == state.sortColumn {
      cols[k].title += state.sortDescending ? "↓" : "↑"
      cols[k].width = max(cols[k].width, min(TextWidth.of(cols[k].title), Self.titleCap + 1))
    }
    all = cols
  }

  // MARK: Columns

  static func finish(_ id: String, _ kind: Kind, _ title: String, _ cells: [Line], titleCap: Int?) -> Column {
    let content = cells.map(\.width).max() ?? 0
    let tw = TextWidth.of(title)
    let width = max(content, titleCap.map { min(tw, $0) } ?? tw, 1)
    return Column(id: id, kind: kind, title: title, contentWidth: content, width: width, cells: cells)
  }

  static func numberColumn(_ trials: [FrozenTrial], _ snap: StudySnapshot) -> Column {
    // Wide enough for the largest number in the study, so the width holds while scrolling.
    let digits = String(snap.trials.last?.number ?? 0).count
    let cells = trials.map { Line(String($0.number), alignment: .right) }
    var c = finish("number", .number, "#", cells, titleCap: nil)
    c.width = max(c.width, digits)
    return c
  }

  static func stateColumn(_ trials: [FrozenTrial]) -> Column {
    finish("state", .state, "State", trials.map { t in
      Line(stateName(t.state), style: Style())
    }, titleCap: nil)
  }

  static func stateName(_ s: TrialState) -> String {
    switch s {
    case .complete: "COMPLETE"
    case .running: "RUNNING"
    case .pruned: "PRUNED"
    case .fail: "FAIL"
    case .waiting: "WAITING"
    }
  }

  static func textColumn(_ id: String, _ kind: Kind, _ title: String, _ cells: [Line], alignRight: Bool) -> Column {
    finish(id, kind, title, cells.map { var l = $0; l.alignment = alignRight ? .right : .left; return l }, titleCap: nil)
  }

  /// Objective `i`: every value at the precision that tells the rows on screen apart
  /// (5–8 significant digits), decimal-aligned; a running trial shows its last reported
  /// intermediate value in parentheses.
  static func valueColumn(_ i: Int, _ trials: [FrozenTrial], _ state: AppState, best: Set<Int>) -> Column {
    let theme = state.theme
    var numbers: [Double?] = []
    var provisional: [Bool] = []
    for t in trials {
      if let vs = t.values, i < vs.count {
        numbers.append(vs[i])
        provisional.append(false)
      } else if t.state == .running, i == 0, let last = t.intermediateValues.values.last {
        numbers.append(last)
        provisional.append(true)
      } else {
        numbers.append(nil)
        provisional.append(false)
      }
    }
    let texts = numberTexts(numbers, minDigits: 5).enumerated().map { k, s in
      s.map { provisional[k] ? "(" + $0 + ")" : $0 }
    }
    let cells = aligned(texts).enumerated().map { k, s -> Line in
      let t = trials[k]
      let style = provisional[k] ? theme.dim : (best.contains(t.number) ? theme.fg("best").adding(.bold) : Style())
      return Line(s, style: style, alignment: .right)
    }
    return finish("value\(i)", .value, state.metricName(i), cells, titleCap: 14)
  }

  /// A param: floats at the precision that tells the rows on screen apart (4–8 significant
  /// digits) and decimal-aligned, ints whole, categorical choices as text.
  static func paramColumn(_ name: String, _ trials: [FrozenTrial], _ snap: StudySnapshot) -> Column {
    let values = trials.map { $0.params[name] }
    let numeric = values.allSatisfy { v in
      guard let v else { return true }
      if case .float = v { return true }
      if case .int = v { return true }
      return false
    }
    let cells: [Line]
    if numeric {
      let numbers: [Double?] = values.map { v in
        switch v {
        case .float(let d)?: d
        case .int(let n)?: Double(n)
        default: nil
        }
      }
      var texts = numberTexts(numbers, minDigits: 4)
      for (k, v) in values.enumerated() { if case .int(let n)? = v { texts[k] = String(n) } }
      cells = aligned(texts).map { Line($0, alignment: .right) }
    } else {
      cells = values.map { Line($0?.displayText ?? "", alignment: .left) }
    }
    var c = finish("param:" + name, .param, name, cells, titleCap: titleCap)
    // A long choice (a path, a model id) does not take the whole table: it ends in `…`.
    if !numeric { c.width = min(c.width, textCap) }
    return c
  }

  /// Numbers with the column's shared precision (nil stays empty).
  static func numberTexts(_ numbers: [Double?], minDigits: Int) -> [String?] {
    let digits = NumberFormat.digitsToSeparate(numbers.compactMap { $0 }, minDigits: minDigits, maxDigits: 8)
    return numbers.map { $0.map { NumberFormat.significant($0, digits: digits) } }
  }

  /// Texts padded so their decimal points line up (empty for nil).
  static func aligned(_ texts: [String?]) -> [String] {
    let parts = texts.map { $0.map(NumberFormat.decimalParts) }
    let iw = parts.compactMap { $0?.intWidth }.max() ?? 0
    let fw = parts.compactMap { $0?.fracWidth }.max() ?? 0
    return texts.map { $0.map { NumberFormat.decimalAligned($0, intWidth: iw, fracWidth: fw) } ?? "" }
  }

  // MARK: Allocation

  /// The columns shown in `width` columns with the params scrolled by `scroll`, and whether
  /// params are hidden on the left or right.
  struct Shown {
    var columns: [Column]
    /// Params scrolled off to the left and right of the shown ones.
    var hiddenLeft: Int
    var hiddenRight: Int
    /// The first param shown (after clamping the scroll).
    var firstParam: Int
  }

  func shown(width: Int, scroll: Int) -> Shown {
    let fixed = all.filter { $0.kind != .param && $0.kind.dropOrder == nil }
    let params = all.filter { $0.kind == .param }
    var low = all.filter { $0.kind.dropOrder != nil }
    func total(_ cs: [Column]) -> Int { cs.reduce(0) { $0 + $1.width } + max(0, cs.count - 1) }
    let paramsWidth = params.isEmpty ? 0 : total(params) + 1
    // Drop low-value columns until every param fits, or none is left to drop.
    while !low.isEmpty, total(fixed + low) + paramsWidth > width {
      let first = low.compactMap(\.kind.dropOrder).min()
      low.removeAll { $0.kind.dropOrder == first }
    }
    let keptLow = Set(low.map(\.id))
    var left = all.filter { $0.kind != .param && ($0.kind.dropOrder == nil || keptLow.contains($0.id)) }
    if params.isEmpty || total(left) + paramsWidth <= width {
      return Shown(columns: left + params, hiddenLeft: 0, hiddenRight: 0, firstParam: 0)
    }
    // Params scroll: reserve 2 columns for each mark ("‹ ", " ›"). Scrolled to the end, the
    // window backs up so it stays full.
    var first = max(0, min(scroll, params.count - 1))
    func tailWidth(_ from: Int) -> Int { total(Array(params[from...])) + 1 + (from > 0 ? 2 : 0) }
    while first > 0, total(left) + tailWidth(first - 1) <= width { first -= 1 }
    var room = width - total(left) - 1 - (first > 0 ? 2 : 0)
    var shownParams: [Column] = []
    var k = first
    while k < params.count {
      let need = params[k].width + (shownParams.isEmpty ? 0 : 1)
      let markRoom = k + 1 < params.count ? 2 : 0
      if need + markRoom > room { break }
      shownParams.append(params[k])
      room -= need
      k += 1
    }
    if shownParams.isEmpty, first < params.count, room > 2 {
      // Not even one param fits whole: show it elided rather than nothing.
      var p = params[first]
      p.width = room - (first + 1 < params.count ? 2 : 0)
      if p.width >= 2 {
        shownParams.append(p)
        k = first + 1
      }
    }
    left += shownParams
    return Shown(columns: left, hiddenLeft: first, hiddenRight: params.count - k, firstParam: first)
  }
}

/// The curve cell: the trial's whole intermediate curve, resampled to at most `width` bars
/// and scaled to the curve's own range, so a curve that converged ends flat.
func curveText(_ t: FrozenTrial, width: Int = 10) -> String {
  let all = t.intermediateValues.values.filter(\.isFinite)
  guard let lo = all.min(), let hi = all.max() else { return "" }
  let n = all.count
  let w = min(width, n)
  // Evenly spaced steps, the first and the last included.
  let picked = (0..<w).map { b in all[w == 1 ? n - 1 : (b * (n - 1) + (w - 1) / 2) / (w - 1)] }
  let bars = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
  return picked.map { v in
    let f = hi > lo ? (v - lo) / (hi - lo) : 0.5
    return bars[min(7, max(0, Int(f * 7.999)))]
  }.joined()
}
