import Foundation
import SwiftProtobuf

/// How an ONNX model becomes a COSMA graph.
public struct ONNXImportOptions: Sendable {
  /// Bytes per element for every tensor, overriding the ONNX data types (`1` plans an int8
  /// deployment of an fp32 export). `nil`: each tensor's own data type.
  public var elementBytes: Int?
  /// Whether batch normalization and unary activations are fused into the operator that
  /// produces their input, as an accelerator compiler does (default on).
  public var fuseActivations: Bool

  public init(elementBytes: Int? = nil, fuseActivations: Bool = true) {
    self.elementBytes = elementBytes
    self.fuseActivations = fuseActivations
  }
}

extension Graph {
  /// The view operators that move no data: their output is another name for their first input.
  public static let onnxAliasOperators: Set<String> = [
    "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout",
  ]
  /// Operators fused into the operator producing their input, when that input has no other
  /// reader and is not a graph output.
  public static let onnxFusedOperators: Set<String> = [
    "BatchNormalization", "Relu", "Clip", "LeakyRelu", "HardSigmoid", "HardSwish", "Sigmoid",
    "Tanh", "Elu", "Selu", "Gelu", "Softplus", "Mish",
  ]

  /// Reads an ONNX model (a serialized `ModelProto`) as a graph.
  ///
  /// - Initializers and `Constant` nodes become weights; graph inputs that are not initializers
  ///   become inputs; graph outputs become outputs.
  /// - ``onnxAliasOperators`` become aliases, not operators.
  /// - Operators all of whose inputs are weights, and `Shape` (whose result is static), are
  ///   constant-folded: their outputs become weights. Integer constants (int32/int64: axes,
  ///   shapes, pads) are parameters of the operator that reads them, not data it moves.
  /// - With ``ONNXImportOptions/fuseActivations``, ``onnxFusedOperators`` are fused into their
  ///   producer; a fused batch normalization keeps one per-channel tensor (its bias) as the
  ///   producer's bias when the producer has none, its other parameters fold into the weights.
  /// - Weights that no operator reads (shape arguments of removed views, for example) are dropped.
  ///
  /// Tensor sizes come from initializer dims and from the `input`, `output` and `value_info`
  /// types, so the model must have been through ONNX shape inference.
  ///
  /// - Throws: ``InputError`` naming what is malformed or unsupported.
  public init(onnx data: Data, name: String? = nil, options: ONNXImportOptions = .init(), origin: String = "model.onnx") throws {
    var importer = ONNXImporter(origin: origin, options: options)
    self = try importer.run(data, name: name)
  }

  /// Reads a graph from a file: ONNX when the name ends in `.onnx`, the `cosma-graph` JSON format
  /// otherwise.
  public init(contentsOf path: String, onnx options: ONNXImportOptions) throws {
    guard path.lowercased().hasSuffix(".onnx") else {
      try self.init(contentsOf: path)
      return
    }
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw InputError(file: path, element: "file", rule: "cannot be read")
    }
    let base = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    try self.init(onnx: data, name: base, options: options, origin: path)
  }
}

/// One pass over an ONNX graph (see ``Graph/init(onnx:name:options:origin:)``).
private struct ONNXImporter {
  let origin: String
  let options: ONNXImportOptions

  struct Info {
    var dims: [Int]?
    var elementType: Int
  }

  /// The default domain's opset version (what `Softmax`'s `axis` means depends on it).
  var opset = 13
  // Names are compared by their exact scalars, as in the graph format.
  var infos = ExactDictionary<Info>()
  var tensors: [Tensor] = []
  var tensorIndex = ExactDictionary<Int>()
  /// Alias name → the name it stands for.
  var alias = ExactDictionary<String>()
  var operators: [(name: String, type: String, inputs: [Int], outputs: [Int], macs: Int?, attributes: OperatorAttributes?)] = []

  init(origin: String, options: ONNXImportOptions) {
    self.origin = origin
    self.options = options
  }

  func fail(_ element: String, _ rule: String) -> InputError {
    InputError(file: origin, element: element, rule: rule)
  }

