import Foundation
import HPO
import HPOAnalysis
import OrderedCollections
import Testing

@testable import Dashboard

/// A big study loads newest first (issue 25): the first poll shows the newest page, later polls
/// fill in older trials, and until the last page is in no count is shown as if it were final.
@Suite struct ProgressiveLoadTests {
  /// 60 trials of every state (`Fixture.trials`: COMPLETE, PRUNED, one FAIL, the last two RUNNING).
  func makeStudy(_ n: Int = 60) async throws -> (InMemoryStorage, Int64) {
    let storage = InMemoryStorage()
    let id = try await storage.createStudy(name: "big", directions: [.minimize])
    for t in Fixture.trials(n) { _ = try await storage.createTrial(study: id, template: t) }
    return (storage, id)
  }

  /// Trials per state as the storage holds them now.
  func trueCounts(_ storage: InMemoryStorage, _ id: Int64) async throws -> [TrialState: Int] {
    var c: [TrialState: Int] = [:]
    for t in try await storage.trials(study: id, filter: .all) { c[t.state, default: 0] += 1 }
    return c
  }

  /// The header's count segments as drawn, by state.
  func shownCounts(_ state: AppState) -> [TrialState: String] {
    var out: [TrialState: String] = [:]
    for segment in headerSegments(state).flatMap({ $0 }) where segment.name.hasPrefix("count.") {
      let text = segment.spans.map(\.content).joined()
      for st in TrialState.allCases where text.hasSuffix(" " + st.rawValue.lowercased()) { out[st] = text }
    }
    return out
  }

