import HPO
import Testing

@testable import Dashboard

@Suite struct FilterTests {
  let trials = Fixture.trials(20)
  let params = ["lr", "layers", "optimizer", "momentum"]

  func numbers(_ text: String) throws -> [Int] {
    let e = try TrialFilterExpression.parse(text, params: params)
    return trials.filter { e.matches($0) }.map(\.number)
  }

  @Test func stateWordsAndStateField() throws {
    #expect(try numbers("running") == [18, 19])
    #expect(try numbers("state=pruned") == [4, 9, 14])
    #expect(try numbers("state == FAILED") == [7])
    #expect(try numbers("not complete and not running") == [4, 7, 9, 14])
  }

  @Test func numericAndStringComparisons() throws {
    let lrSmall = trials.filter { ($0.params["lr"]?.doubleValue ?? 1) < 0.001 }.map(\.number)
    #expect(try numbers("lr < 0.001") == lrSmall)
    let both = trials.filter { ($0.values?.first ?? -1) > 1 && $0.params["optimizer"] == .string("adam") }.map(\.number)
    #expect(try numbers("value > 1 and optimizer == adam") == both)
    #expect(try numbers("number >= 17 or number = 0") == [0, 17, 18, 19])
    #expect(try numbers("(layers = 1 or layers = 2) and optimizer != 'sgd'") == trials.filter {
      [1, 2].contains($0.params["layers"]?.intValue ?? 0) && $0.params["optimizer"] != .string("sgd") }.map(\.number))
    // A param a trial lacks never matches.
    #expect(try numbers("momentum > 0").allSatisfy { $0 % 3 == 0 })
  }

  @Test func errorsNameTheColumnAndProblem() {
    func error(_ s: String) -> FilterError? {
      do {
        _ = try TrialFilterExpression.parse(s, params: params)
        return nil
      } catch { return error as? FilterError }
    }
    #expect(error("lrr < 1")?.message.hasPrefix("unknown name 'lrr'") == true)
    #expect(error("lr <")?.message == "expected a value after '<'")
    #expect(error("lr")?.message.contains("needs a comparison") == true)
    #expect(error("(running")?.message == "missing ')'")
    #expect(error("value > 1 and")?.message == "expected a condition")
    #expect(error("optimizer == 'adam")?.message == "unterminated string")
    #expect(error("lr ! 3")?.column == 4)
    #expect(error("running running")?.message == "unexpected 'running'")
  }
}
