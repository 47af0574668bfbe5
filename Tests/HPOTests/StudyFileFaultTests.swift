import Foundation
import HPO
import OrderedCollections
import Testing

/// Bad input that used to be accepted at load and then failed every trial, or blew up memory
/// (issue 15 items 3, 4, 5, 11, 14): each is rejected with a positioned error.
@Suite struct StudyFileFaultTests {
  static let path = "/tmp/study.yaml"

  /// The error that loading (parse, then the components a run would build) raises.
  static func loadError(_ yaml: String) -> StudyFileError? {
    do {
      let spec = try StudySpec.parse(yaml: yaml, path: path)
      try spec.checkComponents()
      return nil
    } catch let e as StudyFileError {
      return e
    } catch {
      Issue.record("not a StudyFileError: \(error)")
      return nil
    }
  }

  /// One malformed file, as in `StudyFileTests`.
  typealias Bad = StudyFileTests.Bad

  static let space = "params:\n  x: {type: float, low: 0, high: 1}\n"

  static let badFiles: [Bad] = [
    Bad(label: "cwd that does not exist", yaml: space + "objective: {command: [/bin/true], cwd: /nonexistent}\n",
        line: 3, column: 40, message: "cwd '/nonexistent' is not an existing directory"),
    Bad(label: "empty program", yaml: space + "objective: {command: ['']}\n", line: 3, column: 23,
        message: "must not be empty"),
    Bad(label: "program not on PATH", yaml: space + "objective: {command: [no-such-program-hpotop, a]}\n",
        line: 3, column: 23, message: "no program 'no-such-program-hpotop' on PATH"),
    Bad(label: "env key with =", yaml: space + "objective: {command: [/bin/true], env: {'A=B': x}}\n",
        line: 3, column: 41, message: "invalid environment variable name 'A=B'"),
    Bad(label: "empty env key", yaml: space + "objective: {command: [/bin/true], env: {'': x}}\n",
        line: 3, column: 41, message: "invalid environment variable name ''"),
    Bad(label: "bohb top_n_percent 500", yaml: "sampler: {name: bohb, top_n_percent: 500}\nobjective: {builtin: branin}\n",
        line: 1, column: 38, message: "'top_n_percent' must be at most 99, got 500"),
    Bad(label: "tpe prior_weight -1", yaml: "sampler: {name: tpe, prior_weight: -1}\nobjective: {builtin: branin}\n",
        line: 1, column: 36, message: "'prior_weight' must be at least 0"),
    Bad(label: "nsga2 crossover_prob 2", yaml: "sampler: {name: nsga2, crossover_prob: 2}\nobjective: {builtin: branin}\n",
        line: 1, column: 40, message: "'crossover_prob' must be at most 1"),
    Bad(label: "patient pruner wrapping itself", yaml: "pruner: {name: patient, wrapped: patient}\nobjective: {builtin: branin}\n",
        line: 1, column: 9, message: "cannot wrap another patient pruner"),
    Bad(label: "NaN choices", yaml: "params:\n  x: {choices: [.nan, .nan]}\nobjective: {command: [/bin/true]}\n",
        line: 2, column: 17, message: "must be a finite number, got nan"),
    Bad(label: "infinite choice", yaml: "params:\n  x: {choices: [1, .inf]}\nobjective: {command: [/bin/true]}\n",
        line: 2, column: 20, message: "must be a finite number, got inf"),
    Bad(label: "NaN grid value", yaml: "params:\n  x: {choices: [1, 2]}\nsampler: {name: grid, values: {x: [1, .nan]}}\nobjective: {command: [/bin/true]}\n",
        line: 3, column: 31, message: "values of 'x' must be finite numbers, got nan"),
    Bad(label: "negative float step", yaml: "params:\n  x: {type: float, low: 0, high: 1, step: -0.1}\nobjective: {command: [/bin/true]}\n",
        line: 2, column: 43, message: "non-zero positive"),
    Bad(label: "negative min_resource", yaml: "pruner: {name: successive_halving, min_resource: -3}\nobjective: {builtin: branin}\n",
        line: 1, column: 9, message: "min_resource"),
    Bad(label: "alias as a key", yaml: "a: &a [x, x]\nb: &b [*a, *a]\n*b : 1\nobjective: {builtin: branin}\n",
        line: 3, column: 1, message: "keys of a study file must be plain names"),
    Bad(label: "!!int that is not an integer", yaml: "n_trials: !!int abc\nobjective: {builtin: branin}\n",
        line: 1, column: 11, message: "must be an integer, got 'abc' (tagged !!int but not an integer)"),
    Bad(label: "parallelism 1e12", yaml: "parallelism: 1000000000000\nobjective: {builtin: branin}\n",
        line: 1, column: 14, message: "parallelism must be at most 1024"),
    Bad(label: "grid float step 1e-12", yaml: """
      params:
        x0: {type: float, low: -5, high: 10, step: 1.0e-12}
        x1: {type: float, low: 0, high: 15, step: 1.0e-12}
      sampler: grid
      objective: {builtin: branin}
      """, line: 4, column: 10, message: "param 'x0' has 15000000000001 grid values"),
    Bad(label: "grid of too many points", yaml: """
      params:
        a: {type: float, low: 0, high: 1, step: 1.0e-4}
        b: {type: float, low: 0, high: 1, step: 1.0e-4}
        c: {type: float, low: 0, high: 1, step: 1.0e-4}
        d: {type: float, low: 0, high: 1, step: 1.0e-4}
      sampler: grid
      objective: {command: [/bin/true]}
      """, line: 6, column: 10, message: "more than could ever be evaluated"),
  ]

