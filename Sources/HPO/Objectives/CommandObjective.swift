import Foundation
import OrderedCollections

/// A trial objective that runs a program: argv only (never a shell), params substituted into
/// `{name}` placeholders or appended, metrics read from `[hpotop]` lines on its stdout.
public struct CommandObjective: Sendable {
  /// The program and its arguments. `argv[0]` is looked up on `PATH` unless it contains a `/`.
  public var argv: [String]
  public var workingDirectory: String?
  /// Added to the inherited environment.
  public var environment: [String: String]
  /// Seconds a trial may run before it is stopped and FAILs.
  public var timeout: TimeInterval?
  /// How each param without a placeholder is appended: `--{name}={value}` (the default) gives
  /// `--lr=0.01`; `--{name} {value}` gives two arguments; `{name}={value}` is Hydra's style; an
  /// empty template appends nothing (the program reads `HPOTOP_PARAMS` or `params.json`).
  /// Spaces separate arguments; they are never interpreted by a shell.
  public var argumentTemplate: String
  /// Seconds between SIGTERM and SIGKILL when a trial is stopped.
  public var killGrace: TimeInterval
  /// The study's trial folder (absolute; see `TrialFolders`): each trial gets `<number>/` with
  /// params.json, stdout.log, stderr.log.
  public var trialsDirectory: String
  /// The objective metric names, in objective order (`loss`, or `loss, latency`).
  public var metricNames: [String]
  /// Metrics reported as constraints (≤ 0 is feasible), kept in Optuna's `constraints` attr.
  public var constraintNames: [String]
  /// How often a running trial checks for a user's prune request, in seconds.
  public var pollInterval: TimeInterval
  /// The most bytes kept of each of a trial's stdout.log and stderr.log; nil for no limit.
  /// Output past it is still read (and `[hpotop]` lines acted on), just not written.
  public var logLimit: Int?
  /// The program that supervises each trial (`ObjectiveSupervisor.executable` by default).
  public var supervisorExecutable: String

  /// The GPUs trials take their share of (`resources:`); nil runs trials without GPU settings.
  public var gpuLeases: GPULeases?
  /// Seconds between `nvidia-smi` samples of a trial's GPUs.
  public var gpuSampleInterval: TimeInterval = 1
  /// Python files (path relative to the folder → text) written to each trial's `python/`
  /// folder, which goes first on the trial's `PYTHONPATH` (the offline `wandb` module).
  public var pythonPathFiles: [String: String] = [:]

  /// The default `logLimit`: 64 MiB per file.
  public static let defaultLogLimit = 64 << 20

  public init(
    argv: [String], workingDirectory: String? = nil, environment: [String: String] = [:],
    timeout: TimeInterval? = nil, argumentTemplate: String = "--{name}={value}", killGrace: TimeInterval = 5,
    trialsDirectory: String, metricNames: [String], constraintNames: [String] = [], pollInterval: TimeInterval = 0.5,
    logLimit: Int? = CommandObjective.defaultLogLimit, supervisorExecutable: String = ObjectiveSupervisor.executable
  ) {
    self.logLimit = logLimit
    self.supervisorExecutable = supervisorExecutable
    self.constraintNames = constraintNames
    self.argv = argv
    self.workingDirectory = workingDirectory
    self.environment = environment
    self.timeout = timeout
    self.argumentTemplate = argumentTemplate
    self.killGrace = killGrace
    self.trialsDirectory = trialsDirectory
    self.metricNames = metricNames
    self.pollInterval = pollInterval
  }

  /// The argv for one trial: `{name}` placeholders replaced by the value's text (literally: it is
  /// never parsed by a shell), then the params that had no placeholder, in the chosen style.
  /// `{trial_number}`, `{trial_dir}`, `{study_name}` and `{params_json}` (the params as one JSON
  /// object) are also replaced.
  public func arguments(
    params: OrderedDictionary<String, ParamValue>, trialNumber: Int, trialDir: String, studyName: String = ""
  ) -> [String] {
    var used = Set<String>()
    var out = argv.map { arg -> String in
      guard arg.contains("{") else { return arg }
      var a = arg
      for (name, value) in params where a.contains("{\(name)}") {
        a = a.replacingOccurrences(of: "{\(name)}", with: Self.text(of: value))
        used.insert(name)
      }
      a = a.replacingOccurrences(of: "{trial_number}", with: String(trialNumber))
      a = a.replacingOccurrences(of: "{trial_dir}", with: trialDir)
      a = a.replacingOccurrences(of: "{study_name}", with: studyName)
      if a.contains("{params_json}") {
        let json = JSONValue.object(OrderedDictionary(uniqueKeysWithValues: params.map { ($0.key, $0.value.json) }))
        a = a.replacingOccurrences(of: "{params_json}", with: json.pythonJSON)
      }
      return a
    }
    let pieces = argumentTemplate.split(separator: " ").map(String.init)
    for (name, value) in params where !used.contains(name) {
      for piece in pieces {
        out.append(piece.replacingOccurrences(of: "{name}", with: name)
          .replacingOccurrences(of: "{value}", with: Self.text(of: value)))
      }
    }
    return out
  }

  /// A param value as command-line text: numbers in shortest round-trip form (`0.001`, `1e-05`),
  /// strings as they are, and `True`/`False`/`None` as Python's `str` spells them.
  public static func text(of value: ParamValue) -> String {
    switch value {
    case .string(let s): return s
    case .float(let d): return JSONValue.pythonFloat(d).replacingOccurrences(of: "Infinity", with: "inf")
    default: return value.pythonRepr
    }
  }
}

/// Why a subprocess trial failed, with the command and the end of its stderr.
public struct RunnerError: Error, CustomStringConvertible, Sendable {
  public let argv: [String]
  public let reason: String
  public let exitCode: Int32?
  public let stderrTail: String

  public var description: String {
    let lines = Self.lastLines(of: stderrTail)
    return lines.isEmpty ? reason : "\(reason); stderr ends with:\n" + lines.joined(separator: "\n")
  }

  /// The last non-empty lines of a stderr tail, whole (a line over 240 characters keeps its
  /// end): at most 8, plus the last line that names an error (`RuntimeError: …`) when it
  /// came earlier, so the real error is not cut off by what the program printed after it.
  static func lastLines(of text: String, count: Int = 8) -> [String] {
    let all = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
      .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      .map { $0.count > 240 ? "…" + $0.suffix(239) : $0 }
    var out = Array(all.suffix(count))
    let isError = { (l: String) in l.contains("Error") || l.contains("Exception") || l.hasPrefix("error") || l.contains("error:") }
    if !out.contains(where: isError), let e = all.last(where: isError) { out.insert(e, at: 0) }
    return out
  }
}
