/// What the columns of Optuna's RDB schema hold, for every SQL backend (SQLite, PostgreSQL).
///
/// A float that may be infinite or NaN is a nullable number plus a type column (`FINITE`,
/// `INF_POS`, `INF_NEG`, and for intermediate values `NAN`), the number NULL unless finite.
public enum RDBColumns {
  /// An intermediate value as (`intermediate_value`, `intermediate_value_type`).
  public static func encode(_ v: Double) -> (Double?, String) {
    if v.isNaN { return (nil, "NAN") }
    if v == .infinity { return (nil, "INF_POS") }
    if v == -.infinity { return (nil, "INF_NEG") }
    return (v, "FINITE")
  }

  /// A trial value as (`value`, `value_type`); a trial value cannot be NaN.
  public static func encodeValue(_ v: Double) throws -> (Double?, String) {
    if v.isNaN { throw StorageError(.invalidValue, "a trial value cannot be NaN") }
    return encode(v)
  }

  /// The number a stored value and type pair means.
  public static func decode(_ value: Double?, type: String) -> Double {
    switch type {
    case "INF_POS": return .infinity
    case "INF_NEG": return -.infinity
    case "NAN": return .nan
    default: return value ?? .nan
    }
  }

  /// A `study_directions.direction` value; `NOT_SET` is refused.
  public static func direction(_ raw: String) throws -> StudyDirection {
    guard let d = StudyDirection(rawValue: raw) else {
      throw StorageError(.incompatibleSchema, "study direction \(raw) is not supported (NOT_SET?)")
    }
    return d
  }

  /// An attribute's `value_json`.
  public static func attrValue(_ text: String?) throws -> JSONValue {
    guard let text else { return .null }
    do { return try JSONValue(parsing: text) } catch {
      throw StorageError(.invalidValue, "an attribute holds invalid JSON \(text): \(error)")
    }
  }
}