  @Test(arguments: badFiles)
  func rejectedAtLoadWithPosition(_ bad: Bad) throws {
    let e = try #require(Self.loadError(bad.yaml), "accepted: \(bad.label)")
    #expect(e.line == bad.line && e.column == bad.column, "\(bad.label): got \(e)")
    #expect(e.message.contains(bad.message), "\(bad.label): got \(e)")
    #expect(e.description.hasPrefix("\(Self.path):\(e.line):\(e.column): error: "))
  }

  /// An alias bomb (9^9 values) in the sampler's options: rejected before anything walks it.
  @Test func aliasBombInSamplerOptionsIsRejected() throws {
    var yaml = "sampler:\n  name: tpe\n  a: &a [x, x, x, x, x, x, x, x, x]\n"
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
    for (prev, name) in zip(names, names.dropFirst()) {
      yaml += "  \(name): &\(name) [" + Array(repeating: "*\(prev)", count: 9).joined(separator: ", ") + "]\n"
    }
    yaml += "objective: {builtin: branin}\n"
    let e = try #require(Self.loadError(yaml))
    #expect(e.line == 1 && e.column == 1, "got \(e)")
    #expect(e.message.contains("expands to more than 1000000 YAML values"), "got \(e)")
  }

  /// The same bomb under a param's `choices`, and under the objective: bounded everywhere.
  @Test(arguments: ["params", "objective"])
  func aliasBombAnywhereIsRejected(_ key: String) throws {
    let yaml: String
    var defs = "x0: &a0 [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"
    for i in 1..<6 { defs += ", x\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]" }
    if key == "params" {
      yaml = "params:\n  p: {choices: [{\(defs)}]}\nobjective: {command: [/bin/true]}\n"
    } else {
      yaml = "objective: {builtin: branin, bomb: {\(defs)}}\n"
    }
    let e = try #require(Self.loadError(yaml))
    #expect(e.message.contains("expands to more than"), "got \(e)")
  }

  @Test func parallelismAtTheBoundIsAccepted() throws {
    let spec = try StudySpec.parse(yaml: "parallelism: 1024\nobjective: {builtin: branin}\n", path: Self.path)
    #expect(spec.parallelism == StudySpec.maxParallelism)
  }

  /// A study name with terminal escapes never becomes a database file name as is.
  @Test func escapesInTheNameDoNotReachTheDefaultFileName() throws {
    let spec = try StudySpec.parse(yaml: "name: \"evil\\e[31m/x\\u202e\"\nobjective: {builtin: branin}\n", path: Self.path)
    #expect(spec.name == "evil\u{1B}[31m/x\u{202E}")
    #expect(spec.storage == "sqlite:////tmp/evil_[31m_x_.db")
  }

  @Test func printableTextEscapesControlsAndBidi() {
    #expect(PrintableText.escaped("plain ünïcode 名前") == "plain ünïcode 名前")
    #expect(PrintableText.escaped("a\u{1B}[2Jb\u{7}\t\u{9B}c") == "a\\x1b[2Jb\\x07\\x09\\x9bc")
    #expect(PrintableText.escaped("x\u{202E}y") == "x\\u202ey")
  }
}
