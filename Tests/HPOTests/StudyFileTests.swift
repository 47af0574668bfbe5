import Foundation
import HPO
import OrderedCollections
import Testing

/// Parses `yaml` and returns the error it must raise.
private func parseError(_ yaml: String, path: String = "/tmp/s/study.yaml") -> StudyFileError? {
  do {
    _ = try StudySpec.parse(yaml: yaml, path: path)
    return nil
  } catch let e as StudyFileError {
    return e
  } catch {
    Issue.record("not a StudyFileError: \(error)")
    return nil
  }
}

private let objective = "objective: {builtin: branin}\n"

@Suite struct StudyFileTests {
  /// One malformed file: the YAML, the expected line:col, and a substring of the message.
  struct Bad: CustomTestStringConvertible, Sendable {
    let label: String
    let yaml: String
    let line: Int
    let column: Int
    let message: String
    var testDescription: String { label }
  }

  static let badFiles: [Bad] = [
    Bad(label: "YAML syntax: unclosed flow sequence", yaml: """
      name: s
      params:
        x: {type: categorical, choices: [a, b}
      """, line: 3, column: 40, message: "invalid YAML"),
    Bad(label: "YAML syntax: bad indentation", yaml: """
      name: s
        n_trials: 3
      """, line: 2, column: 11, message: "invalid YAML"),
    Bad(label: "root is a list", yaml: "- a\n- b\n", line: 1, column: 1, message: "must be a mapping"),
    Bad(label: "empty file", yaml: "", line: 1, column: 1, message: "empty"),
    Bad(label: "unknown top-level key with suggestion", yaml: objective + "n_trails: 5\n",
        line: 2, column: 1, message: "did you mean 'n_trials'?"),
    Bad(label: "missing objective", yaml: "name: s\nn_trials: 3\n", line: 1, column: 1, message: "missing 'objective'"),
    Bad(label: "n_trials wrong type", yaml: objective + "n_trials: fifty\n", line: 2, column: 11,
        message: "n_trials must be an integer"),
    Bad(label: "n_trials zero", yaml: objective + "n_trials: 0\n", line: 2, column: 11, message: "positive"),
    Bad(label: "bad timeout string", yaml: objective + "timeout: 30 parsecs\n", line: 2, column: 10,
        message: "duration"),
    Bad(label: "parallelism < 1", yaml: objective + "parallelism: 0\n", line: 2, column: 14, message: "at least 1"),
    Bad(label: "low > high", yaml: """
      objective: {command: [python, t.py]}
      params:
        x: {type: float, low: 5, high: 1}
      """, line: 3, column: 25, message: "The `low` value must be smaller than or equal to the `high` value"),
    Bad(label: "log with low <= 0", yaml: """
      objective: {command: [python, t.py]}
      params:
        lr:
          type: float
          low: 0
          high: 1
          log: true
      """, line: 5, column: 10, message: "larger than 0 for a log distribution"),
    Bad(label: "log with step", yaml: """
      objective: {command: [python, t.py]}
      params:
        lr: {type: float, low: 0.1, high: 1, log: true, step: 0.1}
      """, line: 3, column: 51, message: "`step` is not supported when `log` is true"),
    Bad(label: "int bound not an integer", yaml: """
      objective: {command: [python, t.py]}
      params:
        n: {type: int, low: 1.5, high: 4}
      """, line: 3, column: 23, message: "low must be an integer"),
    Bad(label: "empty choices", yaml: """
      objective: {command: [python, t.py]}
      params:
        opt: {type: categorical, choices: []}
      """, line: 3, column: 37, message: "The `choices` must contain one or more elements."),
    Bad(label: "duplicate param", yaml: """
      objective: {command: [python, t.py]}
      params:
        x: {type: float, low: 0, high: 1}
        y: {type: float, low: 0, high: 1}
        x: {type: int, low: 0, high: 3}
      """, line: 5, column: 3, message: "duplicate key 'x', first given at 3:3"),
    Bad(label: "duplicate key in flow mapping", yaml: """
      objective: {command: [python, t.py]}
      params:
        x: {type: float, low: 0, high: 1, low: 2}
      """, line: 3, column: 37, message: "duplicate key 'low'"),
    Bad(label: "unknown sampler", yaml: objective + "sampler: {name: tpee, seed: 1}\n", line: 2, column: 17,
        message: "unknown sampler 'tpee'; did you mean 'tpe'?"),
    Bad(label: "unknown pruner", yaml: objective + "pruner: medain\n", line: 2, column: 9,
        message: "did you mean 'median'?"),
    Bad(label: "negative seed", yaml: objective + "sampler: {name: random, seed: -1}\n", line: 2, column: 31,
        message: "non-negative"),
    Bad(label: "unknown builtin", yaml: "objective: {builtin: branni}\n", line: 1, column: 22,
        message: "did you mean 'branin'?"),
    Bad(label: "bad direction", yaml: objective + "metric: {name: loss, direction: minimise}\n", line: 2, column: 33,
        message: "'minimize' or 'maximize'"),
    Bad(label: "unknown param key with suggestion", yaml: """
      objective: {command: [python, t.py]}
      params:
        x: {type: float, low: 0, hgh: 1}
      """, line: 3, column: 28, message: "did you mean 'high'?"),
    Bad(label: "unknown param type", yaml: """
      objective: {command: [python, t.py]}
      params:
        x: {type: double, low: 0, high: 1}
      """, line: 3, column: 13, message: "unknown param type 'double'"),
    Bad(label: "when refers to unknown param", yaml: """
      objective: {command: [python, t.py]}
      params:
        optimizer: {type: categorical, choices: [adam, sgd]}
        momentum: {type: float, low: 0, high: 1, when: {optimiser: sgd}}
      """, line: 4, column: 51, message: "did you mean 'optimizer'?"),
    Bad(label: "when value not among choices", yaml: """
      objective: {command: [python, t.py]}
      params:
        optimizer: {type: categorical, choices: [adam, sgd]}
        momentum: {type: float, low: 0, high: 1, when: {optimizer: sdg}}
      """, line: 4, column: 62, message: "not one of the choices of 'optimizer'"),
    Bad(label: "when refers to a later param", yaml: """
      objective: {command: [python, t.py]}
      params:
        momentum: {type: float, low: 0, high: 1, when: {optimizer: sgd}}
        optimizer: {type: categorical, choices: [adam, sgd]}
      """, line: 3, column: 51, message: "must be declared before 'momentum'"),
    Bad(label: "placeholder that is not a param", yaml: """
      objective: {command: [python, train.py, "--lr={lrate}"]}
      params:
        lr: {type: float, low: 0.001, high: 0.1, log: true}
      """, line: 1, column: 47, message: "placeholder '{lrate}'"),
    Bad(label: "command as a string", yaml: """
      objective: {command: python train.py}
      params:
        lr: {type: float, low: 0.001, high: 0.1}
      """, line: 1, column: 22, message: "list of arguments"),
    Bad(label: "metrics count differs from builtin", yaml: """
      objective: {builtin: zdt1}
      metric: {name: f1, direction: minimize}
      """, line: 2, column: 9, message: "reports 2 objective(s)"),
    Bad(label: "unknown builtin option", yaml: "objective: {builtin: zdt1, dim: 3}\n", line: 1, column: 28,
        message: "did you mean 'dims'?"),
    Bad(label: "builtin option out of range", yaml: "objective: {builtin: zdt1, dims: 1}\n", line: 1, column: 34,
        message: "option 'dims' must be in [2, 1000]"),
    Bad(label: "both metric and metrics", yaml: objective + "metric: loss\nmetrics: [loss]\n", line: 3, column: 1,
        message: "either 'metric' or 'metrics'"),
    Bad(label: "constraint equals an objective metric", yaml: """
      objective: {command: [python, t.py]}
      params: {x: {type: float, low: 0, high: 1}}
      metric: loss
      constraints: [loss]
      """, line: 4, column: 15, message: "is an objective metric"),
    Bad(label: "log wrong type", yaml: """
      objective: {command: [python, t.py]}
      params: {x: {type: float, low: 1, high: 2, log: yes please}}
      """, line: 2, column: 49, message: "log must be true or false"),
    Bad(label: "storage without scheme", yaml: objective + "storage: study.db\n", line: 2, column: 10,
        message: "storage must be a URL"),
    Bad(label: "command without params", yaml: "objective: {command: [python, t.py]}\n", line: 1, column: 12,
        message: "needs 'params:'"),
    Bad(label: "builtin missing a param it needs", yaml: """
      objective: {builtin: branin}
      params:
        x0: {type: float, low: -5, high: 10}
      """, line: 2, column: 1, message: "needs param 'x1'"),
    Bad(label: "tab in indentation", yaml: "name: s\n\tn_trials: 3\n", line: 2, column: 1, message: "invalid YAML"),
  ]

