import Foundation

/// A minimal SVG document builder: a plot area with linear or log axes, ticks and labels,
/// and the marks the plot kinds need. Output is plain SVG 1.1 text that browsers, notebooks
/// and report tools display as it is.
public struct SVGCanvas {
  public let width: Double
  public let height: Double
  /// The plot area inside the margins.
  public let left: Double, top: Double, right: Double, bottom: Double
  private var body: [String] = []

  public init(width: Double = 800, height: Double = 500, title: String) {
    self.width = width
    self.height = height
    left = 80
    top = 50
    right = width - 30
    bottom = height - 60
    body.append(text(title, x: width / 2, y: 28, size: 18, anchor: "middle", weight: "bold"))
  }

  /// The finished document.
  public var document: String {
    """
    <svg xmlns="http://www.w3.org/2000/svg" width="\(fmt(width))" height="\(fmt(height))" viewBox="0 0 \(fmt(width)) \(fmt(height))" font-family="sans-serif">
    <rect width="100%" height="100%" fill="white"/>
    \(body.joined(separator: "\n"))
    </svg>

    """
  }

  public mutating func add(_ element: String) { body.append(element) }

  // MARK: Scales

  /// Maps a data range onto a pixel range, linearly or in log10.
  public struct Scale {
    public var low: Double, high: Double, from: Double, to: Double, log: Bool

    public func callAsFunction(_ v: Double) -> Double {
      let (a, b, x) = log ? (Foundation.log10(low), Foundation.log10(high), Foundation.log10(max(v, .leastNormalMagnitude)))
        : (low, high, v)
      let t = b > a ? (x - a) / (b - a) : 0.5
      return from + t * (to - from)
    }
  }

  public func xScale(_ low: Double, _ high: Double, log: Bool = false) -> Scale {
    let (l, h) = Self.padded(low, high, log: log)
    return Scale(low: l, high: h, from: left, to: right, log: log)
  }

  public func yScale(_ low: Double, _ high: Double, log: Bool = false) -> Scale {
    let (l, h) = Self.padded(low, high, log: log)
    return Scale(low: l, high: h, from: bottom, to: top, log: log)
  }

  static func padded(_ low: Double, _ high: Double, log: Bool) -> (Double, Double) {
    guard low.isFinite, high.isFinite else { return (0, 1) }
    if log { return (low > 0 ? low : 1e-12, high > low ? high : low * 10) }
    if high > low { let pad = (high - low) * 0.04; return (low - pad, high + pad) }
    return (low - 0.5, high + 0.5)
  }

  // MARK: Axes

