import Foundation
import HPO
import HPOSQLite
import HPOTesting
import Testing

/// Trial notes and metric names on one SQLite file, written by hpotop and read by Python
/// (optuna-dashboard's `get_note`, Optuna's `metric_names`), and the other way round.
@Suite(.enabled(if: PythonOptuna.shouldRun, "needs Python with optuna 5.0 (see PythonOptuna)"))
struct NotesAndMetricNamesInteropTests {
  static let prelude = """
    import sys, warnings
    warnings.simplefilter("ignore")
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    from optuna_dashboard import get_note, save_note
    study = optuna.load_study(study_name="s", storage="sqlite:///" + sys.argv[1])
    def trial(n):
        return optuna.trial.Trial(study, study.trials[n]._trial_id)

    """

  func python(_ db: String, _ body: String) throws -> String {
    try PythonPeer.run(["-c", Self.prelude + body, db])
  }

  /// A study with two finished trials, made by hpotop.
  func makeStudy(_ db: String) async throws -> (SQLiteStorage, Study) {
    let storage = try SQLiteStorage(path: db)
    let study = try await Study.create(name: "s", directions: [.minimize], storage: storage, sampler: RandomSampler(seed: 1))
    try await study.optimize(limits: OptimizeLimits(nTrials: 2)) { trial in [try await trial.suggestFloat("x", 0, 1)] }
    return (storage, study)
  }

  @Test func notesHpotopWritesAreOptunaDashboardsNotes() async throws {
    try PythonPeer.require(importing: ["optuna_dashboard"])
    let dir = try TempDir()
    let (storage, study) = try await makeStudy(dir.file("n.db"))
    let trials = try await study.trials()
    // Longer than two of optuna-dashboard's 2045-character chunks, with characters outside ASCII
    // (Python counts code points) and newlines.
    let long = String(repeating: "épreuve λ=0.1 — ok 🚀\n", count: 230)
    try await TrialNote.save(long, trialID: trials[1].id, study: study.id, storage: storage)
    try await TrialNote.save("short one", trialID: trials[0].id, study: study.id, storage: storage)
    let read = try python(dir.file("n.db"), """
      import json
      print(json.dumps([get_note(trial(0)), get_note(trial(1))]))
      """)
    let notes = try JSONDecoder().decode([String].self, from: Data(read.utf8))
    #expect(notes == ["short one", long])
    // A shorter note after a long one: the stale chunks are emptied, as optuna-dashboard does.
    try await TrialNote.save("now short", trialID: trials[1].id, study: study.id, storage: storage)
    let again = try python(dir.file("n.db"), "print(get_note(trial(1)), end='')")
    #expect(again == "now short")
    let attrs = try await storage.studySystemAttrs(study: study.id)
    #expect(attrs["dashboard:\(trials[1].id):note_ver"] == .int(2))
  }

  @Test func notesOptunaDashboardWritesShowInHpotop() async throws {
    try PythonPeer.require(importing: ["optuna_dashboard"])
    let dir = try TempDir()
    let (storage, study) = try await makeStudy(dir.file("n.db"))
    _ = try python(dir.file("n.db"), """
      save_note(trial(0), "## from Python\\n" + "x" * 5000 + " ü")
      save_note(trial(1), "first")
      save_note(trial(1), "second")
      """)
    let trials = try await study.trials()
    let attrs = try await storage.studySystemAttrs(study: study.id)
    #expect(TrialNote.read(attrs, trialID: trials[0].id) == "## from Python\n" + String(repeating: "x", count: 5000) + " ü")
    #expect(TrialNote.read(attrs, trialID: trials[1].id) == "second")
    #expect(TrialNote.version(attrs, trialID: trials[1].id) == 2)
    // hpotop saves the next version; Python reads it.
    try await TrialNote.save("third, from hpotop", trialID: trials[1].id, study: study.id, storage: storage)
    let read = try python(dir.file("n.db"), "print(get_note(trial(1)), end='')")
    #expect(read == "third, from hpotop")
  }

  @Test func metricNamesOfAStudyFileAreOptunasMetricNames() async throws {
    try PythonPeer.require()
    let dir = try TempDir()
    let file = dir.file("study.yaml")
    try """
      name: s
      metric: {name: val_loss, direction: minimize}
      objective: {builtin: branin}
      n_trials: 2
      """.write(toFile: file, atomically: true, encoding: .utf8)
    let spec = try StudySpec.load(path: file)
    let storage = try SQLiteStorage(path: dir.file("m.db"))
    let launcher = try StudyLauncher(spec: spec, storage: storage)
    let study = try await launcher.openStudy()
    try await study.optimize(limits: OptimizeLimits(nTrials: 2), objective: launcher.objective)
    // Opening again (a resume, a second worker) writes nothing new and keeps the names.
    _ = try await launcher.openStudy()
    let names = try python(dir.file("m.db"), "print(study.metric_names)")
    #expect(names.trimmingCharacters(in: .whitespacesAndNewlines) == "['val_loss']")
    #expect(try await study.metricNames() == ["val_loss"])
    // The rows `hpotop trials` prints key the value by name, as `optuna trials` does.
    let rows = TrialRecords.trials(try await study.trials(), directions: study.directions, metricNames: ["val_loss"])
    #expect(rows.rows.first?["value"]?.objectValue?.keys.elements == ["val_loss"])
    let flat = TrialRecords.trials(try await study.trials(), directions: study.directions, flatten: true, metricNames: ["val_loss"])
    #expect(flat.columns.contains("value_val_loss") && !flat.columns.contains("value"))
  }

  @Test func metricNamesPythonSetAreRead() async throws {
    try PythonPeer.require()
    let dir = try TempDir()
    let (_, study) = try await makeStudy(dir.file("m.db"))
    #expect(try await study.metricNames() == nil)
    _ = try python(dir.file("m.db"), "study.set_metric_names(['accuracy'])")
    #expect(try await study.metricNames() == ["accuracy"])
  }
}
