import Foundation
import OrderedCollections

/// Trial notes where optuna-dashboard keeps them, so both tools show the same text: study
/// system attrs `dashboard:<trial_id>:note_ver` (an int, bumped on each save) and
/// `dashboard:<trial_id>:note_str:<i>`, the text cut into chunks of 2045 characters (Unicode
/// scalars, as Python counts). Chunks a shorter note no longer needs are set to "" (storage has
/// no attr deletion), and readers join as many chunks as exist. `trial_id` is the storage id,
/// not the trial number. A nil trial id is the study's own note.
public enum TrialNote {
  /// optuna-dashboard's `SYSTEM_ATTR_MAX_LENGTH`.
  public static let chunkLength = 2045

  static func versionKey(_ trialID: Int64?) -> String {
    trialID.map { "dashboard:\($0):note_ver" } ?? "dashboard:note_ver"
  }

  static func chunkPrefix(_ trialID: Int64?) -> String {
    trialID.map { "dashboard:\($0):note_str:" } ?? "dashboard:note_str:"
  }

  /// The note of `trialID` in study system attrs ("" when there is none).
  public static func read(_ systemAttrs: OrderedDictionary<String, JSONValue>, trialID: Int64?) -> String {
    guard systemAttrs[versionKey(trialID)] != nil else { return "" }
    let prefix = chunkPrefix(trialID)
    let count = systemAttrs.keys.filter { $0.hasPrefix(prefix) }.count
    return (0..<count).map { systemAttrs[prefix + String($0)]?.stringValue ?? "" }.joined()
  }

  /// The version stored for the note of `trialID` (0 when there is none).
  public static func version(_ systemAttrs: OrderedDictionary<String, JSONValue>, trialID: Int64?) -> Int {
    systemAttrs[versionKey(trialID)]?.intValue ?? 0
  }

  /// The text cut into optuna-dashboard's chunks.
  static func chunks(_ body: String) -> [String] {
    let scalars = Array(body.unicodeScalars)
    return stride(from: 0, to: scalars.count, by: chunkLength).map { start in
      var s = String.UnicodeScalarView()
      s.append(contentsOf: scalars[start..<min(start + chunkLength, scalars.count)])
      return String(s)
    }
  }

  /// Saves `body` as the note of `trialID` (next version), as optuna-dashboard's `save_note` does.
  public static func save(_ body: String, trialID: Int64?, study: Int64, storage: any Storage) async throws {
    let attrs = try await storage.studySystemAttrs(study: study)
    let parts = chunks(body)
    let prefix = chunkPrefix(trialID)
    for (i, part) in parts.enumerated() {
      try await storage.setStudySystemAttr(study: study, key: prefix + String(i), value: .string(part))
    }
    let old = attrs.keys.filter { $0.hasPrefix(prefix) }.count
    for i in parts.count..<max(parts.count, old) {
      try await storage.setStudySystemAttr(study: study, key: prefix + String(i), value: .string(""))
    }
    // The version goes last: a reader that sees the new version finds the whole new text.
    try await storage.setStudySystemAttr(
      study: study, key: versionKey(trialID), value: .int(version(attrs, trialID: trialID) + 1))
  }
}

extension TrialNote {
  /// Writes a note into a copy of the study system attrs as `save` stores it (for a screen that
  /// shows the note before the next read).
  public static func apply(_ body: String, trialID: Int64?, to attrs: inout OrderedDictionary<String, JSONValue>) {
    attrs[versionKey(trialID)] = .int(version(attrs, trialID: trialID) + 1)
    let prefix = chunkPrefix(trialID)
    let parts = chunks(body)
    let old = attrs.keys.filter { $0.hasPrefix(prefix) }.count
    for i in 0..<max(parts.count, old) { attrs[prefix + String(i)] = .string(i < parts.count ? parts[i] : "") }
  }
}
