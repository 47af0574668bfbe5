import Foundation
import HPO
import OrderedCollections
import Testing

/// The counts `optimize` reads every trial (retries, compute-budget usage) are kept by the
/// trial cache as trials arrive; they must equal a count over all trials after any merge.
@Suite struct TrialCacheTests {
  @Test func retryCountAndBudgetUsageFollowEveryMerge() {
    let t0 = Date(timeIntervalSince1970: 1_000_000)
    let now = t0.addingTimeInterval(500)
    func trial(_ n: Int, _ state: TrialState, steps: Int = 0, seconds: Double = 0, retry: Bool = false) -> FrozenTrial {
      var t = FrozenTrial(id: Int64(n + 1), number: n, state: state, datetimeStart: state == .waiting ? nil : t0)
      if state.isFinished { t.datetimeComplete = t0.addingTimeInterval(seconds) }
      for s in stride(from: 1, through: steps, by: 1) { t.intermediateValues[s] = Double(s) }
      if retry { t.systemAttrs["retry_history"] = .array([.int(0)]) }
      return t
    }
    var cache = TrialCache()
    var stored: [Int: FrozenTrial] = [:]
    func merge(_ trials: [FrozenTrial]) {
      for t in trials { stored[t.number] = t }
      cache.merge(trials)
      let all = stored.values.sorted { $0.number < $1.number }
      #expect(cache.retryCount == all.filter { $0.systemAttrs["retry_history"] != nil }.count)
      let scan = ComputeBudget.usage(of: all, now: now)
      let kept = cache.budgetUsage(now: now)
      #expect(kept.steps == scan.steps)
      #expect(abs(kept.trialSeconds - scan.trialSeconds) < 1e-6)
    }
    merge([trial(0, .complete, steps: 3, seconds: 10), trial(1, .running, steps: 2), trial(2, .waiting, retry: true)])
    merge([trial(1, .pruned, steps: 4, seconds: 20), trial(3, .running)])
    merge([trial(2, .running, retry: true), trial(3, .fail, seconds: 5)])
    merge([trial(2, .complete, steps: 7, seconds: 30, retry: true), trial(4, .complete, steps: 1, seconds: 1)])
    // A finished trial loaded again with other content (a user edited it): its old share goes.
    merge([trial(4, .complete, steps: 9, seconds: 2)])
  }
}
