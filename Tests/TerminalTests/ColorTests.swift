import Testing

@testable import Terminal

@Suite struct ColorTests {
  @Test func hexParsing() {
    #expect(Color(hex: "#ff8000") == .rgb(255, 128, 0))
    #expect(Color(hex: "00FF00") == .rgb(0, 255, 0))
    #expect(Color(hex: " #abc ") == .rgb(0xAA, 0xBB, 0xCC))
    #expect(Color(hex: "#12345") == nil)
    #expect(Color(hex: "#gg0000") == nil)
    #expect(Color.rgb(1, 2, 255).hexString == "#0102ff")
  }

  @Test func rgbToNearest256() {
    #expect(Color.rgb(255, 0, 0).nearestIndexed256 == 196)
    #expect(Color.rgb(0, 255, 0).nearestIndexed256 == 46)
    #expect(Color.rgb(0, 0, 0).nearestIndexed256 == 16)
    #expect(Color.rgb(255, 255, 255).nearestIndexed256 == 231)
    #expect(Color.rgb(95, 135, 175).nearestIndexed256 == 67)  // exact cube entry
    #expect(Color.rgb(128, 128, 128).nearestIndexed256 == 244)  // grey ramp 8+10*12
    #expect(Color.rgb(250, 128, 10).nearestIndexed256 == 208)
    #expect(Color.red.nearestIndexed256 == 1)
    #expect(Color.indexed(99).nearestIndexed256 == 99)
    #expect(Color.reset.nearestIndexed256 == nil)
  }

  @Test func everyIndexMapsBackToItself() {
    // Cube and grey entries round-trip through their RGB value.
    for i in 16...255 {
      guard let rgb = Color.indexed(UInt8(i)).rgbComponents else {
        Issue.record("no rgb for \(i)")
        continue
      }
      let back = Color.rgb(UInt8(rgb.r), UInt8(rgb.g), UInt8(rgb.b)).nearestIndexed256
      let backRGB = back.flatMap { Color.indexed($0).rgbComponents }
      #expect(backRGB.map { [$0.r, $0.g, $0.b] } == [rgb.r, rgb.g, rgb.b], "index \(i)")
    }
  }

  @Test func rgbTo8() {
    #expect(Color.rgb(255, 0, 0).nearestANSI8 == 1)
    #expect(Color.rgb(20, 20, 20).nearestANSI8 == 0)
    #expect(Color.rgb(255, 165, 0).nearestANSI8 == 3)  // orange → yellow
    #expect(Color.rgb(30, 60, 230).nearestANSI8 == 4)
    #expect(Color.rgb(240, 240, 240).nearestANSI8 == 7)
    #expect(Color.brightCyan.nearestANSI8 == 6)
    #expect(Color.indexed(9).nearestANSI8 == 1)
    #expect(Color.indexed(46).nearestANSI8 == 2)
    #expect(Color.reset.nearestANSI8 == nil)
  }

  @Test func rgbThrough256To8() {
    // The chain a backend uses: RGB → 256 for colour terminals, → 8 for basic ones.
    let c = Color(hex: "#d70000")
    #expect(c?.nearestIndexed256 == 160)
    #expect(c.flatMap { Color.indexed($0.nearestIndexed256 ?? 0).nearestANSI8 } == 1)
  }
}
