/// A terminal colour: the terminal default, one of the 16 ANSI colours, an xterm-256 index or RGB.
///
/// Backends that cannot show the exact colour map it down with `nearestIndexed256` and
/// `nearestANSI8` (the xterm 6×6×6 cube plus the 24-step grey ramp, as tmux's `colour_find_rgb`).
public enum Color: Hashable, Sendable {
  /// The terminal's own default foreground or background.
  case reset
  case black, red, green, yellow, blue, magenta, cyan, white
  case brightBlack, brightRed, brightGreen, brightYellow
  case brightBlue, brightMagenta, brightCyan, brightWhite
  /// An xterm-256 palette index (0–15 are the ANSI colours, 16–231 the cube, 232–255 greys).
  case indexed(UInt8)
  /// A 24-bit colour.
  case rgb(UInt8, UInt8, UInt8)

  /// The 16 named colours in ANSI order (index 0–15).
  public static let ansi16: [Color] = [
    .black, .red, .green, .yellow, .blue, .magenta, .cyan, .white,
    .brightBlack, .brightRed, .brightGreen, .brightYellow,
    .brightBlue, .brightMagenta, .brightCyan, .brightWhite,
  ]

  /// xterm's default RGB values for palette entries 0–15.
  static let ansiRGB: [(Int, Int, Int)] = [
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
    (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
    (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
  ]

  /// The six channel levels of the xterm 6×6×6 colour cube.
  static let cubeLevels = [0, 95, 135, 175, 215, 255]

  /// Parses `#RRGGBB` (or `RRGGBB`, or `#RGB`); nil when malformed.
  public init?(hex: String) {
    var s = Substring(hex.trimmingWhitespace())
    if s.hasPrefix("#") { s = s.dropFirst() }
    if s.count == 3 { s = Substring(s.map { "\($0)\($0)" }.joined()) }
    guard s.count == 6, let v = UInt32(s, radix: 16) else { return nil }
    self = .rgb(UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
  }

  /// The ANSI index 0–15 of a named colour, nil for other cases.
  public var ansiIndex: Int? {
    switch self {
    case .black: 0
    case .red: 1
    case .green: 2
    case .yellow: 3
    case .blue: 4
    case .magenta: 5
    case .cyan: 6
    case .white: 7
    case .brightBlack: 8
    case .brightRed: 9
    case .brightGreen: 10
    case .brightYellow: 11
    case .brightBlue: 12
    case .brightMagenta: 13
    case .brightCyan: 14
    case .brightWhite: 15
    case .reset, .indexed, .rgb: nil
    }
  }

  /// The RGB value this colour shows on a default xterm; nil for `.reset`.
  public var rgbComponents: (r: Int, g: Int, b: Int)? {
    switch self {
    case .reset: return nil
    case .rgb(let r, let g, let b): return (Int(r), Int(g), Int(b))
    case .indexed(let i): return Color.rgbOfIndex(Int(i))
    default:
      guard let i = ansiIndex else { return nil }
      return Color.rgbOfIndex(i)
    }
  }

  /// `#rrggbb` for colours with an RGB value, "default" for `.reset`.
  public var hexString: String {
    guard let c = rgbComponents else { return "default" }
    func h(_ v: Int) -> String {
      let s = String(v, radix: 16)
      return s.count == 1 ? "0" + s : s
    }
    return "#" + h(c.r) + h(c.g) + h(c.b)
  }

  static func rgbOfIndex(_ i: Int) -> (r: Int, g: Int, b: Int) {
    if i < 16 {
      let c = ansiRGB[max(0, i)]
      return (c.0, c.1, c.2)
    }
    if i < 232 {
      let n = i - 16
      return (cubeLevels[n / 36], cubeLevels[(n / 6) % 6], cubeLevels[n % 6])
    }
    let g = 8 + 10 * (i - 232)
    return (g, g, g)
  }

  /// The xterm-256 index this colour maps to; nil for `.reset`.
  ///
  /// Named and indexed colours keep their index; RGB goes to the nearer of the closest cube
  /// entry and the closest grey-ramp entry (squared RGB distance).
  public var nearestIndexed256: UInt8? {
    switch self {
    case .reset: return nil
    case .indexed(let i): return i
    case .rgb(let r, let g, let b): return Color.nearest256(Int(r), Int(g), Int(b))
    default: return ansiIndex.map { UInt8($0) }
    }
  }

  /// The nearest of the 8 basic colours (0 black … 7 white); nil for `.reset`.
  ///
  /// Bright named colours and indexes 8–15 fold onto their base colour.
  public var nearestANSI8: Int? {
    switch self {
    case .reset: return nil
    case .indexed(let i) where i < 16: return Int(i) % 8
    case .indexed, .rgb:
      guard let c = rgbComponents else { return nil }
      return Color.nearest8(c.r, c.g, c.b)
    default: return ansiIndex.map { $0 % 8 }
    }
  }

  static func distance2(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
    let dr = a.0 - b.0
    let dg = a.1 - b.1
    let db = a.2 - b.2
    return dr * dr + dg * dg + db * db
  }

  static func nearest256(_ r: Int, _ g: Int, _ b: Int) -> UInt8 {
    func cubeStep(_ v: Int) -> Int {
      if v < 48 { return 0 }
      if v < 115 { return 1 }
      return (v - 35) / 40
    }
    let (qr, qg, qb) = (cubeStep(r), cubeStep(g), cubeStep(b))
    let cube = (cubeLevels[qr], cubeLevels[qg], cubeLevels[qb])
    let cubeIndex = 16 + 36 * qr + 6 * qg + qb
    if cube == (r, g, b) { return UInt8(cubeIndex) }
    let average = (r + g + b) / 3
    let greyStep = average > 238 ? 23 : max(0, (average - 3) / 10)
    let grey = 8 + 10 * greyStep
    let dCube = distance2((r, g, b), cube)
    let dGrey = distance2((r, g, b), (grey, grey, grey))
    return dGrey < dCube ? UInt8(232 + greyStep) : UInt8(cubeIndex)
  }

  static func nearest8(_ r: Int, _ g: Int, _ b: Int) -> Int {
    var best = 0
    var bestD = Int.max
    for i in 0..<8 {
      let d = distance2((r, g, b), ansiRGB[i])
      if d < bestD {
        bestD = d
        best = i
      }
    }
    return best
  }
}

extension String {
  func trimmingWhitespace() -> String {
    let scalars = unicodeScalars
    guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
      let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return "" }
    return String(scalars[start...end])
  }
}
