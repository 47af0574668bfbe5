import Foundation
import HPO
import Testing

/// `objective.log_limit`: sizes in bytes or with binary units, `none`, and positioned errors.
@Suite struct LogLimitTests {
  func command(_ limit: String?) throws -> CommandSpec {
    let yaml = """
      params: {x: {type: float, low: 0, high: 1}}
      objective:
        command: [./train]
      """ + (limit.map { "\n  log_limit: \($0)\n" } ?? "\n")
    let spec = try StudySpec.parse(yaml: yaml, path: "/tmp/s/study.yaml")
    guard case .command(let c) = spec.objective else { throw StudyFileError(path: "", line: 1, column: 1, message: "not a command") }
    return c
  }

  @Test func sizesUnitsAndNone() throws {
    #expect(try command(nil).logLimit == 64 << 20)
    #expect(try command("1048576").logLimit == 1_048_576)
    #expect(try command("512KB").logLimit == 512 << 10)
    #expect(try command("10 MiB").logLimit == 10 << 20)
    #expect(try command("1G").logLimit == 1 << 30)
    #expect(try command("0").logLimit == 0)
    #expect(try command("none").logLimit == nil)
  }

  @Test(arguments: ["-5", "10 parsecs", "[1, 2]", "1.5MB"])
  func badSizesAreRejectedWithAPosition(_ bad: String) throws {
    do {
      _ = try command(bad)
      Issue.record("log_limit: \(bad) was accepted")
    } catch let e as StudyFileError {
      #expect(e.description.hasPrefix("/tmp/s/study.yaml:4:14: error: log_limit must be a size"), "\(e.description)")
    }
  }
}
