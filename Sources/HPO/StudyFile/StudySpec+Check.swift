import Foundation

extension StudySpec {
  /// Reads a study file and checks everything a run would build from it (sampler and pruner
  /// options, the grid, the objective, its program and working directory), without opening its
  /// storage or running anything: every file this accepts can start trials, every other is a
  /// positioned `StudyFileError`.
  public static func loadChecked(path: String) throws -> StudySpec {
    let spec = try load(path: path)
    try spec.checkComponents()
    return spec
  }

  /// Builds the sampler, pruner and objective on a throwaway in-memory storage, and checks that
  /// a command objective's working directory and program exist, so that these errors surface at
  /// load rather than in every trial. (`parse` itself never looks at the file system.)
  public func checkComponents() throws {
    _ = try StudyLauncher(spec: self, storage: InMemoryStorage())
    try checkCommand()
  }

  /// The folder of the file's SQLite storage must exist (`hpotop check`; `run --storage` may
  /// name another storage, so `run` leaves this to opening it).
  public func checkStorageFolder() throws {
    if storage.hasPrefix("sqlite:///") {
      let file = String(storage.dropFirst("sqlite:///".count).prefix { $0 != "?" })
      let directory = (file as NSString).deletingLastPathComponent
      var isDirectory: ObjCBool = false
      if !directory.isEmpty,
        !(FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue)
      {
        throw error("the storage's folder '\(directory)' does not exist", at: "storage")
      }
    }
  }

  private func checkCommand() throws {
    guard case .command(let c) = objective else { return }
    var isDirectory: ObjCBool = false
    guard !c.resolvedCwd.contains("\0"),
      FileManager.default.fileExists(atPath: c.resolvedCwd, isDirectory: &isDirectory), isDirectory.boolValue
    else {
      throw error("cwd '\(c.resolvedCwd)' is not an existing directory", at: "objective.cwd")
    }
    if let program = c.argv.first, !program.contains("{"),
      !Self.programExists(program, cwd: c.resolvedCwd, path: c.env["PATH"])
    {
      let problem = program.contains("/")
        ? "no executable file '\(program)' (relative to cwd \(c.resolvedCwd))" : "no program '\(program)' on PATH"
      throw error("\(problem): every trial would fail to start", at: "objective.program")
    }
  }

  /// Whether a command's program can be started: a name found on `PATH` (the objective's own
  /// `env: PATH` when it sets one), or a path to an executable file (relative to `cwd`, or to
  /// the working directory, either of which the spawn may use).
  static func programExists(_ program: String, cwd: String, path: String?) -> Bool {
    let fm = FileManager.default
    func executable(_ file: String) -> Bool {
      var isDirectory: ObjCBool = false
      return fm.fileExists(atPath: file, isDirectory: &isDirectory) && !isDirectory.boolValue
        && fm.isExecutableFile(atPath: file)
    }
    if program.contains("/") {
      if program.hasPrefix("/") { return executable(program) }
      return executable((cwd as NSString).appendingPathComponent(program)) || executable(program)
    }
    let search = [path, ProcessInfo.processInfo.environment["PATH"]].compactMap { $0 }
      .flatMap { $0.split(separator: ":").map(String.init) }
    return search.contains { executable(($0.isEmpty ? "." : $0) + "/" + program) }
  }

}
