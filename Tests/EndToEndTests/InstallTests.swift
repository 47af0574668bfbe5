import Foundation
import HPOTesting
import Testing

/// `scripts/install.sh` as a user runs it (issue 24, "an install a user keeps"), into a temporary
/// prefix with the already-built binary (`--binary`): the binary, the man page and the three
/// completion scripts land where bash, zsh and fish look under the prefix, the installed binary
/// reports its version and commit, and `--uninstall` removes exactly those files.
@Suite struct InstallTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

  static let installed = [
    "bin/hpotop", "share/man/man1/hpotop.1", "share/bash-completion/completions/hpotop",
    "share/zsh/site-functions/_hpotop", "share/fish/vendor_completions.d/hpotop.fish",
  ]

  @Test func installsBinaryCompletionsAndManPageThenUninstalls() throws {
    let prefix = try TempDir()
    // Something of the user's under the prefix that uninstall must leave alone.
    try FileManager.default.createDirectory(atPath: prefix.file("bin"), withIntermediateDirectories: true)
    try "keep".write(toFile: prefix.file("bin/other-tool"), atomically: true, encoding: .utf8)
    let install = try ChildProcess.run(
      "/bin/bash", [Self.root + "/scripts/install.sh", "--prefix", prefix.url.path, "--binary", Binary.path])
    #expect(install.status == 0, "\(install.stderr)")
    let fm = FileManager.default
    for f in Self.installed {
      let size = (try? fm.attributesOfItem(atPath: prefix.file(f))[.size] as? Int) ?? 0
      #expect(size > 200, "\(f): \(size) bytes")
    }
    #expect(fm.isExecutableFile(atPath: prefix.file("bin/hpotop")))
    // The trial supervisor built beside hpotop goes beside it.
    let supervise = (Binary.path as NSString).deletingLastPathComponent + "/hpotop-supervise"
    try #require(fm.isExecutableFile(atPath: supervise), "the build has no \(supervise)")
    #expect(fm.isExecutableFile(atPath: prefix.file("bin/hpotop-supervise")))

    // The version and a commit of this repository.
    let version = try ChildProcess.run(prefix.file("bin/hpotop"), ["--version"])
    #expect(version.status == 0)
    let line = version.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let commit = try #require(line.firstMatch(of: /^hpotop \d+\.\d+\.\d+ \(commit ([0-9a-f]{7,}) \(\d{4}-\d\d-\d\d\)\)$/), "\(line)")
    let known = try ChildProcess.run("/usr/bin/env", ["git", "-C", Self.root, "cat-file", "-e", "\(commit.1)^{commit}"])
    #expect(known.status == 0, "\(commit.1) is not a commit of \(Self.root): \(known.stderr)")

    // Each completion is its shell's kind of script and knows the subcommands.
    let bash = try String(contentsOfFile: prefix.file("share/bash-completion/completions/hpotop"), encoding: .utf8)
    #expect(bash.contains("complete ") && bash.contains("importance"))
    let zsh = try String(contentsOfFile: prefix.file("share/zsh/site-functions/_hpotop"), encoding: .utf8)
    #expect(zsh.hasPrefix("#compdef hpotop"))
    let fish = try String(contentsOfFile: prefix.file("share/fish/vendor_completions.d/hpotop.fish"), encoding: .utf8)
    #expect(fish.contains("complete -c 'hpotop'"))
    // The man page: roff with a section per subcommand, generated from the command definitions.
    let man = try String(contentsOfFile: prefix.file("share/man/man1/hpotop.1"), encoding: .utf8)
    #expect(man.hasPrefix(".TH HPOTOP 1"))
    for command in ["run", "importance", "watch", "check"] { #expect(man.contains(".SS \"hpotop \(command)\""), "\(command)") }
    #expect(man.contains("ped\\-anova"))
    #expect(!man.contains(".SS \"hpotop generate\\-manual\""))

    let uninstall = try ChildProcess.run(
      "/bin/bash", [Self.root + "/scripts/install.sh", "--prefix", prefix.url.path, "--uninstall"])
    #expect(uninstall.status == 0, "\(uninstall.stderr)")
    for f in Self.installed + ["bin/hpotop-supervise"] { #expect(!fm.fileExists(atPath: prefix.file(f)), "\(f) left behind") }
    #expect(fm.fileExists(atPath: prefix.file("bin/other-tool")))
  }

  @Test func badArgumentsExitTwo() throws {
    let r = try ChildProcess.run("/bin/bash", [Self.root + "/scripts/install.sh", "--frobnicate"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("unknown argument '--frobnicate'"))
    let noBinary = try ChildProcess.run(
      "/bin/bash", [Self.root + "/scripts/install.sh", "--prefix", try TempDir().url.path, "--binary", "/nonexistent/hpotop"])
    #expect(noBinary.status == 2)
  }
}
