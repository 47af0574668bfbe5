/// Importances of a study's params, sorted from most to least important (Optuna
/// `get_param_importances`).
public struct ParamImportances: Sendable, Hashable {
  /// One param's importance.
  public struct Entry: Sendable, Hashable {
    public var name: String
    /// `raw` divided by the sum of all raw values (uniform when they are all 0).
    public var normalized: Double
    /// The evaluator's value before normalisation (for fANOVA: the mean fraction of variance).
    public var raw: Double
    /// The standard deviation of the per-tree values (0 when the evaluator has none).
    public var std: Double
  }

  /// Entries in descending importance; ties keep Optuna's order (reverse of name order).
  public var entries: [Entry]
  /// How many trials the evaluator fitted.
  public var trialCount: Int

  /// Normalises and sorts raw per-param values as Optuna does.
  public init(names: [String], raw: [Double], std: [Double]? = nil, trialCount: Int) {
    let total = raw.reduce(0, +)
    var entries: [Entry] = []
    for (i, name) in names.enumerated() {
      let r = raw[i]
      let norm = total == 0 ? 1 / Double(max(1, names.count)) : r / total
      entries.append(Entry(name: name, normalized: norm, raw: r, std: std?[i] ?? 0))
    }
    // Optuna: reversed(sorted(..., key=importance)) — a stable ascending sort, reversed.
    let ascending = entries.enumerated().sorted {
      $0.element.raw != $1.element.raw ? $0.element.raw < $1.element.raw : $0.offset < $1.offset
    }
    self.entries = ascending.reversed().map(\.element)
    self.trialCount = trialCount
  }

  /// The normalised importance of `name`, if assessed.
  public subscript(name: String) -> Double? {
    entries.first { $0.name == name }?.normalized
  }

  /// The raw importance of `name`, if assessed.
  public func raw(_ name: String) -> Double? { entries.first { $0.name == name }?.raw }
}
