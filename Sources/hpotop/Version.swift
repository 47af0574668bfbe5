import ArgumentParser
import Foundation

/// hpotop's release version and the commit it was built from (`buildCommit`, written before each
/// build by the `BuildCommit` package plugin): what `hpotop --version` prints.
enum HpotopVersion {
  static let number = "0.1.0"

  static var line: String {
    "hpotop \(number) (commit \(buildCommit ?? "unknown: not built from a git checkout"))"
  }
}

/// `hpotop generate-manual`: the man page of hpotop and every subcommand, in man(7) roff, from
/// the command definitions themselves (each command's `--help` text); `scripts/install.sh`
/// installs it as `share/man/man1/hpotop.1`.
struct GenerateManual: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate-manual", abstract: "Print hpotop's man page (roff) on stdout.", shouldDisplay: false)

  func run() throws {
    print(Self.manual(date: Date()), terminator: "")
  }

  static func manual(date: Date) -> String {
    let day = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
    var out = ".TH HPOTOP 1 \"\(day)\" \"\(escape(HpotopVersion.line))\" \"User Commands\"\n"
    out += ".SH NAME\nhpotop \\- \(escape(Hpotop.configuration.abstract))\n"
    out += ".SH SYNOPSIS\n.B hpotop\n[\\fIcommand\\fR] [\\fIoptions\\fR]\n"
    out += ".SH DESCRIPTION\n" + verbatim(Hpotop.helpMessage(columns: 100))
    out += ".SH COMMANDS\n"
    for (path, command) in commands(Hpotop.self, path: ["hpotop"]).dropFirst() {
      out += ".SS \"\(escape(path.joined(separator: " ")))\"\n"
      out += verbatim(Hpotop.helpMessage(for: command, columns: 100))
    }
    out += ".SH \"SHELL COMPLETION\"\n"
    out += "hpotop \\-\\-generate\\-completion\\-script bash|zsh|fish prints a completion script; the install "
      + "script puts them under PREFIX/share (bash\\-completion, zsh site\\-functions, fish vendor_completions.d).\n"
    out += ".SH VERSION\n\(escape(HpotopVersion.line))\n"
    return out
  }

  /// Every displayed command under `root`, depth first, with its command path.
  static func commands(_ root: ParsableCommand.Type, path: [String]) -> [([String], ParsableCommand.Type)] {
    var out: [([String], ParsableCommand.Type)] = [(path, root)]
    for sub in root.configuration.subcommands where sub.configuration.shouldDisplay {
      out += commands(sub, path: path + [sub._commandName])
    }
    return out
  }

  /// Text as a no-fill block, each line escaped.
  static func verbatim(_ text: String) -> String {
    ".nf\n" + text.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }
      .joined(separator: "\n") + "\n.fi\n"
  }

  /// roff-safe text: backslashes doubled, a leading `.` or `'` guarded, dashes as `\-`.
  static func escape(_ s: String) -> String {
    var t = s.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-")
    if t.hasPrefix(".") || t.hasPrefix("'") { t = "\\&" + t }
    return t
  }
}
