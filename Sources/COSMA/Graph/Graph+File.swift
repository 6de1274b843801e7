import Foundation

/// The `cosma-graph` v1 file as it is on disk (SPEC §2).
private struct GraphFile: Decodable {
  struct Header: Decodable {
    var format: String
    var version: Int
  }
  struct TensorEntry: Decodable {
    var name: String
    var kind: String
    var bytes: JSONNumber
    var shape: [Int]?
    var dtype: String?
    var slice: SliceEntry?
    var partial: PartialEntry?
  }
  struct PartialEntry: Decodable {
    var of: String
    var region: [[Int]]
    var step: Int
    var steps: Int
  }
  struct SliceEntry: Decodable {
    var of: String
    var region: [[Int]]
  }
  struct TileEntry: Decodable {
    var of: String
    var index: Int
    var count: Int
  }
  struct OperatorEntry: Decodable {
    var name: String
    var type: String?
    var inputs: [String]
    var outputs: [String]
    var macs: JSONNumber?
    var attributes: AttributesEntry?
    var tile: TileEntry?
  }
  struct AttributesEntry: Decodable {
    var kernel: [Int]?
    var strides: [Int]?
    var pads: [Int]?
    var dilations: [Int]?
    var groups: Int?
    var ceilMode: Bool?
    var contract: [Int]?
    var axis: Int?
    var heads: Int?
    var kvHeads: Int?
  }
  var name: String?
  var source: String?
  var tensors: [TensorEntry]
  var operators: [OperatorEntry]
}

/// Checks the `format` and `version` fields shared by every COSMA file.
func checkHeader(_ data: Data, file: String, format: String) throws {
  struct Header: Decodable {
    var format: String?
    var version: JSONNumber?
  }
  let header = try decodeJSON(Header.self, from: data, file: file)
  guard let found = header.format else {
    throw InputError(file: file, element: "top level", rule: "missing field 'format'")
  }
  guard found == format else {
    throw InputError(
      file: file, element: "format", rule: "expected '\(format)', got '\(found)'")
  }
  guard let version = header.version else {
    throw InputError(file: file, element: "top level", rule: "missing field 'version'")
  }
  guard version.integer == 1 else {
    throw InputError(
      file: file, element: "version", rule: "version \(version.text) is not supported (only 1)")
  }
}

extension Graph {
  /// Loads and validates a `cosma-graph` v1 file.
  ///
  /// - Throws: ``InputError`` naming the file, the element and the broken rule.
  public init(contentsOf path: String) throws {
    try self.init(jsonData: readFile(path), origin: path)
  }

  /// Parses and validates a `cosma-graph` v1 document.
  public init(jsonData data: Data, origin: String = "graph") throws {
    try checkHeader(data, file: origin, format: "cosma-graph")
    let file = try decodeJSON(GraphFile.self, from: data, file: origin)
    var index: [ExactName: Int] = [:]
    var tensors: [Tensor] = []
    for (i, t) in file.tensors.enumerated() {
      guard let kind = TensorKind(rawValue: t.kind) else {
        throw InputError(
          file: origin, element: "tensor '\(t.name)'",
          rule: "kind must be input, weight, activation or output, got '\(t.kind)'")
      }
      guard let bytes = t.bytes.integer else {
        throw InputError(
          file: origin, element: "tensor '\(t.name)'",
          rule: "bytes must be a positive integer of at most \(Graph.maximumTensorBytes), got \(t.bytes.text)")
      }
      if index[ExactName(t.name)] == nil { index[ExactName(t.name)] = i }
      func region(_ pairs: [[Int]], _ field: String) throws -> [Range<Int>] {
        try pairs.enumerated().map { d, pair in
          guard pair.count == 2, pair[0] <= pair[1] else {
            throw InputError(
              file: origin, element: "tensor '\(t.name)' \(field)",
              rule: "region[\(d)] must be a pair [start, end] with start < end, got \(pair)")
          }
          return pair[0]..<pair[1]
        }
      }
      let slice = try t.slice.map { TensorSlice(of: $0.of, region: try region($0.region, "slice")) }
      let partial = try t.partial.map {
        TensorPartial(of: $0.of, region: try region($0.region, "partial"), step: $0.step, steps: $0.steps)
      }
      tensors.append(
        Tensor(name: t.name, kind: kind, bytes: bytes, shape: t.shape, dtype: t.dtype, slice: slice, partial: partial))
    }
    var operators: [Operator] = []
    for o in file.operators {
      func resolve(_ names: [String], _ role: String) throws -> [TensorID] {
        try names.map { n in
          guard let i = index[ExactName(n)] else {
            throw InputError(
              file: origin, element: "operator '\(o.name)'",
              rule: "\(role) '\(n)' is not a tensor of the graph")
          }
          return TensorID(i)
        }
      }
      var macs: Int?
      if let m = o.macs {
        guard let value = m.integer, value >= 0 else {
          throw InputError(
            file: origin, element: "operator '\(o.name)'",
            rule: "macs must be a non-negative integer, got \(m.text)")
        }
        macs = value
      }
      let attributes = o.attributes.map {
        OperatorAttributes(
          kernel: $0.kernel, strides: $0.strides, pads: $0.pads, dilations: $0.dilations, groups: $0.groups,
          ceilMode: $0.ceilMode, contract: $0.contract, axis: $0.axis, heads: $0.heads, kvHeads: $0.kvHeads)
      }
      operators.append(
        Operator(
          name: o.name, type: o.type ?? "", inputs: try resolve(o.inputs, "input"),
          outputs: try resolve(o.outputs, "output"), macs: macs, attributes: attributes,
          tile: o.tile.map { OperatorTile(of: $0.of, index: $0.index, count: $0.count) }))
    }
    let fallback = (origin as NSString).lastPathComponent.replacingOccurrences(of: ".json", with: "")
    try self.init(
      name: file.name ?? fallback, source: file.source, tensors: tensors, operators: operators,
      origin: origin)
  }

