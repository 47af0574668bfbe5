import Foundation
import HPO
import OrderedCollections
import Synchronization

/// One thing the linter found in a study: a stable id (`range-bound`), how much it matters, a
/// one-line message saying what it saw, and a one-line fix.
public struct LintFinding: Sendable, Hashable {
  /// How much a finding matters.
  public enum Severity: String, Sendable, Hashable {
    /// Likely wastes trials or picks a wrong winner.
    case warning
    /// Worth a look; the study may be fine.
    case hint
  }

  public var id: String
  public var severity: Severity
  public var message: String
  public var fix: String

  public init(id: String, severity: Severity, message: String, fix: String) {
    self.id = id
    self.severity = severity
    // One line each, whatever a rule put together.
    self.message = Self.oneLine(message)
    self.fix = Self.oneLine(fix)
  }

  /// `{"id", "severity", "message", "fix"}`.
  public var json: JSONValue {
    .object([
      "id": .string(id), "severity": .string(severity.rawValue), "message": .string(message), "fix": .string(fix),
    ])
  }

  static func oneLine(_ s: String) -> String {
    s.split(whereSeparator: \.isNewline).joined(separator: " ")
  }
}

/// What a rule looks at: the study file (when there is one: `hpotop check`), the study's trials
/// and its study system attrs. Rules that need the file return nothing without it, so the same
/// rules run on a storage alone (the dashboard's hint).
public struct LintContext: Sendable {
  public var spec: StudySpec?
  /// Every trial, by number.
  public var trials: [FrozenTrial]
  public var directions: [StudyDirection]
  public var studyAttrs: OrderedDictionary<String, JSONValue>

  public init(
    spec: StudySpec?, trials: [FrozenTrial], directions: [StudyDirection]? = nil,
    studyAttrs: OrderedDictionary<String, JSONValue> = [:]
  ) {
    self.spec = spec
    self.trials = trials
    self.directions = directions ?? spec?.directions ?? [.minimize]
    self.studyAttrs = studyAttrs
  }

  /// COMPLETE trials with a finite first value.
  public var complete: [FrozenTrial] {
    trials.filter { $0.state == .complete && ($0.value?.isFinite ?? false) }
  }

  /// Each param's distribution: the study file's where it declares the param, else the one
  /// the newest trial holding it used. In the file's order, then first-seen order.
  public var distributions: OrderedDictionary<String, Distribution> {
    var out = OrderedDictionary<String, Distribution>()
    for p in spec?.searchSpace.params ?? [] { out[p.name] = p.distribution }
    for t in trials.reversed() { for (k, d) in t.distributions where out[k] == nil { out[k] = d } }
    return out
  }

  /// The sampler the study runs: the file's, or the default.
  public var samplerName: String? {
    guard let spec else { return nil }
    return spec.sampler?.name ?? ComponentFactory.defaultSamplerName
  }

  /// The COMPLETE trials, best first (single objective).
  public var ranked: [FrozenTrial] {
    guard directions.count == 1, let d = directions.first else { return [] }
    return complete.sorted { a, b in
      let x = a.value ?? 0, y = b.value ?? 0
      return x == y ? a.number < b.number : d.isBetter(x, than: y)
    }
  }
}

/// A check the linter runs: an id (the findings' id, or their prefix), what it looks for (the
/// docs list), and the check itself.
public struct LintRule: Sendable {
  public let id: String
  public let summary: String
  public let check: @Sendable (LintContext) -> [LintFinding]

  public init(id: String, summary: String, check: @escaping @Sendable (LintContext) -> [LintFinding]) {
    self.id = id
    self.summary = summary
    self.check = check
  }
}

/// The rules `hpotop check` runs. A rule is one `LintRule` (see `LintRule.gridOverContinuous`)
/// and one line in `builtin`; code outside HPOAnalysis calls `register` instead.
public enum LintRegistry {
  public static let builtin: [LintRule] = [
    .gridOverContinuous, .gridOverBudget, .spaceUnderBudget, .startupTrials, .rangeBound, .unimportantParam, .noPruner,
    .timeoutShort, .seedSpread, .gpuOutOfMemory,
  ]

  private static let registered = Mutex<[LintRule]>([])

  public static var all: [LintRule] { builtin + registered.withLock { $0 } }

  /// Adds a rule for the rest of the process; false (nothing added) when its id is taken.
  @discardableResult
  public static func register(_ rule: LintRule) -> Bool {
    registered.withLock { extra in
      guard !(builtin + extra).contains(where: { $0.id == rule.id }) else { return false }
      extra.append(rule)
      return true
    }
  }
}

/// Runs lint rules on a study.
public enum Linter {
  /// Every finding of `rules`, in rule order.
  public static func run(_ context: LintContext, rules: [LintRule] = LintRegistry.all) -> [LintFinding] {
    rules.flatMap { $0.check(context) }
  }
}
