// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "hpotop",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "hpotop", targets: ["hpotop"]),
    .executable(name: "hpotop-supervise", targets: ["hpotop-supervise"]),
    .library(name: "HPO", targets: ["HPO"]),
    .library(name: "HPOSQLite", targets: ["HPOSQLite"]),
    .library(name: "HPOPostgres", targets: ["HPOPostgres"]),
    .library(name: "HPOJournal", targets: ["HPOJournal"]),
    .library(name: "HPOAnalysis", targets: ["HPOAnalysis"]),
    .library(name: "HPOTesting", targets: ["HPOTesting"]),
  ],
  traits: [.trait(name: "PostgreSQL"), .default(enabledTraits: [])],
  dependencies: [
    .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
    .package(url: "https://github.com/swiftlang/swift-subprocess", exact: "1.0.2"),
    .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
  ],
  targets: [
    .systemLibrary(name: "CNcursesw", providers: [.apt(["libncursesw5-dev"])]),
    .target(name: "CProcessSupervisor"),
    .target(name: "CGPKernels"),
    .executableTarget(name: "hpotop-supervise", dependencies: ["CProcessSupervisor"]),
    .target(
      name: "HPO",
      dependencies: [
        "CProcessSupervisor",
        "CGPKernels",
        .product(name: "OrderedCollections", package: "swift-collections"),
        .product(name: "Yams", package: "Yams"),
        .product(name: "Subprocess", package: "swift-subprocess"),
        .product(name: "SystemPackage", package: "swift-system"),
      ]),
    .target(name: "HPOAnalysis", dependencies: ["HPO"]),
    .target(name: "PlotSVG", dependencies: ["HPO", "HPOAnalysis"]),
    .target(name: "HPOSQLite", dependencies: ["HPO", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")]),
    .target(
      name: "HPOJournal",
      dependencies: ["HPO", .product(name: "OrderedCollections", package: "swift-collections")]),
    .target(
      name: "HPOPostgres",
      dependencies: [
        "HPO",
        .product(
          name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"])),
      ]),
    .target(name: "HPOTesting", dependencies: ["HPO"]),
    .target(name: "Terminal"),
    .target(name: "TerminalNCurses", dependencies: ["Terminal", "CNcursesw"]),
    .target(name: "Dashboard", dependencies: ["HPO", "HPOAnalysis", "PlotSVG", "Terminal"]),
    .executableTarget(
      name: "hpotop",
      dependencies: [
        "HPO", "HPOSQLite", "HPOJournal", "HPOAnalysis", "Dashboard", "Terminal", "TerminalNCurses",
        .target(name: "HPOPostgres", condition: .when(traits: ["PostgreSQL"])),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      plugins: ["BuildCommit"]),
    // `hpotop --version`: the commit the binary was built from (Plugins/BuildCommit).
    .plugin(name: "BuildCommit", capability: .buildTool()),
    .executableTarget(
      name: "hpobench",
      dependencies: [
        "HPO", "HPOSQLite", "HPOAnalysis",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .testTarget(name: "HPOTests", dependencies: ["HPO", "HPOTesting"]),
    .testTarget(name: "HPOSQLiteTests", dependencies: ["HPO", "HPOSQLite", "HPOTesting"]),
    .testTarget(name: "HPOJournalTests", dependencies: ["HPO", "HPOJournal", "HPOTesting"]),
    .testTarget(name: "HPOAnalysisTests", dependencies: ["HPO", "HPOAnalysis", "PlotSVG"]),
    .testTarget(name: "TerminalTests", dependencies: ["Terminal"]),
    .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "Terminal", "HPO"]),
    .testTarget(
      name: "HPOPostgresTests",
      dependencies: ["HPO", "HPOSQLite", "HPOTesting", "HPOPostgres", "hpotop"]),
    .testTarget(
      name: "EndToEndTests", dependencies: ["hpotop", "HPO", "HPOSQLite", "HPOTesting"]),
  ],
  swiftLanguageModes: [.v6]
)
