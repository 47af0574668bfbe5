import HPO

/// What the empirical-distribution plot shows (optuna-dashboard's EDF): for each objective value
/// `v` of the COMPLETE trials, the fraction of trials whose value is at most `v`.
public struct EDFInfo: Sendable, Hashable {
  /// One step of the distribution: `fraction` of the trials have a value ≤ `value`.
  public struct Step: Sendable, Hashable {
    public var value: Double
    public var fraction: Double
  }

  public var targetName: String
  public var direction: StudyDirection
  /// Ascending by value; the last fraction is 1. Equal values share one step.
  public var steps: [Step]
  /// The number of trials counted.
  public var count: Int

  public init(_ input: AnalysisInput, objective: Int = 0, targetName: String = "Objective Value") {
    self.targetName = targetName
    direction = objective < input.directions.count ? input.directions[objective] : .minimize
    let values = input.trials.compactMap { t -> Double? in
      guard t.state == .complete, let v = t.values, objective < v.count, v[objective].isFinite else { return nil }
      return v[objective]
    }.sorted()
    count = values.count
    var steps: [Step] = []
    for (i, v) in values.enumerated() {
      let f = Double(i + 1) / Double(values.count)
      if steps.last?.value == v { steps[steps.count - 1].fraction = f } else { steps.append(Step(value: v, fraction: f)) }
    }
    self.steps = steps
  }
}
