import Foundation
import OrderedCollections

/// Everything a study file asks for, assembled: the study on its storage with its sampler and
/// pruner, and the objective (built-in or command). `hpotop run`, `worker` and `demo` use it.
public struct StudyLauncher: Sendable {
  public let spec: StudySpec
  public let storage: any Storage
  public let sampler: any Sampler
  public let pruner: any Pruner
  public let objective: Objective
  /// Where this study's trial folders go: `<study-file-dir>/trials/<study-key>` (absolute; see
  /// `TrialFolders`).
  public let trialsDirectory: String

  /// Checks the file's sampler, pruner and objective and prepares them; storage is given by the
  /// caller (which knows the backends). `gpuLeases` hands command trials their GPUs (see
  /// `GPUResources.leases()`).
  public init(spec: StudySpec, storage: any Storage, gpuLeases: GPULeases? = nil) throws {
    self.spec = spec
    self.storage = storage
    var sampler = try ComponentFactory.sampler(spec.sampler, directions: spec.directions, space: spec.searchSpace)
    if var auto = sampler as? AutoSampler {  // auto decides from the budget and pruner too
      auto.facts.objectives = spec.directions.count
      auto.facts.budget = spec.nTrials
      auto.facts.pruner = spec.pruner?.name
      auto.facts.stepBudget = spec.budget?.steps
      auto.facts.trialHours = spec.budget?.trialHours
      auto.facts.maxSteps = spec.pruner?.options["max_resource"]?.intValue
      sampler = auto
    }
    if var pbt = sampler as? PBTSampler, pbt.options.memberSteps == nil, let steps = spec.budget?.steps {
      pbt.options.memberSteps = max(1, steps / pbt.options.population)  // the step budget, shared by the members
      sampler = pbt
    }
    self.sampler = sampler
    if let auto = sampler as? AutoSampler, let p = spec.pruner, p.name == "hyperband",
      AutoRules.choose(auto.facts).sampler == "bohb"
    {
      // auto's BOHB comes with the pruner it won with at equal steps (issue 17), decided at the
      // start: a pruner does not change as the study grows.
      self.pruner = try ComponentFactory.bohbPruner(p)
    } else {
      self.pruner = try ComponentFactory.pruner(spec.pruner, samplerName: sampler.name)
    }
    let studyDir = (spec.path as NSString).deletingLastPathComponent
    trialsDirectory = TrialFolders.studyFolder(
      base: studyDir.isEmpty ? "." : studyDir, storageURL: storage.displayURL, studyName: spec.name)
    let space = spec.searchSpace
    switch spec.objective {
    case .builtin(let b):
      guard let builtin = BuiltinObjective.named(b.name) else {
        throw StudyFileError(path: spec.path, at: b.position, "unknown builtin '\(b.name)'")
      }
      objective = builtin.objective(options: BuiltinOptions(b.options), space: space)
    case .command(let c):
      var command = CommandObjective(
        argv: c.argv, workingDirectory: c.resolvedCwd, environment: Dictionary(uniqueKeysWithValues: c.env.map { ($0.key, $0.value) }),
        timeout: c.timeout, argumentTemplate: c.args ?? "--{name}={value}",
        trialsDirectory: trialsDirectory,
        metricNames: spec.metrics.map(\.name), constraintNames: spec.constraints.map(\.name), logLimit: c.logLimit)
      command.gpuLeases = gpuLeases
      if c.wandbShim { command.pythonPathFiles = WandbShim.files }
      let configured = command
      objective = { trial in
        let params = try await space.suggest(in: &trial)
        return try await configured.run(trial, params: params)
      }
    }
  }

  /// Opens the study (creating it on first use; its stored directions must match the file's).
  /// Named metrics are stored as Optuna's `study:metric_names`; the unnamed default (`value`) is not.
  public func openStudy() async throws -> Study {
    let study = try await Study.create(
      name: spec.name, directions: spec.directions, storage: storage, sampler: sampler, pruner: pruner,
      loadIfExists: true)
    let names = spec.metrics.map(\.name)
    if names != ["value"] { try await study.setMetricNames(names) }
    return study
  }
}
