import Foundation
import HPO

/// A parsed `postgresql://user:pass@host:port/db` (or `postgres://`) URL, as SQLAlchemy and libpq
/// accept it. The password may also come from `PGPASSWORD` or `~/.pgpass`; it never appears in
/// `displayURL`, `description` or error messages.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
  public var user: String
  public var password: String?
  public var host: String
  public var port: Int
  public var database: String

  public init(user: String, password: String?, host: String, port: Int, database: String) {
    self.user = user
    self.password = password
    self.host = host
    self.port = port
    self.database = database
  }

  /// Whether a storage URL names PostgreSQL.
  public static func matches(_ url: String) -> Bool {
    url.hasPrefix("postgresql://") || url.hasPrefix("postgres://")
      || url.hasPrefix("postgresql+psycopg2://")
  }

  /// Parses a URL; a missing password is looked up in `environment["PGPASSWORD"]`, then in the
  /// pgpass file (`PGPASSFILE` or `~/.pgpass`). Defaults as libpq: user `$PGUSER` or `postgres`,
  /// host `localhost`, port 5432, database = user.
  public init(
    parsing url: String, environment: [String: String] = ProcessInfo.processInfo.environment,
    pgpassPath: String? = nil
  ) throws {
    guard let schemeEnd = url.range(of: "://"), Self.matches(url) else {
      throw StorageError(.invalidValue, "not a PostgreSQL URL (expected postgresql://user@host:port/db)")
    }
    var rest = Substring(url[schemeEnd.upperBound...])
    if let q = rest.firstIndex(of: "?") { rest = rest[..<q] }
    var userInfo: Substring?
    if let at = rest.lastIndex(of: "@") {
      userInfo = rest[..<at]
      rest = rest[rest.index(after: at)...]
    }
    var hostPort = rest
    var db: Substring = ""
    if let slash = rest.firstIndex(of: "/") {
      hostPort = rest[..<slash]
      db = rest[rest.index(after: slash)...]
    }
    var user = environment["PGUSER"] ?? "postgres"
    var password: String?
    if let userInfo {
      if let colon = userInfo.firstIndex(of: ":") {
        user = Self.decode(userInfo[..<colon])
        password = Self.decode(userInfo[userInfo.index(after: colon)...])
      } else {
        user = Self.decode(userInfo)
      }
    }
    var host = "localhost"
    var port = 5432
    if hostPort.hasPrefix("[") , let close = hostPort.firstIndex(of: "]") {  // [ipv6]:port
      host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
      let after = hostPort[hostPort.index(after: close)...]
      if after.hasPrefix(":") {
        guard let p = Int(after.dropFirst()) else {
          throw StorageError(.invalidValue, "bad port in PostgreSQL URL for host \(host)")
        }
        port = p
      }
    } else if let colon = hostPort.lastIndex(of: ":") {
      host = String(hostPort[..<colon])
      guard let p = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(p) else {
        throw StorageError(.invalidValue, "bad port in PostgreSQL URL for host \(host)")
      }
      port = p
    } else if !hostPort.isEmpty {
      host = String(hostPort)
    }
    if host.isEmpty { host = "localhost" }
    let database = db.isEmpty ? user : Self.decode(db)
    if password == nil || password == "" {
      if let p = environment["PGPASSWORD"], !p.isEmpty {
        password = p
      } else {
        let path = pgpassPath ?? environment["PGPASSFILE"]
          ?? (environment["HOME"].map { $0 + "/.pgpass" } ?? NSHomeDirectory() + "/.pgpass")
        password = Self.pgpassLookup(path: path, host: host, port: port, database: database, user: user)
      }
    }
    self.init(user: user, password: password, host: host, port: port, database: database)
  }

  /// The URL without the password: `postgresql://user@host:port/db`.
  public var displayURL: String {
    let h = host.contains(":") ? "[\(host)]" : host
    return "postgresql://\(Self.encode(user))@\(h):\(port)/\(Self.encode(database))"
  }

  public var description: String { displayURL }

  /// The same server and credentials with another database (for creating test databases).
  public func with(database: String) -> PostgresURL {
    var copy = self
    copy.database = database
    return copy
  }

  // MARK: pgpass

  /// The password of the first matching `host:port:database:user:password` line (`*` matches
  /// anything; `\:` and `\\` escape), as libpq reads `~/.pgpass`.
  public static func pgpassLookup(path: String, host: String, port: Int, database: String, user: String)
    -> String?
  {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    for line in text.split(whereSeparator: \.isNewline) {
      if line.hasPrefix("#") { continue }
      let fields = splitPgpass(line)
      guard fields.count == 5 else { continue }
      let want = [host, String(port), database, user]
      let hostMatches = fields[0] == "*" || fields[0] == host
        || (fields[0] == "localhost" && (host == "127.0.0.1" || host == "::1"))
      guard hostMatches else { continue }
      if zip(fields[1..<4], want[1..<4]).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
    }
    return nil
  }

  static func splitPgpass(_ line: Substring) -> [String] {
    var fields: [String] = []
    var current = ""
    var escaped = false
    for ch in line {
      if escaped {
        current.append(ch)
        escaped = false
      } else if ch == "\\" {
        escaped = true
      } else if ch == ":" {
        fields.append(current)
        current = ""
      } else {
        current.append(ch)
      }
    }
    fields.append(current)
    return fields
  }

  // MARK: Percent encoding

  static func decode(_ s: Substring) -> String {
    String(s).removingPercentEncoding ?? String(s)
  }

  static func encode(_ s: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
  }
}
