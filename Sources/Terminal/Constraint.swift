/// How much room one segment of a `Layout` asks for.
public enum Constraint: Hashable, Sendable {
  /// Exactly `n` cells (shrunk only when the space runs out).
  case length(Int)
  /// `p` percent of the available space, rounded down.
  case percentage(Int)
  /// `num/den` of the available space, rounded down.
  case ratio(Int, Int)
  /// At least `n` cells; takes a share of the leftover when there are no `fill` segments.
  case min(Int)
  /// At most `n` cells; gets up to `n` when there is room.
  case max(Int)
  /// A share of the leftover space proportional to the weight.
  case fill(Int)
}
