import HPO

/// What the intermediate-values plot shows (Optuna `_get_intermediate_plot_info`): the learning
/// curve of every COMPLETE, PRUNED or RUNNING trial that reported something.
public struct IntermediateValuesInfo: Sendable, Hashable {
  /// One trial's curve, in ascending step order.
  public struct Curve: Sendable, Hashable {
    public var trialNumber: Int
    public var state: TrialState
    public var isFeasible: Bool
    public var steps: [Int]
    public var values: [Double]
  }

  public var curves: [Curve]

  public init(_ input: AnalysisInput) {
    curves = input.trials.compactMap { t in
      guard [.complete, .pruned, .running].contains(t.state), !t.intermediateValues.isEmpty
      else { return nil }
      let pairs = t.intermediateValues.sorted { $0.key < $1.key }
      return Curve(
        trialNumber: t.number, state: t.state, isFeasible: t.isFeasible,
        steps: pairs.map(\.key), values: pairs.map(\.value))
    }
  }

  /// The smallest and largest step over all curves.
  public var stepRange: ClosedRange<Int>? {
    let all = curves.flatMap(\.steps)
    guard let lo = all.min(), let hi = all.max() else { return nil }
    return lo...hi
  }

  /// The smallest and largest finite value over all curves.
  public var valueRange: ClosedRange<Double>? {
    let all = curves.flatMap(\.values).filter(\.isFinite)
    guard let lo = all.min(), let hi = all.max() else { return nil }
    return lo...hi
  }
}
