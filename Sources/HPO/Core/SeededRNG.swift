import Foundation

/// xoshiro256** seeded through SplitMix64: a fast, reproducible generator whose stream depends
/// only on its seed, never on the process (Blackman & Vigna, "Scrambled linear pseudorandom
/// number generators", 2021).
public struct SeededRNG: RandomNumberGenerator, Sendable {
  private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

  public init(seed: UInt64) {
    var sm = seed
    func next() -> UInt64 {
      sm &+= 0x9E37_79B9_7F4A_7C15
      var z = sm
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s0 = next(); s1 = next(); s2 = next(); s3 = next()
  }

  /// A generator for one (seed, trial number, purpose) triple. Samplers draw each trial's values
  /// from their own stream, so a trial's params do not depend on which process sampled it, on how
  /// many trials ran before in this process, or on the other params of a conditional space.
  public init(seed: UInt64, trialNumber: Int, purpose: String) {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a: stable across processes, unlike Hasher
    for b in purpose.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    self.init(seed: seed ^ (UInt64(bitPattern: Int64(trialNumber)) &* 0x9E37_79B9_7F4A_7C15) ^ h)
  }

  public mutating func next() -> UInt64 {
    let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
    let t = s1 << 17
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
    s2 ^= t
    s3 = (s3 << 45) | (s3 >> 19)
    return result
  }

  /// A uniform double in [0, 1).
  public mutating func uniform() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A uniform double in [low, high).
  public mutating func uniform(_ low: Double, _ high: Double) -> Double {
    low + (high - low) * uniform()
  }

  /// A standard normal draw (Box–Muller).
  public mutating func normal() -> Double {
    var u = uniform()
    while u <= .leastNonzeroMagnitude { u = uniform() }
    return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * .pi * uniform())
  }
}
