import Terminal

/// A named piece of a header line. When a line does not fit, whole segments are dropped,
/// least important (highest `priority`) first; an `elidable` one (study name, storage URL,
/// fixed params) is first shortened with `…` instead. A segment is never cut mid-word.
struct HeaderSegment {
  var name: String
  /// 0 never goes; higher numbers go first.
  var priority: Int
  var spans: [Span]
  var elidable: Bool
  /// Blank columns before the segment.
  var gap: Int

  init(_ name: String, priority: Int, _ spans: [Span], elidable: Bool = false, gap: Int = 2) {
    self.name = name
    self.priority = priority
    self.spans = spans
    self.elidable = elidable
    self.gap = gap
  }

  var width: Int { spans.reduce(0) { $0 + $1.width } }

  /// Shortest an elidable segment gets before it is dropped.
  static let minElided = 8

  /// The segments that fit in `width`, in their order, as one line (with a leading space).
  static func fit(_ segments: [HeaderSegment], width: Int) -> Line {
    var segs = segments
    func total() -> Int { segs.enumerated().reduce(1) { $0 + ($1.offset == 0 ? 0 : $1.element.gap) + $1.element.width } }
    func elide(_ k: Int, by over: Int) -> Bool {
      guard segs[k].elidable, segs[k].width - over >= minElided else { return false }
      segs[k].spans = Line(segs[k].spans).truncated(to: segs[k].width - over, ellipsis: "…").spans
      return true
    }
    while total() > width {
      let over = total() - width
      // The least important segment (the last of equals) is shortened if that is enough, else dropped.
      if let k = segs.indices.filter({ segs[$0].priority > 0 }).max(by: { segs[$0].priority <= segs[$1].priority }) {
        if !elide(k, by: over) { segs.remove(at: k) }
        continue
      }
      // Only must-keep segments are left: shorten one, else give up the last.
      if let k = segs.indices.first(where: { segs[$0].elidable && segs[$0].width > minElided }) {
        _ = elide(k, by: min(over, segs[k].width - minElided))
        continue
      }
      guard segs.count > 1 else { break }
      segs.removeLast()
    }
    var spans: [Span] = [Span(" ")]
    for (i, s) in segs.enumerated() {
      if i > 0 { spans.append(Span(String(repeating: " ", count: s.gap))) }
      spans += s.spans
    }
    return Line(spans)
  }
}
