import Foundation
import HPO

/// The one-line progress bar `hpotop run --no-tui` draws on a terminal's stderr, in tqdm's shape:
/// ` 37%|███▋      | 37/100 [00:05<00:08,  7.10 trials/s, best 0.1234]`.
struct ProgressBar: Sendable {
  var total: Int?
  var width: Int

  init(total: Int?, width: Int = 20) {
    self.total = total
    self.width = width
  }

  func render(done: Int, elapsed: TimeInterval, best: Double?) -> String {
    let rate = elapsed > 0 ? Double(done) / elapsed : 0
    var text: String
    if let total, total > 0 {
      let fraction = min(1, Double(done) / Double(total))
      let eighths = Int((fraction * Double(width * 8)).rounded(.down))
      var bar = String(repeating: "█", count: eighths / 8)
      if eighths % 8 > 0 { bar += ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8] }
      bar += String(repeating: " ", count: max(0, width - bar.count))
      let remaining = rate > 0 ? Double(total - done) / rate : nil
      text = String(format: "%3d%%", Int(fraction * 100)) + "|\(bar)| \(done)/\(total) "
      text += "[\(Self.clock(elapsed))<\(remaining.map(Self.clock) ?? "?")"
    } else {
      text = "\(done) trials [\(Self.clock(elapsed))"
    }
    text += String(format: ", %.2f trials/s", rate)
    if let best { text += ", best \(formatNumber(best))" }
    return text + "]"
  }

  /// `mm:ss`, or `h:mm:ss` past an hour.
  static func clock(_ t: TimeInterval) -> String {
    let s = Int(max(0, t).rounded())
    return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
      : String(format: "%02d:%02d", s / 60, s % 60)
  }
}
