import Foundation

extension Study {
  /// How many trials of the study are retries (made by re-queueing a failed trial, by hpotop or
  /// by Optuna's `RetryFailedTrialCallback`: they carry `retry_history`), as of the last refresh.
  /// A retry replaces its failed trial in the budget, so `optimize` lets the storage hold this
  /// many trials more than `n_trials`: the study ends with `n_trials` trials counting each
  /// retried config once. A stale count is smaller, so concurrent workers never overshoot.
  func retryCount() -> Int { mirror.retryCount }

  /// The budget to give the storage for `n_trials`: one more per retry.
  func budgetCountingRetriesOnce(_ nTrials: Int?) -> Int? { nTrials.map { $0 + retryCount() } }
}
