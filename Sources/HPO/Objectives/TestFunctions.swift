import Foundation

/// Benchmark test functions, ported operation for operation from the Optuna baseline's
/// `bench/optuna/functions.py` so that hpotop and Optuna runs score the same numbers.
///
/// Every function is to be minimised. NumPy reductions are reproduced with `numpySum` (NumPy's
/// pairwise summation), array `x**2` as `x * x` (NumPy's square fast path) and Python scalar
/// `x**2` as `pow(x, 2)`, so results agree with the Python ones to the last bit on this
/// platform's libm. Definitions follow the Virtual Library of Simulation Experiments
/// (Surjanovic & Bingham, https://www.sfu.ca/~ssurjano/optimization.html) and, for ZDT1,
/// Zitzler, Deb & Thiele, "Comparison of Multiobjective Evolutionary Algorithms: Empirical
/// Results", Evolutionary Computation 8(2), 2000.
public enum TestFunctions {
  // MARK: Branin

  static let braninA = 1.0
  static let braninB = 5.1 / (4.0 * Foundation.pow(Double.pi, 2))
  static let braninC = 5.0 / Double.pi
  static let braninR = 6.0
  static let braninS = 10.0
  static let braninT = 1.0 / (8.0 * Double.pi)
  /// Branin's global minimum, 5/(4π), reached at (−π, 12.275), (π, 2.275) and (9.42478, 2.475).
  public static let braninOptimum = 5.0 / (4.0 * Double.pi)

  /// Branin–Hoo on x0 ∈ [−5, 10], x1 ∈ [0, 15].
  public static func branin(_ x0: Double, _ x1: Double) -> Double {
    braninA * Foundation.pow(x1 - braninB * Foundation.pow(x0, 2) + braninC * x0 - braninR, 2)
      + braninS * (1.0 - braninT) * Foundation.cos(x0) + braninS
  }

  // MARK: Hartmann 6

  static let hartmann6Alpha = [1.0, 1.2, 3.0, 3.2]
  static let hartmann6A: [[Double]] = [
    [10.0, 3.0, 17.0, 3.5, 1.7, 8.0],
    [0.05, 10.0, 17.0, 0.1, 8.0, 14.0],
    [3.0, 3.5, 1.7, 10.0, 17.0, 8.0],
    [17.0, 8.0, 0.05, 10.0, 0.1, 14.0],
  ]
  static let hartmann6P: [[Double]] = [
    [1312.0, 1696.0, 5569.0, 124.0, 8283.0, 5886.0],
    [2329.0, 4135.0, 8307.0, 3736.0, 1004.0, 9991.0],
    [2348.0, 1451.0, 3522.0, 2883.0, 3047.0, 6650.0],
    [4047.0, 8828.0, 8732.0, 5743.0, 1091.0, 381.0],
  ].map { row in row.map { 1e-4 * $0 } }
  /// The (rounded) argmin of Hartmann 6.
  public static let hartmann6Argmin = [
    0.20168952, 0.15001069, 0.47687398, 0.27533243, 0.31165162, 0.65730054,
  ]
  public static let hartmann6Optimum = -3.3223680114155147

  /// Hartmann 6 on [0, 1]^6: −Σᵢ αᵢ exp(−Σⱼ Aᵢⱼ (xⱼ − Pᵢⱼ)²).
  public static func hartmann6(_ x: [Double]) -> Double {
    var terms: [Double] = []
    for i in 0..<4 {
      var row: [Double] = []
      for j in 0..<6 {
        let d = x[j] - hartmann6P[i][j]
        row.append(hartmann6A[i][j] * (d * d))
      }
      terms.append(hartmann6Alpha[i] * Foundation.exp(-numpySum(row)))
    }
    return -numpySum(terms)
  }

  // MARK: Rosenbrock

  /// Rosenbrock in n ≥ 2 dimensions (the baseline uses 4 on [−5, 10]^4):
  /// Σᵢ 100 (xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²; minimum 0 at (1, …, 1).
  public static func rosenbrock(_ x: [Double]) -> Double {
    var terms: [Double] = []
    for i in 0..<(x.count - 1) {
      let a = x[i + 1] - x[i] * x[i]
      let b = 1.0 - x[i]
      terms.append(100.0 * (a * a) + b * b)
    }
    return numpySum(terms)
  }

  // MARK: Ackley

