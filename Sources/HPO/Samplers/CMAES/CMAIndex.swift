import OrderedCollections
import Synchronization

/// The last run a sampler decoded and its basis, so that the λ trials of a generation decode and
/// decompose its state once; and per study a `CMAIndex` of the finished trials, so that an ask
/// reads only the trials still running instead of every trial's attrs.
final class CMARunCache: Sendable {
  private let last = Mutex<(text: String, run: CMARun?, basis: CMAState.Basis?)?>(nil)
  private let indexes = Mutex<[Int64: CMAIndex]>([:])

  /// What CMA-ES needs from the study's trials (all but `except`): the finished head from the
  /// index (grown by the trials finished since), the rest read afresh.
  func view(_ context: SamplingContext, except: Int64?) -> CMAView {
    let trials = context.trials
    let head = indexes.withLock { byStudy in
      var index = byStudy[context.studyID] ?? CMAIndex()
      if !index.continues(trials) { index = CMAIndex() }
      index.fold(trials)
      byStudy[context.studyID] = index
      return index
    }
    var view = CMAView(head: head)
    for i in head.settled..<trials.count where trials[i].id != except { view.add(i, trials[i]) }
    return view
  }

  func run(for text: String) -> CMARun? {
    if let hit = last.withLock({ $0?.text == text ? $0 : nil }) { return hit.run }
    let run = CMARun.decode(text)
    last.withLock { $0 = (text, run, nil) }
    return run
  }

  /// Records `run` as the decoding of `text` (the JSON this process just wrote for it). JSON
  /// doubles round-trip exactly, so this is what decoding `text` would give.
  func remember(_ text: String, _ run: CMARun) {
    guard !text.isEmpty else { return }
    last.withLock { $0 = (text, run, nil) }
  }

  func basis(of run: CMARun) -> CMAState.Basis {
    if let b = last.withLock({ $0?.run == run ? $0?.basis : nil }) { return b }
    let b = run.state.basis
    last.withLock { if $0?.run == run { $0?.basis = b } }
    return b
  }
}

/// What the finished trials at the head of a study's trial list (by number) say for CMA-ES. A
/// finished trial's params, values and `cma:` attrs no longer change, so each is read once.
struct CMAIndex: Sendable {
  /// `trials[0..<settled]` are finished and folded in.
  var settled = 0
  var lastID: Int64?
  var complete = 0
  /// The intersection search space of the complete trials (nil before the first).
  var intersection: OrderedDictionary<String, Distribution>?
  /// The position of the trial holding the highest generation's state (the lowest number on a tie).
  var latest: (generation: Int, position: Int)?
  /// Per generation: the positions of its complete single-value trials, and how many trials
  /// claimed an individual number.
  var members: [Int: [Int]] = [:]
  var claimed: [Int: Int] = [:]

  /// Whether `trials` starts with the trials folded so far (else the index is rebuilt).
  func continues(_ trials: [FrozenTrial]) -> Bool {
    settled == 0 || (trials.count >= settled && trials[settled - 1].id == lastID)
  }

  /// Folds in the finished trials that follow the head.
  mutating func fold(_ trials: [FrozenTrial]) {
    while settled < trials.count, trials[settled].state.isFinished {
      add(settled, trials[settled])
      lastID = trials[settled].id
      settled += 1
    }
  }

  /// Records trial `t` at position `i` (positions ascend from call to call).
  mutating func add(_ i: Int, _ t: FrozenTrial) {
    if t.state == .complete {
      complete += 1
      if let current = intersection {
        if t.distributions != current { intersection = current.filter { t.distributions[$0.key] == $0.value } }
      } else {
        intersection = t.distributions
      }
    }
    guard let g = t.systemAttrs[CMAKey.generation.rawValue]?.intValue else { return }
    if case .string? = t.systemAttrs[CMAKey.state.rawValue], latest == nil || g > latest!.generation { latest = (g, i) }
    if t.systemAttrs[CMAKey.individual.rawValue] != nil { claimed[g, default: 0] += 1 }
    if t.state == .complete, t.values?.count == 1 { members[g, default: []].append(i) }
  }
}

/// The index's head plus the trials after it, for one ask.
struct CMAView {
  private var index: CMAIndex
  /// Complete trials.
  var complete: Int { index.complete }
  /// The params CMA-ES samples.
  var space: OrderedDictionary<String, Distribution> { CMAESSampler.sampledSpace(index.intersection ?? [:]) }

  init(head: CMAIndex) { index = head }

  mutating func add(_ i: Int, _ t: FrozenTrial) { index.add(i, t) }

  /// The JSON of the newest run state.
  func latestState(in trials: [FrozenTrial]) -> String? {
    guard let p = index.latest?.position, case .string(let text)? = trials[p].systemAttrs[CMAKey.state.rawValue] else { return nil }
    return text
  }

  /// The first `limit` complete trials of generation `g`, by number.
  func members(of g: Int, in trials: [FrozenTrial], limit: Int) -> [FrozenTrial] {
    (index.members[g] ?? []).prefix(limit).map { trials[$0] }
  }

  /// How many trials claimed an individual number in generation `g`.
  func claimed(in g: Int) -> Int { index.claimed[g] ?? 0 }
}
