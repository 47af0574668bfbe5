/// Selection and scroll position of a `Table` or `List`, kept by the caller between frames.
public struct TableState: Hashable, Sendable {
  /// Index of the selected row, nil for none.
  public var selected: Int?
  /// Index of the first visible row; rendering adjusts it to keep `selected` visible.
  public var offset: Int

  public init(selected: Int? = nil, offset: Int = 0) {
    self.selected = selected
    self.offset = offset
  }

  /// Moves the selection by `delta` rows, clamped to `0..<count` (selects row 0 if none).
  public mutating func move(by delta: Int, count: Int) {
    guard count > 0 else {
      selected = nil
      return
    }
    let cur = selected ?? (delta >= 0 ? -1 : count)
    selected = min(max(0, cur + delta), count - 1)
  }

  public mutating func selectFirst(count: Int) { selected = count > 0 ? 0 : nil }
  public mutating func selectLast(count: Int) { selected = count > 0 ? count - 1 : nil }

  /// Clamps `selected` and `offset` for `count` rows of which `visible` fit on screen.
  public mutating func clamp(count: Int, visible: Int) {
    if let s = selected { selected = count == 0 ? nil : min(max(0, s), count - 1) }
    let v = max(1, visible)
    if let s = selected {
      if s < offset { offset = s }
      if s >= offset + v { offset = s - v + 1 }
    }
    offset = max(0, min(offset, max(0, count - v)))
  }
}

/// Selection state for a `List` (the same as a table's).
public typealias ListState = TableState
