import Dispatch
import HPO

/// fANOVA hyperparameter importance (Hutter, Hoos & Leyton-Brown, "An Efficient Approach for
/// Assessing Hyperparameter Importance", ICML 2014), matching Optuna's
/// `FanovaImportanceEvaluator`.
///
/// A `RandomForest` (64 trees, depth 64, bootstrap) is fitted to the encoded trials of an
/// `ImportanceDataset`. For each tree whose prediction varies over the search-space box, a
/// param's value is the variance of its first-order marginal divided by the tree's total
/// variance; the importance is the mean over those trees (with the standard deviation).
/// Normalised values divide by the sum, as `get_param_importances(normalize=True)`.
public struct FanovaImportance: ForestImportanceEvaluator {
  public var configuration: RandomForest.Configuration

  public init(configuration: RandomForest.Configuration) { self.configuration = configuration }

  /// Importances over a prepared data set.
  public func evaluate(_ data: ImportanceDataset) -> ParamImportances {
    let singles = data.params.filter { !data.encodedParams.contains($0) }
    let names = data.encodedParams + singles
    let zero = [Double](repeating: 0, count: names.count)
    guard !data.encodedParams.isEmpty, data.targets.count > 1 else {
      return ParamImportances(names: names, raw: zero, trialCount: data.targets.count)
    }
    let forest = RandomForest(
      columns: data.columns, targets: data.targets, configuration: configuration)
    let (mean, std) = Self.importances(
      forest: forest, bounds: data.bounds, groups: data.columnGroups)
    let pad = [Double](repeating: 0, count: singles.count)
    return ParamImportances(
      names: names, raw: mean + pad, std: std + pad, trialCount: data.targets.count)
  }

  /// Per group of columns, the mean and standard deviation over trees (with positive total
  /// variance) of the group's first-order marginal variance over the tree's total variance.
  /// All zeros when no tree varies.
  public static func importances(
    forest: RandomForest, bounds: [(low: Double, high: Double)], groups: [[Int]]
  ) -> (mean: [Double], std: [Double]) {
    let count = forest.trees.count
    let g = groups.count
    // fractions[k * g + j], NaN for a tree without variance.
    let slots = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, count * g))
    slots.initialize(repeating: .nan)
    defer { slots.deallocate() }
    let base = UnsafeSendablePointer(slots.baseAddress)
    let trees = forest.trees
    DispatchQueue.concurrentPerform(iterations: count) { k in
      let (total, marginal) = trees[k].fanovaVariances(bounds: bounds, groups: groups)
      guard total > 0, let p = base.pointer else { return }
      for j in 0..<g { p[k * g + j] = max(0, marginal[j]) / total }
    }
    var mean = [Double](repeating: 0, count: g)
    var std = [Double](repeating: 0, count: g)
    for j in 0..<g {
      let xs = (0..<count).map { slots[$0 * g + j] }.filter { !$0.isNaN }
      guard !xs.isEmpty else { continue }
      let m = xs.reduce(0, +) / Double(xs.count)
      mean[j] = m
      std[j] = (xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count)).squareRoot()
    }
    return (mean, std)
  }
}