  mutating func run(_ data: Data, name: String?) throws -> Graph {
    let model: Onnx_ModelProto
    do {
      model = try Onnx_ModelProto(serializedBytes: data)
    } catch {
      throw fail("file", "is not an ONNX model (the protobuf does not decode: truncated or another format)")
    }
    guard model.hasGraph, !model.graph.node.isEmpty else {
      throw fail("graph", "the model has no graph or its graph has no nodes")
    }
    let g = model.graph
    if let version = model.opsetImport.first(where: { $0.domain.isEmpty || $0.domain == "ai.onnx" })?.version {
      opset = Int(version)
    }
    for v in g.input + g.output + g.valueInfo { record(v) }
    for t in g.initializer {
      infos[t.name] = Info(dims: t.dims.map { Int($0) }, elementType: Int(t.dataType))
    }
    // Weights: initializers, and graph inputs that are also initializers (older exporters).
    for t in g.initializer where !t.name.isEmpty {
      _ = try addTensor(t.name, kind: .weight)
    }
    for v in g.input where tensorIndex[v.name] == nil {
      _ = try addTensor(v.name, kind: .input)
    }
    let outputs = Set(g.output.map(\.name))
    for (k, node) in g.node.enumerated() {
      try visit(node, index: k, graphOutputs: outputs)
    }
    for o in g.output {
      let n = resolve(o.name)
      guard let t = tensorIndex[n] else {
        throw fail("output '\(o.name)'", "no node produces it")
      }
      if tensors[t].kind == .activation { tensors[t].kind = .output }
    }
    if options.fuseActivations { fuse(outputs: Set(g.output.map { resolve($0.name) })) }
    return try assemble(name: name ?? (g.name.isEmpty ? "onnx-model" : g.name), producer: model.producerName)
  }

  mutating func record(_ v: Onnx_ValueInfoProto) {
    guard v.hasType, case .tensorType(let tt)? = v.type.value else { return }
    var dims: [Int]? = nil
    if tt.hasShape {
      var d: [Int] = []
      for dim in tt.shape.dim {
        guard case .dimValue(let n)? = dim.value, n >= 0 else {
          d = []
          dims = nil
          break
        }
        d.append(Int(n))
      }
      if !d.isEmpty || tt.shape.dim.isEmpty { dims = d }
    }
    infos[v.name] = Info(dims: dims, elementType: Int(tt.elemType))
  }

  func resolve(_ name: String) -> String {
    var n = name
    while let a = alias[n] { n = a }
    return n
  }

  static func bytesPerElement(_ type: Int) -> Int? {
    switch Onnx_TensorProto.DataType(rawValue: type) {
    case .float?, .int32?, .uint32?: 4
    case .double?, .int64?, .uint64?, .complex64?: 8
    case .complex128?: 16
    case .float16?, .bfloat16?, .int16?, .uint16?: 2
    case .int8?, .uint8?, .bool?, .float8E4M3Fn?, .float8E4M3Fnuz?, .float8E5M2?, .float8E5M2Fnuz?: 1
    default: nil
    }
  }

  /// Creates the tensor for an ONNX name from its recorded type and shape.
  mutating func addTensor(_ name: String, kind: TensorKind) throws -> Int {
    if let t = tensorIndex[name] { return t }
    guard let info = infos[name] else {
      throw fail("tensor '\(name)'", "has no type or shape (run ONNX shape inference on the model first)")
    }
    guard let dims = info.dims else {
      throw fail("tensor '\(name)'", "has no static shape (a symbolic or unknown dimension); export with fixed sizes")
    }
    let elementBytes: Int
    if let forced = options.elementBytes {
      elementBytes = forced
    } else if let b = Self.bytesPerElement(info.elementType) {
      elementBytes = b
    } else {
      throw fail("tensor '\(name)'", "has data type \(info.elementType), which has no fixed element size")
    }
    guard let elements = checkedProduct(dims), let bytes = checkedProduct([elements, elementBytes]) else {
      throw fail("tensor '\(name)'", "shape \(dims) has a negative dimension or more than 2^50 bytes")
    }
    let typeName = Onnx_TensorProto.DataType(rawValue: info.elementType).map { "\($0)" } ?? "type\(info.elementType)"
    let tensor = Tensor(
      name: name, kind: kind, bytes: max(1, bytes), shape: dims,
      dtype: options.elementBytes.map { "\($0)-byte" } ?? typeName)
    tensors.append(tensor)
    tensorIndex[name] = tensors.count - 1
    if kind == .weight, [Onnx_TensorProto.DataType.int64.rawValue, Onnx_TensorProto.DataType.int32.rawValue].contains(info.elementType) {
      integerConstants.insert(tensors.count - 1)
    }
    return tensors.count - 1
  }

