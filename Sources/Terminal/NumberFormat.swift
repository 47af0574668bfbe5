/// Short number labels for axes and values, without Foundation.
public enum NumberFormat {
  /// `v` with about `digits` significant digits: 0.1235, 1235, 1.2e+06, 3e-05, "nan".
  public static func compact(_ v: Double, digits: Int = 4) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v < 0 ? "-inf" : "inf" }
    if v == 0 { return "0" }
    let a = abs(v)
    var mag = 0
    var t = a
    while t >= 10 {
      t /= 10
      mag += 1
    }
    while t < 1 {
      t *= 10
      mag -= 1
    }
    let d = max(1, digits)
    if mag >= d + 2 || mag < -3 {
      // Mantissa with d-1 decimals at most, exponent with sign and two digits.
      let m = round(v / pow10(mag), decimals: d - 1)
      var ms = plain(m)
      var e = mag
      if abs(m) >= 10 {
        ms = plain(round(m / 10, decimals: d - 1))
        e += 1
      }
      let es = abs(e) < 10 ? "0\(abs(e))" : "\(abs(e))"
      return "\(ms)e\(e < 0 ? "-" : "+")\(es)"
    }
    let decimals = max(0, d - 1 - mag)
    return plain(round(v, decimals: decimals))
  }

  /// `v` with `digits` significant digits as `compact` prints it, but with the trailing zeros
  /// rounding left (`1000.30` for 1000.3003): a number shown with fewer digits is exactly that
  /// number (`2`, `0.9906`, up to binary noise in the 16th digit).
  public static func significant(_ v: Double, digits: Int) -> String {
    let s = compact(v, digits: digits)
    // Exact, or off only by binary noise (7.560000000000001): no zeros to add.
    guard v.isFinite, Double(s) != v, compact(v, digits: 15) != s else { return s }
    var mantissa = Substring(s)
    var exponent = Substring("")
    if let e = s.firstIndex(of: "e") {
      mantissa = s[..<e]
      exponent = s[e...]
    }
    let sig = mantissa.filter(\.isNumber).drop { $0 == "0" }.count
    guard sig < digits else { return s }
    var m = String(mantissa)
    if !m.contains(".") { m += "." }
    m += String(repeating: "0", count: digits - sig)
    return m + exponent
  }

  /// The fewest significant digits in `minDigits...maxDigits` at which every two distinct
  /// values of `values` print differently with `compact` (so sorted neighbours can be told
  /// apart); `maxDigits` when even that is not enough.
  public static func digitsToSeparate(_ values: [Double], minDigits: Int = 4, maxDigits: Int = 8) -> Int {
    let distinct = Array(Set(values.filter(\.isFinite))).sorted()
    guard distinct.count > 1 else { return minDigits }
    var d = minDigits
    while d < maxDigits {
      var clash = false
      var previous = compact(distinct[0], digits: d)
      for v in distinct.dropFirst() {
        let s = compact(v, digits: d)
        if s == previous {
          clash = true
          break
        }
        previous = s
      }
      if !clash { return d }
      d += 1
    }
    return maxDigits
  }

  /// `text` padded so its decimal point (or its end, for a whole number) sits `intWidth`
  /// columns from the left, with `fracWidth` columns after it: numbers padded this way line
  /// up on their decimal points.
  public static func decimalAligned(_ text: String, intWidth: Int, fracWidth: Int) -> String {
    let (i, f) = decimalParts(text)
    return String(repeating: " ", count: max(0, intWidth - i)) + text + String(repeating: " ", count: max(0, fracWidth - f))
  }

  /// Columns before the decimal point and from it to the end (`"-12.5e-03"`: 3 and 6).
  /// A closing `)` counts after the point: `(12)` lines up with `(1.5)`.
  public static func decimalParts(_ text: String) -> (intWidth: Int, fracWidth: Int) {
    let n = text.count
    guard let dot = text.firstIndex(of: ".") ?? text.firstIndex(of: "e") else {
      return text.hasSuffix(")") ? (n - 1, 1) : (n, 0)
    }
    let i = text.distance(from: text.startIndex, to: dot)
    return (i, n - i)
  }

  static func pow10(_ e: Int) -> Double {
    var r = 1.0
    if e >= 0 {
      for _ in 0..<e { r *= 10 }
    } else {
      for _ in 0..<(-e) { r /= 10 }
    }
    return r
  }

  static func round(_ v: Double, decimals: Int) -> Double {
    guard decimals > 0 else { return v.rounded() }
    let s = pow10(min(decimals, 22))
    return (v * s).rounded() / s
  }

  static func plain(_ v: Double) -> String {
    var s = "\(v)"
    if s.hasSuffix(".0") { s.removeLast(2) }
    if s == "-0" { s = "0" }
    return s
  }
}
