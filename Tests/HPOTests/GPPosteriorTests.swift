import Foundation
import Testing

@testable import HPO

/// The GP's posterior against Optuna's on one fixed history (a fixture written by
/// bench/optuna/gp_parity_fixture.py), the batched posterior against the single-point one, and the
/// output warp.
@Suite struct GPPosteriorTests {
  typealias F = GPOptunaParityFixture

  static func optunaModel() -> GaussianProcess {
    var gp = GaussianProcess(
      x: F.x, y: F.y, dim: F.dim, isCategorical: F.isCategorical, params: .initial(dim: F.dim))
    gp.set(params: GaussianProcess.Params(
      inverseSquaredLengthscales: F.inverseSquaredLengthscales, kernelScale: F.kernelScale,
      noiseVariance: F.noiseVariance))
    return gp
  }

  @Test func posteriorMatchesOptunasWithItsKernelParams() {
    let gp = Self.optunaModel()
    for q in 0..<F.mean.count {
      let point = Array(F.testPoints[(q * F.dim)..<((q + 1) * F.dim)])
      let post = gp.posterior(point, gradientDims: [0, 1])
      #expect(abs(post.mean - F.mean[q]) < 1e-9, "mean at point \(q): \(post.mean) vs \(F.mean[q])")
      #expect(abs(post.variance - F.variance[q]) < 1e-9, "variance at point \(q): \(post.variance) vs \(F.variance[q])")
      let acq = AcquisitionFunction(gp: gp, kind: .logei, best: F.best, beta: 2, constraints: [])
      let v = acq.value(point).value
      #expect(abs(v - F.logEI[q]) < 1e-7 * max(1, abs(F.logEI[q])), "LogEI at point \(q): \(v) vs \(F.logEI[q])")
    }
  }

  @Test func lossAtOptunasParamsMatchesAndOurFitIsAsGood() {
    var gp = Self.optunaModel()
    let optunaRaw = GaussianProcess.raw(gp.params)
    let atOptuna = gp.loss(raw: optunaRaw, deterministic: false).value
    #expect(abs(atOptuna - F.loss) < 1e-8 * max(1, abs(F.loss)), "loss \(atOptuna) vs Optuna's \(F.loss)")
    // Our MAP fit from Optuna's start reaches a loss no worse than Optuna's (both stop at gtol 1e-2).
    gp.fit()
    let ours = gp.loss(raw: GaussianProcess.raw(gp.params), deterministic: false).value
    #expect(ours <= F.loss + 1e-3, "our fit's loss \(ours) vs Optuna's \(F.loss)")
  }

  @Test func batchedPosteriorMatchesSinglePoints() {
    var rng = SeededRNG(seed: 11)
    var gp = GaussianProcessTests.model(n: 40)
    gp.fit()
    let m = 300
    var points: [Double] = []
    for _ in 0..<m { points += [rng.uniform(), rng.uniform()] }
    let batch = gp.posterior(batch: points, count: m)
    for q in 0..<m {
      let one = gp.posterior(Array(points[(2 * q)..<(2 * q + 2)]), gradientDims: [0])
      #expect(abs(batch.mean[q] - one.mean) < 1e-10)
      #expect(abs(batch.variance[q] - one.variance) < 1e-8)  // K⁻¹ against two triangular solves
    }
  }

  @Test func warpJacobianMatchesFiniteDifferences() {
    // The log-Jacobian that puts the warped GP's evidence on the scale of the plain one's:
    // Σ log |dw/dz| against central differences, for a λ well away from 1 both ways.
    let heavyTail: [Double] = (0..<40).map { i -> Double in pow(10.0, Double(i % 6)) * (1.0 + Double(i) / 40.0) }
    let longTop: [Double] = (0..<40).map { i -> Double in -pow(3.0, Double(i % 5)) * (1.0 + Double(i) / 40.0) }
    for costs in [heavyTail, longTop] {
      let (z, _, _) = GPSampler.standardize(costs.map { -$0 })
      let w = OutputWarp(fitting: z)
      let lambda: Double = w.lambda
      #expect(abs(lambda - 1) > 0.2, "λ \(lambda)")
      let h = 1e-6
      var fd = 0.0
      for v in z {
        let slope: Double = (w(v + h) - w(v - h)) / (2 * h)
        fd += log(abs(slope))
      }
      let jacobian: Double = w.logJacobian(z)
      #expect(abs(fd - jacobian) < 1e-5, "\(fd) vs \(jacobian)")
    }
  }

  @Test func warpIsMonotoneInvertibleAndNearIdentityOnNormalValues() {
    // Near-normal values: λ close to 1, the warp is almost the identity.
    var rng = SeededRNG(seed: 5)
    var normal: [Double] = []
    for _ in 0..<200 {
      let u1 = max(rng.uniform(), 1e-12), u2 = rng.uniform()
      normal.append((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
    let (z, _, _) = GPSampler.standardize(normal)
    let w = OutputWarp(fitting: z)
    #expect(abs(w.lambda - 1) < 0.25, "λ \(w.lambda)")
    // A long tail of bad values (Rosenbrock-like costs, maximised as −cost): λ well above 1
    // compresses the tail, the best values spread out.
    let costs = (0..<60).map { i in pow(10, Double(i % 7)) * (1 + Double(i) / 60) }
    let (zc, _, _) = GPSampler.standardize(costs.map { -$0 })
    let wc = OutputWarp(fitting: zc)
    #expect(wc.lambda > 1.5, "λ \(wc.lambda)")
    let sorted = zc.sorted()
    for (a, b) in zip(sorted, sorted.dropFirst()) where a < b { #expect(wc(a) < wc(b)) }
    for v in zc + z { #expect(abs(wc.inverse(wc(v)) - v) < 1e-9 * max(1, abs(v))) }
  }
}