  mutating func visit(_ node: Onnx_NodeProto, index k: Int, graphOutputs: Set<String>) throws {
    let label = node.name.isEmpty ? "node #\(k) (\(node.opType))" : "node '\(node.name)'"
    let inputs = node.input.filter { !$0.isEmpty }.map(resolve)
    let outs = node.output.filter { !$0.isEmpty }
    if outs.isEmpty { throw fail(label, "has no outputs") }
    for i in inputs where tensorIndex[i] == nil {
      throw fail(label, "reads '\(i)', which is not a graph input, an initializer or an earlier node's output")
    }
    if node.opType == "Constant" {
      if let t = node.attribute.first(where: { $0.name == "value" && $0.hasT })?.t, infos[outs[0]] == nil {
        infos[outs[0]] = Info(dims: t.dims.map { Int($0) }, elementType: Int(t.dataType))
      }
      _ = try addTensor(outs[0], kind: .weight)
      return
    }
    if Graph.onnxAliasOperators.contains(node.opType), let first = inputs.first {
      alias[outs[0]] = first
      return
    }
    let allWeights = inputs.allSatisfy { tensors[tensorIndex[$0]!].kind == .weight }
    if node.opType == "Shape" || allWeights {
      // Static: folded into a constant, as a compiler does.
      for o in outs { _ = try addTensor(o, kind: .weight) }
      return
    }
    var outputIDs: [Int] = []
    for o in outs { outputIDs.append(try addTensor(o, kind: .activation)) }
    // Integer constants (axes, shapes, pads, split sizes) are operator parameters, not data.
    let ins = inputs.map { tensorIndex[$0]! }.filter { !(tensors[$0].kind == .weight && integerConstants.contains($0)) }
    operators.append((uniqueName(node.name.isEmpty ? "\(node.opType)_\(k)" : node.name), node.opType, ins, outputIDs,
                      macs(node.opType, inputs: ins, outputs: outputIDs),
                      try attributes(node, label: label, inputs: ins)))
  }

  var usedNames: Set<ExactName> = []
  /// Weights of an integer type: parameters such as axes and shapes.
  var integerConstants: Set<Int> = []

  mutating func uniqueName(_ base: String) -> String {
    var name = base
    var k = 1
    while !usedNames.insert(ExactName(name)).inserted {
      name = "\(base)_\(k)"
      k += 1
    }
    return name
  }

  /// The window of a convolution or a pooling and the contraction of a matrix product, from the
  /// node's attributes (ONNX's defaults where absent; `auto_pad` resolved from the shapes).
  func attributes(_ node: Onnx_NodeProto, label: String, inputs: [Int]) throws -> OperatorAttributes? {
    func ints(_ name: String) -> [Int]? {
      node.attribute.first { $0.name == name }.map { $0.ints.map { Int($0) } }
    }
    func int(_ name: String) -> Int? { node.attribute.first { $0.name == name && $0.hasI }.map { Int($0.i) } }
    let x = inputs.first.flatMap { tensors[$0].shape }
    switch node.opType {
    case "Conv", "MaxPool", "AveragePool", "LpPool":
      var kernel = ints("kernel_shape")
      if kernel == nil || kernel!.isEmpty, node.opType == "Conv", inputs.count >= 2, let w = tensors[inputs[1]].shape, w.count > 2 {
        kernel = Array(w[2...])
      }
      guard let kernel, !kernel.isEmpty else { return nil }
      let n = kernel.count
      var a = OperatorAttributes(kernel: kernel)
      a.strides = ints("strides").flatMap { $0.isEmpty ? nil : $0 } ?? Array(repeating: 1, count: n)
      a.dilations = ints("dilations").flatMap { $0.isEmpty ? nil : $0 } ?? Array(repeating: 1, count: n)
      a.pads = ints("pads").flatMap { $0.isEmpty ? nil : $0 } ?? Array(repeating: 0, count: 2 * n)
      if node.opType == "Conv" { a.groups = int("group") ?? 1 }
      if let c = int("ceil_mode") { a.ceilMode = c != 0 }
      let autoPad = node.attribute.first { $0.name == "auto_pad" }.map { String(decoding: $0.s, as: UTF8.self) } ?? "NOTSET"
      if autoPad == "VALID" {
        a.pads = Array(repeating: 0, count: 2 * n)
      } else if autoPad.hasPrefix("SAME") {
        guard let x, x.count == n + 2 else { throw fail(label, "auto_pad \(autoPad) needs the input's shape") }
        var pads = Array(repeating: 0, count: 2 * n)
        for i in 0..<n {
          let s = a.strides![i]
          let total = max(0, ((x[2 + i] + s - 1) / s - 1) * s + a.dilations![i] * (kernel[i] - 1) + 1 - x[2 + i])
          let small = total / 2
          pads[i] = autoPad == "SAME_UPPER" ? small : total - small
          pads[n + i] = total - pads[i]
        }
        a.pads = pads
      }
      return a
    case "MatMul":
      guard inputs.count >= 2, let ra = tensors[inputs[0]].shape?.count, let rb = tensors[inputs[1]].shape?.count,
        ra >= 1, rb >= 1
      else { return nil }
      return OperatorAttributes(contract: [ra - 1, rb == 1 ? 0 : rb - 2])
    case "Gemm":
      return OperatorAttributes(contract: [int("transA") == 1 ? 0 : 1, int("transB") == 1 ? 1 : 0])
    case "Softmax", "LogSoftmax":
      // From opset 13 one axis (default the last); before, every axis from `axis` on, which is
      // one axis only when it is the last.
      guard let rank = x?.count, rank >= 1 else { return nil }
      let given = int("axis")
      let axis = given.map { $0 < 0 ? $0 + rank : $0 } ?? (opset >= 13 ? rank - 1 : min(1, rank - 1))
      guard axis >= 0, axis < rank, opset >= 13 || axis == rank - 1 else { return nil }
      return OperatorAttributes(axis: axis)
    default:
      return nil
    }
  }

