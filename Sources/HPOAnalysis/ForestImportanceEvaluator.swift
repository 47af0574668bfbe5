import HPO

/// An importance evaluator that fits a random forest to a study's trials (fANOVA, MDI): the
/// construction and the entry point from trials are shared; each evaluator reads the forest its
/// own way in `evaluate(_: ImportanceDataset)`.
public protocol ForestImportanceEvaluator: Sendable {
  var configuration: RandomForest.Configuration { get set }
  init(configuration: RandomForest.Configuration)
  /// Importances over a prepared data set.
  func evaluate(_ data: ImportanceDataset) -> ParamImportances
}

extension ForestImportanceEvaluator {
  /// Optuna's defaults: 64 trees of depth up to 64.
  public init(treeCount: Int = 64, maxDepth: Int = 64, seed: UInt64 = 0) {
    self.init(configuration: .init(treeCount: treeCount, maxDepth: maxDepth, seed: seed))
  }

  /// Importances of `params` (default: the intersection search space) for objective `objective`
  /// or for `target`.
  public func evaluate(
    _ input: AnalysisInput, params: [String]? = nil, objective: Int = 0,
    target: (@Sendable (FrozenTrial) -> Double?)? = nil
  ) -> ParamImportances {
    evaluate(ImportanceDataset(input, params: params, objective: objective, target: target))
  }
}
