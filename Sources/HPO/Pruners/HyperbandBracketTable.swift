/// The brackets of Hyperband for a maximum resource `R` (in units of the minimum resource) and a
/// reduction factor `η` (Li et al., "Hyperband: A Novel Bandit-Based Approach to Hyperparameter
/// Optimization", JMLR 18, 2018, arXiv:1603.06560, §3.3).
///
/// The paper's Table 1 and its Algorithm 1 disagree (for R = 81, η = 3 the table starts bracket
/// s = 3 with 27 configurations, the pseudocode with 34), so both rules are offered:
/// - `.paperTable`: `n₀ = ⌊(s_max+1)/(s+1)⌋·η^s`, `nᵢ = max(⌊n₀·η^−i⌋, 1)`, as HpBandSter
///   (`optimizers/bohb.py`), DEHB and NePS compute it; reproduces Table 1.
/// - `.paperAlgorithm`: `n = ⌈(s_max+1)·η^s/(s+1)⌉`, `nᵢ = ⌊n·η^−i⌋`, Algorithm 1 as written
///   (SMAC3, NNI); its first-rung counts are Optuna's bracket weights [81, 34, 15, 8, 5].
///
/// In both, `rᵢ = R·η^(i−s)` and `s_max = ⌊log_η R⌋`, computed exactly (see `bracketCount`).
public struct HyperbandBracketTable: Sendable, Hashable {
  /// Which formula gives the number of configurations per rung.
  public enum Rule: String, Sendable, Hashable, CaseIterable {
    case paperTable = "paper-table"
    case paperAlgorithm = "paper-algorithm"
  }

  /// One successive-halving round: `n` configurations run with resource `r` each.
  public struct Row: Sendable, Hashable {
    public let n: Int
    public let r: Double
  }

  /// One bracket: `s` is the paper's index (s = s_max is the most aggressive bracket).
  public struct Bracket: Sendable, Hashable {
    public let s: Int
    public let rows: [Row]
    /// The number of configurations the bracket starts (its weight in Hyperband's rotation).
    public var n: Int { rows.first?.n ?? 0 }
    /// Σ nᵢ·rᵢ, in units of the minimum resource.
    public var resourceUsed: Double { rows.reduce(0) { $0 + Double($1.n) * $1.r } }
  }

  public let maxResource: Double
  public let eta: Int
  public let rule: Rule
  /// Brackets from s = s_max down to s = 0 (the paper's loop order; Optuna's bracket id b is
  /// the index here, and runs as successive halving with `min_early_stopping_rate = b`).
  public let brackets: [Bracket]

  /// The table for `R = maxResource / minResource`.
  public init(maxResource: Double, eta: Int, rule: Rule) {
    self.maxResource = maxResource
    self.eta = eta
    self.rule = rule
    let count = Self.bracketCount(ratio: maxResource, eta: eta)
    let sMax = count - 1
    var out: [Bracket] = []
    for s in stride(from: sMax, through: 0, by: -1) {
      let etaS = Self.power(eta, s)
      var rows: [Row] = []
      let n0: Int
      switch rule {
      case .paperTable: n0 = ((sMax + 1) / (s + 1)) * etaS
      case .paperAlgorithm: n0 = ((sMax + 1) * etaS + s) / (s + 1)  // integer ceil
      }
      for i in 0...s {
        let etaI = Self.power(eta, i)
        let n = rule == .paperTable ? max(n0 / etaI, 1) : n0 / etaI
        let r = maxResource * Double(etaI) / Double(etaS)
        rows.append(Row(n: n, r: r))
      }
      out.append(Bracket(s: s, rows: rows))
    }
    brackets = out
  }

  /// The bracket weights for a rule: each bracket's first-rung count, by bracket id.
  public var allocationBudgets: [Int] { brackets.map(\.n) }

  /// `⌊log_η(ratio)⌋ + 1`, computed without floating-point logarithms: the largest k with
  /// η^k ≤ ratio, plus one. Optuna's `math.log(243, 3)` gives 4.999… and so one bracket less for
  /// R = 243 (and `log(1000, 10)` for R = 1000); hpotop counts exactly (see docs/bohb.md).
  public static func bracketCount(ratio: Double, eta: Int) -> Int {
    guard ratio >= 1, eta >= 2 else { return 1 }
    var k = 0
    var p = 1.0
    // Powers of an integer η are exact in Double up to 2^53, far beyond any resource ratio.
    while p * Double(eta) <= ratio * (1 + 1e-12) {
      p *= Double(eta)
      k += 1
    }
    return k + 1
  }

  /// Optuna's float computation of the bracket count, `floor(log(ratio, η)) + 1`, for comparison.
  public static func optunaFloatBracketCount(ratio: Double, eta: Int) -> Int {
    Int((_log(ratio) / _log(Double(eta))).rounded(.down)) + 1
  }

  static func power(_ base: Int, _ exp: Int) -> Int {
    var p = 1
    for _ in 0..<max(exp, 0) { p *= base }
    return p
  }
}