  /// Multiply-accumulates of the compute-heavy operators, from shapes.
  func macs(_ type: String, inputs: [Int], outputs: [Int]) -> Int? {
    guard let out = outputs.first, let outShape = tensors[out].shape else { return nil }
    // Products beyond 2^50 are not believable MAC counts: left unknown.
    guard let outElements = checkedProduct(outShape) else { return nil }
    switch type {
    case "Conv", "ConvTranspose":
      guard inputs.count >= 2, let w = tensors[inputs[1]].shape, w.count >= 2 else { return nil }
      let perOutput = type == "Conv" ? checkedProduct(w.dropFirst()) : checkedProduct([w[0]] + w.dropFirst(2))
      return perOutput.flatMap { checkedProduct([outElements, $0]) }
    case "MatMul":
      guard let a = tensors[inputs[0]].shape, let k = a.last else { return nil }
      return checkedProduct([outElements, k])
    case "Gemm":
      // A is M×K or K×M; the output is M×N.
      guard let a = tensors[inputs[0]].shape, let m = outShape.first, m > 0, let size = checkedProduct(a) else { return nil }
      return checkedProduct([outElements, size / m])
    default:
      return nil
    }
  }

  /// Fuses batch normalization and unary activations into their producer.
  mutating func fuse(outputs: Set<String>) {
    var readers = [Int](repeating: 0, count: tensors.count)
    for op in operators { for t in Set(op.inputs) { readers[t] += 1 } }
    var removed = Set<Int>()
    var producerOf: [Int: Int] = [:]
    for (k, op) in operators.enumerated() { for t in op.outputs { producerOf[t] = k } }
    for (k, op) in operators.enumerated() where Graph.onnxFusedOperators.contains(op.type) {
      guard let x = op.inputs.first, let p = producerOf[x], !removed.contains(p), operators[p].outputs.count == 1,
        readers[x] == 1, tensors[x].kind == .activation, op.outputs.count == 1
      else { continue }
      var producer = operators[p]
      producer.outputs = op.outputs
      // A fused batch normalization leaves a per-channel bias behind when the producer had none.
      if op.type == "BatchNormalization", op.inputs.count >= 3, ["Conv", "ConvTranspose", "Gemm"].contains(producer.type),
        producer.inputs.count == 2
      {
        producer.inputs.append(op.inputs[2])
      }
      producerOf[op.outputs[0]] = p
      operators[p] = producer
      removed.insert(k)
      tensors[x].kind = .activation
    }
    operators = operators.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
  }

  func assemble(name: String, producer: String) throws -> Graph {
    // Keep only tensors something uses: dropped views, folded shapes and fused tensors vanish.
    var used = Set<Int>()
    for op in operators { used.formUnion(op.inputs); used.formUnion(op.outputs) }
    for (i, t) in tensors.enumerated() where t.kind == .output || t.kind == .input { used.insert(i) }
    var newIndex: [Int: Int] = [:]
    var kept: [Tensor] = []
    for (i, t) in tensors.enumerated() where used.contains(i) {
      newIndex[i] = kept.count
      kept.append(t)
    }
    let ops = operators.map {
      Operator(
        name: $0.name, type: $0.type, inputs: $0.inputs.map { TensorID(newIndex[$0]!) },
        outputs: $0.outputs.map { TensorID(newIndex[$0]!) }, macs: $0.macs, attributes: $0.attributes)
    }
    if ops.isEmpty { throw fail("graph", "nothing is left to schedule once views and constants are folded") }
    return try Graph(
      name: name, source: producer.isEmpty ? "ONNX" : "ONNX (\(producer))", tensors: kept, operators: ops,
      origin: origin)
  }
}
