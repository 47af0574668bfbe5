import HPO
import HPOAnalysis
import OrderedCollections

/// Builds COMPLETE trials over float params x0..x(d-1) in [0, 1] with seeded uniform inputs.
func uniformStudy(
  n: Int, d: Int = 4, seed: UInt64, f: ([Double]) -> Double
) throws -> AnalysisInput {
  var rng = SeededRNG(seed: seed)
  let dist = Distribution.float(try FloatDistribution(low: 0, high: 1))
  var trials: [FrozenTrial] = []
  for i in 0..<n {
    let x = (0..<d).map { _ in rng.uniform() }
    var params = OrderedDictionary<String, ParamValue>()
    var dists = OrderedDictionary<String, Distribution>()
    for j in 0..<d {
      params["x\(j)"] = .float(x[j])
      dists["x\(j)"] = dist
    }
    trials.append(
      FrozenTrial(
        id: Int64(i), number: i, state: .complete, values: [f(x)], params: params,
        distributions: dists))
  }
  return AnalysisInput(trials: trials, directions: [.minimize])
}

/// A trial with the given state, values and params, for hand-made studies.
func trial(
  _ number: Int, _ state: TrialState = .complete, values: [Double]? = nil,
  params: [(String, ParamValue, Distribution)] = [],
  intermediate: [(Int, Double)] = [], constraints: [Double]? = nil
) -> FrozenTrial {
  var p = OrderedDictionary<String, ParamValue>()
  var d = OrderedDictionary<String, Distribution>()
  for (name, v, dist) in params {
    p[name] = v
    d[name] = dist
  }
  var iv = OrderedDictionary<Int, Double>()
  for (s, v) in intermediate { iv[s] = v }
  var sys = OrderedDictionary<String, JSONValue>()
  if let constraints { sys["constraints"] = .array(constraints.map { .double($0) }) }
  return FrozenTrial(
    id: Int64(number), number: number, state: state, values: values, params: p,
    distributions: d, systemAttrs: sys, intermediateValues: iv)
}
