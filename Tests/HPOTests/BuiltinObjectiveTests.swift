import Foundation
import HPO
import OrderedCollections
import Testing

@Suite struct BuiltinObjectiveTests {
  /// Values computed by Python (`bench/optuna/functions.py`, NumPy) at fixed points.
  static let golden: [(String, [Double], [Double])] = [
    ("branin", [-0.1425085275025646, 2.262737608867529], [35.23944621802407]),
    ("branin", [4.764017095597806, 1.0865443000131414], [10.564814282471994]),
    ("branin", [3.038230064600338, 5.485333753688783], [10.235679672440915]),
    ("hartmann6", [0.057998924774706806, 0.5074357331894203, 0.03749565844198488, 0.4336456836623859,
                   0.06985542357461894, 0.09071301334386506], [-0.13559498048741792]),
    ("hartmann6", [0.42451918914251396, 0.8268521246720381, 0.12380196114964559, 0.22323896460701453,
                   0.6274332224055893, 0.9477089424570057], [-0.04307444829129462]),
    ("hartmann6", [0.5771029486174987, 0.39668047465078016, 0.9762551055929201, 0.04658268061775628,
                   0.8584684590486795, 0.28960928633167626], [-0.010749524121368401]),
    ("rosenbrock", [-2.836173749638437, -3.2331164288244745, -0.37277263847098485, 7.24189538680047],
     [29516.584146870016]),
    ("rosenbrock", [-2.289104301140938, 3.7240024549369934, 4.583702033892761, 0.5859631408859682],
     [50596.53837385296]),
    ("rosenbrock", [3.2161669856433672, -4.0581653754001525, -4.10598245050651, -1.910619307710102],
     [98360.01394542554]),
    ("ackley", [11.822692642441524, -4.745310655650012, -12.18005104218659, 5.607382286836611, -3.068108710164868],
     [17.766147547116386]),
    ("ackley", [-13.122470093541715, 19.29245370105798, 13.04129920890118, -16.77089107331299, 4.8774322755122625],
     [19.993642065793278]),
    ("ackley", [1.6512780737872816, 24.585010909900234, 15.036926488688565, -13.897710640156735, 31.46873880527386],
     [21.4797586699967]),
    ("styblinski_tang", [-3.819342217450379, -0.8187717821477278, 2.5714092956524937, -3.480154653394952],
     [-83.89359337025435]),
    ("styblinski_tang", [-0.11036899524194421, -4.607927429525623, 1.6821585653439524, 2.645708662128131],
     [4.3490784036470345]),
    ("styblinski_tang", [0.7302594027738394, 3.7547781183088826, -1.8625248715190326, 1.9529536627365927],
     [-51.0642156669803]),
    ("zdt1", [0.5943698771050184, 0.5798952042824922, 0.45620533130141305, 0.8399677805125414, 0.9446810951079374,
              0.47409833741964447], [0.5943698771050184, 4.901091810621244]),
    ("zdt1", [0.6641522054746745, 0.060669427597219716, 0.7014920213044239, 0.6471288545276688, 0.9930959394666341,
              0.8219247866097149, 0.28459553209414923, 0.3857914424467108, 0.6686527158841882, 0.02256292805558857,
              0.46169528629976586, 0.16804837890654456, 0.11709579448173191, 0.058954419331310404,
              0.7682329884725208, 0.12934022201868423, 0.24761483369691428, 0.3909497031332271, 0.8714219741262994,
              0.08058130120013862, 0.44918740094933096, 0.5494399091440374, 0.8833838264415125, 0.8192798378357413,
              0.8639844696985152, 0.27842106451389714, 0.4152965172116986, 0.3587711653316248, 0.884192827198217,
              0.9577312039639913], [0.6641522054746745, 3.5476335758335344]),
    ("rosenbrock", [-2.7361864131333657, -2.3567340726444455, -1.5206469977069634, -1.499958744787083,
                    2.2744409551203493, 3.8368525559838353, -1.0588007105219308], [41275.77892406488]),
    ("styblinski_tang", [-4.959063966149361, -0.8105349887467206, -1.307464271052746, 0.6634122370639197,
                         4.530979255250953, 1.9049365713597783, 0.1549143307077836, 1.175927494091277,
                         1.7620008244950132], [86.49720130842759]),
    ("ackley", [-29.229521749685688, 26.183795347157954, 18.348080542913188, 24.544096035437057, 19.521412870738153,
                -7.053055957973818, -6.620523245058589, -25.98259302660019, 8.800800976778625, -28.688526762397693,
                -28.354306648111525, -19.086495878600168, -22.131298286167826], [21.457681301072277]),
  ]

