import Foundation
import HPO
import OrderedCollections
import Testing

/// W&B sweep configurations read as study files (issue 24): every distribution's search space,
/// nested and dotted names, command macros, early termination, and positioned errors and
/// warnings.
@Suite struct WandbSweepTests {
  static let path = "/tmp/wandb-sweep/sweep.yaml"

  static func parse(_ yaml: String) throws -> StudySpec {
    try StudySpec.parse(yaml: yaml, path: path)
  }

  static func error(_ yaml: String) -> StudyFileError? {
    do {
      _ = try parse(yaml)
      return nil
    } catch let e as StudyFileError {
      return e
    } catch {
      Issue.record("not a StudyFileError: \(error)")
      return nil
    }
  }

  static func param(_ spec: StudySpec, _ name: String) -> Distribution? { spec.searchSpace[name]?.distribution }

  @Test func everyDistributionMapsToItsSearchSpace() throws {
    let spec = try Self.parse("""
      program: train.py
      method: random
      metric: {name: loss}
      parameters:
        const: {value: 27}
        cat: {values: [adam, sgd]}
        ints: {min: 1, max: 4}
        floats: {min: 0.0, max: 0.5}
        iu: {distribution: int_uniform, min: 2, max: 9}
        u: {distribution: uniform, min: 0, max: 1}
        qu: {distribution: q_uniform, min: 100, max: 500}
        quf: {distribution: q_uniform, min: 0, max: 1, q: 0.25}
        lu: {distribution: log_uniform, min: -11, max: -2}
        luv: {distribution: log_uniform_values, min: 1.0e-5, max: 0.1}
        qluv: {distribution: q_log_uniform_values, min: 32, max: 256, q: 8}
        qlu1: {distribution: q_log_uniform_values, min: 1, max: 64}
        ilu: {distribution: inv_log_uniform, min: 1, max: 3}
        iluv: {distribution: inv_log_uniform_values, min: 0.01, max: 0.5}
        n: {distribution: normal, mu: 1, sigma: 0.5}
        qn: {distribution: q_normal, mu: 10, sigma: 2, q: 2}
        ln: {distribution: log_normal, mu: 0, sigma: 1}
        b: {distribution: beta, a: 2, b: 5}
        b1: {distribution: beta}
      """)
    #expect(Self.param(spec, "const") == .categorical(try CategoricalDistribution(choices: [.int(27)])))
    #expect(Self.param(spec, "cat") == .categorical(try CategoricalDistribution(choices: [.string("adam"), .string("sgd")])))
    #expect(Self.param(spec, "ints") == .int(try IntDistribution(low: 1, high: 4)))
    #expect(Self.param(spec, "floats") == .float(try FloatDistribution(low: 0, high: 0.5)))
    #expect(Self.param(spec, "iu") == .int(try IntDistribution(low: 2, high: 9)))
    #expect(Self.param(spec, "u") == .float(try FloatDistribution(low: 0, high: 1)))
    #expect(Self.param(spec, "qu") == .int(try IntDistribution(low: 100, high: 500)))
    #expect(Self.param(spec, "quf") == .float(try FloatDistribution(low: 0, high: 1, step: 0.25)))
    #expect(Self.param(spec, "lu") == .float(try FloatDistribution(low: exp(-11), high: exp(-2), log: true)))
    #expect(Self.param(spec, "luv") == .float(try FloatDistribution(low: 1e-5, high: 0.1, log: true)))
    #expect(Self.param(spec, "qluv") == .int(try IntDistribution(low: 32, high: 256, step: 8)))
    #expect(Self.param(spec, "qlu1") == .int(try IntDistribution(low: 1, high: 64, log: true)))
    #expect(Self.param(spec, "ilu") == .float(try FloatDistribution(low: exp(-3), high: exp(-1), log: true)))
    #expect(Self.param(spec, "iluv") == .float(try FloatDistribution(low: 0.01, high: 0.5, log: true)))
    #expect(Self.param(spec, "n") == .float(try FloatDistribution(low: -0.5, high: 2.5)))
    #expect(Self.param(spec, "qn") == .int(try IntDistribution(low: 4, high: 16, step: 2)))
    #expect(Self.param(spec, "ln") == .float(try FloatDistribution(low: exp(-3), high: exp(3), log: true)))
    #expect(Self.param(spec, "b") == .float(try FloatDistribution(low: 0, high: 1)))
    #expect(Self.param(spec, "b1") == .float(try FloatDistribution(low: 0, high: 1)))
    // The approximations say so, where they are written; beta(1, 1) is exactly uniform.
    let warned = spec.warnings.map(\.message)
    for name in ["'qluv'", "'n'", "'qn'", "'ln'", "'b'"] {
      #expect(warned.contains { $0.contains(name) }, "no warning for \(name): \(warned)")
    }
    #expect(!warned.contains { $0.contains("'b1'") || $0.contains("'qlu1'") || $0.contains("'lu'") })
    #expect(spec.warnings.first { $0.message.contains("'n'") }?.position == SourcePosition(line: 19, column: 21))
    #expect(spec.sampler?.name == "random")
    #expect(spec.metrics == [MetricSpec(name: "loss", direction: .minimize, position: SourcePosition(line: 3, column: 16))])
  }

