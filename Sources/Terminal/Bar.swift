/// One bar of a `BarChart`: a label, a value and optional styles.
public struct Bar: Hashable, Sendable {
  public var label: String
  public var value: Double
  /// Shown after the bar; nil formats `value` compactly.
  public var valueText: String?
  public var style: Style?

  public init(_ label: String, _ value: Double, valueText: String? = nil, style: Style? = nil) {
    self.label = label
    self.value = value
    self.valueText = valueText
    self.style = style
  }
}
