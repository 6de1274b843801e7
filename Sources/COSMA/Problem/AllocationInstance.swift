import Foundation

/// An offset allocation instance in MiniMalloc's CSV format (SPEC §7): a header
/// `id,lower,upper,size[,offset]` and one buffer per line, lifetimes half-open `[lower, upper)`.
public struct AllocationInstance: Sendable, Equatable {
  public var buffers: [Buffer]
  /// Offsets given in the file's optional `offset` column, one per buffer, if every row has one.
  public var offsets: [ByteCount]?

  public init(buffers: [Buffer], offsets: [ByteCount]? = nil) {
    self.buffers = buffers
    self.offsets = offsets
  }

  /// Reads a MiniMalloc CSV file.
  public init(contentsOf path: String) throws {
    let data = try readFile(path)
    guard let text = String(data: data, encoding: .utf8) else {
      throw InputError(file: path, element: "", rule: "the file is not UTF-8 text")
    }
    try self.init(csv: text, origin: path)
  }

  /// Parses MiniMalloc CSV text.
  public init(csv text: String, origin: String = "instance") throws {
    var text = text
    let parsed = try text.withUTF8 { try Self.parse($0, origin: origin) }
    self.buffers = parsed.buffers
    self.offsets = parsed.offsets
  }

  /// The parse itself, on the text's bytes: a million rows take half a second, where splitting
  /// and trimming `String`s took five.
  static func parse(_ text: UnsafeBufferPointer<UInt8>, origin: String) throws -> (buffers: [Buffer], offsets: [ByteCount]?) {
    func isNewline(_ c: UInt8) -> Bool { c == 0x0A || c == 0x0D || c == 0x0B || c == 0x0C }
    func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }
    // The non-empty lines, trimmed, as byte ranges.
    var lines: [Range<Int>] = []
    var start = 0
    for i in 0...text.count where i == text.count || isNewline(text[i]) {
      var lo = start
      var hi = i
      while lo < hi && isSpace(text[lo]) { lo += 1 }
      while hi > lo && isSpace(text[hi - 1]) { hi -= 1 }
      if lo < hi { lines.append(lo..<hi) }
      start = i + 1
    }
    func cells(_ line: Range<Int>) -> [Range<Int>] {
      var out: [Range<Int>] = []
      var from = line.lowerBound
      for i in line.lowerBound...line.upperBound where i == line.upperBound || text[i] == 0x2C {
        var lo = from
        var hi = i
        while lo < hi && isSpace(text[lo]) { lo += 1 }
        while hi > lo && isSpace(text[hi - 1]) { hi -= 1 }
        out.append(lo..<hi)
        from = i + 1
      }
      return out
    }
    func integer(_ r: Range<Int>) -> Int? {
      var i = r.lowerBound
      var negative = false
      if i < r.upperBound && (text[i] == 0x2B || text[i] == 0x2D) {
        negative = text[i] == 0x2D
        i += 1
      }
      guard i < r.upperBound else { return nil }
      var v = 0
      while i < r.upperBound {
        let d = Int(text[i]) - 0x30
        guard d >= 0 && d <= 9 else { return nil }
        let (m, o1) = v.multipliedReportingOverflow(by: 10)
        let (a, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
        guard !o1 && !o2 else { return nil }
        v = a
        i += 1
      }
      return v
    }
    guard let header = lines.first else {
      throw InputError(file: origin, element: "", rule: "the file is empty; expected a header id,lower,upper,size[,offset]")
    }
    let columns = cells(header).map { String(decoding: UnsafeBufferPointer(rebasing: text[$0]), as: UTF8.self).lowercased() }
    let required = ["id", "lower", "upper", "size"]
    var index: [String: Int] = [:]
    for name in required + ["offset"] { index[name] = columns.firstIndex(of: name) }
    for name in required where index[name] == nil {
      throw InputError(file: origin, element: "header", rule: "missing column '\(name)' (expected id,lower,upper,size[,offset])")
    }
    let (idColumn, lowerColumn, upperColumn, sizeColumn) = (index["id"]!, index["lower"]!, index["upper"]!, index["size"]!)
    let offsetColumn = index["offset"]
    var buffers: [Buffer] = []
    var offsets: [ByteCount] = []
    buffers.reserveCapacity(lines.count - 1)
    var ids = Set<Int>(minimumCapacity: lines.count - 1)
    for (n, line) in lines.dropFirst().enumerated() {
      let row = cells(line)
      let element = "line \(n + 2)"
      func value(_ name: String, _ column: Int) throws -> Int {
        guard column < row.count, let v = integer(row[column]) else {
          throw InputError(file: origin, element: element, rule: "'\(name)' must be an integer")
        }
        return v
      }
      let id = try value("id", idColumn)
      let lower = try value("lower", lowerColumn)
      let upper = try value("upper", upperColumn)
      let size = try value("size", sizeColumn)
      guard ids.insert(id).inserted else {
        throw InputError(file: origin, element: element, rule: "duplicate id \(id)")
      }
      guard lower >= 0, upper > lower, upper <= 1 << 50 else {
        throw InputError(file: origin, element: element, rule: "the lifetime [\(lower), \(upper)) must be non-empty, non-negative and end by 2^50")
      }
      guard size > 0, size <= Graph.maximumTensorBytes else {
        throw InputError(file: origin, element: element, rule: "size must be a positive integer, not \(size)")
      }
      buffers.append(Buffer(id: id, lower: lower, upper: upper, size: size))
      if let offsetColumn, offsetColumn < row.count, let o = integer(row[offsetColumn]) { offsets.append(o) }
    }
    return (buffers, offsets.count == buffers.count && !buffers.isEmpty ? offsets : nil)
  }

  /// The instance as CSV, with an `offset` column when offsets are given.
  public func csv(offsets: [ByteCount]? = nil) -> String {
    var out = offsets == nil ? "id,lower,upper,size\n" : "id,lower,upper,size,offset\n"
    for (i, b) in buffers.enumerated() {
      out += "\(b.id),\(b.lower),\(b.upper),\(b.size)"
      if let offsets { out += ",\(offsets[i])" }
      out += "\n"
    }
    return out
  }
}
