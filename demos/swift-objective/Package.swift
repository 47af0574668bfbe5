// swift-tools-version: 6.1
// An in-process Swift objective that uses hpotop's engine as a library.
//   cd demos/swift-objective && swift run swift-objective
import PackageDescription

let package = Package(
  name: "swift-objective",
  platforms: [.macOS(.v15)],
  dependencies: [.package(name: "hpotop", path: "../..")],
  targets: [
    .executableTarget(
      name: "SwiftObjective",
      dependencies: [
        .product(name: "HPO", package: "hpotop"),
        .product(name: "HPOSQLite", package: "hpotop"),
      ])
  ]
)
