import ArgumentParser
import Foundation
import HPO

/// The `hpotop` command: the dashboard, the headless engine, and Optuna-style scripting commands.
@main
struct Hpotop: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hpotop",
    abstract: "The htop of hyperparameter tuning: a terminal dashboard with a tuner built in.",
    version: HpotopVersion.line,
    subcommands: [
      Demo.self, Run.self, Watch.self, Worker.self, Keys.self, BenchFrame.self,
      CreateStudy.self, DeleteStudy.self, Studies.self, Trials.self, Best.self,
      Ask.self, Tell.self, Enqueue.self, Export.self,
      Pause.self, Resume.self, Prune.self, Fail.self, Fix.self, Unfix.self, Migrate.self,
      Importance.self, Pareto.self, Plot.self, Check.self, Rerun.self, PBTCommand.self,
      BestTrial.self, BestTrials.self, StudyNames.self, StudyCommand.self, StorageCommand.self,
      GenerateManual.self,
    ])

  /// Runs the command with hpotop's exit codes: 0 success, 1 failure, 2 usage or bad input.
  static func main() async {
    let arguments = CommandLine.arguments
    if arguments.count > 1, arguments[1] == ObjectiveSupervisor.mode {
      ObjectiveSupervisor.main(Array(arguments.dropFirst(2)))
    }
    // A closed output (`hpotop worker … | head -1`) is a failed write, handled where it happens,
    // never a SIGPIPE that kills the run and leaves its trials RUNNING.
    signal(SIGPIPE, SIG_IGN)
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch {
      exit(withHpotopError: error)
    }
  }

  static func exit(withHpotopError error: Error) -> Never {
    if let bad = error as? BadInput {
      // A study-file diagnostic already reads `file:line:col: error: …`: no second prefix.
      FileHandle.standardError.write(Data((PrintableText.escaped((bad.isDiagnostic ? "" : "error: ") + bad.message) + "\n").utf8))
      Foundation.exit(2)
    }
    if let storage = error as? StorageError {
      FileHandle.standardError.write(Data("error: \(PrintableText.escaped(storage.message))\n".utf8))
      let badInput: Set<StorageError.Kind> = [.studyNotFound, .studyExists, .trialNotFound, .invalidValue]
      Foundation.exit(badInput.contains(storage.kind) ? 2 : 1)
    }
    let code = exitCode(for: error)
    if code == .success {
      Hpotop.exit(withError: error)  // --help and --version print and exit 0
    }
    let message = fullMessage(for: error)
    if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
    // ArgumentParser's usage errors are EX_USAGE (64); hpotop reports every usage error as 2.
    Foundation.exit(code == .validationFailure || code.rawValue == 64 ? 2 : 1)
  }
}

/// A user mistake in arguments or files: printed as one line, exit code 2.
struct BadInput: Error, CustomStringConvertible {
  let message: String
  /// Whether `message` is a positioned diagnostic (`file:line:col: error: …`), printed as is.
  let isDiagnostic: Bool
  init(_ message: String) { self.message = message; isDiagnostic = false }
  /// A study-file error, printed as the compiler-style line it is.
  init(_ error: StudyFileError) { self.message = error.description; isDiagnostic = true }
  var description: String { message }
}

/// Writes a line to standard error.
func printError(_ text: String) {
  // A hung-up terminal fails the write (EIO); a log line is not worth a crash.
  try? FileHandle.standardError.write(contentsOf: Data((PrintableText.escaped(text) + "\n").utf8))
}
