import ArgumentParser

/// `hpobench`: hpotop's side of the benchmarks in `bench/`. Each subcommand prints one JSON
/// document on stdout for `bench/run.sh` to compare with Optuna measured in the same run.
@main
struct HPOBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hpobench",
    abstract: "hpotop benchmarks (run them through bench/run.sh, which also runs Optuna).",
    subcommands: [Quality.self, CMAESQuality.self, Overhead.self, MultiFidelity.self, Importance.self, ImportanceAnalytic.self, Pareto.self, InfoTiming.self,
                  Throughput.self, GPTiming.self, MultiFidelitySteps.self, PBTToyBench.self, NSGA2Quality.self])
}
