import Foundation
import Yams

extension StudySpec {
  /// The keys of `resources:`.
  public static let resourcesKeys = ["gpus", "gpus_per_trial"]
}

extension StudyFileParser {
  /// `resources: {gpus: auto | [0, 1, 2, 3], gpus_per_trial: 1}`.
  func parseResources(_ node: Node) throws -> GPUResources {
    guard case .mapping = node else {
      throw reader.error(node, "resources must be a mapping such as '{gpus: auto, gpus_per_trial: 1}', got \(reader.describe(node))")
    }
    let e = try reader.entries(node, of: "resources", known: StudySpec.resourcesKeys)
    var resources = GPUResources()
    if let g = e["gpus"] {
      if case .scalar(let s) = g.value, s.string == "auto" {
        resources.gpus = .auto
      } else if case .sequence = g.value {
        var list: [Int] = []
        for item in try reader.sequence(g.value, "gpus") {
          let i = try reader.int(item, "a GPU index")
          guard i >= 0 else { throw reader.error(item, "a GPU index is 0 or more, got \(i)") }
          guard !list.contains(i) else { throw reader.error(item, "GPU \(i) is listed twice") }
          list.append(i)
        }
        guard !list.isEmpty else { throw reader.error(g.value, "gpus lists no GPU; give 'auto' or indices such as [0, 1]") }
        resources.gpus = .indices(list)
      } else {
        throw reader.error(g.value, "gpus must be 'auto' or a list of GPU indices such as [0, 1, 2, 3], got \(reader.describe(g.value))")
      }
    }
    if let p = e["gpus_per_trial"] {
      let share = try reader.number(p.value, "gpus_per_trial")
      if let problem = GPUResources.problem(perTrial: share) { throw reader.error(p.value, problem) }
      resources.perTrial = share
    }
    if case .indices(let list) = resources.gpus, resources.perTrial >= 1, Int(resources.perTrial) > list.count {
      throw reader.error(e["gpus_per_trial"]?.value ?? node,
                         "gpus_per_trial is \(Int(resources.perTrial)) but gpus lists only \(list.count) GPU\(list.count == 1 ? "" : "s")")
    }
    return resources
  }
}
