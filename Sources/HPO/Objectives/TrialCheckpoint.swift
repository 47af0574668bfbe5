import Foundation

/// Where a trial keeps its checkpoint and where it restores one from: the checkpoint protocol
/// every command objective gets as environment variables and an in-process objective through
/// `Trial.checkpoint(trialsDirectory:)`.
///
/// - `directory` (`HPOTOP_CHECKPOINT_DIR`): `<trial folder>/checkpoint/`, created empty. The
///   objective saves its state there (its step included).
/// - `restoreFrom` (`HPOTOP_RESTORE_FROM`), when the trial continues earlier training: for a PBT
///   segment, the checkpoint folder of the segment it goes on from, or, when it exploits a top
///   member, a copy of that member's checkpoint in `<trial folder>/restore/`; for a retried trial
///   (`retry_history`), the failed trial's checkpoint when it wrote one. The objective loads it
///   first, then reports from the saved step on.
/// - `startStep` (`HPOTOP_START_STEP`) and `stopStep` (`HPOTOP_STOP_STEP`), for a PBT segment:
///   the step the restored checkpoint holds, and the step to train to before saving and exiting.
public struct TrialCheckpoint: Sendable, Equatable {
  public let directory: String
  public let restoreFrom: String?
  public let startStep: Int
  public let stopStep: Int?

  /// The environment variables of the protocol.
  public var environment: [String: String] {
    var env = ["HPOTOP_CHECKPOINT_DIR": directory]
    if let restoreFrom { env["HPOTOP_RESTORE_FROM"] = restoreFrom }
    if let stopStep {
      env["HPOTOP_START_STEP"] = String(startStep)
      env["HPOTOP_STOP_STEP"] = String(stopStep)
    }
    return env
  }

  /// Why a checkpoint could not be prepared (the trial fails with it).
  public struct Failure: Error, CustomStringConvertible, Sendable {
    public let description: String
  }

  /// Creates the trial's checkpoint folder and, for an exploiting PBT segment, copies the top
  /// member's checkpoint beside it. `trialsDirectory` holds the study's trial folders (`TrialFolders`).
  public static func prepare(_ trial: FrozenTrial, trialsDirectory: String) throws -> TrialCheckpoint {
    let fm = FileManager.default
    func folder(_ number: Int) -> String { (trialsDirectory as NSString).appendingPathComponent(String(number)) }
    let own = folder(trial.number)
    let directory = own + "/checkpoint"
    do {
      try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw Failure(description: "cannot create the checkpoint folder \(directory): \(CommandObjective.reason(error))")
    }
    guard let segment = trial.hpotop.pbtSegment else {
      // A retry goes on from the checkpoint its failed trial left, if any.
      if let failed = trial.systemAttrs["retry_history"]?.arrayValue?.last?.intValue {
        let source = folder(failed) + "/checkpoint"
        if let entries = try? fm.contentsOfDirectory(atPath: source), !entries.isEmpty {
          return TrialCheckpoint(directory: directory, restoreFrom: source, startStep: 0, stopStep: nil)
        }
      }
      return TrialCheckpoint(directory: directory, restoreFrom: nil, startStep: 0, stopStep: nil)
    }
    guard segment.member != PBTSegment.noMember else {
      throw Failure(description: "PBT had no member left to train (the others had finished while this trial waited)")
    }
    guard let parent = segment.parent else {
      return TrialCheckpoint(directory: directory, restoreFrom: nil, startStep: 0, stopStep: segment.stopStep)
    }
    let source = folder(parent) + "/checkpoint"
    guard let entries = try? fm.contentsOfDirectory(atPath: source), !entries.isEmpty else {
      throw Failure(description:
        "PBT segment of member \(segment.member) restores trial \(parent)'s checkpoint, but \(source) is empty or missing: the objective must save its state in HPOTOP_CHECKPOINT_DIR")
    }
    guard segment.exploitedMember != nil else {
      return TrialCheckpoint(directory: directory, restoreFrom: source, startStep: segment.startStep, stopStep: segment.stopStep)
    }
    // Exploit: a copy of the top member's checkpoint, so later changes to either never meet.
    let copy = own + "/restore"
    do {
      if fm.fileExists(atPath: copy) { try fm.removeItem(atPath: copy) }
      try fm.copyItem(atPath: source, toPath: copy)
    } catch {
      throw Failure(description: "cannot copy the checkpoint \(source) to \(copy): \(CommandObjective.reason(error))")
    }
    return TrialCheckpoint(directory: directory, restoreFrom: copy, startStep: segment.startStep, stopStep: segment.stopStep)
  }
}

extension Trial {
  /// This trial's checkpoint folders (see `TrialCheckpoint`), prepared under `trialsDirectory`
  /// (the study's trial folders): for an in-process objective, what `HPOTOP_CHECKPOINT_DIR` and
  /// `HPOTOP_RESTORE_FROM` are for a command.
  public func checkpoint(trialsDirectory: String) async throws -> TrialCheckpoint {
    try TrialCheckpoint.prepare(try await study.storage.trial(id: id), trialsDirectory: trialsDirectory)
  }
}