  /// The frame, ticks and labels of both axes.
  /// `xExponent`/`yExponent`: the coordinates are log10 of the values (a log-scaled param), so
  /// ticks sit on powers of ten and are labelled with the values.
  public mutating func axes(
    x: Scale, y: Scale, xLabel: String, yLabel: String, xCategories: [String]? = nil, xExponent: Bool = false,
    yExponent: Bool = false
  ) {
    add(##"<rect x="\##(fmt(left))" y="\##(fmt(top))" width="\##(fmt(right - left))" height="\##(fmt(bottom - top))" fill="none" stroke="#444"/>"##)
    if let cats = xCategories {
      for (i, c) in cats.enumerated() {
        add(text(c, x: x(Double(i)), y: bottom + 18, size: 11, anchor: "middle"))
      }
    } else {
      for t in Self.ticks(x.low, x.high, log: x.log, exponent: xExponent) {
        let px = x(t)
        add(##"<line x1="\##(fmt(px))" y1="\##(fmt(bottom))" x2="\##(fmt(px))" y2="\##(fmt(bottom + 5))" stroke="#444"/>"##)
        add(text(Self.label(t, exponent: xExponent), x: px, y: bottom + 18, size: 11, anchor: "middle"))
      }
    }
    for t in Self.ticks(y.low, y.high, log: y.log, exponent: yExponent) {
      let py = y(t)
      add(##"<line x1="\##(fmt(left - 5))" y1="\##(fmt(py))" x2="\##(fmt(left))" y2="\##(fmt(py))" stroke="#444"/>"##)
      add(##"<line x1="\##(fmt(left))" y1="\##(fmt(py))" x2="\##(fmt(right))" y2="\##(fmt(py))" stroke="#eee"/>"##)
      add(text(Self.label(t, exponent: yExponent), x: left - 8, y: py + 4, size: 11, anchor: "end"))
    }
    add(text(xLabel, x: (left + right) / 2, y: height - 18, size: 13, anchor: "middle"))
    add(##"<text x="18" y="\##(fmt((top + bottom) / 2))" font-size="13" text-anchor="middle" transform="rotate(-90 18 \##(fmt((top + bottom) / 2)))">\##(escape(yLabel))</text>"##)
  }

  /// About five round tick values inside [low, high] (powers of ten on a log axis).
  public static func ticks(_ low: Double, _ high: Double, log: Bool, exponent: Bool = false) -> [Double] {
    guard low.isFinite, high.isFinite, high > low else { return [low] }
    if exponent {
      let a = Int(low.rounded(.up)), b = Int(high.rounded(.down))
      if b - a >= 1 { return (a...b).map(Double.init) }
    }
    if log {
      let a = Int(Foundation.log10(low).rounded(.up)), b = Int(Foundation.log10(high).rounded(.down))
      return a <= b ? (a...b).map { Foundation.pow(10, Double($0)) } : [low, high]
    }
    let raw = (high - low) / 5
    let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
    var t = (low / step).rounded(.up) * step
    var out: [Double] = []
    while t <= high + step * 1e-9 && out.count < 20 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
    return out
  }

  static func label(_ v: Double, exponent: Bool = false) -> String {
    formatAxis(exponent ? Foundation.pow(10, v) : v)
  }

  // MARK: Marks

  public mutating func circle(_ x: Double, _ y: Double, r: Double = 3.5, fill: String, opacity: Double = 1, title: String? = nil) {
    let tip = title.map { "<title>\(escape($0))</title>" } ?? ""
    add(##"<circle cx="\##(fmt(x))" cy="\##(fmt(y))" r="\##(fmt(r))" fill="\##(fill)" fill-opacity="\##(fmt(opacity))">\##(tip)</circle>"##)
  }

  public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5, opacity: Double = 1) {
    guard points.count > 1 else { return }
    let p = points.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ")
    add(##"<polyline points="\##(p)" fill="none" stroke="\##(stroke)" stroke-width="\##(fmt(width))" stroke-opacity="\##(fmt(opacity))"/>"##)
  }

  public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, opacity: Double = 1) {
    add(##"<rect x="\##(fmt(x))" y="\##(fmt(y))" width="\##(fmt(max(0, width)))" height="\##(fmt(max(0, height)))" fill="\##(fill)" fill-opacity="\##(fmt(opacity))"/>"##)
  }

  public func text(_ s: String, x: Double, y: Double, size: Double = 12, anchor: String = "start", weight: String = "normal")
    -> String
  {
    ##"<text x="\##(fmt(x))" y="\##(fmt(y))" font-size="\##(fmt(size))" text-anchor="\##(anchor)" font-weight="\##(weight)">\##(escape(s))</text>"##
  }

  // MARK: Colours

  /// A colour on a blue → green → yellow gradient (viridis-like) for t in [0, 1].
  public static func gradient(_ t: Double) -> String {
    let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
    let x = min(max(t.isFinite ? t : 0, 0), 1) * Double(stops.count - 1)
    let i = min(Int(x), stops.count - 2), f = x - Double(i)
    let (a, b) = (stops[i], stops[i + 1])
    return String(format: "#%02x%02x%02x", Int(a.0 + (b.0 - a.0) * f), Int(a.1 + (b.1 - a.1) * f), Int(a.2 + (b.2 - a.2) * f))
  }
}

func fmt(_ v: Double) -> String {
  guard v.isFinite else { return "0" }
  return String(format: "%.2f", v).replacingOccurrences(of: ".00", with: "")
}

func escape(_ s: String) -> String {
  s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}

/// A short axis label: up to 4 significant digits.
func formatAxis(_ v: Double) -> String {
  if v == 0 { return "0" }
  if abs(v) >= 1e5 || abs(v) < 1e-3 { return String(format: "%.2g", v) }
  var s = String(format: "%.4g", v)
  if s.contains(".") && !s.contains("e") {
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
  }
  return s
}
