import Foundation
import HPO
import Terminal

/// Memoized derived data for `view` (plot infos), keyed by what they depend on, so a frame
/// of a large study does not recompute them. Thread-safe; shared by copies of a state.
final class ViewCache: @unchecked Sendable {
  private let lock = NSLock()
  private var entries: [String: Any] = [:]

  /// The cached value for `key`, computing it with `make` on a miss. Old entries of the
  /// same `slot` are dropped.
  func value<T>(slot: String, key: String, _ make: () -> T) -> T {
    let full = slot + "|" + key
    // Unwrap the dictionary's optional first: `nil as? T` succeeds when T is itself optional.
    if let hit = lock.withLock({ entries[full] }), let v = hit as? T { return v }
    let v = make()
    lock.withLock {
      entries = entries.filter { !$0.key.hasPrefix(slot + "|") }
      entries[full] = v
    }
    return v
  }
}

/// The dashboard's bordered pane with a title.
func paneBlock(_ title: String, _ theme: Theme) -> Block {
  Block(
    title: Line(title, style: theme.fg("title").adding(.bold)), borders: .all, borderType: .rounded,
    borderStyle: Style(fg: theme.color("border")))
}

extension AppState {
  /// Best trials of the snapshot, computed when the snapshot was built.
  var cachedBest: [FrozenTrial] {
    snapshot.bestTrials
  }

  /// Trial counts per state, computed when the snapshot was built.
  var cachedCounts: [TrialState: Int] {
    snapshot.counts
  }
}