  @Test func partialLoadingNeverShowsAWrongCountAsFinal() async throws {
    let (storage, id) = try await makeStudy()
    let poller = StudyPoller(storage: storage, studyID: id, staleCheckInterval: nil, firstPage: 5, largestPage: 8)
    var state = AppState(info: DashboardInfo(mode: .watch, storageURL: "memory"), width: 200, height: 50)
    var polls = 0
    var partialSnapshots = 0
    var addedDuringLoad = false
    while true {
      let snap = try await poller.poll()
      polls += 1
      _ = update(&state, .snapshot(snap))
      let truth = try await trueCounts(storage, id)
      let total = truth.values.reduce(0, +)
      let shown = shownCounts(state)
      let header = headerSegments(state).flatMap { $0 }.flatMap(\.spans).map(\.content).joined()
      if let p = snap.loading {
        partialSnapshots += 1
        // The total is exact; every per-state count is marked as a lower bound and is one.
        #expect(p.total == total && p.loaded == snap.trials.count && p.loaded < total)
        #expect(header.contains("\(total) trials:") && header.contains("loading \(p.percent)%"), "\(header)")
        #expect(header.contains("best so far"), "\(header)")
        for (st, text) in shown {
          #expect(text.hasPrefix("≥"), "a partial count looks final: \(text)")
          #expect((snap.counts[st] ?? 0) <= (truth[st] ?? 0))
        }
        #expect(Fixture.text(state).contains("of \(total) loaded…"))
        // The loaded trials are the newest, by number, with nothing missing between them.
        let numbers = snap.trials.map(\.number)
        #expect(numbers == Array((total - numbers.count)..<total))
      } else {
        // Final: exact counts, no marks, every trial as the storage holds it.
        #expect(!header.contains("loading") && !header.contains("≥") && !header.contains("so far"), "\(header)")
        for st in TrialState.allCases {
          let n = truth[st] ?? 0
          #expect(shown[st].map { $0 == "\(n) \(st.rawValue.lowercased())" } ?? true, "\(shown)")
          #expect((snap.counts[st] ?? 0) == n, "\(st)")
        }
        #expect(snap.trials == (try await storage.trials(study: id, filter: .all)))
        break
      }
      #expect(await poller.needsAnotherPoll)
      // While the study loads, a worker adds a trial and finishes a RUNNING one: both show up.
      if !addedDuringLoad {
        addedDuringLoad = true
        _ = try await storage.createTrial(study: id, template: nil)
        let running = try await storage.trials(study: id, filter: TrialFilter(states: [.running]))
        try await storage.setTrialState(trial: try #require(running.first).id, state: .complete, values: [0.001])
      }
      try #require(polls < 30, "the study never finished loading")
    }
    // First page 5, then 5, 10, 8, 8, … older trials: several partial snapshots before the last.
    #expect(partialSnapshots >= 3)
    #expect(state.cachedBest.first?.value == 0.001)
    #expect(await !poller.needsAnotherPoll)
  }

  /// The header's advice and the seed groups are computed by the poller, for the whole study
  /// only: a partial snapshot carries none and the header shows none.
  @Test func adviceWaitsForTheWholeStudy() async throws {
    let (storage, id) = try await makeStudy(400)
    let poller = StudyPoller(storage: storage, studyID: id, staleCheckInterval: nil, firstPage: 50, largestPage: 100)
    var state = AppState(info: DashboardInfo(mode: .watch, storageURL: "memory"), width: 200, height: 50)
    var partials = 0
    while true {
      let snap = try await poller.poll()
      _ = update(&state, .snapshot(snap))
      if snap.isPartial {
        partials += 1
        #expect(snap.analysis == nil && adviceHeaderSegments(state).isEmpty && !state.seedGroups.hasRepeats)
        continue
      }
      let analysis = try #require(snap.analysis)
      let whole = StudySnapshot(studyID: id, studyName: "big", directions: snap.directions, trials: snap.trials)
      let (advice, ros) = SnapshotAnalysis.advice(whole, distributions: whole.distributions)
      #expect(analysis.advice == advice && analysis.returnOnSearch == ros)
      #expect(analysis.seedGroups.groups.count == SeedGroups.ofRepeats(whole).groups.count)
      // What the header shows is the poller's analysis, the same as computed here.
      #expect(adviceHeaderSegments(state).map(\.name) == adviceHeaderSegments(AppState(
        info: DashboardInfo(mode: .watch, storageURL: "memory"), snapshot: whole, width: 200, height: 50)).map(\.name))
      break
    }
    #expect(partials >= 2)
  }

  /// A trial of an older page that changes later (it was RUNNING) is replaced in place.
  @Test func anOlderTrialChangesInPlace() throws {
    var all = Fixture.trials(30)
    all[12].state = .running
    all[12].values = nil
    var cache = TrialCache()
    cache.merge(Array(all.suffix(10)))
    cache.mergeOlder(Array(all[10..<20]))
    cache.mergeOlder(Array(all.prefix(10)))
    #expect(cache.unfinishedIDs.contains(all[12].id))
    all[12].state = .complete
    all[12].values = [0.0001]
    all[3].userAttrs["note"] = .string("changed")
    let changed = cache.merge([all[12], all[3]])
    #expect(changed)
    #expect(cache.trials == all)
    #expect(cache.trial(id: all[12].id) == all[12] && cache.trial(id: all[3].id) == all[3])
    #expect(!cache.unfinishedIDs.contains(all[12].id))
    #expect(cache.bestSingle == all[12])
  }

  @Test func aSmallStudyLoadsInOnePoll() async throws {
    let (storage, id) = try await makeStudy(20)
    let poller = StudyPoller(storage: storage, studyID: id, staleCheckInterval: nil, firstPage: 20)
    let snap = try await poller.poll()
    #expect(snap.loading == nil && snap.trials.count == 20)
    #expect(await !poller.needsAnotherPoll)
  }

  @Test func olderTrialsGoInFrontOfTheCache() throws {
    let all = Fixture.trials(30)
    var cache = TrialCache()
    cache.merge(Array(all.suffix(10)))
    let middle = cache.mergeOlder(Array(all[10..<20]))
    let oldest = cache.mergeOlder(Array(all.prefix(10)))
    #expect(middle && oldest)
    var whole = TrialCache()
    whole.merge(all)
    #expect(cache.trials == whole.trials)
    #expect(cache.bestSingle == whole.bestSingle)
    #expect(cache.unfinishedIDs == whole.unfinishedIDs && cache.maxID == whole.maxID)
    #expect(all.allSatisfy { cache.trial(id: $0.id) == $0 })
    // Not older than what is held: folded in as `merge` does, still in number order.
    let again = cache.mergeOlder([all[5]])
    #expect(!again)
    #expect(cache.trials == whole.trials)
  }
}
