import Foundation
import HPO
import HPOSQLite
import HPOTesting
import Testing

/// `readTrialPages`, which `trials` and `export` stream from: the pages hold every trial of the
/// study once, by number, and the trials that introduce a key give the same columns as all trials.
@Suite struct SQLiteTrialPagesTests {
  @Test func pagesHoldEveryTrialAndCarriersGiveEveryColumn() async throws {
    let dir = try TempDir()
    let s = try SQLiteStorage(path: dir.file("pages.db"))
    let sid = try await s.createStudy(name: "paged", directions: [.minimize])
    let other = try await s.createStudy(name: "other", directions: [.minimize])
    let x = Distribution.float(try FloatDistribution(low: 0, high: 1))
    for n in 0..<20 {
      // The other study's rows sit between this study's, with keys of their own.
      let o = try await s.createTrial(study: other, template: nil)
      try await s.setTrialParam(trial: o.id, name: "other_\(n)", internalValue: 0.5, distribution: x)
      let t = try await s.createTrial(study: sid, template: nil)
      if n == 0 || n == 5 { try await s.setTrialParam(trial: t.id, name: "x", internalValue: 0.25, distribution: x) }
      if n == 5 { try await s.setTrialParam(trial: t.id, name: "y", internalValue: 0.75, distribution: x) }
      if n == 17 { try await s.setTrialParam(trial: t.id, name: "late", internalValue: 0.5, distribution: x) }
      if n == 3 || n == 9 { try await s.setTrialUserAttr(trial: t.id, key: "note", value: .string("n\(n)")) }
      if n == 11 { try await s.setTrialSystemAttr(trial: t.id, key: "origin", value: .int(1)) }
      if n % 4 == 0 { try await s.setTrialIntermediateValue(trial: t.id, step: n, value: Double(n)) }
      if n < 18 { try await s.setTrialState(trial: t.id, state: .complete, values: [Double(n)]) }
    }
    var carriers: [FrozenTrial] = []
    var pages: [[FrozenTrial]] = []
    let paged = try await s.readTrialPages(
      study: sid, pageSize: 3, columns: { carriers = $0 }, page: { pages.append($0) })
    #expect(paged)
    let all = try await s.trials(study: sid, filter: .all)
    #expect(carriers.map(\.number) == [0, 3, 5, 11, 17])
    #expect(pages.map(\.count) == [3, 3, 3, 3, 3, 3, 2])
    #expect(pages.flatMap { $0 } == all)
    for flatten in [false, true] {
      for full in [false, true] {
        let fromCarriers = TrialRowPlan(carriers, directions: [.minimize], flatten: flatten, full: full)
        let fromAll = TrialRowPlan(all, directions: [.minimize], flatten: flatten, full: full)
        #expect(fromCarriers.columns == fromAll.columns, "flatten \(flatten) full \(full)")
      }
    }
    let flat = TrialRowPlan(carriers, directions: [.minimize], flatten: true, full: true)
    #expect(flat.columns.contains("params_late") && flat.columns.contains("system_attrs_origin"))
    #expect(!flat.columns.contains { $0.hasPrefix("params_other") })
    // Written a page at a time, the text is the one of every trial at once.
    for format in [OutputFormat.json, .csv, .value] {
      var paged = "", whole = ""
      var writer = RecordWriter(columns: flat.columns, format: format)
      for page in pages { for t in page { writer.add(flat.row(t)) { paged += $0 } } }
      writer.finish { paged += $0 }
      Records.stream(columns: flat.columns, rows: all.lazy.map(flat.row), format: format) { whole += $0 }
      #expect(paged == whole, "\(format)")
      #expect(paged == Records(columns: flat.columns, rows: all.map(flat.row)).render(format), "\(format)")
    }
  }

  @Test func aStudyWithoutTrialsGivesNoPagesAndAMissingStudyThrows() async throws {
    let dir = try TempDir()
    let s = try SQLiteStorage(path: dir.file("empty.db"))
    let sid = try await s.createStudy(name: "empty", directions: [.maximize])
    var carriers: [FrozenTrial]? = nil
    var pages = 0
    #expect(try await s.readTrialPages(study: sid, pageSize: 10, columns: { carriers = $0 }, page: { _ in pages += 1 }))
    #expect(carriers == [])
    #expect(pages == 0)
    var writer = RecordWriter(columns: ["number"], format: .json)
    var text = ""
    writer.finish { text += $0 }
    #expect(text == "[]")
    await #expect(throws: StorageError.self) {
      try await s.readTrialPages(study: sid + 7, pageSize: 10, columns: { _ in }, page: { _ in })
    }
  }
}