  static func params(_ xs: [Double]) -> OrderedDictionary<String, ParamValue> {
    OrderedDictionary(uniqueKeysWithValues: xs.enumerated().map { ("x\($0.offset)", ParamValue.float($0.element)) })
  }

  @Test func matchesPythonAtFixedPoints() throws {
    var exact = 0
    for (name, xs, expected) in Self.golden {
      let b = try #require(BuiltinObjective.named(name))
      let values = b.evaluate(Self.params(xs), options: BuiltinOptions(["dims": .int(xs.count)])).values
      #expect(values.count == expected.count)
      for (v, e) in zip(values, expected) {
        #expect(abs(v - e) <= 1e-12 * max(1, abs(e)), "\(name) at \(xs): \(v) vs Python \(e)")
        if v == e { exact += 1 }
      }
    }
    print("BuiltinObjectiveTests: \(exact) of 22 golden values are bit-identical to Python's")
  }

  @Test func mixedMatchesPython() throws {
    let b = try #require(BuiltinObjective.named("mixed"))
    let cases: [(String, String, Int, Double, Double, Double)] = [
      ("b", "x", 2, 0.00023328190135663007, -3.4873506772057206, 7.368198847543763),
      ("a", "z", 10, 0.025500886666145695, 3.7433237737381972, 7.897972303218344),
      ("c", "w", 3, 0.6344095785339009, 4.554680239214713, 6.746774947355943),
    ]
    for (c0, c1, n, u, v, expected) in cases {
      let value = b.evaluate(["c0": .string(c0), "c1": .string(c1), "n": .int(n), "u": .float(u), "v": .float(v)])
      #expect(abs(value.values[0] - expected) <= 1e-12, "\(c0) \(c1) \(n)")
    }
  }

  @Test(arguments: ["branin", "hartmann6", "rosenbrock", "ackley", "styblinski_tang", "mixed", "zdt1"])
  func valueAtTheKnownOptimumIsTheOptimum(_ name: String) throws {
    let b = try #require(BuiltinObjective.named(name))
    let optimum = try #require(b.knownOptimum())
    let values = b.evaluate(optimum.params).values
    #expect(values.count == optimum.values.count)
    for (v, o) in zip(values, optimum.values) {
      #expect(abs(v - o) <= 1e-6, "\(name): \(v) vs optimum \(o)")
    }
    // The optimum lies in the default space.
    let space = b.searchSpace()
    #expect(Set(space.names) == Set(optimum.params.keys))
    for p in space.params {
      let v = try #require(optimum.params[p.name])
      let internalValue = try #require(p.distribution.toInternal(v))
      #expect(p.distribution.contains(internal: internalValue), "\(name).\(p.name)")
    }
  }

  @Test func knownOptimaMatchTheBaseline() throws {
    #expect(BuiltinObjective.named("branin")?.knownOptimum()?.values == [0.3978873577297384])
    #expect(BuiltinObjective.named("hartmann6")?.knownOptimum()?.values == [-3.3223680114155147])
    #expect(BuiltinObjective.named("styblinski_tang4")?.knownOptimum()?.values == [-156.66466281508568])
    #expect(TestFunctions.styblinskiTang1DOptimum == -39.16616570377142)
    let st6 = BuiltinObjective.named("styblinski_tang")?.knownOptimum(BuiltinOptions(["dims": .int(6)]))
    #expect(st6?.params.count == 6)
    #expect(BuiltinObjective.named("ackley5")?.searchSpace().names.count == 5)
    #expect(BuiltinObjective.named("zdt1")?.searchSpace().names.count == 30)
  }

  @Test func numpySumIsPairwise() {
    // Pairwise blocks keep some of the ones that a left-to-right sum loses.
    let xs = [1e16] + Array(repeating: 1.0, count: 15) + [-1e16]
    #expect(TestFunctions.numpySum(xs) == 14)  // NumPy: np.sum([1e16] + [1.0]*15 + [-1e16]) == 14.0
    #expect(TestFunctions.numpySum([]) == 0)
    #expect(TestFunctions.numpySum(Array(repeating: 0.1, count: 300)) == 29.999999999999996)  // NumPy's value
  }

