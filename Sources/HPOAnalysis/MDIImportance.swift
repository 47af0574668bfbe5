import HPO

/// Mean-decrease-impurity importance (Breiman, "Random Forests", 2001; Louppe et al.,
/// "Understanding variable importances in forests of randomized trees", NIPS 2013), matching
/// Optuna's `MeanDecreaseImpurityImportanceEvaluator`: the forest's normalised per-column
/// impurity decreases, summed over each param's one-hot columns. Single-valued params are encoded
/// too (they never split, so they get 0), as Optuna does.
public struct MDIImportance: ForestImportanceEvaluator {
  public var configuration: RandomForest.Configuration

  public init(configuration: RandomForest.Configuration) { self.configuration = configuration }

  /// Importances over a prepared data set.
  public func evaluate(_ data: ImportanceDataset) -> ParamImportances {
    let names = data.params
    var raw = [Double](repeating: 0, count: names.count)
    if !data.encodedParams.isEmpty, data.targets.count > 1 {
      let forest = RandomForest(
        columns: data.columns, targets: data.targets, configuration: configuration)
      let perColumn = forest.featureImportances
      for (j, group) in data.columnGroups.enumerated() {
        guard let i = names.firstIndex(of: data.encodedParams[j]) else { continue }
        raw[i] = group.reduce(0) { $0 + perColumn[$1] }
      }
    }
    return ParamImportances(names: names, raw: raw, trialCount: data.targets.count)
  }
}
