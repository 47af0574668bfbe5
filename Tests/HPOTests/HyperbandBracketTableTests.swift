import HPO
import Testing

/// Hyperband brackets by both rules: the paper's Table 1 and its Algorithm 1
/// (Li et al., JMLR 2018, §3.3; reference/anchors.md §5).
@Suite struct HyperbandBracketTableTests {
  typealias Table = HyperbandBracketTable

  func ns(_ t: Table) -> [[Int]] { t.brackets.map { $0.rows.map(\.n) } }
  func rs(_ t: Table) -> [[Double]] { t.brackets.map { $0.rows.map(\.r) } }

  @Test func table1ByThePaperTableRule() {
    let t = Table(maxResource: 81, eta: 3, rule: .paperTable)
    #expect(t.brackets.map(\.s) == [4, 3, 2, 1, 0])
    #expect(ns(t) == [[81, 27, 9, 3, 1], [27, 9, 3, 1], [9, 3, 1], [6, 2], [5]])
    #expect(rs(t) == [[1, 3, 9, 27, 81], [3, 9, 27, 81], [9, 27, 81], [27, 81], [81]])
    #expect(t.brackets.map(\.resourceUsed) == [405, 324, 243, 324, 405])
    #expect(t.allocationBudgets == [81, 27, 9, 6, 5])
  }

  @Test func table1ByThePaperAlgorithmRule() {
    let t = Table(maxResource: 81, eta: 3, rule: .paperAlgorithm)
    #expect(ns(t) == [[81, 27, 9, 3, 1], [34, 11, 3, 1], [15, 5, 1], [8, 2], [5]])
    #expect(rs(t) == [[1, 3, 9, 27, 81], [3, 9, 27, 81], [9, 27, 81], [27, 81], [81]])
    #expect(t.brackets.map(\.resourceUsed) == [405, 363, 351, 378, 405])
    // Optuna's HyperbandPruner weights for 5 brackets at η = 3 (total 143).
    #expect(t.allocationBudgets == [81, 34, 15, 8, 5])
  }

  @Test func r16Eta2ByHand() {
    // s_max = ⌊log₂ 16⌋ = 4, so 5 brackets; rᵢ = 16·2^(i−s).
    // Table rule, n₀ = ⌊5/(s+1)⌋·2^s:
    //   s=4: ⌊5/5⌋·16 = 16 → 16 8 4 2 1;  s=3: ⌊5/4⌋·8 = 8 → 8 4 2 1;  s=2: ⌊5/3⌋·4 = 4 → 4 2 1;
    //   s=1: ⌊5/2⌋·2 = 4 → 4 2;           s=0: 5.
    // Algorithm rule, n = ⌈5·2^s/(s+1)⌉:
    //   s=4: 16 → 16 8 4 2 1;  s=3: ⌈40/4⌉ = 10 → 10 5 2 1;  s=2: ⌈20/3⌉ = 7 → 7 3 1;
    //   s=1: ⌈10/2⌉ = 5 → 5 2;  s=0: 5.
    let table = Table(maxResource: 16, eta: 2, rule: .paperTable)
    #expect(ns(table) == [[16, 8, 4, 2, 1], [8, 4, 2, 1], [4, 2, 1], [4, 2], [5]])
    #expect(rs(table) == [[1, 2, 4, 8, 16], [2, 4, 8, 16], [4, 8, 16], [8, 16], [16]])
    let algo = Table(maxResource: 16, eta: 2, rule: .paperAlgorithm)
    #expect(ns(algo) == [[16, 8, 4, 2, 1], [10, 5, 2, 1], [7, 3, 1], [5, 2], [5]])
    #expect(rs(algo) == rs(table))
  }

  @Test func r9Eta3ByHand() {
    // s_max = 2. Table: s=2: ⌊3/3⌋·9 = 9 → 9 3 1; s=1: ⌊3/2⌋·3 = 3 → 3 1; s=0: 3.
    // Algorithm: s=2: ⌈3·9/3⌉ = 9; s=1: ⌈3·3/2⌉ = 5 → 5 1; s=0: 3.
    #expect(ns(Table(maxResource: 9, eta: 3, rule: .paperTable)) == [[9, 3, 1], [3, 1], [3]])
    #expect(ns(Table(maxResource: 9, eta: 3, rule: .paperAlgorithm)) == [[9, 3, 1], [5, 1], [3]])
  }

  @Test func bracketCountIsExactWhereFloatLogsAreNot() {
    // Python: math.log(243, 3) = 4.999999999999999, math.log(1000, 10) = 2.9999999999999996.
    #expect(Table.optunaFloatBracketCount(ratio: 243, eta: 3) == 5)
    #expect(Table.bracketCount(ratio: 243, eta: 3) == 6)
    #expect(Table.optunaFloatBracketCount(ratio: 1000, eta: 10) == 3)
    #expect(Table.bracketCount(ratio: 1000, eta: 10) == 4)
    #expect(Table.bracketCount(ratio: 81, eta: 3) == 5)
    #expect(Table.bracketCount(ratio: 80, eta: 3) == 4)
    #expect(Table.bracketCount(ratio: 1, eta: 3) == 1)
    // A ratio that is not a power of η: s_max = 4 for 100 at η = 3, with r₀ = 100/81.
    let t = Table(maxResource: 100, eta: 3, rule: .paperAlgorithm)
    #expect(t.brackets.count == 5)
    #expect(abs(t.brackets[0].rows[0].r - 100.0 / 81.0) < 1e-12)
    #expect(t.brackets[0].rows.last?.r == 100)
  }
}
