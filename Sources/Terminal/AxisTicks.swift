/// One labelled tick on a plot axis: a data value and the text shown for it.
public struct AxisTick: Sendable, Hashable {
  public var value: Double
  public var label: String
  public init(_ value: Double, _ label: String) {
    self.value = value
    self.label = label
  }
}

/// "Nice" tick positions (steps of 1, 2 or 5 × 10ⁿ) and labels with just enough digits to tell
/// neighbouring ticks apart.
public enum AxisTicks {
  /// Ticks inside `low ... high`, at most `maxCount` and at least three when the range is not
  /// empty (the range's ends are added when the nice steps give fewer).
  public static func nice(_ low: Double, _ high: Double, maxCount: Int = 5) -> [AxisTick] {
    guard low.isFinite, high.isFinite else { return [] }
    guard high > low else { return [AxisTick(low, NumberFormat.compact(low))] }
    let limit = max(3, maxCount)
    var best: (step: Double, values: [Double])?
    // From coarse to fine: the first step that yields at most `limit` ticks with 3 or more wins;
    // otherwise the finest that stays under the limit.
    var step = niceStep((high - low) / Double(limit - 1))
    for _ in 0..<6 {
      let values = positions(low, high, step)
      if values.count > limit { break }
      best = (step, values)
      if values.count >= 3 { break }
      step = smaller(step)
    }
    guard var (s, values) = best else { return [AxisTick(low, NumberFormat.compact(low)), AxisTick(high, NumberFormat.compact(high))] }
    if values.count < 3 {
      values = [low, (low + high) / 2, high]
      s = (high - low) / 2
    }
    return values.map { AxisTick($0, label($0, step: s)) }
  }

  /// The multiples of `step` inside `low ... high` (with a little slack for rounding).
  static func positions(_ low: Double, _ high: Double, _ step: Double) -> [Double] {
    guard step > 0 else { return [] }
    let eps = step * 1e-9
    var k = (low / step).rounded(.up)
    if (k - 1) * step >= low - eps { k -= 1 }
    var out: [Double] = []
    while k * step <= high + eps, out.count < 1000 {
      let v = k * step
      out.append(abs(v) < eps ? 0 : v)
      k += 1
    }
    return out
  }

  /// The nice step (1, 2, 5 × 10ⁿ) nearest above `raw`.
  static func niceStep(_ raw: Double) -> Double {
    guard raw > 0, raw.isFinite else { return 1 }
    var p = 1.0
    while p * 10 <= raw { p *= 10 }
    while p > raw { p /= 10 }
    for m in [1.0, 2, 5, 10] where p * m >= raw * (1 - 1e-12) { return p * m }
    return p * 10
  }

  /// The next finer nice step: 10 → 5 → 2 → 1.
  static func smaller(_ step: Double) -> Double {
    var p = 1.0
    while p * 10 <= step * (1 + 1e-12) { p *= 10 }
    while p > step * (1 + 1e-12) { p /= 10 }
    let m = step / p
    if m > 4.5 { return 2 * p }
    if m > 1.5 { return p }
    return p / 2
  }

  /// `v` with as many decimals as `step` needs (exponent form for huge or tiny magnitudes).
  public static func label(_ v: Double, step: Double) -> String {
    guard v != 0 else { return "0" }
    let a = max(abs(v), abs(step))
    if a >= 1e6 || a < 1e-3 {
      // Enough significant digits that neighbours differ.
      var digits = 1
      while digits < 8 {
        let (m1, m2) = (NumberFormat.compact(v, digits: digits), NumberFormat.compact(v + step, digits: digits))
        if m1 != m2 { break }
        digits += 1
      }
      return NumberFormat.compact(v, digits: digits)
    }
    var decimals = 0
    var s = step
    while s < 1, decimals < 12 {
      s *= 10
      decimals += 1
      if abs(s - s.rounded()) < 1e-6 { break }
    }
    let r = NumberFormat.round(v, decimals: decimals)
    var text = NumberFormat.plain(r)
    if decimals == 0, let dot = text.firstIndex(of: ".") { text = String(text[..<dot]) }
    return text
  }
}