  @Test func logUniformWithValueLikeBoundsWarnsThatTheyAreExponents() throws {
    let spec = try Self.parse("""
      program: train.py
      method: bayes
      metric: {name: loss}
      parameters:
        lr: {distribution: log_uniform, min: 1.0e-6, max: 1.0e-3}
      """)
    let w = try #require(spec.warnings.first)
    #expect(w.description.hasPrefix("\(Self.path):5:40: warning: log_uniform takes exponents of e"))
    #expect(w.message.contains("log_uniform_values"))
    #expect(spec.sampler?.name == "auto")
  }

  @Test func nestedParametersBecomeDottedNames() throws {
    let spec = try Self.parse("""
      program: train.py
      method: grid
      metric: {name: loss, goal: maximize}
      parameters:
        batch_size: {values: [16, 32]}
        optimizer:
          parameters:
            lr: {values: [0.1, 0.01]}
            nadam:
              parameters:
                beta: {value: 0.9}
        model.depth: {values: [2, 4]}
      """)
    #expect(spec.searchSpace.names == ["batch_size", "optimizer.lr", "optimizer.nadam.beta", "model.depth"])
    #expect(spec.directions == [.maximize])
    guard case .command(let c) = spec.objective else { Issue.record("not a command"); return }
    #expect(c.wandbShim)
    // The shim rebuilds nested names as dictionaries; hydra-style dotted names stay flat.
    #expect(c.env[WandbShim.nestedVariable] == #"["optimizer", "optimizer.nadam"]"#)
    #expect(c.env[WandbShim.metricVariable] == "loss")
    #expect(c.env[WandbShim.goalVariable] == "maximize")
    #expect(Array(c.argv.dropFirst()) == [
      "train.py", "--batch_size={batch_size}", "--optimizer.lr={optimizer.lr}",
      "--optimizer.nadam.beta={optimizer.nadam.beta}", "--model.depth={model.depth}",
    ])
    #expect(["python", "python3"].contains(c.argv[0]))
    #expect(c.args == "")
  }

  @Test func commandMacrosExpandToArgvItems() throws {
    setenv("HPOTOP_WANDB_TEST_VAR", "from-env", 1)
    let spec = try Self.parse("""
      program: main.py
      method: random
      metric: {name: loss}
      parameters:
        a: {values: [1, 2]}
        model.lr: {min: 0.1, max: 0.2}
      command:
        - ${env}
        - ${interpreter}
        - ${program}
        - +experiment=base
        - ${args_no_hyphens}
        - --lr=${model.lr}
        - ${a}
        - ${args_json}
        - --file
        - ${args_json_file}
        - ${envvar:HPOTOP_WANDB_TEST_VAR}
        - hydra.run.dir=${now:%M-%S}
      """)
    guard case .command(let c) = spec.objective else { Issue.record("not a command"); return }
    #expect(Array(c.argv.dropFirst()) == [
      "main.py", "+experiment=base", "a={a}", "model.lr={model.lr}", "--lr={model.lr}", "{a}", "{params_json}", "--file",
      "{trial_dir}/params.json", "from-env", "hydra.run.dir=${now:%M-%S}",
    ])
    #expect(c.resolvedCwd == "/tmp/wandb-sweep")
    // Only that main.py is not there (nor in the test's working directory).
    #expect(spec.warnings.count == 1 && spec.warnings[0].message.contains("program 'main.py' is neither"), "\(spec.warnings)")
    // The argv a trial gets: placeholders filled, nothing appended.
    let objective = CommandObjective(argv: c.argv, argumentTemplate: c.args ?? "", trialsDirectory: "/t", metricNames: ["loss"])
    let args = objective.arguments(params: ["a": .int(2), "model.lr": .float(0.125)], trialNumber: 3, trialDir: "/t/3")
    #expect(Array(args.dropFirst()) == [
      "main.py", "+experiment=base", "a=2", "model.lr=0.125", "--lr=0.125", "2", #"{"a": 2, "model.lr": 0.125}"#, "--file",
      "/t/3/params.json", "from-env", "hydra.run.dir=${now:%M-%S}",
    ])
  }

  @Test func hyperbandMapsToTheHyperbandPruner() throws {
    func pruner(_ early: String) throws -> ComponentSpec? {
      try Self.parse("program: t.py\nmethod: random\nmetric: {name: loss}\nparameters: {x: {min: 0.0, max: 1.0}}\nearly_terminate: \(early)\n").pruner
    }
    let byMax = try #require(try pruner("{type: hyperband, s: 2, eta: 3, max_iter: 27}"))
    #expect(byMax.name == "hyperband")
    #expect(byMax.options == ["min_resource": .int(3), "max_resource": .int(27), "reduction_factor": .int(3)])
    let byMin = try #require(try pruner("{type: hyperband, min_iter: 3}"))
    #expect(byMin.options == ["min_resource": .int(3), "reduction_factor": .int(3)])
    let spec = try Self.parse("program: t.py\nmethod: grid\nrun_cap: 12\nmetric: {name: loss, target: 0.1}\nparameters: {x: {values: [1, 2]}}\nearly_terminate: {type: hyperband, min_iter: 2, eta: 2, strict: true}\nproject: p\nentity: e\n")
    #expect(spec.nTrials == 12)
    #expect(spec.pruner?.options["reduction_factor"] == .int(2))
    let warnings = spec.warnings.map(\.description)
    #expect(warnings.contains { $0.hasPrefix("\(Self.path):4:22: warning: 'target' is not honoured") }, "\(warnings)")
    #expect(warnings.contains { $0.hasPrefix("\(Self.path):6:57: warning: 'strict' is not honoured") }, "\(warnings)")
    #expect(warnings.contains { $0.hasPrefix("\(Self.path):7:1: warning: 'project' is W&B's own") }, "\(warnings)")
    #expect(warnings.contains { $0.hasPrefix("\(Self.path):8:1: warning: 'entity' is W&B's own") }, "\(warnings)")
  }

  /// Bad sweeps: one `file:line:col: error:` line each, at the offending key or value.
  @Test(arguments: [
    ("method: random\nmetric: {name: l}\nprogram: t.py\nparameters:\n  x: {distribution: gamma, min: 0, max: 1}\n", 5, 21, "unknown distribution 'gamma'"),
    ("method: random\nmetric: {name: l}\nprogram: t.py\nparameters:\n  x: {distrbution: uniform, min: 0, max: 1}\n", 5, 7, "did you mean 'distribution'"),
    ("method: custom\nprogram: t.py\nparameters:\n  x: {values: [1]}\n", 1, 9, "unknown method 'custom'"),
    ("method: grid\nprogram: t.py\nparameters:\n  x: {values: [[1, 2], [3]]}\n", 4, 16, "cannot hold a list"),
    ("method: grid\nprogram: t.py\nparameters:\n  x: {min: 5, max: 1}\n", 4, 12, "'min' (5) is above 'max' (1)"),
    ("method: grid\nprogram: t.py\nparameters:\n  x: {values: [1], min: 0}\n", 4, 20, "'min' does not apply to categorical"),
    ("method: grid\nprogram: t.py\nparameters:\n  x: {values: [1]}\ncommand:\n  - ${program}\n  - ${args_no_boolean_flags}\n", 7, 5, "${args_no_boolean_flags} is not supported"),
    ("method: grid\nprogram: t.py\nparameters:\n  x: {values: [1]}\nearly_terminate: {type: hyperband, max_iter: 27}\n", 5, 36, "needs 's'"),
    ("method: grid\nparameters:\n  x: {values: [1]}\n", 1, 1, "needs 'program'"),
    ("method: grid\nprogram: t.py\nparameters:\n  x: {values: [1]}\nmetrics: [{name: a}, {name: b}]\n", 5, 1, "'metrics' needs W&B's method 'custom'"),
    ("method: grid\nprogram: t.py\nparameters:\n  2x: {values: [1]}\n", 4, 3, "invalid parameter name '2x'"),
    ("method: grid\nprogram: t.py\nparameters:\n  x: {values: [1]}\nmethd: 3\n", 5, 1, "did you mean 'method'"),
  ])
  func badSweepsFailAtTheirPosition(_ yaml: String, _ line: Int, _ column: Int, _ message: String) throws {
    let e = try #require(Self.error(yaml), "accepted: \(yaml)")
    #expect(e.line == line && e.column == column, "\(e)")
    #expect(e.description.hasPrefix("\(Self.path):\(line):\(column): error: "), "\(e)")
    #expect(e.message.contains(message), "\(e)")
  }

  /// A file with hpotop's own keys is never taken for a sweep, even with `method` in it.
  @Test func hpotopStudyFilesAreNotSweeps() {
    let e = Self.error("name: s\nmethod: grid\nobjective: {builtin: branin}\n")
    #expect(e?.message.contains("unknown key 'method'") == true, "\(String(describing: e))")
  }
}
