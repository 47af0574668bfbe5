/// A line and column in a study file, both 1-based (as YAML marks and compilers count).
public struct SourcePosition: Hashable, Sendable, CustomStringConvertible {
  public let line: Int
  public let column: Int

  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  /// The start of the file, for errors about the file as a whole.
  public static let start = SourcePosition(line: 1, column: 1)

  public var description: String { "\(line):\(column)" }
}

/// A problem in a study file, at a position, printed as a compiler diagnostic:
/// `path:line:col: error: message` on one line.
public struct StudyFileError: Error, CustomStringConvertible, Sendable, Equatable {
  public let path: String
  public let line: Int
  public let column: Int
  public let message: String

  public init(path: String, line: Int, column: Int, message: String) {
    self.path = path
    self.line = line
    self.column = column
    self.message = message
  }

  public init(path: String, at position: SourcePosition, _ message: String) {
    self.init(path: path, line: position.line, column: position.column, message: message)
  }

  public var position: SourcePosition { SourcePosition(line: line, column: column) }

  public var description: String {
    let oneLine = message.split(whereSeparator: \.isNewline).joined(separator: " ")
    return "\(path):\(line):\(column): error: \(oneLine)"
  }
}

/// Something in a study file that hpotop reads but cannot honour (a W&B sweep key with no
/// counterpart, a distribution it approximates), printed as `path:line:col: warning: message`.
public struct StudyFileWarning: CustomStringConvertible, Sendable, Equatable {
  public let path: String
  public let position: SourcePosition
  public let message: String

  public init(path: String, at position: SourcePosition, _ message: String) {
    self.path = path
    self.position = position
    self.message = message
  }

  public var description: String {
    let oneLine = message.split(whereSeparator: \.isNewline).joined(separator: " ")
    return "\(path):\(position.line):\(position.column): warning: \(oneLine)"
  }
}
