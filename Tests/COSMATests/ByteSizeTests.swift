import COSMA
import Testing

@Suite struct ByteSizeTests {
  @Test(arguments: [
    ("4096", 4096), ("512KiB", 524_288), ("2MiB", 2_097_152), ("1GiB", 1 << 30), ("64B", 64),
    ("512KB", 524_288), ("512k", 524_288), ("1.5MiB", 1_572_864), (" 2 MiB ", 2_097_152),
    ("1_000", 1000), ("0", 0),
  ])
  func parses(text: String, bytes: Int) {
    #expect(parseByteSize(text) == bytes)
  }

  @Test(arguments: ["", "MiB", "abc", "-5", "1.3B", "12XB", "1e3", "99999999999999999999", "1..2KiB", "2048PiB"])
  func rejects(text: String) {
    #expect(parseByteSize(text) == nil)
  }

  @Test func scratchpadSizes() {
    #expect(ScratchpadSize(parsing: "MR") == .budget(.mr))
    #expect(ScratchpadSize(parsing: "m_h") == .budget(.mh))
    #expect(ScratchpadSize(parsing: "MP") == .budget(.mp))
    #expect(ScratchpadSize(parsing: "2MiB") == .bytes(2_097_152))
    #expect(ScratchpadSize(parsing: "0") == nil)
    #expect(ScratchpadSize(parsing: "MX") == nil)
  }

  @Test func formatting() {
    #expect(formatBytes(802_816) == "802,816 B (784 KiB)")
    #expect(formatBytes(100) == "100 B")
    #expect(groupThousands(-1_234_567) == "-1,234,567")
  }
}