  @Test func simulatedTrainingIsDeterministic() throws {
    let b = try #require(BuiltinObjective.named("simulated_training"))
    let p: OrderedDictionary<String, ParamValue> = [
      "lr": .float(1e-3), "batch_size": .int(64), "layers": .int(4), "width": .int(128),
      "optimizer": .string("adam"), "dropout": .float(0.2),
    ]
    let a = b.evaluate(p, trialNumber: 5)
    let again = b.evaluate(p, trialNumber: 5)
    #expect(a == again)
    #expect(a.curve.count == 27 && a.values == [a.curve[26]])
    #expect(b.evaluate(p, trialNumber: 6).curve != a.curve)  // noise depends on the trial number
    let long = b.evaluate(p, options: BuiltinOptions(["epochs": .int(81)]), trialNumber: 5)
    #expect(long.curve.count == 81)
    #expect(a.curve.first ?? 0 > a.curve.last ?? 0)  // it learns
    let clean = b.evaluate(p, options: BuiltinOptions(["noise": .double(0)]), trialNumber: 5)
    #expect(zip(clean.curve, clean.curve.dropFirst()).allSatisfy { $0 >= $1 })  // noise-free: monotone here
  }

  @Test func simulatedTrainingConfigsDifferInQualityAndSpeed() throws {
    let b = try #require(BuiltinObjective.named("simulated_training"))
    let noiseFree = BuiltinOptions(["noise": .double(0), "epochs": .int(81)])
    let good: OrderedDictionary<String, ParamValue> = [
      "lr": .float(1e-3), "batch_size": .int(64), "layers": .int(4), "width": .int(181),
      "optimizer": .string("adam"), "dropout": .float(0.2),
    ]
    var slow = good
    slow["lr"] = .float(3e-5)
    var poor = good
    poor["layers"] = .int(1)
    poor["width"] = .int(16)
    var sgd = good
    sgd["optimizer"] = .string("sgd")
    sgd["lr"] = .float(0.02)
    sgd["momentum"] = .float(0.9)
    let curves = [good, slow, poor, sgd].map { b.evaluate($0, options: noiseFree).curve }
    #expect(Set(curves.map { $0.last ?? 0 }).count == 4)
    #expect(curves[0].last ?? 1 < curves[2].last ?? 0)  // capacity matters for the final loss
    #expect(curves[0][4] < curves[1][4])  // a tiny learning rate is slow early on
    let pGood = SimulatedTraining.profile(good, epochs: 81)
    let pSlow = SimulatedTraining.profile(slow, epochs: 81)
    #expect(pSlow.tau > 2 * pGood.tau)
  }

  @Test func simulatedTrainingReportsAndPrunes() async throws {
    let study = try await Study.create(name: "sim", storage: InMemoryStorage(), sampler: RandomSampler(seed: 0))
    let b = try #require(BuiltinObjective.named("simulated_training"))
    try await study.optimize(limits: OptimizeLimits(nTrials: 4, parallelism: 2),
                             objective: b.objective(options: BuiltinOptions(["epochs": .int(9)])))
    let trials = try await study.trials()
    #expect(trials.count == 4 && trials.allSatisfy { $0.state == .complete })
    for t in trials {
      #expect(t.intermediateValues.count == 9)
      #expect(t.value == t.intermediateValues[9])
      #expect((t.params["optimizer"] == .string("sgd")) == (t.params["momentum"] != nil))
      // The same params and trial number give the same curve outside the study.
      let replay = b.evaluate(t.params, options: BuiltinOptions(["epochs": .int(9)]), trialNumber: t.number)
      #expect(replay.values == [t.value ?? .nan])
    }
  }

  @Test func builtinObjectiveRunsInAStudy() async throws {
    let study = try await Study.create(
      name: "z", directions: [.minimize, .minimize], storage: InMemoryStorage(), sampler: RandomSampler(seed: 2))
    let b = try #require(BuiltinObjective.named("zdt1"))
    let options = BuiltinOptions(["dims": .int(4)])
    try await study.optimize(limits: OptimizeLimits(nTrials: 10), objective: b.objective(options: options))
    let trials = try await study.trials()
    #expect(trials.count == 10 && trials.allSatisfy { $0.state == .complete && $0.values?.count == 2 })
    #expect(trials.allSatisfy { Array($0.params.keys) == ["x0", "x1", "x2", "x3"] })
  }

  @Test func namesAreUnique() {
    let names = BuiltinObjective.allNames
    #expect(Set(names).count == names.count)
    #expect(BuiltinObjective.all.allSatisfy { $0.metricNames.count == $0.directions.count })
  }
}
