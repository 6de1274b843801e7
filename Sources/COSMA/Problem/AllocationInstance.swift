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
    let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
    guard let header = lines.first else {
      throw InputError(file: origin, element: "", rule: "the file is empty; expected a header id,lower,upper,size[,offset]")
    }
    let columns = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    let required = ["id", "lower", "upper", "size"]
    var index: [String: Int] = [:]
    for name in required + ["offset"] { index[name] = columns.firstIndex(of: name) }
    for name in required where index[name] == nil {
      throw InputError(file: origin, element: "header", rule: "missing column '\(name)' (expected id,lower,upper,size[,offset])")
    }
    var buffers: [Buffer] = []
    var offsets: [ByteCount] = []
    var ids = Set<Int>()
    for (n, line) in lines.dropFirst().enumerated() {
      let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      let element = "line \(n + 2)"
      func value(_ name: String) throws -> Int {
        let i = index[name]!
        guard i < cells.count, let v = Int(cells[i]) else {
          throw InputError(file: origin, element: element, rule: "'\(name)' must be an integer")
        }
        return v
      }
      let id = try value("id")
      let lower = try value("lower")
      let upper = try value("upper")
      let size = try value("size")
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
      if index["offset"] != nil, let o = try? value("offset") { offsets.append(o) }
    }
    self.buffers = buffers
    self.offsets = offsets.count == buffers.count && !buffers.isEmpty ? offsets : nil
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
