import Foundation

/// Where a study's trial folders live: `<study-file-dir>/trials/<study-key>/<number>/`, where
/// the study key is the study name (characters other than letters, digits, `.`, `_` and `-`
/// become `_`, at most 64 of them) and 8 hex digits of a hash of the storage URL and the study
/// name, so two studies beside one study file, or one name on two storages, never share a
/// folder. Paths are absolute, so `HPOTOP_TRIAL_DIR` holds wherever the objective's `cwd` is.
/// The runner also records each trial's folder in its system attrs (`HpotopKey.trialDirectory.rawValue`),
/// which is how the dashboard finds the logs.
public enum TrialFolders {
  /// The folder holding one study's trial folders.
  public static func studyFolder(base: String, storageURL: String, studyName: String) -> String {
    let absoluteBase = base.hasPrefix("/") ? base : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(base)
    return ((absoluteBase as NSString).standardizingPath as NSString)
      .appendingPathComponent("trials").appending("/" + studyKey(storageURL: storageURL, studyName: studyName))
  }

  /// `<safe-name>-<8 hex digits>`.
  public static func studyKey(storageURL: String, studyName: String) -> String {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
    var safe = String(studyName.prefix(64).map { allowed.contains($0) ? $0 : "_" })
    if safe.isEmpty || safe.allSatisfy({ $0 == "." }) { safe = "study" }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a, 64 bits: stable across runs and machines
    for byte in Array(storageURL.utf8) + [0] + Array(studyName.utf8) {
      hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }
    return safe + "-" + String(format: "%08x", UInt32(truncatingIfNeeded: hash ^ (hash >> 32)))
  }
}

