import Foundation
import OrderedCollections

extension BuiltinObjective {
  /// The registry. Spaces, optima and argmins are those of the Optuna baseline's
  /// `bench/optuna/functions.py` (`FUNCTIONS` and `zdt1`).
  static let registry: [BuiltinObjective] = [
    BuiltinObjective(
      name: "branin", summary: "Branin–Hoo, 2-d, three global minima of 5/(4π)",
      source: "Branin (1972); functions.py `branin`",
      space: { _ in box(["x0": (-5.0, 10.0), "x1": (0.0, 15.0)]) },
      optimum: { _ in
        KnownOptimum(values: [TestFunctions.braninOptimum], params: ["x0": .float(.pi), "x1": .float(2.275)])
      },
      evaluate: { p, _, _ in Evaluation(values: [TestFunctions.branin(p.number("x0"), p.number("x1"))]) }),
    BuiltinObjective(
      name: "hartmann6", summary: "Hartmann 6-d on [0, 1]^6, minimum −3.32237",
      source: "Hartmann (1973), VLSE; functions.py `hartmann6`",
      space: { _ in box(dims: 6, 0.0, 1.0) },
      optimum: { _ in
        KnownOptimum(values: [TestFunctions.hartmann6Optimum], params: vector(TestFunctions.hartmann6Argmin))
      },
      evaluate: { p, _, _ in Evaluation(values: [TestFunctions.hartmann6(p.vector(6))]) }),
    BuiltinObjective(
      name: "rosenbrock", aliases: ["rosenbrock4"], summary: "Rosenbrock on [−5, 10]^d (d = 4), minimum 0",
      source: "Rosenbrock (1960), VLSE; functions.py `rosenbrock`",
      options: [dimsOption(default: 4, min: 2)],
      space: { o in box(dims: o.dims, -5.0, 10.0) },
      optimum: { o in KnownOptimum(values: [0], params: vector(Array(repeating: 1.0, count: o.dims))) },
      evaluate: { p, o, _ in Evaluation(values: [TestFunctions.rosenbrock(p.vector(o.dims))]) }),
    BuiltinObjective(
      name: "ackley", aliases: ["ackley5"], summary: "Ackley on [−32.768, 32.768]^d (d = 5), minimum 0",
      source: "Ackley (1987), VLSE; functions.py `ackley`",
      options: [dimsOption(default: 5, min: 1)],
      space: { o in box(dims: o.dims, -32.768, 32.768) },
      optimum: { o in KnownOptimum(values: [0], params: vector(Array(repeating: 0.0, count: o.dims))) },
      evaluate: { p, o, _ in Evaluation(values: [TestFunctions.ackley(p.vector(o.dims))]) }),
    BuiltinObjective(
      name: "styblinski_tang", aliases: ["styblinski_tang4"],
      summary: "Styblinski–Tang on [−5, 5]^d (d = 4), minimum −39.166 d",
      source: "Styblinski & Tang (1990), VLSE; functions.py `styblinski_tang`",
      options: [dimsOption(default: 4, min: 1)],
      space: { o in box(dims: o.dims, -5.0, 5.0) },
      optimum: { o in
        KnownOptimum(
          values: [Double(o.dims) * TestFunctions.styblinskiTang1DOptimum],
          params: vector(Array(repeating: TestFunctions.styblinskiTangXStar, count: o.dims)))
      },
      evaluate: { p, o, _ in Evaluation(values: [TestFunctions.styblinskiTang(p.vector(o.dims))]) }),
    BuiltinObjective(
      name: "mixed", summary: "2 categorical + 1 int + 2 float params with interactions, minimum 0",
      source: "functions.py `mixed` (defined for the hpotop/Optuna benchmark)",
      space: { _ in mixedSpace },
      optimum: { _ in
        KnownOptimum(
          values: [0],
          params: ["c0": .string("b"), "c1": .string("y"), "n": .int(7), "u": .float(0.5), "v": .float(3.0)])
      },
      evaluate: { p, _, _ in
        Evaluation(values: [
          TestFunctions.mixed(
            c0: p["c0"]?.stringValue ?? "", c1: p["c1"]?.stringValue ?? "", n: p["n"]?.intValue ?? 0,
            u: p.number("u"), v: p.number("v"))
        ])
      }),
    BuiltinObjective(
      name: "zdt1", summary: "ZDT1, 2 objectives on [0, 1]^d (d = 30), front f2 = 1 − √f1",
      source: "Zitzler, Deb & Thiele (2000); functions.py `zdt1`",
      metricNames: ["f1", "f2"], directions: [.minimize, .minimize],
      options: [dimsOption(default: 30, min: 2)],
      space: { o in box(dims: o.dims, 0.0, 1.0) },
      optimum: { o in
        // One point of the Pareto front: f1 = 0, f2 = 1 (the front is f2 = 1 − √f1 where g = 1).
        KnownOptimum(values: [0, 1], params: vector(Array(repeating: 0.0, count: o.dims)))
      },
      evaluate: { p, o, _ in
        let (f1, f2) = TestFunctions.zdt1(p.vector(o.dims))
        return Evaluation(values: [f1, f2])
      }),
    BuiltinObjective(
      name: "simulated_training",
      summary: "a noisy learning curve of a simulated network (val_loss per epoch); for pruners",
      source: "hpotop `SimulatedTraining` (after the learning curves of Hyperband/BOHB evaluations)",
      metricNames: ["val_loss"],
      options: [
        BuiltinOption("epochs", .int(min: 1, max: 100_000), default: .int(27), help: "epochs (steps) per trial"),
        BuiltinOption("sleep", .double(min: 0, max: 3600), default: .double(0), help: "seconds to sleep per epoch"),
        BuiltinOption("seed", .int(min: 0, max: Int.max), default: .int(0), help: "noise seed"),
        BuiltinOption("noise", .double(min: 0, max: 100), default: .double(1), help: "noise scale (0: noise-free)"),
      ],
      reportsIntermediateValues: true,
      space: { _ in SimulatedTraining.searchSpace },
      evaluate: { p, o, number in
        let curve = SimulatedTraining.curve(
          p, epochs: o.int("epochs") ?? 27, seed: UInt64(max(0, o.int("seed") ?? 0)),
          noiseScale: o.double("noise") ?? 1, trialNumber: number)
        return Evaluation(curve: curve, values: [curve.last ?? .nan])
      }),
    BuiltinObjective(
      name: "learning_curve",
      summary: "the multi-fidelity bench's learning curve (loss per epoch, 81 epochs), for budgets and pruners",
      source: "hpotop `LearningCurveTask`, identical to bench/optuna/learning_curve.py",
      metricNames: ["val_loss"],
      options: [
        BuiltinOption("epochs", .int(min: 1, max: 100_000), default: .int(LearningCurveTask.epochs), help: "epochs (steps) per trial"),
        BuiltinOption("seed", .int(min: 0, max: Int.max), default: .int(0), help: "noise seed"),
      ],
      reportsIntermediateValues: true,
      space: { _ in LearningCurveTask.searchSpace },
      optimum: { _ in
        KnownOptimum(
          values: [LearningCurveTask.optimum],
          params: ["lr": .float(0.00428659372856706), "batch_size": .int(64), "layers": .int(4),
                   "dropout": .float(0.17887092709541325), "weight_decay": .float(0.0001)])
      },
      evaluate: { p, o, number in
        let curve = LearningCurveTask.curve(
          p, seed: UInt64(max(0, o.int("seed") ?? 0)), number: number, epochs: o.int("epochs") ?? LearningCurveTask.epochs)
        return Evaluation(curve: curve, values: [curve.last ?? .nan])
      }),
  ]

