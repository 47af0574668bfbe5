import Foundation
import HPO
import HPOSQLite
import OrderedCollections
import Testing

/// W&B sweep files through the real binary (issue 24): public sweep configurations load and
/// `check -f json` shows their search spaces; a script written for `wandb.agent` runs unchanged
/// and offline against hpotop's `wandb` module; command macros reach the program.
@Suite struct WandbSweepEndToEndTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/wandb-sweeps").path

  /// `hpotop check -f json FILE` on a copy of a fixture: the parsed JSON and stderr.
  static func check(_ fixture: String) async throws -> (JSONValue, String) {
    let dir = try Binary.temporaryDirectory("wandb-check")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.copyItem(atPath: fixtures + "/" + fixture, toPath: dir + "/" + fixture)
    // The script the sweep names, beside it (trials would run it; check only looks for it).
    let text = try String(contentsOfFile: dir + "/" + fixture, encoding: .utf8)
    if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("program:") }) {
      let program = line.dropFirst("program:".count).trimmingCharacters(in: .whitespaces)
      FileManager.default.createFile(atPath: dir + "/" + program, contents: Data())
    }
    let r = try await Binary.run(["check", "-f", "json", fixture], in: dir)
    #expect(r.status == 0, "\(fixture): \(r.stderr)")
    return (try JSONValue(parsing: r.stdout), r.stderr)
  }

  static func distribution(_ json: JSONValue, _ name: String) throws -> Distribution {
    try Distribution(json: try #require(json["params"]?[name], "no param \(name) in \(json.pythonJSON)"))
  }

  static func categorical(_ values: [ParamValue]) throws -> Distribution {
    .categorical(try CategoricalDistribution(choices: values))
  }

  static func argv(_ json: JSONValue) -> [String] {
    (json["objective"]?["command"]?.arrayValue ?? []).compactMap(\.stringValue)
  }

  @Test func kerasBayesHyperband() async throws {
    let (j, _) = try await Self.check("keras-sweep-bayes-hyperband.yaml")
    #expect(j["directions"] == .array([.string("minimize")]))
    #expect(j["metric_names"] == .array([.string("val_loss")]))
    #expect(j["sampler"]?["name"] == .string("auto"))
    #expect(j["pruner"] == .object([
      "name": .string("hyperband"), "min_resource": .int(3), "max_resource": .int(27), "reduction_factor": .int(3),
    ]))
    #expect(try Self.distribution(j, "dropout") == Self.categorical([.float(0.15), .float(0.2), .float(0.25), .float(0.3), .float(0.4)]))
    #expect(try Self.distribution(j, "decay") == Self.categorical([.float(1e-5), .float(1e-6), .float(1e-7)]))
    #expect(try Self.distribution(j, "layer_1_size") == Self.categorical([10, 12, 14, 16, 18, 20].map { .int($0) }))
    #expect(j["constants"] == .object(["epochs": .int(27)]))
    #expect(Array(Self.argv(j).dropFirst()) == ["train.py"] + [
      "dropout", "hidden_layer_size", "layer_1_size", "layer_2_size", "learn_rate", "decay", "momentum", "epochs",
    ].map { "--\($0)={\($0)}" })
    #expect(j["objective"]?["wandb_shim"] == .bool(true))
    #expect(j["findings"] == .array([]))
  }

  @Test func pytorchGridHyperband() async throws {
    let (j, _) = try await Self.check("pytorch-sweep-grid-hyperband.yaml")
    #expect(j["sampler"]?["name"] == .string("grid"))
    #expect(j["pruner"]?["name"] == .string("hyperband"))
    #expect(try Self.distribution(j, "learning_rate") == Self.categorical([.float(0.001), .float(0.005), .float(0.0005)]))
    #expect(j["constants"] == .object(["epochs": .int(27)]))
  }

  @Test func booleansWithoutAMetric() async throws {
    let (j, stderr) = try await Self.check("sweep-bool.yaml")
    #expect(try Self.distribution(j, "flag1") == Self.categorical([.bool(false), .bool(true)]))
    #expect(try Self.distribution(j, "optimizer") == Self.categorical([.string("sgd"), .string("adam")]))
    #expect(j["metric_names"] == .array([.string("value")]))
    #expect(stderr.contains("sweep-bool.yaml:3:1: warning: no 'metric'"), "\(stderr)")
  }

  @Test func fastaiConstantsBooleansAndLogUniformExponents() async throws {
    let (j, stderr) = try await Self.check("fastai-simpsons-sweep.yaml")
    #expect(j["directions"] == .array([.string("maximize")]))
    #expect(try Self.distribution(j, "learning_rate") == .float(try FloatDistribution(low: exp(-11), high: exp(-2), log: true)))
    #expect(try Self.distribution(j, "dropout") == .float(try FloatDistribution(low: 0, high: 1)))
    #expect(try Self.distribution(j, "one_cycle") == Self.categorical([.bool(true), .bool(false)]))
    #expect(j["constants"] == .object(["epochs": .int(20)]))
    #expect(stderr.isEmpty, "\(stderr)")
  }

  @Test func hydraDottedNamesWithArgsNoHyphens() async throws {
    let (j, _) = try await Self.check("hydra-wandb-sweep.yaml")
    #expect(try Self.distribution(j, "optimizer.config.learning_rate") == .float(try FloatDistribution(low: 1e-5, high: 0.1)))
    #expect(Array(Self.argv(j).dropFirst()) == [
      "main.py", "optimizer.config.learning_rate={optimizer.config.learning_rate}", "experiment={experiment}",
      "optimizer={optimizer}",
    ])
    let (m, _) = try await Self.check("hydra-sweep-mnist.yaml")
    #expect(m["metric_names"] == .array([.string("test/accuracy")]))
    #expect(m["constants"] == .object(["dataset": .string("mnist")]))
    #expect(Array(Self.argv(m).dropFirst()) == [
      "main.py", "model.num_groups={model.num_groups}", "dataset={dataset}", "dataset.train_batch={dataset.train_batch}",
      "normalization={normalization}", "+num_gpus=1",
    ])
  }

  /// A sweep kept in `configs/` naming a script at the repository root, checked from the root
  /// as `wandb agent` would run it: trials run in the root, with a warning that says so.
  @Test func programBesideTheStartingFolder() async throws {
    let dir = try Binary.temporaryDirectory("wandb-root")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.createDirectory(atPath: dir + "/configs", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: Self.fixtures + "/allennlp-nli-lstm.yaml", toPath: dir + "/configs/sweep.yaml")
    FileManager.default.createFile(atPath: dir + "/run.py", contents: Data())
    let r = try await Binary.run(["check", "-f", "json", "configs/sweep.yaml"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let j = try JSONValue(parsing: r.stdout)
    let root = URL(fileURLWithPath: dir).resolvingSymlinksInPath().path
    #expect(j["objective"]?["cwd"]?.stringValue.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path } == root)
    #expect(r.stderr.hasPrefix("configs/sweep.yaml:4:10: warning: program 'run.py' is not beside the sweep file"), "\(r.stderr)")
    let missing = try await Binary.run(["check", "sweep.yaml"], in: dir + "/configs")
    #expect(missing.status == 0)
    #expect(missing.stderr.contains("warning: program 'run.py' is neither beside the sweep file nor in"), "\(missing.stderr)")
  }

  @Test func allennlpQuantizedAndConstants() async throws {
    let (j, _) = try await Self.check("allennlp-nli-lstm.yaml")
    #expect(j["name"] == .string("nli_lstm"))
    #expect(try Self.distribution(j, "overrides.model.input_size") == .int(try IntDistribution(low: 100, high: 500)))
    #expect(try Self.distribution(j, "overrides.trainer.optimizer.lr") == .float(try FloatDistribution(low: exp(-7), high: 1, log: true)))
    #expect(j["constants"] == .object([
      "overrides.model.bidirectional": .string("true"), "overrides.model.type": .string("nli-lstm"),
      "local_config_file": .string("configs/lstm_nli.jsonnet"), "subcommand": .string("train"),
    ]))
  }

  @Test func docsRandomAndCrossValidation() async throws {
    let (j, stderr) = try await Self.check("wandb-docs-random.yaml")
    #expect(j["sampler"]?["name"] == .string("random"))
    #expect(try Self.distribution(j, "batch_size") == .int(try IntDistribution(low: 32, high: 256, step: 8)))
    #expect(try Self.distribution(j, "learning_rate") == .float(try FloatDistribution(low: 0, high: 0.1)))
    #expect(stderr.contains("wandb-docs-random.yaml:10:19: warning: parameter 'batch_size': Optuna has no log scale with a step"), "\(stderr)")
    let (c, _) = try await Self.check("cross-validation.yaml")
    #expect(try Self.distribution(c, "batch_size") == .int(try IntDistribution(low: 32, high: 128)))
    #expect(c["constants"] == .object(["epochs": .int(200)]))
    #expect(c["directions"] == .array([.string("maximize")]))
  }

  /// The keras sweep (bayes + hyperband) runs a script written for `wandb.agent` unchanged, with
  /// no wandb package: each trial's value is its summary (define_metric summary=min), each epoch's
  /// wandb.log an intermediate value, and a missing attribute (`wandb.alert`) warns once.
  @Test func agentScriptRunsUnchangedOffline() async throws {
    let dir = try Binary.temporaryDirectory("wandb-run")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.copyItem(atPath: Self.fixtures + "/keras-sweep-bayes-hyperband.yaml", toPath: dir + "/sweep.yaml")
    try FileManager.default.copyItem(atPath: Self.fixtures + "/train_for_agent.py", toPath: dir + "/train.py")
    let python = try await Self.pythonHasWandb(in: dir)
    if python { print("note: a wandb package is installed here; hpotop's module still comes first on PYTHONPATH") }

    let r = try await Binary.run(["run", "--no-tui", "--n-trials", "8", "sweep.yaml"], in: dir)
    #expect(r.status == 0, "\(r.stderr.suffix(800))")
    let trials = try await Study.load(name: "sweep", storage: try SQLiteStorage(path: dir + "/sweep.db")).trials()
    #expect(trials.count == 8)
    #expect(trials.allSatisfy { $0.state == .complete || $0.state == .pruned }, "\(trials.map { ($0.state, $0.systemAttrs) })")
    let complete = trials.filter { $0.state == .complete }
    #expect(!complete.isEmpty)
    for t in complete {
      let p = t.params
      let lr = try #require(p["learn_rate"]?.doubleValue), dropout = try #require(p["dropout"]?.doubleValue)
      let l1 = try #require(p["layer_1_size"]?.doubleValue), momentum = try #require(p["momentum"]?.doubleValue)
      let base = pow(log10(lr) + 2, 2) + dropout + abs(l1 - 16) / 100 + abs(momentum - 0.9)
      let value = try #require(t.value)
      // The summary's min (epoch 25), not the last logged value (epoch 26 overfits).
      #expect(abs(value - (base + 1.0 / 26)) < 1e-9, "trial \(t.number): \(value) vs \(base + 1.0 / 26)")
      #expect(t.intermediateValues.count == 27)
      #expect(t.intermediateValues.values.min() == value)
      #expect(abs((t.intermediateValues[26] ?? 0) - (base + 1.0 / 27 + 0.25)) < 1e-9)
      #expect(t.userAttrs["summary.hidden_layer_size"] == p["hidden_layer_size"]?.json)
      #expect(t.userAttrs["summary.epoch"] == .int(26))
    }
    for t in trials where t.state == .pruned {
      #expect(t.intermediateValues.count <= 27 && !t.intermediateValues.isEmpty)
    }
    let folder = try #require(complete.first?.systemAttrs[HpotopKey.trialDirectory.rawValue]?.stringValue)
    let stderr = try String(contentsOfFile: folder + "/stderr.log", encoding: .utf8)
    // The trial imported hpotop's module (the real one has `alert`), which warned once.
    #expect(stderr == "hpotop wandb: wandb.alert is not available offline; it does nothing\n", "\(stderr)")
    #expect(FileManager.default.fileExists(atPath: folder + "/python/wandb/__init__.py"))
  }

  static func pythonHasWandb(in dir: String) async throws -> Bool {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", "import wandb"]
    p.currentDirectoryURL = URL(fileURLWithPath: dir)
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return p.terminationStatus == 0
  }

  /// `${args}`, `${args_no_hyphens}`, `${args_json}`, `${args_json_file}` and a param inside an
  /// item reach the program as W&B passes them; `wandb.config` equals the JSON file, nested
  /// parameters are dictionaries, and the script's own config cannot override the sweep's.
  @Test func commandMacrosReachTheProgram() async throws {
    let dir = try Binary.temporaryDirectory("wandb-macros")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try """
      program: echo_args.py
      method: grid
      metric: {name: score, goal: maximize}
      parameters:
        flag: {values: [true, false]}
        model.depth: {value: 3}
        optimizer:
          parameters:
            lr: {value: 0.5}
      command:
        - ${env}
        - ${interpreter}
        - ${program}
        - ${args}
        - ${args_no_hyphens}
        - --depth=${model.depth}
        - ${args_json}
        - ${args_json_file}
      """.write(toFile: dir + "/sweep.yaml", atomically: true, encoding: .utf8)
    try """
      import json, sys
      import wandb
      run = wandb.init(config={"optimizer": {"manual": 1}, "extra": 5})
      from_file = json.load(open(sys.argv[-1]))
      nested_ok = wandb.config.optimizer == {"lr": 0.5} and wandb.config["model.depth"] == 3 and run.config.extra == 5
      flat = {"flag": wandb.config.flag, "model.depth": wandb.config["model.depth"], "optimizer.lr": wandb.config.optimizer["lr"]}
      wandb.log({"score": 1.0 if nested_ok and from_file == flat else 0.0})
      run.summary["argv"] = json.dumps(sys.argv[1:])
      """.write(toFile: dir + "/echo_args.py", atomically: true, encoding: .utf8)
    let r = try await Binary.run(["run", "--no-tui", "sweep.yaml"], in: dir)
    #expect(r.status == 0, "\(r.stderr.suffix(800))")
    let trials = try await Study.load(name: "sweep", storage: try SQLiteStorage(path: dir + "/sweep.db")).trials()
    #expect(trials.count == 2, "the grid has two points")
    for t in trials {
      #expect(t.state == .complete && t.value == 1, "trial \(t.number): \(t.state) \(String(describing: t.value)) \(t.systemAttrs)")
      let flag = t.params["flag"] == .bool(true) ? "True" : "False"
      let argvText = try #require(t.userAttrs["summary.argv"]?.stringValue)
      let argv = try #require(try JSONValue(parsing: argvText).arrayValue).compactMap(\.stringValue)
      let folder = try #require(t.systemAttrs[HpotopKey.trialDirectory.rawValue]?.stringValue)
      #expect(argv == [
        "--flag=\(flag)", "--model.depth=3", "--optimizer.lr=0.5", "flag=\(flag)", "model.depth=3", "optimizer.lr=0.5",
        "--depth=3", #"{"flag": \#(flag.lowercased()), "model.depth": 3, "optimizer.lr": 0.5}"#, folder + "/params.json",
      ])
    }
  }

  /// hpotop's own study files print the same normalised form: conditions, seeds, options, the
  /// built-in objective, and the params `hpotop ask --search-space` takes.
  @Test func ownStudyFileNormalised() async throws {
    let dir = try Binary.temporaryDirectory("check-own")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let demos = URL(fileURLWithPath: Self.fixtures).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("demos/simulated-training.yaml").path
    try FileManager.default.copyItem(atPath: demos, toPath: dir + "/study.yaml")
    let r = try await Binary.run(["check", "-f", "json", "study.yaml"], in: dir)
    #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
    let j = try JSONValue(parsing: r.stdout)
    #expect(j["format"] == .string("hpotop"))
    #expect(j["metric_names"] == .array([.string("val_loss")]))
    #expect(j["sampler"] == .object(["name": .string("tpe"), "seed": .int(1)]))
    #expect(j["pruner"]?["max_resource"] == .int(27))
    #expect(j["objective"]?["builtin"] == .string("simulated_training"))
    #expect(j["conditions"] == .object(["momentum": .object(["optimizer": .array([.string("sgd")])])]))
    #expect(j["n_trials"] == .int(60) && j["parallelism"] == .int(4) && j["timeout"] == .double(1800))
    #expect(try Self.distribution(j, "width") == .int(try IntDistribution(low: 16, high: 1024, log: true)))
    // The params are what `ask --search-space` reads.
    let db = "sqlite:///" + dir + "/ask.db"
    let create = try await Binary.run(["create-study", "--storage", db, "--study-name", "s"], in: dir)
    #expect(create.status == 0, "\(create.stderr)")
    let ask = try await Binary.run(
      ["ask", "--storage", db, "--study-name", "s", "-f", "json", "--search-space", try #require(j["params"]).pythonJSON], in: dir)
    #expect(ask.status == 0, "\(ask.stderr)")
    let asked = try JSONValue(parsing: ask.stdout)
    #expect(asked["params"]?.objectValue?.keys.contains("width") == true, "\(ask.stdout)")
    let text = try await Binary.run(["check", "study.yaml"], in: dir)
    #expect(text.stdout.hasPrefix("study.yaml: ok: study 'simulated-training', 7 param(s), sampler tpe, builtin simulated_training\n"))
    #expect(text.stdout.contains("    momentum    float [0.0, 0.99]  when optimizer in ['sgd']"), "\(text.stdout)")
  }

  /// A sweep hpotop cannot read fails with a positioned error and exit 2, before any trial.
  @Test func badSweepExitsTwoWithItsPosition() async throws {
    let dir = try Binary.temporaryDirectory("wandb-bad")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try "program: t.py\nmethod: random\nmetric: {name: loss}\nparameters:\n  x: {distribution: gamma, min: 0, max: 1}\n"
      .write(toFile: dir + "/sweep.yaml", atomically: true, encoding: .utf8)
    for command in [["check", "sweep.yaml"], ["run", "--no-tui", "sweep.yaml"], ["worker", "sweep.yaml"]] {
      let r = try await Binary.run(command, in: dir)
      #expect(r.status == 2, "\(command): \(r.stderr)")
      #expect(r.stderr.hasPrefix("sweep.yaml:5:21: error: unknown distribution 'gamma'"), "\(command): \(r.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: dir + "/sweep.db"))
  }
}
