import HPO
import Testing

/// Threshold and patient pruners on hand-made trials (Optuna `_threshold.py`, `_patient.py`).
@Suite struct PrunerThresholdPatientTests {
  let c = PT.context([])

  @Test func thresholdPrunesOutsideTheBoundsAndOnNaN() async throws {
    let upper = try ThresholdPruner(upper: 1.0)
    #expect(!(try await upper.shouldPrune(c, trial: PT.running(0, [(0, 0.5), (1, 1.0)]))))
    #expect(try await upper.shouldPrune(c, trial: PT.running(0, [(0, 0.5), (1, 1.2)])))
    #expect(try await upper.shouldPrune(c, trial: PT.running(0, [(0, .nan)])))
    let lower = try ThresholdPruner(lower: 0.0)
    #expect(try await lower.shouldPrune(c, trial: PT.running(0, [(0, -0.1)])))
    #expect(!(try await lower.shouldPrune(c, trial: PT.running(0, [(0, 0)]))))
    // Only the latest value counts: an earlier excursion does not prune.
    #expect(!(try await lower.shouldPrune(c, trial: PT.running(0, [(0, -5), (1, 3)]))))
    #expect(!(try await lower.shouldPrune(c, trial: PT.running(0, []))))
  }

  @Test func thresholdWarmupAndInterval() async throws {
    let p = try ThresholdPruner(upper: 1, nWarmupSteps: 2, intervalSteps: 2)
    #expect(!(try await p.shouldPrune(c, trial: PT.running(0, [(1, 5)]))))  // warm-up
    #expect(try await p.shouldPrune(c, trial: PT.running(0, [(1, 0), (2, 5)])))  // checkpoint 2
    #expect(!(try await p.shouldPrune(c, trial: PT.running(0, [(1, 0), (2, 0), (3, 5)]))))  // 3 is not one
    #expect(try await p.shouldPrune(c, trial: PT.running(0, [(1, 0), (2, 0), (3, 0), (4, 5)])))
  }

  @Test func thresholdRejectsBadArguments() {
    #expect(throws: PrunerError.self) { try ThresholdPruner() }
    #expect(throws: PrunerError.self) { try ThresholdPruner(lower: 2, upper: 1) }
  }

  @Test func patientWithoutWrappedPrunerIsEarlyStopping() async throws {
    let p = try PatientPruner(wrapped: nil, patience: 2)
    // Needs more than patience + 1 = 3 reports.
    #expect(!(try await p.shouldPrune(c, trial: PT.running(0, [(0, 1), (1, 2), (2, 3)]))))
    // min(before) = 1 < min(after = [2, 3, 4]) = 2: no improvement for 2 steps → prune.
    #expect(try await p.shouldPrune(c, trial: PT.running(0, [(0, 1), (1, 2), (2, 3), (3, 4)])))
    // min(after = [2, 0.5, 4]) = 0.5 improves on 1 → keep.
    #expect(!(try await p.shouldPrune(c, trial: PT.running(0, [(0, 1), (1, 2), (2, 0.5), (3, 4)]))))
  }

  @Test func patientMinDeltaAndMaximize() async throws {
    let p = try PatientPruner(wrapped: nil, patience: 1, minDelta: 0.5)
    // Minimize: 1 + 0.5 < min(1.4, 1.6) = 1.4 is false → keep; with 1.6, 1.7 → prune.
    #expect(!(try await p.shouldPrune(c, trial: PT.running(0, [(0, 1), (1, 1.4), (2, 1.6)]))))
    #expect(try await p.shouldPrune(c, trial: PT.running(0, [(0, 1), (1, 1.6), (2, 1.7)])))
    let cmax = PT.context([], direction: .maximize)
    // Maximize: 10 - 0.5 > max(9.6, 9.4) is false → keep; with 9.4, 9.0 → prune.
    #expect(!(try await p.shouldPrune(cmax, trial: PT.running(0, [(0, 10), (1, 9.6), (2, 9.4)]))))
    #expect(try await p.shouldPrune(cmax, trial: PT.running(0, [(0, 10), (1, 9.4), (2, 9.0)])))
  }

  @Test func patientDefersToTheWrappedPruner() async throws {
    // Stagnating trial, but the wrapped threshold pruner keeps it (values below 100).
    let keep = try PatientPruner(wrapped: try ThresholdPruner(upper: 100), patience: 0)
    #expect(!(try await keep.shouldPrune(c, trial: PT.running(0, [(0, 1), (1, 2)]))))
    let prune = try PatientPruner(wrapped: try ThresholdPruner(upper: 1.5), patience: 0)
    #expect(try await prune.shouldPrune(c, trial: PT.running(0, [(0, 1), (1, 2)])))
    // Improving trial: the wrapped pruner is not asked at all.
    #expect(!(try await prune.shouldPrune(c, trial: PT.running(0, [(0, 3), (1, 2)]))))
    #expect(throws: PrunerError.self) { try PatientPruner(wrapped: nil, patience: -1) }
  }
}
