import HPO

/// What the importance bar chart shows (Optuna `_get_importances_info`): one bar per param,
/// most important first.
public struct ImportanceInfo: Sendable, Hashable {
  /// Which evaluator computed the importances.
  public enum Evaluator: Sendable, Hashable {
    case fanova(seed: UInt64)
    case meanDecreaseImpurity(seed: UInt64)
    /// PED-ANOVA with Optuna's defaults (top 10% against all trials).
    case pedAnova

    public var name: String {
      switch self {
      case .fanova: return "fANOVA"
      case .meanDecreaseImpurity: return "Mean Decrease Impurity"
      case .pedAnova: return "PED-ANOVA"
      }
    }
  }

  public var evaluator: Evaluator
  public var targetName: String
  public var importances: ParamImportances

  /// Param names, most important first.
  public var names: [String] { importances.entries.map(\.name) }
  /// Normalised importances, in `names` order.
  public var values: [Double] { importances.entries.map(\.normalized) }

  public init(
    _ input: AnalysisInput, evaluator: Evaluator = .fanova(seed: 0), objective: Int = 0,
    target: (@Sendable (FrozenTrial) -> Double?)? = nil, targetName: String = "Objective Value"
  ) {
    self.evaluator = evaluator
    self.targetName = targetName
    switch evaluator {
    case .fanova(let seed):
      importances = FanovaImportance(seed: seed).evaluate(ImportanceDataset(input, objective: objective, target: target))
    case .meanDecreaseImpurity(let seed):
      importances = MDIImportance(seed: seed).evaluate(ImportanceDataset(input, objective: objective, target: target))
    case .pedAnova: importances = PedAnovaImportance().evaluate(input, objective: objective, target: target)
    }
  }
}
