import Foundation
import HPO
import OrderedCollections
import Testing

/// Compares what hpotop reads for a trial with a trial dumped by `Tests/Interop/common.py`.
func expectSame(_ t: FrozenTrial, _ py: JSONValue, _ label: String, sourceLocation: SourceLocation = #_sourceLocation)
{
  let where_ = "\(label) trial #\(t.number)"
  #expect(py["trial_id"]?.intValue.map(Int64.init) == t.id, "\(where_): trial_id", sourceLocation: sourceLocation)
  #expect(py["number"]?.intValue == t.number, "\(where_): number", sourceLocation: sourceLocation)
  #expect(py["state"]?.stringValue == t.state.rawValue, "\(where_): state", sourceLocation: sourceLocation)
  let pyValues = py["values"]?.arrayValue?.compactMap(\.doubleValue)
  #expect(sameNumbers(pyValues, t.values), "\(where_): values \(String(describing: pyValues)) vs \(String(describing: t.values))",
          sourceLocation: sourceLocation)
  for (key, date) in [("datetime_start", t.datetimeStart), ("datetime_complete", t.datetimeComplete)] {
    let pyTime = py[key]?.doubleValue
    let ok: Bool = switch (pyTime, date) {
    case (nil, nil): true
    case (let a?, let b?): abs(a - b.timeIntervalSince1970) < 2e-5
    default: false
    }
    #expect(ok, "\(where_): \(key) \(String(describing: pyTime)) vs \(String(describing: date?.timeIntervalSince1970))",
            sourceLocation: sourceLocation)
  }
  var pyParams = OrderedDictionary<String, ParamValue>()
  for (k, v) in py["params"]?.objectValue ?? [:] { pyParams[k] = ParamValue(json: v) }
  #expect(pyParams == t.params, "\(where_): params \(pyParams) vs \(t.params)", sourceLocation: sourceLocation)
  let pyDists = py["distributions"]?.objectValue ?? [:]
  #expect(Array(pyDists.keys) == Array(t.distributions.keys), "\(where_): distribution names",
          sourceLocation: sourceLocation)
  for (k, d) in t.distributions {
    #expect(pyDists[k] == d.json, "\(where_): distribution_json of \(k): \(pyDists[k]?.pythonJSON ?? "none") vs \(d.jsonString)",
            sourceLocation: sourceLocation)
  }
  #expect(py["user_attrs"]?.objectValue ?? [:] == t.userAttrs, "\(where_): user_attrs", sourceLocation: sourceLocation)
  #expect(py["system_attrs"]?.objectValue ?? [:] == t.systemAttrs, "\(where_): system_attrs",
          sourceLocation: sourceLocation)
  let pyIV = (py["intermediate_values"]?.objectValue ?? [:]).map { (Int($0.key) ?? -1, $0.value.doubleValue ?? 0) }
  #expect(pyIV.map(\.0) == Array(t.intermediateValues.keys), "\(where_): intermediate steps", sourceLocation: sourceLocation)
  #expect(sameNumbers(pyIV.map(\.1), Array(t.intermediateValues.values)), "\(where_): intermediate values",
          sourceLocation: sourceLocation)
}

func sameNumbers(_ a: [Double]?, _ b: [Double]?) -> Bool {
  switch (a, b) {
  case (nil, nil): return true
  case (let a?, let b?): return a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
  default: return false
  }
}