  /// The graph as a `cosma-graph` v1 document.
  public func jsonValue() -> JSONValue {
    var top: [(String, JSONValue)] = [
      ("format", .string("cosma-graph")), ("version", .int(1)), ("name", .string(name)),
    ]
    if let source { top.append(("source", .string(source))) }
    top.append(
      (
        "tensors",
        .array(
          tensors.map { t in
            var f: [(String, JSONValue)] = [
              ("name", .string(t.name)), ("kind", .string(t.kind.rawValue)), ("bytes", .int(t.bytes)),
            ]
            if let s = t.shape { f.append(("shape", .array(s.map { .int($0) }))) }
            if let d = t.dtype { f.append(("dtype", .string(d))) }
            // A part of a tensor: its name and its region, `[start, end]` per dimension.
            func part(_ of: String, _ region: [Range<Int>]) -> [(String, JSONValue)] {
              [("of", .string(of)), ("region", .array(region.map { .array([.int($0.lowerBound), .int($0.upperBound)]) }))]
            }
            if let s = t.slice { f.append(("slice", .object(part(s.of, s.region)))) }
            if let p = t.partial {
              f.append(("partial", .object(part(p.of, p.region) + [("step", .int(p.step)), ("steps", .int(p.steps))])))
            }
            return .object(f)
          })
      ))
    top.append(
      (
        "operators",
        .array(
          operators.map { o in
            var f: [(String, JSONValue)] = [
              ("name", .string(o.name)), ("type", .string(o.type)),
              ("inputs", .array(o.inputs.map { .string(tensors[$0.rawValue].name) })),
              ("outputs", .array(o.outputs.map { .string(tensors[$0.rawValue].name) })),
            ]
            if let m = o.macs { f.append(("macs", .int(m))) }
            if let a = o.attributes, !a.isEmpty {
              var fields: [(String, JSONValue)] = []
              func ints(_ key: String, _ v: [Int]?) { if let v { fields.append((key, .array(v.map { .int($0) }))) } }
              ints("kernel", a.kernel)
              ints("strides", a.strides)
              ints("pads", a.pads)
              ints("dilations", a.dilations)
              if let g = a.groups { fields.append(("groups", .int(g))) }
              if let c = a.ceilMode { fields.append(("ceilMode", .bool(c))) }
              ints("contract", a.contract)
              if let x = a.axis { fields.append(("axis", .int(x))) }
              if let h = a.heads { fields.append(("heads", .int(h))) }
              if let h = a.kvHeads { fields.append(("kvHeads", .int(h))) }
              f.append(("attributes", .object(fields)))
            }
            if let t = o.tile {
              f.append(("tile", .object([("of", .string(t.of)), ("index", .int(t.index)), ("count", .int(t.count))])))
            }
            return .object(f)
          })
      ))
    return .object(top)
  }
}
