/// Block-element characters used by gauges, sparklines and bar charts.
public enum BlockSymbols {
  /// Vertical eighths, index 0 (empty) to 8 (full): " ▁▂▃▄▅▆▇█".
  public static let vertical: [String] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
  /// Horizontal eighths, index 0 (empty) to 8 (full): " ▏▎▍▌▋▊▉█".
  public static let horizontal: [String] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]

  /// A horizontal bar `eighths/8` cells long, as full blocks plus one partial block.
  public static func horizontalBar(eighths: Int) -> String {
    let e = max(0, eighths)
    let partial = e % 8
    return String(repeating: "█", count: e / 8) + (partial > 0 ? horizontal[partial] : "")
  }
}
