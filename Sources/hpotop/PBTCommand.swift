import ArgumentParser
import Foundation
import HPO

/// `hpotop pbt …`: population-based training studies.
struct PBTCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pbt", abstract: "Population-based training: a member's hyperparameter schedule.",
    subcommands: [PBTScheduleCommand.self])
}

/// `hpotop pbt schedule`: the hyperparameters a member's final model was trained with, step
/// range by step range, rebuilt from the segments' lineage in storage (`PBTSchedule`).
struct PBTScheduleCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "schedule",
    abstract: "The hyperparameter schedule of a PBT member's final model, to replay it.",
    discussion: """
      Follows the member's last complete segment back through the segments it restored (across \
      members where it exploited) to step 0. Replaying it: train from scratch, switching to each \
      row's params at its from_step.
      """)
  @OptionGroup var options: StudyOptions
  @Option(help: "The member (0 … population-1).") var member: Int
  @OptionGroup var format: FormatOption

  func run() async throws {
    let study = try await options.load(readOnly: true)
    let trials = try await study.trials()
    guard trials.contains(where: { $0.hpotop.pbtSegment != nil }) else {
      throw BadInput("study '\(study.name)' has no PBT segments (sampler: pbt)")
    }
    guard let schedule = PBTSchedule.of(member: member, trials: trials) else {
      throw BadInput("member \(member) of study '\(study.name)' has no complete segment with a complete lineage")
    }
    switch format.format {
    case .json: print(schedule.json.pythonJSON)
    case .table:
      let names = schedule.entries.first.map { Array($0.params.keys) } ?? []
      let header = ["from_step", "to_step", "trial", "member", "exploited"] + names
      var rows = [header]
      for e in schedule.entries {
        rows.append([String(e.fromStep), String(e.toStep), String(e.trial), String(e.member), e.exploited ? "yes" : ""]
          + names.map { e.params[$0].map { $0.doubleValue.map(formatNumber) ?? $0.pythonRepr } ?? "" })
      }
      let widths = header.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
      for r in rows { print(r.indices.map { r[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")) }
      printError("[I \(logTimestamp())] member \(member): final value \(schedule.finalValue.map(formatNumber) ?? "-") at step \(schedule.entries.last?.toStep ?? 0).")
    default:
      throw BadInput("hpotop pbt schedule prints table or json, not \(format.format.rawValue)")
    }
  }
}