  @Test(arguments: badFiles)
  func malformedFileGivesPositionedError(_ bad: Bad) throws {
    let e = try #require(parseError(bad.yaml), "no error for: \(bad.label)")
    #expect(e.line == bad.line && e.column == bad.column, "\(bad.label): got \(e)")
    #expect(e.message.contains(bad.message), "\(bad.label): got \(e)")
    #expect(e.description.hasPrefix("/tmp/s/study.yaml:\(e.line):\(e.column): error: "))
    #expect(!e.description.contains("\n"))
  }

  @Test func atLeastTwentyKindsOfMalformedFile() {
    #expect(Self.badFiles.count >= 20)
  }

  @Test func fullFileParsesIntoTheExpectedSpec() throws {
    let yaml = """
      name: demo
      storage: sqlite:///runs/demo.db
      metrics:
        - {name: loss, direction: minimize}
        - {name: accuracy, direction: maximize}
      constraints: [memory_excess]
      params:
        lr: {type: float, low: 1.0e-5, high: 0.1, log: true}
        layers: {type: int, low: 1, high: 8, step: 1}
        optimizer: {type: categorical, choices: [adam, sgd]}
        momentum: {type: float, low: 0.0, high: 0.99, when: {optimizer: sgd}}
        bits: {choices: [8, 16, 32]}
      sampler: {name: tpe, seed: 42, n_startup_trials: 10, consider_endpoints: true}
      pruner: {name: median, n_warmup_steps: 5}
      n_trials: 100
      timeout: 1h30m
      parallelism: 4
      objective:
        command: [python, train.py, "--lr={lr}", "--trial={trial_number}"]
        cwd: work
        env: {CUDA_VISIBLE_DEVICES: 0}
        timeout: 10m
        args: "--{name} {value}"
      """
    let spec = try StudySpec.parse(yaml: yaml, path: "/tmp/s/study.yaml")
    #expect(spec.name == "demo")
    #expect(spec.storage == "sqlite:////tmp/s/runs/demo.db")
    #expect(spec.storageIsExplicit)
    #expect(spec.metrics.map(\.name) == ["loss", "accuracy"])
    #expect(spec.directions == [.minimize, .maximize])
    #expect(spec.constraints.map(\.name) == ["memory_excess"])
    #expect(spec.searchSpace.names == ["lr", "layers", "optimizer", "momentum", "bits"])
    #expect(spec.searchSpace["lr"]?.distribution == .float(try FloatDistribution(low: 1e-5, high: 0.1, log: true)))
    #expect(spec.searchSpace["layers"]?.distribution == .int(try IntDistribution(low: 1, high: 8)))
    #expect(spec.searchSpace["bits"]?.distribution
      == .categorical(try CategoricalDistribution(choices: [.int(8), .int(16), .int(32)])))
    #expect(spec.searchSpace["momentum"]?.condition?.clauses == ["optimizer": [.string("sgd")]])
    let sampler = try #require(spec.sampler)
    #expect(sampler.name == "tpe" && sampler.seed == 42)
    #expect(sampler.options == ["n_startup_trials": .int(10), "consider_endpoints": .bool(true)])
    #expect(sampler.optionPositions["n_startup_trials"] == SourcePosition(line: 13, column: 50))
    #expect(sampler.error("bad", option: "n_startup_trials").description == "/tmp/s/study.yaml:13:50: error: bad")
    #expect(spec.pruner?.name == "median" && spec.pruner?.options == ["n_warmup_steps": .int(5)])
    #expect(spec.nTrials == 100 && spec.timeout == 5400 && spec.parallelism == 4)
    guard case .command(let c) = spec.objective else {
      Issue.record("expected a command objective")
      return
    }
    #expect(c.argv == ["python", "train.py", "--lr={lr}", "--trial={trial_number}"])
    #expect(c.placeholders == ["lr"])
    #expect(c.cwd == "work" && c.resolvedCwd == "/tmp/s/work")
    #expect(c.env == ["CUDA_VISIBLE_DEVICES": "0"])
    #expect(c.timeout == 600 && c.args == "--{name} {value}")
    #expect(spec.positions["n_trials"] == SourcePosition(line: 15, column: 1))
    #expect(spec.error("too many", at: "params.momentum").description
      == "/tmp/s/study.yaml:11:3: error: too many")
  }

  @Test func defaultsForABuiltin() throws {
    let spec = try StudySpec.parse(yaml: "objective: {builtin: zdt1, dims: 3}\n", path: "/tmp/s/moo.yaml")
    #expect(spec.name == "moo")
    #expect(spec.storage == "sqlite:////tmp/s/moo.db")
    #expect(!spec.storageIsExplicit)
    #expect(spec.metrics.map(\.name) == ["f1", "f2"])
    #expect(spec.directions == [.minimize, .minimize])
    #expect(spec.searchSpace.names == ["x0", "x1", "x2"])
    #expect(spec.declaredSpace.isEmpty)
    #expect(spec.sampler == nil && spec.pruner == nil && spec.nTrials == nil && spec.parallelism == 1)
    #expect(spec.objective == .builtin(BuiltinSpec(name: "zdt1", options: ["dims": .int(3)], position: .init(line: 1, column: 12))))
  }

  @Test func scalarShorthandsAndDurations() throws {
    let spec = try StudySpec.parse(yaml: """
      name: s
      storage: postgresql://u@h/db
      metric: acc
      sampler: random
      pruner: nop
      timeout: 90
      objective: {builtin: branin}
      """, path: "s.yaml")
    #expect(spec.metrics == [MetricSpec(name: "acc", direction: .minimize, position: .init(line: 3, column: 9))])
    #expect(spec.sampler?.name == "random" && spec.sampler?.seed == nil && spec.pruner?.name == "nop")
    #expect(spec.timeout == 90 && spec.storage == "postgresql://u@h/db")
    for (text, seconds) in [("30m", 1800.0), ("2h", 7200), ("1h30m", 5400), ("45 s", 45), ("1.5d", 129_600)] {
      let s = try StudySpec.parse(yaml: "objective: {builtin: branin}\ntimeout: \(text)\n", path: "s.yaml")
      #expect(s.timeout == seconds, "\(text)")
    }
  }

  @Test func relativeSQLiteURLIsResolvedBesideTheFile() throws {
    let spec = try StudySpec.parse(yaml: "objective: {builtin: branin}\nstorage: sqlite:///x.db\n", path: "/a/b/s.yaml")
    #expect(spec.storage == "sqlite:////a/b/x.db")
    let abs = try StudySpec.parse(yaml: "objective: {builtin: branin}\nstorage: sqlite:////data/x.db\n", path: "/a/s.yaml")
    #expect(abs.storage == "sqlite:////data/x.db")
  }

  @Test func builtinWithANarrowedSpace() throws {
    let spec = try StudySpec.parse(yaml: """
      objective: {builtin: mixed}
      params:
        c0: {type: categorical, choices: [a, b]}
        c1: {type: categorical, choices: [y]}
        n: {type: int, low: 5, high: 9}
        u: {type: float, low: 0.4, high: 0.6}
        v: {type: float, low: 2, high: 4}
      """, path: "m.yaml")
    #expect(spec.searchSpace.names == ["c0", "c1", "n", "u", "v"])
    let e = try #require(parseError("""
      objective: {builtin: mixed}
      params:
        c0: {type: categorical, choices: [a, q]}
        c1: {type: categorical, choices: [y]}
        n: {type: int, low: 5, high: 9}
        u: {type: float, low: 0.4, high: 0.6}
        v: {type: float, low: 2, high: 4}
      """))
    #expect(e.line == 3 && e.column == 3 && e.message.contains("choice 'q'"))
  }

  @Test func everyDemoFileParses() throws {
    let demos = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("demos")
    let files = try FileManager.default.subpathsOfDirectory(atPath: demos.path)
      .filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.contains(".build") }.sorted()
    #expect(files.count >= 6)
    for file in files {
      let path = demos.appendingPathComponent(file).path
      do {
        let spec = try StudySpec.load(path: path)
        #expect(!spec.searchSpace.isEmpty, "\(file)")
      } catch {
        Issue.record("\(file): \(error)")
      }
    }
  }

  @Test func missingFileIsAPositionedError() {
    do {
      _ = try StudySpec.load(path: "/nonexistent/study.yaml")
      Issue.record("expected an error")
    } catch let e as StudyFileError {
      #expect(e.description.hasPrefix("/nonexistent/study.yaml:1:1: error: cannot read"))
    } catch {
      Issue.record("\(error)")
    }
  }

  @Test func conditionalSpaceSuggestsActiveParamsInOrder() async throws {
    let spec = try StudySpec.parse(yaml: """
      objective: {command: [run]}
      params:
        optimizer: {type: categorical, choices: [adam, sgd]}
        momentum: {type: float, low: 0.5, high: 0.99, when: {optimizer: sgd}}
        nesterov: {type: categorical, choices: [true, false], when: {optimizer: sgd, momentum: []}}
        lr: {type: float, low: 0.001, high: 0.1, log: true}
      """.replacingOccurrences(of: ", momentum: []", with: ""), path: "c.yaml")
    let study = try await Study.create(name: "c", storage: InMemoryStorage(), sampler: RandomSampler(seed: 3))
    var seen: Set<String> = []
    for _ in 0..<30 {
      var trial = try await study.ask()
      let params = try await spec.searchSpace.suggest(in: &trial)
      let opt = try #require(params["optimizer"]?.stringValue)
      seen.insert(opt)
      #expect(Array(params.keys) == (opt == "sgd" ? ["optimizer", "momentum", "nesterov", "lr"] : ["optimizer", "lr"]))
      #expect(spec.searchSpace.activeNames(for: params) == Array(params.keys))
      try await study.tell(trialID: trial.id, values: [0])
    }
    #expect(seen == ["adam", "sgd"])
  }
}

@Suite struct StudyFileFuzzTests {
  /// Mutated demo files either parse or fail with a position inside the file; nothing crashes.
  @Test func mutatedFilesNeverCrash() throws {
    let demos = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("demos")
    let texts = try FileManager.default.subpathsOfDirectory(atPath: demos.path)
      .filter { $0.hasSuffix(".yaml") && !$0.contains(".build") }.sorted()
      .map { try String(contentsOfFile: demos.appendingPathComponent($0).path, encoding: .utf8) }
    let alphabet = Array(":{}[]-, \n\t'\"#&*!|>%@`0123456789.eaz_")
    var failures = 0
    for (fileIndex, text) in texts.enumerated() {
      for seed in 0..<150 {
        var rng = SeededRNG(seed: UInt64(seed), trialNumber: fileIndex, purpose: "fuzz")
        var chars = Array(text)
        for _ in 0..<(1 + Int(rng.next() % 3)) where !chars.isEmpty {
          let i = Int(rng.next() % UInt64(chars.count))
          switch rng.next() % 3 {
          case 0: chars.remove(at: i)
          case 1: chars.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: i)
          default: chars[i] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
          }
        }
        let mutated = String(chars)
        do {
          _ = try StudySpec.parse(yaml: mutated, path: "f.yaml")
        } catch let e as StudyFileError {
          failures += 1
          let lines = mutated.split(separator: "\n", omittingEmptySubsequences: false).count
          #expect(e.line >= 1 && e.line <= lines + 1 && e.column >= 1, "seed \(seed) file \(fileIndex): \(e)")
          #expect(!e.description.contains("\n"), "seed \(seed) file \(fileIndex)")
        } catch {
          Issue.record("seed \(seed) file \(fileIndex): not a StudyFileError: \(error)")
        }
      }
    }
    #expect(failures > 0)
  }

  @Test func hugeIntRangeIsAnErrorNotACrash() throws {
    let yaml = """
      objective: {command: [run]}
      params:
        n: {type: int, low: -9223372036854775808, high: 9223372036854775807}
      """
    #expect(throws: StudyFileError.self) { try StudySpec.parse(yaml: yaml, path: "s.yaml") }
  }
}

/// `budget:` in the study file (issue 17).
@Suite struct StudyFileBudgetTests {
  @Test func budgetPartsAreReadIntoTheLimits() throws {
    let spec = try StudySpec.parse(yaml: "budget: {steps: 5000, trial_hours: 1.5}\n" + objective, path: "/tmp/s/b.yaml")
    #expect(spec.budget == ComputeBudget(steps: 5000, trialHours: 1.5))
    #expect(spec.limits.budget == ComputeBudget(steps: 5000, trialHours: 1.5))
    let none = try StudySpec.parse(yaml: objective, path: "/tmp/s/b.yaml")
    #expect(none.budget == nil && none.limits.budget == nil)
  }

  @Test(arguments: [
    ("budget: {}\n", 1, 9, "budget needs 'steps' or 'trial_hours'"),
    ("budget: {steps: 0}\n", 1, 17, "budget steps must be a positive integer, got 0"),
    ("budget: {step: 10}\n", 1, 10, "did you mean 'steps'?"),
    ("budget: {trial_hours: -2}\n", 1, 23, "budget trial_hours must be a positive number"),
    ("budget: 5000\n", 1, 9, "budget must be a mapping"),
  ])
  func badBudgetsArePositioned(_ yaml: String, _ line: Int, _ column: Int, _ message: String) throws {
    let e = try #require(parseError(yaml + objective))
    #expect(e.description.contains(message), "\(e.description)")
    #expect(e.description.hasPrefix("/tmp/s/study.yaml:\(line):\(column): error: "), "\(e.description)")
  }
}

