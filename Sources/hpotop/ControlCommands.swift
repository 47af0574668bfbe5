import ArgumentParser
import Foundation
import HPO

/// `pause`, `resume`, `prune`, `fail`, `fix`, `unfix`: the dashboard's steering keys, for scripts.
struct Pause: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Pause a study: workers finish running trials, start no new ones.")
  @OptionGroup var options: StudyOptions
  func run() async throws {
    try await options.controls().pause()
    printError("[I \(logTimestamp())] Paused study '\(options.studyName)'.")
  }
}

struct Resume: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Resume a paused study.")
  @OptionGroup var options: StudyOptions
  func run() async throws {
    try await options.controls().resume()
    printError("[I \(logTimestamp())] Resumed study '\(options.studyName)'.")
  }
}

struct Prune: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Stop a running trial as PRUNED (its process stops within a second or two).")
  @OptionGroup var options: StudyOptions
  @Argument(help: "The trial number.") var number: Int
  func run() async throws {
    let controls = try await options.controls()
    let t = try await controls.trial(number: number)
    let state = try await controls.prune(trialID: t.id)
    printError("[I \(logTimestamp())] Trial \(number) is \(state.rawValue).")
  }
}

struct Fail: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Mark a stuck RUNNING (or WAITING) trial FAIL.")
  @OptionGroup var options: StudyOptions
  @Argument(help: "The trial number.") var number: Int
  @Option(help: "The reason kept with the trial.") var reason = "marked failed by user"
  func run() async throws {
    let controls = try await options.controls()
    try await controls.markFailed(trialID: try await controls.trial(number: number).id, reason: reason)
    printError("[I \(logTimestamp())] Trial \(number) marked FAIL.")
  }
}

struct Fix: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Fix a param for every new trial: NAME=VALUE.")
  @OptionGroup var options: StudyOptions
  @Argument(help: "NAME=VALUE, e.g. optimizer=adam or lr=0.001.") var assignment: String
  @Flag(help: "Fix a param that no trial has used yet, without checking the value.") var unchecked = false
  func run() async throws {
    guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
      throw BadInput("expected NAME=VALUE, got '\(assignment)'")
    }
    let name = String(assignment[..<eq])
    let value = StudyControls.parseValue(String(assignment[assignment.index(after: eq)...]))
    if case .float(let x) = value, !x.isFinite {
      throw BadInput("\(name) must be a finite number, got \(value.pythonRepr) (params are never NaN or infinite)")
    }
    try await options.controls().fix(name, value, unchecked: unchecked)
    printError("[I \(logTimestamp())] Fixed \(name) = \(value.pythonRepr) for new trials.")
  }
}

struct Unfix: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Let the sampler choose a fixed param again.")
  @OptionGroup var options: StudyOptions
  @Argument(help: "The param name.") var name: String
  func run() async throws {
    try await options.controls().unfix(name)
    printError("[I \(logTimestamp())] \(name) is sampled again.")
  }
}

extension StudyOptions {
  func controls() async throws -> StudyControls {
    try await StudyControls.open(storage: storage.open(), studyName: studyName)
  }
}
