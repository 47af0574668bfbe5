import Foundation
import HPO
import Testing

@testable import Dashboard

/// The header's `budget` segment and the ETA that follows the compute budget.
@Suite struct BudgetHeaderTests {
  @Test func headerShowsBudgetUsedAndLeftAndTheETAFollowsIt() {
    // The fixture: 18 finished trials with last step 5 and 2 running ones at step 2 = 94 steps,
    // 5 minutes in, 3.6 trials/min, 18 of n_trials 40 (trial ETA 6m07s).
    var s = Fixture.state()
    s.info.budget = ComputeBudget(steps: 188)
    let lines = Fixture.lines(s, width: 120, height: 40)
    #expect(lines[2].contains("budget steps 94/188 50%"), "\(lines[2])")
    // Half the budget in 5 minutes: 5 more minutes, sooner than the trial budget's 6m07s.
    #expect(lines[2].contains("ETA 5m00s (budget)"), "\(lines[2])")
    #expect(lines[2].range(of: "budget steps")!.lowerBound < lines[2].range(of: "ETA")!.lowerBound)

    // A larger budget ends later than n_trials: the ETA follows n_trials.
    s.info.budget = ComputeBudget(steps: 940)
    let later = Fixture.lines(s, width: 120, height: 40)
    #expect(later[2].contains("budget steps 94/940 10%"), "\(later[2])")
    #expect(later[2].contains("ETA 6m07s (18/40)"), "\(later[2])")

    // Spent.
    s.info.budget = ComputeBudget(steps: 90, trialHours: 10)
    let spent = Fixture.lines(s, width: 120, height: 40)
    #expect(spent[2].contains("budget steps 94/90, trial hours 0.10/10 spent"), "\(spent[2])")
    #expect(spent[2].contains("ETA done (budget)"), "\(spent[2])")
  }

  @Test func usageCountsLastStepsAndTrialTime() {
    let trials = Fixture.trials()
    let now = Fixture.t0.addingTimeInterval(300)
    let u = ComputeBudget.usage(of: trials, now: now)
    #expect(u.steps == 18 * 5 + 2 * 2)
    // 18 finished trials of 8 s each; the running ones (#18, #19) started at 180 s and 190 s.
    let expected: Double = 18 * 8 + 120 + 110
    #expect(u.trialSeconds == expected)
    #expect(ComputeBudget(steps: 94).isSpent(u))
    #expect(!ComputeBudget(steps: 95).isSpent(u))
    #expect(ComputeBudget(trialHours: 0.1).fractionUsed(u) == u.trialSeconds / 360)
  }
  /// The pace of a study that has ended is its trials over its span, however short: 300 instant
  /// trials in 0.3 s are 60000 trials/min (before: "0.0 trials/min" below one second). A study
  /// still in its first second shows no pace.
  @Test func paceOfAShortStudyIsItsTrialsOverItsSpan() {
    let t0 = Fixture.t0
    let done = (0..<300).map { i in
      FrozenTrial(id: Int64(i + 1), number: i, state: .complete, values: [Double(i)],
                  datetimeStart: t0.addingTimeInterval(Double(i) * 0.001),
                  datetimeComplete: t0.addingTimeInterval(Double(i) * 0.001 + 0.001))
    }
    var s = Fixture.state()
    s.info.startedAt = nil
    s.info.nTrials = 300
    _ = update(&s, .snapshot(StudySnapshot(
      studyID: 1, studyName: "instant", directions: [.minimize], trials: done, takenAt: t0.addingTimeInterval(60), revision: 2)))
    s.now = t0.addingTimeInterval(60)
    let lines = Fixture.lines(s, width: 120, height: 40)
    #expect(lines[2].hasPrefix(" elapsed 0.3s  60000.0 trials/min  ETA done"), "\(lines[2])")

    // Paused with nothing running, an hour later: the pace does not fall while nothing happens.
    _ = update(&s, .snapshot(StudySnapshot(
      studyID: 1, studyName: "instant", directions: [.minimize], trials: done,
      systemAttrs: [HpotopKey.paused.rawValue: .bool(true)], takenAt: t0.addingTimeInterval(3600), revision: 3)))
    s.now = t0.addingTimeInterval(3600)
    let paused = Fixture.lines(s, width: 120, height: 40)
    #expect(paused[0].contains("PAUSED"), "\(paused[0])")
    #expect(paused[2].hasPrefix(" elapsed 0.3s  60000.0 trials/min"), "\(paused[2])")

    // The same study while it runs, 0.3 s in: no pace yet.
    var running = done
    running[299].state = .running
    running[299].datetimeComplete = nil
    _ = update(&s, .snapshot(StudySnapshot(
      studyID: 1, studyName: "instant", directions: [.minimize], trials: running, takenAt: t0, revision: 4)))
    s.now = t0.addingTimeInterval(0.3)
    let early = Fixture.lines(s, width: 120, height: 40)
    #expect(!early[2].contains("trials/min"), "\(early[2])")
  }
}
