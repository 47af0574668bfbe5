import ArgumentParser
import Foundation
import HPO

/// `hpobench gp-timing`: the GP sampler's time to propose one point after n COMPLETE trials
/// (random ones on a built-in function), cold (Optuna's start) and warm (the next trial, whose fit
/// starts from the stored hyperparameters), for the fit-cost figures in bench/README.md.
struct GPTiming: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gp-timing", abstract: "Seconds for one GP proposal after n trials, as JSON.")

  @Option(help: "Built-in function.")
  var function = "hartmann6"
  @Option(help: "History sizes, comma-separated.")
  var sizes = "100,300,1000"

  func run() async throws {
    guard let builtin = BuiltinObjective.named(function) else { throw ValidationError("no builtin named \(function)") }
    var rows: [String] = []
    for n in sizes.split(separator: ",").compactMap({ Int($0) }) {
      var o = GPOptions()
      o.nStartupTrials = n  // the first n trials are random, the next one is the GP's
      let study = try await Study.create(name: "t", storage: InMemoryStorage(), sampler: GPSampler(seed: 1, options: o))
      let space = builtin.searchSpace()
      var wall = 0.0, cpu = 0.0, warmWall = 0.0, warmCPU = 0.0
      for i in 0...(n + 1) {
        let t0 = Date(), c0 = Quality.processCPUSeconds()
        var trial = try await study.ask()
        let params = try await space.suggest(in: &trial)
        if i == n { wall = Date().timeIntervalSince(t0); cpu = Quality.processCPUSeconds() - c0 }
        // The next proposal starts its fit from the hyperparameters stored on trial n.
        if i == n + 1 { warmWall = Date().timeIntervalSince(t0); warmCPU = Quality.processCPUSeconds() - c0 }
        try await study.tell(trialID: trial.id, values: builtin.evaluate(params, trialNumber: trial.number).values)
      }
      rows.append("{\"trials\": \(n), \"wall_s\": \(wall), \"cpu_s\": \(cpu), \"warm_wall_s\": \(warmWall), \"warm_cpu_s\": \(warmCPU)}")
    }
    print("{\"function\": \"\(function)\", \"proposals\": [\(rows.joined(separator: ", "))]}")
  }
}