  static func dimsOption(default d: Int, min: Int) -> BuiltinOption {
    BuiltinOption("dims", .int(min: min, max: 1000), default: .int(d), help: "number of dimensions x0, x1, …")
  }

  /// Float params named as given, on [low, high] (linear), in order.
  static func box(_ bounds: KeyValuePairs<String, (Double, Double)>) -> SearchSpace {
    SearchSpace(bounds.compactMap { name, b in
      (try? FloatDistribution(low: b.0, high: b.1)).map { SearchSpace.Param(name: name, distribution: .float($0)) }
    })
  }

  /// Float params x0…x{d−1} on [low, high].
  static func box(dims: Int, _ low: Double, _ high: Double) -> SearchSpace {
    SearchSpace((0..<dims).compactMap { i in
      (try? FloatDistribution(low: low, high: high)).map { SearchSpace.Param(name: "x\(i)", distribution: .float($0)) }
    })
  }

  static var mixedSpace: SearchSpace {
    var space = SearchSpace()
    if let c0 = try? CategoricalDistribution(choices: ["a", "b", "c"].map(ParamValue.string)) {
      space.append(.init(name: "c0", distribution: .categorical(c0)))
    }
    if let c1 = try? CategoricalDistribution(choices: ["x", "y", "z", "w"].map(ParamValue.string)) {
      space.append(.init(name: "c1", distribution: .categorical(c1)))
    }
    if let n = try? IntDistribution(low: 1, high: 10) { space.append(.init(name: "n", distribution: .int(n))) }
    if let u = try? FloatDistribution(low: 0, high: 1) { space.append(.init(name: "u", distribution: .float(u))) }
    if let v = try? FloatDistribution(low: -5, high: 5) { space.append(.init(name: "v", distribution: .float(v))) }
    return space
  }

  /// Params x0…x{d−1} with the given values.
  static func vector(_ xs: [Double]) -> OrderedDictionary<String, ParamValue> {
    OrderedDictionary(uniqueKeysWithValues: xs.enumerated().map { ("x\($0.offset)", ParamValue.float($0.element)) })
  }
}

extension BuiltinOptions {
  fileprivate var dims: Int { int("dims") ?? 1 }
}

extension OrderedDictionary where Key == String, Value == ParamValue {
  /// A numeric param as a Double (NaN when missing, so a bad space fails the trial visibly).
  fileprivate func number(_ name: String) -> Double { self[name]?.doubleValue ?? .nan }

  /// The numeric params x0…x{d−1}.
  fileprivate func vector(_ d: Int) -> [Double] { (0..<d).map { number("x\($0)") } }
}