  /// Ackley with a = 20, b = 0.2, c = 2π (the baseline uses 5 dimensions on [−32.768, 32.768]^5);
  /// minimum 0 at the origin.
  public static func ackley(_ x: [Double]) -> Double {
    let a = 20.0, b = 0.2, c = 2.0 * Double.pi
    let n = Double(x.count)
    let meanSquare = numpySum(x.map { $0 * $0 }) / n
    let meanCos = numpySum(x.map { Foundation.cos(c * $0) }) / n
    return -a * Foundation.exp(-b * meanSquare.squareRoot()) - Foundation.exp(meanCos) + a + M_E
  }

  // MARK: Styblinski–Tang

  /// The argmin of each coordinate: the root of 4x³ − 32x + 5 = 0 near −2.9.
  public static let styblinskiTangXStar = -2.903534027771178
  /// The one-dimensional minimum; the n-dimensional one is n times this.
  public static let styblinskiTang1DOptimum = 0.5
    * (Foundation.pow(styblinskiTangXStar, 4) - 16 * Foundation.pow(styblinskiTangXStar, 2)
      + 5 * styblinskiTangXStar)

  /// Styblinski–Tang in n dimensions on [−5, 5]^n: ½ Σ (xᵢ⁴ − 16 xᵢ² + 5 xᵢ).
  public static func styblinskiTang(_ x: [Double]) -> Double {
    0.5 * numpySum(x.map { Foundation.pow($0, 4) - 16.0 * ($0 * $0) + 5.0 * $0 })
  }

  // MARK: Mixed space

  static let mixedOff0: [String: Double] = ["a": 1.0, "b": 0.0, "c": 2.0]
  static let mixedOff1: [String: Double] = ["x": 0.5, "y": 0.0, "z": 0.3, "w": 1.0]
  static let mixedUTarget: [String: Double] = ["x": 0.2, "y": 0.5, "z": 0.8, "w": 0.5]
  static let mixedVTarget: [String: Double] = ["a": -2.0, "b": 3.0, "c": 0.0]

  /// The baseline's mixed space (2 categorical, 1 int, 2 float), defined for the benchmark:
  /// OFF0[c0] + OFF1[c1] + 0.1 (n − 7)² + 4 (u − U[c1])² + 0.1 (v − V[c0])²; its unique minimum
  /// 0 is at c0 = b, c1 = y, n = 7, u = 0.5, v = 3. Unknown choices give NaN.
  public static func mixed(c0: String, c1: String, n: Int, u: Double, v: Double) -> Double {
    guard let off0 = mixedOff0[c0], let off1 = mixedOff1[c1], let ut = mixedUTarget[c1],
      let vt = mixedVTarget[c0]
    else { return .nan }
    return off0 + off1 + 0.1 * Double((n - 7) * (n - 7)) + 4.0 * Foundation.pow(u - ut, 2)
      + 0.1 * Foundation.pow(v - vt, 2)
  }

  // MARK: ZDT1

  /// ZDT1 on [0, 1]^n (n ≥ 2): f1 = x0, g = 1 + 9 Σ x₁… / (n − 1), f2 = g (1 − √(f1 / g)).
  /// The Pareto front is f2 = 1 − √f1 (g = 1); its hypervolume to (1.1, 11) is 11.7666….
  public static func zdt1(_ x: [Double]) -> (Double, Double) {
    let f1 = x[0]
    let g = 1.0 + 9.0 * numpySum(Array(x.dropFirst())) / Double(x.count - 1)
    let f2 = g * (1.0 - (f1 / g).squareRoot())
    return (f1, f2)
  }

  // MARK: NumPy summation

  /// `numpy.sum` of a contiguous float64 array: pairwise summation with eight accumulators in
  /// blocks of up to 128 elements (NumPy's `pairwise_sum`), so sums match NumPy bit for bit.
  public static func numpySum(_ a: [Double]) -> Double {
    a.withUnsafeBufferPointer { pairwiseSum($0[...]) }
  }

  private static func pairwiseSum(_ a: Slice<UnsafeBufferPointer<Double>>) -> Double {
    let n = a.count
    let s = a.startIndex
    if n < 8 {
      var res = 0.0
      for v in a { res += v }
      return res
    }
    if n <= 128 {
      var r = (0..<8).map { a[s + $0] }
      var i = 8
      while i < n - n % 8 {
        for j in 0..<8 { r[j] += a[s + i + j] }
        i += 8
      }
      var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
      while i < n {
        res += a[s + i]
        i += 1
      }
      return res
    }
    var n2 = n / 2
    n2 -= n2 % 8
    return pairwiseSum(a[s..<(s + n2)]) + pairwiseSum(a[(s + n2)...])
  }
}
