/// One screen cell: a grapheme cluster and its style.
///
/// A wide grapheme (CJK, emoji) sits in its first cell; the cell to its right holds the empty
/// string and is a continuation that backends never draw.
public struct Cell: Hashable, Sendable {
  /// The grapheme shown, " " for blank, "" for the right half of a wide grapheme.
  public var symbol: String
  /// Colours and attributes; nil colours mean the terminal default.
  public var style: Style

  public init(_ symbol: String = " ", style: Style = Style()) {
    self.symbol = symbol
    self.style = style
  }

  /// A blank cell with default colours.
  public static let blank = Cell()

  /// The right half of a wide grapheme.
  public static let continuation = Cell("")

  /// Columns this cell's symbol occupies (0 for a continuation).
  public var width: Int { symbol.isEmpty ? 0 : max(1, TextWidth.of(symbol)) }

  /// True for the right half of a wide grapheme.
  public var isContinuation: Bool { symbol.isEmpty }
}
