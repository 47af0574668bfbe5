/// The buffer of one frame being drawn, handed to the closure of `Terminal.draw`.
public struct Frame: Sendable {
  /// The whole screen.
  public var area: Rect { buffer.area }
  /// The cells drawn so far.
  public var buffer: Buffer
  /// Where to show the cursor after drawing; nil keeps it hidden.
  public var cursor: (x: Int, y: Int)?

  public init(buffer: Buffer) {
    self.buffer = buffer
  }

  /// Renders a widget into `area`.
  public mutating func render(_ widget: some Widget, area: Rect) {
    widget.render(area: area, buffer: &buffer)
  }

  /// Renders a stateful widget into `area`, updating `state`.
  public mutating func render<W: StatefulWidget>(_ widget: W, area: Rect, state: inout W.State) {
    widget.render(area: area, buffer: &buffer, state: &state)
  }
}
