import Foundation
import HPO

/// Says in the log when the compute budget (`budget:`) ended the study.
func printBudgetEnd(_ study: Study, _ budget: ComputeBudget) async throws {
  let usage = ComputeBudget.usage(of: try await study.trials())
  guard budget.isSpent(usage) else { return }
  printError("[I \(logTimestamp())] Compute budget spent (\(budget.describe(usage))): the study ends.")
}
