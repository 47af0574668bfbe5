/// Space left inside a `Block`'s borders, per side.
public struct Padding: Hashable, Sendable {
  public var top: Int
  public var left: Int
  public var bottom: Int
  public var right: Int

  public init(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) {
    self.top = top
    self.left = left
    self.bottom = bottom
    self.right = right
  }

  /// The same padding on every side.
  public static func uniform(_ n: Int) -> Padding { Padding(top: n, left: n, bottom: n, right: n) }

  /// `n` columns left and right.
  public static func horizontal(_ n: Int) -> Padding { Padding(left: n, right: n) }

  public static let zero = Padding()
}
