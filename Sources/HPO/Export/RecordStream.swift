import Foundation
import OrderedCollections

extension Records {
  /// Writes `rows` in `format` piece by piece to `write`: the same text as
  /// `Records(columns:rows:).render(format)`, without holding every row or the whole text.
  /// json, csv and value stream a row at a time; table (column widths) and yaml need every row
  /// first and are rendered at once.
  public static func stream<S: Sequence>(
    columns: [String], rows: S, format: OutputFormat, write: (String) -> Void
  ) where S.Element == OrderedDictionary<String, JSONValue> {
    var writer = RecordWriter(columns: columns, format: format)
    for row in rows { writer.add(row, write: write) }
    writer.finish(write: write)
  }
}

/// Writes rows in an `OutputFormat` as they come (see `Records.stream`): `add` each row, then
/// `finish`. json, csv and value write each row at once; table and yaml keep the rows until
/// `finish` (their layout needs every row).
public struct RecordWriter {
  public let columns: [String]
  public let format: OutputFormat
  private var count = 0
  private var held: [OrderedDictionary<String, JSONValue>] = []

  public init(columns: [String], format: OutputFormat) {
    self.columns = columns
    self.format = format
  }

  /// Whether the format writes a row at a time (json, csv, value) rather than at `finish`.
  public static func streams(_ format: OutputFormat) -> Bool {
    switch format {
    case .json, .csv, .value: true
    case .table, .yaml: false
    }
  }

  public mutating func add(_ row: OrderedDictionary<String, JSONValue>, write: (String) -> Void) {
    defer { count += 1 }
    switch format {
    case .json:
      // `JSONValue.object(row in column order).pythonJSON`, a missing key left out.
      var text = count == 0 ? "[{" : ", {"
      var empty = true
      for c in columns {
        guard let v = row[c] else { continue }
        if !empty { text += ", " }
        empty = false
        JSONValue.writeString(c, to: &text)
        text += ": " + v.pythonJSON
      }
      write(text + "}")
    case .csv:
      if count == 0 { write(columns.map(Records.csvField).joined(separator: ",")) }
      write("\n" + columns.map { Records.csvField(Records.cellText(row[$0] ?? .null, blankNull: true)) }
        .joined(separator: ","))
    case .value:
      if count > 0 { write("\n") }
      write(columns.map { PrintableText.escaped(Records.cellText(row[$0] ?? .null, blankNull: true)) }
        .joined(separator: " "))
    case .table, .yaml:
      held.append(row)
    }
  }

  public mutating func finish(write: (String) -> Void) {
    switch format {
    case .json: write(count == 0 ? "[]" : "]")
    case .csv: if count == 0 { write(columns.map(Records.csvField).joined(separator: ",")) }
    case .value: break
    case .table, .yaml:
      write(Records(columns: columns, rows: held).render(format))
      held = []
    }
  }
}

/// A buffered writer to a file descriptor (standard output, or a file it opens): the
/// streaming commands write through one instead of building their whole output as a String.
public final class TextSink {
  private let fd: Int32
  private let owned: Bool
  private var buffer: [UInt8] = []
  private let capacity = 1 << 16
  /// The first write error, kept until `finish` reports it.
  private var failure: Error?

  /// Writes to standard output.
  public init() {
    fd = STDOUT_FILENO
    owned = false
    buffer.reserveCapacity(capacity)
  }

  /// Creates (or truncates) the file at `path` and writes to it.
  public init(path: String) throws {
    let f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard f >= 0 else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey:
        "cannot write \(path): \(String(cString: strerror(errno)))"])
    }
    fd = f
    owned = true
    buffer.reserveCapacity(capacity)
  }

  deinit {
    if owned { close(fd) }
  }

  public func write(_ text: String) {
    if failure != nil { return }  // the output is gone (a closed pipe): drop the rest
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= capacity {
      do { try flush() } catch { failure = error }
    }
  }

  /// Writes out what is left; throws the first error any write met.
  public func finish() throws {
    if let failure { throw failure }
    try flush()
  }

  private func flush() throws {
    var done = 0
    while done < buffer.count {
      let n = buffer.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + done, $0.count - done) }
      if n < 0 {
        if errno == EINTR { continue }
        buffer.removeAll(keepingCapacity: true)
        throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "write failed: \(String(cString: strerror(errno)))"])
      }
      done += n
    }
    buffer.removeAll(keepingCapacity: true)
  }
}
