// Tunes a ridge regression fitted in Swift, in-process: no subprocess, no serialisation.
// The study is stored in ridge.db in Optuna's schema, so `hpotop watch sqlite:///ridge.db`
// (or Python Optuna) can follow it while it runs.
import Foundation
import HPO
import HPOSQLite

/// A noisy cubic, and ridge regression on polynomial features of a chosen degree.
func validationError(degree: Int, alpha: Double) -> Double {
  var rng = SeededRNG(seed: 11)
  let xs = (0..<200).map { _ in rng.uniform(-1, 1) }
  let ys = xs.map { 0.5 * $0 * $0 * $0 - $0 + 0.1 * rng.normal() }
  func features(_ x: Double) -> [Double] { (0...degree).map { pow(x, Double($0)) } }
  let train = 0..<150, valid = 150..<200
  let d = degree + 1
  // Normal equations (XᵀX + αI) w = Xᵀy, solved by Gaussian elimination.
  var a = [[Double]](repeating: [Double](repeating: 0, count: d + 1), count: d)
  for i in train {
    let f = features(xs[i])
    for r in 0..<d {
      for c in 0..<d { a[r][c] += f[r] * f[c] }
      a[r][d] += f[r] * ys[i]
    }
  }
  for r in 0..<d { a[r][r] += alpha }
  for col in 0..<d {
    let pivot = (col..<d).max { abs(a[$0][col]) < abs(a[$1][col]) } ?? col
    a.swapAt(col, pivot)
    for r in 0..<d where r != col {
      let factor = a[r][col] / a[col][col]
      for c in col...d { a[r][c] -= factor * a[col][c] }
    }
  }
  let w = (0..<d).map { a[$0][d] / a[$0][$0] }
  let errors = valid.map { i in zip(features(xs[i]), w).map(*).reduce(0, +) - ys[i] }
  return errors.map { $0 * $0 }.reduce(0, +) / Double(errors.count)
}

let storage = try SQLiteStorage(url: "sqlite:///ridge.db")
let study = try await Study.create(
  name: "ridge", storage: storage, sampler: TPESampler(seed: 1), loadIfExists: true)
try await study.optimize(limits: OptimizeLimits(nTrials: 60, parallelism: 2)) { trial in
  let degree = try await trial.suggestInt("degree", 1, 12)
  let alpha = try await trial.suggestFloat("alpha", 1e-8, 10, log: true)
  return [validationError(degree: degree, alpha: alpha)]
}
if let best = try await study.bestTrial() {
  print("best trial \(best.number): mse \(best.value ?? .nan) with \(pythonDictRepr(best.params))")
}
