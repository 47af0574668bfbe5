import Foundation

/// Where `hpotop watch` looks for trial logs (`<dir>/<number>/stdout.log`): `trials/` beside the
/// SQLite file, which is where a study file's default storage and its trial directories meet.
public enum TrialLogLocation {
  /// The trials directory for a SQLite storage URL (`sqlite:///relative.db`,
  /// `sqlite:////absolute.db`) or a plain `.db` path; nil for other storages. A relative
  /// database path stays relative to `workingDirectory` (SQLAlchemy's reading), and the result is
  /// absolute so the logs are found whatever the dashboard's own directory.
  public static func trialsDirectory(storageURL url: String, workingDirectory: String) -> String? {
    let path: String
    if url.hasPrefix("sqlite:///") {
      path = String(url.dropFirst("sqlite:///".count))
    } else if !url.contains("://"), [".db", ".sqlite", ".sqlite3"].contains(where: { url.hasSuffix($0) }) {
      path = url
    } else {
      return nil
    }
    guard !path.isEmpty else { return nil }
    let absolute = path.hasPrefix("/") ? path : (workingDirectory as NSString).appendingPathComponent(path)
    let dir = ((absolute as NSString).standardizingPath as NSString).deletingLastPathComponent
    return (dir as NSString).appendingPathComponent("trials")
  }
}
