import HPO
import OrderedCollections

/// The encoded trials an importance evaluator fits, prepared as Optuna's importance module does.
///
/// Trials: COMPLETE, holding every assessed param, with a finite target. Params: the given ones,
/// or the intersection search space of the complete trials, sorted by name. Encoding
/// (`_SearchSpaceTransform(transform_log=False, transform_step=False)`): numeric params are raw
/// numbers (not log-scaled, no step padding) with bounds `[low, high]`; a categorical becomes one
/// one-hot column per choice with bounds `[0, 1]`, grouped per param. Single-valued
/// distributions are not encoded: their importance is 0.
public struct ImportanceDataset: Sendable {
  /// Every assessed param, sorted by name.
  public let params: [String]
  /// The distribution of each assessed param.
  public let distributions: OrderedDictionary<String, Distribution>
  /// The params that are encoded (not single-valued), in `params` order.
  public let encodedParams: [String]
  /// Bounds of each encoded column.
  public let bounds: [(low: Double, high: Double)]
  /// The encoded columns of each param of `encodedParams`.
  public let columnGroups: [[Int]]
  /// `columns[c][i]`: encoded column `c` of trial `i`.
  public let columns: [[Double]]
  /// The target of each kept trial.
  public let targets: [Double]
  /// The numbers of the kept trials.
  public let trialNumbers: [Int]

  /// Builds the data set. `target` defaults to objective `objective` of each trial.
  public init(
    _ input: AnalysisInput, params requested: [String]? = nil, objective: Int = 0,
    target: (@Sendable (FrozenTrial) -> Double?)? = nil
  ) {
    let complete = input.trials.filter { $0.state == .complete }
    var dists = OrderedDictionary<String, Distribution>()
    if let requested {
      for t in complete where requested.allSatisfy({ t.distributions[$0] != nil }) {
        for name in requested.sorted() where dists[name] == nil { dists[name] = t.distributions[name] }
        break
      }
    } else {
      dists = AnalysisInput.intersectionSearchSpace(of: input.trials)
    }
    self.distributions = dists
    self.params = Array(dists.keys)
    let encoded = dists.filter { !$0.value.isSingle }
    self.encodedParams = Array(encoded.keys)
    var bounds: [(low: Double, high: Double)] = []
    var groups: [[Int]] = []
    for (_, d) in encoded {
      let start = bounds.count
      switch d {
      case .float(let f): bounds.append((f.low, f.high))
      case .int(let i): bounds.append((Double(i.low), Double(i.high)))
      case .categorical(let c): for _ in c.choices { bounds.append((0, 1)) }
      }
      groups.append(Array(start..<bounds.count))
    }
    self.bounds = bounds
    self.columnGroups = groups
    var columns = [[Double]](repeating: [], count: bounds.count)
    var targets: [Double] = []
    var numbers: [Int] = []
    for t in complete {
      guard params.allSatisfy({ t.params[$0] != nil }) else { continue }
      let y: Double?
      if let target { y = target(t) } else { y = t.values.flatMap { objective < $0.count ? $0[objective] : nil } }
      guard let y, y.isFinite else { continue }
      var row: [Double] = []
      var ok = true
      for (name, d) in encoded {
        guard let v = t.params[name] else { ok = false; break }
        switch d {
        case .categorical(let c):
          guard let idx = c.index(of: v) else { ok = false; break }
          for j in c.choices.indices { row.append(j == idx ? 1 : 0) }
        default:
          guard let x = d.toInternal(v) else { ok = false; break }
          row.append(x)
        }
        if !ok { break }
      }
      guard ok, row.count == bounds.count else { continue }
      for c in 0..<row.count { columns[c].append(row[c]) }
      targets.append(y)
      numbers.append(t.number)
    }
    self.columns = columns
    self.targets = targets
    self.trialNumbers = numbers
  }
}
