/// Something that draws itself into a rectangle of a buffer.
///
/// Every widget must render at any size, down to 0×0, without trapping.
public protocol Widget {
  func render(area: Rect, buffer: inout Buffer)
}

/// A widget that also reads and updates external state (selection, scroll offset).
public protocol StatefulWidget {
  associatedtype State
  func render(area: Rect, buffer: inout Buffer, state: inout State)
}
