import Foundation
import PackagePlugin

/// Writes `BuildCommit.swift` (`let buildCommit: String?`) for the `hpotop` target before every
/// build: the short hash and date of the checkout's HEAD commit (`git log -1`), or `nil` when the
/// package is not a git checkout or git is missing. `hpotop --version` prints it.
@main
struct BuildCommit: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let out = context.pluginWorkDirectoryURL.appendingPathComponent("generated")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let file = out.appendingPathComponent("BuildCommit.swift")
    let root = context.package.directoryURL
    let env = URL(fileURLWithPath: "/usr/bin/env")
    let isCheckout = FileManager.default.fileExists(atPath: root.appendingPathComponent(".git").path)
    let git = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
      .map { URL(fileURLWithPath: String($0)).appendingPathComponent("git") }
      .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    guard isCheckout, git != nil else {
      let text = "/// No git checkout at build time: no commit to report.\nlet buildCommit: String? = nil\n"
      if (try? String(contentsOf: file, encoding: .utf8)) != text { try Data(text.utf8).write(to: file) }
      return [.prebuildCommand(displayName: "BuildCommit: not a git checkout", executable: env, arguments: ["true"], outputFilesDirectory: out)]
    }
    // git writes the file itself (`--output`), so no shell is needed; it runs before every build.
    return [
      .prebuildCommand(
        displayName: "BuildCommit: HEAD of \(root.lastPathComponent)", executable: env,
        arguments: [
          "git", "-C", root.path, "log", "-1", "--no-show-signature",
          "--format=/// The commit this binary was built from (git log -1 at build time).%nlet buildCommit: String? = \"%h (%cs)\"",
          "--output=\(file.path)",
        ],
        outputFilesDirectory: out)
    ]
  }
}
