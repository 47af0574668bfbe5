/// A frame around other widgets: borders in box-drawing characters, a title, padding.
public struct Block: Widget, Hashable, Sendable {
  public var borders: Borders
  public var borderType: BorderType
  public var borderStyle: Style
  /// Patched over the whole area before the borders (e.g. a background).
  public var style: Style
  public var title: Line?
  public var titleAlignment: Alignment
  /// Title on the bottom border instead of the top one.
  public var titleAtBottom: Bool
  /// Extra space inside the borders.
  public var padding: Padding

  public init(
    title: Line? = nil, borders: Borders = .all, borderType: BorderType = .plain,
    borderStyle: Style = Style(), style: Style = Style(), titleAlignment: Alignment = .left,
    titleAtBottom: Bool = false, padding: Padding = .zero
  ) {
    self.title = title
    self.borders = borders
    self.borderType = borderType
    self.borderStyle = borderStyle
    self.style = style
    self.titleAlignment = titleAlignment
    self.titleAtBottom = titleAtBottom
    self.padding = padding
  }

  /// A block with all borders and a plain title.
  public static func bordered(_ title: String? = nil) -> Block {
    Block(title: title.map { Line($0) })
  }

  /// The area left for content inside the borders and padding.
  public func inner(_ area: Rect) -> Rect {
    var r = area
    if borders.contains(.left) { r = r.inset(left: 1) }
    if borders.contains(.right) { r = r.inset(right: 1) }
    if borders.contains(.top) || (title != nil && !titleAtBottom) { r = r.inset(top: 1) }
    if borders.contains(.bottom) || (title != nil && titleAtBottom) { r = r.inset(bottom: 1) }
    return r.inset(top: padding.top, left: padding.left, bottom: padding.bottom, right: padding.right)
  }

  public func render(area: Rect, buffer: inout Buffer) {
    let a = area.intersection(buffer.area)
    guard !a.isEmpty else { return }
    buffer.setStyle(a, style)
    let s = borderType.symbols
    let bs = borderStyle
    if borders.contains(.top) {
      for x in a.left..<a.right { buffer.setString(x: x, y: a.top, s.h, style: bs) }
    }
    if borders.contains(.bottom) {
      for x in a.left..<a.right { buffer.setString(x: x, y: a.bottom - 1, s.h, style: bs) }
    }
    if borders.contains(.left) {
      for y in a.top..<a.bottom { buffer.setString(x: a.left, y: y, s.v, style: bs) }
    }
    if borders.contains(.right) {
      for y in a.top..<a.bottom { buffer.setString(x: a.right - 1, y: y, s.v, style: bs) }
    }
    if borders.isSuperset(of: [.top, .left]) {
      buffer.setString(x: a.left, y: a.top, s.tl, style: bs)
    }
    if borders.isSuperset(of: [.top, .right]) {
      buffer.setString(x: a.right - 1, y: a.top, s.tr, style: bs)
    }
    if borders.isSuperset(of: [.bottom, .left]) {
      buffer.setString(x: a.left, y: a.bottom - 1, s.bl, style: bs)
    }
    if borders.isSuperset(of: [.bottom, .right]) {
      buffer.setString(x: a.right - 1, y: a.bottom - 1, s.br, style: bs)
    }
    if let title {
      let lpad = borders.contains(.left) ? 1 : 0
      let rpad = borders.contains(.right) ? 1 : 0
      let avail = a.width - lpad - rpad
      guard avail > 0 else { return }
      let t = title.truncated(to: avail, ellipsis: "…")
      let x = a.left + lpad + (title.alignment ?? titleAlignment).offset(width: t.width, available: avail)
      let y = titleAtBottom ? a.bottom - 1 : a.top
      buffer.setLine(x: x, y: y, t, maxWidth: avail)
    }
  }
}
