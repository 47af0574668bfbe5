import Foundation
import HPO

/// The column encodings Optuna's RDB storage uses (anchors §2c): datetimes as naive UTC text,
/// values with a `*_type` enum column that carries infinities and NaN.
enum SQLiteEncoding {
  // MARK: Datetimes

  /// `YYYY-MM-DD HH:MM:SS.ffffff` in UTC, SQLAlchemy's SQLite DATETIME text (Optuna 5.0 stores
  /// naive UTC).
  static func format(_ date: Date) -> String {
    let t = date.timeIntervalSince1970
    var secs = Int64(t.rounded(.down))
    var micros = Int64(((t - Double(secs)) * 1_000_000).rounded())
    if micros >= 1_000_000 {
      secs += 1
      micros -= 1_000_000
    }
    let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
    let sod = secs - days * 86_400
    let (y, m, d) = civil(fromDays: days)
    var out = ""
    out.reserveCapacity(26)
    pad(&out, y, 4)
    out += "-"
    pad(&out, m, 2)
    out += "-"
    pad(&out, d, 2)
    out += " "
    pad(&out, sod / 3600, 2)
    out += ":"
    pad(&out, (sod % 3600) / 60, 2)
    out += ":"
    pad(&out, sod % 60, 2)
    out += "."
    pad(&out, micros, 6)
    return out
  }

  /// Reads `YYYY-MM-DD[ T]HH:MM:SS[.f…]` (as naive UTC), or `nil` when the text is not one.
  static func parse(_ text: String) -> Date? {
    var text = text
    return text.withUTF8 { parse(bytes: $0) }
  }

  /// `parse` on UTF-8 bytes (a column's text as SQLite hands it over).
  static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Date? {
    guard bytes.count >= 19 else { return nil }
    func num(_ from: Int, _ count: Int) -> Int64? {
      var v: Int64 = 0
      for i in from..<from + count {
        let c = bytes[i]
        guard c >= 48 && c <= 57 else { return nil }
        v = v * 10 + Int64(c - 48)
      }
      return v
    }
    guard let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2),
      let mi = num(14, 2), let s = num(17, 2)
    else { return nil }
    var fraction = 0.0
    if bytes.count > 20, bytes[19] == UInt8(ascii: ".") {
      var scale = 0.1
      for c in bytes[20..<bytes.count] {
        guard c >= 48 && c <= 57 else { break }
        fraction += Double(c - 48) * scale
        scale /= 10
      }
    }
    let days = Self.days(fromCivil: y, mo, d)
    let secs = days * 86_400 + h * 3600 + mi * 60 + s
    // Round to whole microseconds so a stored value reads back as the same Date it came from.
    let micros = (fraction * 1_000_000).rounded()
    return Date(timeIntervalSince1970: Double(secs) + micros / 1_000_000)
  }

  private static func pad(_ out: inout String, _ v: Int64, _ width: Int) {
    let s = String(v)
    if s.count < width { out += String(repeating: "0", count: width - s.count) }
    out += s
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible
  /// low-level date algorithms").
  static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// The date of a day count since 1970-01-01 (inverse of `days(fromCivil:)`).
  static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
  }
}
