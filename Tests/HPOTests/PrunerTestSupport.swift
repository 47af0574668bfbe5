import HPO
import OrderedCollections

/// Hand-made trials and contexts for the pruner tests.
enum PT {
  static func ivs(_ pairs: [(Int, Double)]) -> OrderedDictionary<Int, Double> {
    OrderedDictionary(uniqueKeysWithValues: pairs)
  }

  static func complete(_ number: Int, _ pairs: [(Int, Double)], value: Double? = nil) -> FrozenTrial {
    FrozenTrial(id: Int64(number + 1), number: number, state: .complete,
                values: [value ?? pairs.last?.1 ?? 0], intermediateValues: ivs(pairs))
  }

  static func running(_ number: Int, _ pairs: [(Int, Double)]) -> FrozenTrial {
    FrozenTrial(id: Int64(number + 1), number: number, state: .running, intermediateValues: ivs(pairs))
  }

  static func context(
    _ trials: [FrozenTrial], direction: StudyDirection = .minimize, name: String = "s",
    storage: any Storage = InMemoryStorage()
  ) -> SamplingContext {
    SamplingContext(studyID: 1, studyName: name, directions: [direction], storage: storage, trials: trials)
  }

  /// Five COMPLETE trials that reported `values[i]` at `step` (and the same at step 0).
  static func fiveAt(_ step: Int, _ values: [Double]) -> [FrozenTrial] {
    values.enumerated().map { i, v in complete(i, step == 0 ? [(0, v)] : [(0, v), (step, v)]) }
  }
}
