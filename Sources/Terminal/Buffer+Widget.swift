extension Buffer {
  /// The prologue every widget shares: clips `area` to the buffer, fills it with `style`, draws
  /// the optional border `block`, and returns the area left inside it (`nil` when none is left).
  public mutating func widgetArea(_ area: Rect, style: Style, block: Block?) -> Rect? {
    let clipped = area.intersection(self.area)
    guard !clipped.isEmpty else { return nil }
    setStyle(clipped, style)
    let inner = block.map { b -> Rect in
      b.render(area: clipped, buffer: &self)
      return b.inner(clipped)
    } ?? clipped
    return inner.isEmpty ? nil : inner
  }
}
