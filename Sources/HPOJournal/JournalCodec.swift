import Foundation
import HPO

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How journal lines spell states, directions, datetimes, distributions and values, as
/// Optuna 5.0's `JournalStorage` writes and reads them.
enum JournalCodec {
  /// Optuna's `TrialState` integers.
  static let stateCodes: [TrialState: Int] = [.running: 0, .complete: 1, .pruned: 2, .fail: 3, .waiting: 4]

  static func state(_ v: JSONValue) throws -> TrialState {
    guard let i = v.intValue, let s = stateCodes.first(where: { $0.value == i })?.key else {
      throw JournalError.format("unknown trial state \(v.compactJSON) in the journal")
    }
    return s
  }

  static func stateCode(_ s: TrialState) -> JSONValue { .int(stateCodes[s]!) }

  /// Optuna's `StudyDirection` integers (1 = MINIMIZE, 2 = MAXIMIZE).
  static func directionCode(_ d: StudyDirection) -> JSONValue { .int(d == .minimize ? 1 : 2) }

  /// A trial's values from a line: `values` when present, else `value`.
  static func values(_ log: JSONValue) -> [Double]? {
    if let vs = log["values"]?.arrayValue { return vs.map { $0.doubleValue ?? .nan } }
    if let v = log["value"]?.doubleValue { return [v] }
    return nil
  }

  /// A distribution: Optuna writes the `distribution_to_json` text (a JSON string holding JSON).
  static func distribution(_ v: JSONValue) throws -> Distribution {
    do {
      if let text = v.stringValue { return try Distribution(jsonString: text) }
      return try Distribution(json: v)
    } catch {
      throw JournalError.format("a journal distribution \(v.compactJSON) cannot be read: \(error)")
    }
  }

  /// `datetime.isoformat(timespec="microseconds")` of the UTC time: `2026-12-04T22:30:00.123456+00:00`.
  static func dateString(_ d: Date) -> String {
    let micros = (d.timeIntervalSince1970 * 1_000_000).rounded()
    let secs = Int(floor(micros / 1_000_000))
    let frac = Int(micros - Double(secs) * 1_000_000)
    var tmv = tm()
    var t = time_t(secs)
    gmtime_r(&t, &tmv)
    return String(
      format: "%04d-%02d-%02dT%02d:%02d:%02d.%06d+00:00", Int(tmv.tm_year) + 1900, Int(tmv.tm_mon) + 1,
      Int(tmv.tm_mday), Int(tmv.tm_hour), Int(tmv.tm_min), Int(tmv.tm_sec), frac)
  }

  static func date(_ v: JSONValue) throws -> Date? {
    if v == .null { return nil }
    guard let s = v.stringValue, let d = parseISO(s) else {
      throw JournalError.format("a journal datetime \(v.compactJSON) cannot be read")
    }
    return d
  }

  /// Python's `datetime.fromisoformat` for the forms Optuna writes: `YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]]`
  /// with an optional `Z` or `±HH:MM` offset; without one the time is local, as Python reads it.
  static func parseISO(_ s: String) -> Date? {
    let b = Array(s.utf8)
    var i = 0
    func num(_ n: Int) -> Int? {
      guard i + n <= b.count else { return nil }
      var v = 0
      for k in i..<i + n {
        guard b[k] >= 48 && b[k] <= 57 else { return nil }
        v = v * 10 + Int(b[k] - 48)
      }
      i += n
      return v
    }
    func skip(_ c: Character) -> Bool {
      guard i < b.count, b[i] == c.asciiValue! else { return false }
      i += 1
      return true
    }
    guard let year = num(4), skip("-"), let month = num(2), skip("-"), let day = num(2) else { return nil }
    var hour = 0, minute = 0, second = 0
    var frac = 0.0
    if i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " ") {
      i += 1
      guard let h = num(2), skip(":"), let m = num(2) else { return nil }
      hour = h
      minute = m
      if skip(":") {
        guard let sec = num(2) else { return nil }
        second = sec
        if skip(".") {
          var scale = 0.1
          while i < b.count, b[i] >= 48 && b[i] <= 57 {
            frac += Double(b[i] - 48) * scale
            scale /= 10
            i += 1
          }
        }
      }
    }
    var offset: Int?
    if skip("Z") {
      offset = 0
    } else if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
      let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
      i += 1
      guard let oh = num(2) else { return nil }
      _ = skip(":")
      let om = num(2) ?? 0
      offset = sign * (oh * 3600 + om * 60)
    }
    guard i == b.count else { return nil }
    var tmv = tm()
    tmv.tm_year = Int32(year - 1900)
    tmv.tm_mon = Int32(month - 1)
    tmv.tm_mday = Int32(day)
    tmv.tm_hour = Int32(hour)
    tmv.tm_min = Int32(minute)
    tmv.tm_sec = Int32(second)
    tmv.tm_isdst = -1
    let base: time_t
    if let offset {
      base = timegm(&tmv) - time_t(offset)
    } else {
      base = mktime(&tmv)
    }
    return Date(timeIntervalSince1970: Double(base) + frac)
  }
}
